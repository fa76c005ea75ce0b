// What a recipe is: data about one agent (where it lives, how to find it, what it reads) plus a
// pure `plan` that turns (profile, environment) into file intents. No recipe performs I/O.
import { z } from 'zod';
import type { Environment } from './environment.js';
import type { Profile } from './profile.js';
import type { EditOp, KeyPath, ManagedBlock, StructuredFormat } from '../formats/types.js';

/** The wire protocol an agent speaks to its endpoint. */
export type Protocol = 'anthropic-messages' | 'openai-chat' | 'openai-responses' | 'gemini';

/**
 * What a model setting of an agent is for. `main` is the model the user talks to; the others are
 * the agent's secondary models: a cheaper one for background work (`small`: titles, commit
 * messages, summaries), `editor` (Aider's architect mode), `subagent`, `fallback`, `planner`,
 * `lead`/`worker` (Goose's lead/worker mode), and the editor-extension roles.
 */
export const SlotRoleSchema = z.enum(['main', 'small', 'editor', 'subagent', 'fallback', 'planner', 'lead', 'worker', 'autocomplete', 'embed', 'rerank']);
export type SlotRole = z.infer<typeof SlotRoleSchema>;

/**
 * One model setting of an agent, as data: `recipes --json` lists them, the README's "What goes
 * through the gateway" is written from them, and a test checks every recipe against this schema.
 */
export const ModelSlotSchema = z
  .object({
    role: SlotRoleSchema,
    /** The agent's own names for the setting, exactly as the user writes them (`weak-model`, `env.ANTHROPIC_DEFAULT_HAIKU_MODEL`). */
    keys: z.array(z.string().min(1)).min(1),
    /** Whether the agent can send this slot's requests to a custom endpoint such as the gateway. */
    routable: z.boolean(),
    /** What setup-gateway writes there: the main model, the small one, or nothing (left as it is, or not routable). */
    writes: z.enum(['main', 'small', 'none']),
    /** Why, when it is not obvious (a slot left alone, one that cannot be routed). */
    note: z.string().min(1).optional(),
  })
  .strict()
  .refine((s) => s.routable || s.writes === 'none', { message: 'a slot that cannot be routed cannot be written' });
export type ModelSlot = z.infer<typeof ModelSlotSchema>;

/** Where an agent sends data that is not a model request (usage metrics, error reports, updates), and how to turn it off. */
export const TelemetrySchema = z
  .object({
    /** Hosts contacted with the defaults, seen by the e2e suite's recording proxy where the agent runs here. */
    hosts: z.array(z.string().min(1)).min(1),
    /** The agent's own switch that stops it, exactly as set. */
    off: z.string().min(1),
  })
  .strict();
export type Telemetry = z.infer<typeof TelemetrySchema>;

/**
 * One entry of a list the user also edits (one model among theirs): the object in the array at
 * `list` whose `match.key` is `match.value`, or the member `key` of the object at `map`.
 */
export type ListEntry = { list: KeyPath; match: { key: string; value: string } } | { map: KeyPath; key: string };

/**
 * An edit as a recipe plans it. `consent`: it changes something the user put there on purpose,
 * so it is asked about before it is applied. `adds`: it adds (or refreshes) that list entry; an
 * entry it created is ours (the journal remembers it), and a later apply that names another
 * entry takes ours out again, so switching gateways and back leaves the same bytes, while an
 * entry the user had before stays. `slot`: the edit routes one of the agent's model slots;
 * `elsewhere` says where that slot sends its requests now, when not to the gateway (read from
 * the file): doctor reports an edit with both as a leak, and `use --vendor` leaves an edit with
 * `elsewhere` alone (the setting is the user's, not ours to take out).
 */
export type PlannedOp = EditOp & { consent?: string; adds?: ListEntry; slot?: SlotRole; elsewhere?: string };

export type FileIntent =
  | {
      kind: 'structured';
      /** The file to edit, created when absent. */
      path: string;
      /** Files the agent reads instead when they exist (e.g. a legacy name): the first existing one wins over `path`. */
      preferExisting?: readonly string[];
      /** Only edit the file when it already exists (e.g. the settings of an editor the user may not have). */
      onlyIfExists?: boolean;
      /**
       * Leave this file alone when any of these exists (e.g. a legacy file in another format is
       * only edited while the current one is absent; another intent covers the current one).
       */
      unlessExists?: readonly string[];
      format: StructuredFormat;
      ops: readonly PlannedOp[];
      /** The file will contain the key: written 0600. */
      holdsSecret: boolean;
      /** One line for `recipes` and the plan: why this file. */
      purpose: string;
    }
  | {
      kind: 'block';
      path: string;
      /**
       * Files the shell reads instead when they exist, in its own order (bash's login chain
       * `.bash_profile`, `.bash_login`, `.profile`): the first existing one is edited; `path` when none is.
       */
      preferExisting?: readonly string[];
      /** Only edit the file when it already exists (a shell's rc file the user does not use stays absent). */
      onlyIfExists?: boolean;
      /** `null` removes our block. */
      block: ManagedBlock | null;
      holdsSecret: boolean;
      purpose: string;
    };

export interface RecipeContext {
  profile: Profile;
  /** The model chosen for this agent, already resolved. */
  model: string | undefined;
  /**
   * The model for the agent's `small` slots, already resolved by core/model.ts's rule (the
   * `--small-model`, else the gateway's smaller model, else `model`). Absent: use `model`.
   */
  smallModel?: string | undefined;
  /**
   * The parsed content of a file the plan names, as it is now; undefined when it is absent,
   * does not parse, or was not read (the first planning pass, `recipes`, doctor's sentinel
   * plan). Lets a plan route the slots the user added (a provider, a per-agent model) by name.
   */
  read?: (path: string, format: StructuredFormat) => unknown;
  env: Environment;
  /** What detection found (e.g. which editors have the extension); empty when not detected. */
  evidence: readonly Evidence[];
}

export interface RecipePlan {
  files: FileIntent[];
  /** Things the user should know or do after applying (restart, logout…). */
  notes: string[];
  /**
   * Set when the agent keeps its endpoint where no file can be safely written (an app's
   * database, a web page): exact steps for the user, values filled in. Status `manual`.
   */
  manual?: { why: string; steps: string[] };
}

/** Evidence that an agent is installed: a binary on PATH, a path that exists, an editor extension. */
export interface DetectSpec {
  binaries: readonly string[];
  paths: (env: Environment) => string[];
  /** VS Code-family extension ids (`publisher.name`, any case) looked for in every editor's extension folder. */
  extensions?: readonly string[];
}

export interface Evidence {
  kind: 'binary' | 'path' | 'extension';
  path: string;
  version?: string;
  /** For an extension: the editor it is installed in (`code`, `cursor`, …). */
  editor?: string;
}

export interface Recipe {
  id: string;
  name: string;
  protocol: Protocol;
  /**
   * `required`: the agent cannot be configured without a model id; `none`: nothing it is given
   * holds a model (Windsurf: only steps for an extension), so the interactive mode does not ask.
   */
  model: 'required' | 'optional' | 'none';
  /** Where the facts in this recipe come from, checked on `checked`. */
  sources: readonly string[];
  checked: string;
  /**
   * Never chosen by detection, only when named with `--agent` (e.g. `shell-env`, which changes
   * every shell's environment and has nothing to detect).
   */
  explicitOnly?: boolean;
  detect: DetectSpec;
  plan(ctx: RecipeContext): RecipePlan;
  /**
   * The key the agent sends when it finds `stored` where `plan` writes the key, for an agent that
   * decodes that value (Pi reads `$$` as `$`); undefined when it is no literal key (a `$NAME`
   * reference, a command). Absent: the stored text is the key.
   */
  readKey?(stored: string): string | undefined;
  /** What `doctor` should know beyond the files `plan` writes (overrides, traps); optional. */
  checks?: RecipeChecks;
  /** Every model setting the agent has, and which of them can go through the gateway. */
  slots: readonly ModelSlot[];
  /** What the agent sends elsewhere besides model requests, and the switch that stops it. */
  telemetry?: Telemetry;
}

/** A gateway setting an agent reads: the URL, the key or the model. */
export type GatewaySlot = 'url' | 'key' | 'model';

/** Where a project-level file is looked for: the current folder or the root of its git repository. */
export type ProjectBase = 'cwd' | 'git-root';

/**
 * Data for `setup-gateway doctor`. Everything a recipe writes is checked without this (parse,
 * URL shape, key, model, file mode, drift); these are the places the agent also reads.
 */
export interface RecipeChecks {
  /** Environment variables the agent reads for a gateway setting, and whether they win over its file. */
  env?: ReadonlyArray<{ name: string; slot?: GatewaySlot; wins: boolean }>;
  /** `.env` files the agent loads into its environment, in load order (later wins, and over the process environment). */
  dotenv?: ReadonlyArray<{ path: string; in: ReadonlyArray<ProjectBase | 'home'> }>;
  /**
   * Project-level files with the same format and keys as the user-level file named by `mirrors`
   * (the basename of one of the plan's files); they win over it, later entries over earlier ones.
   */
  projectFiles?: ReadonlyArray<{ path: string; in: readonly ProjectBase[]; mirrors: string }>;
  /** The agent's requests are sent from the vendor's servers, so a loopback URL cannot be reached. */
  callsFromCloud?: boolean;
}

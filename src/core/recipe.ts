// What a recipe is: data about one agent (where it lives, how to find it, what it reads) plus a
// pure `plan` that turns (profile, environment) into file intents. No recipe performs I/O.
import type { Environment } from './environment.js';
import type { Profile } from './profile.js';
import type { EditOp, KeyPath, ManagedBlock, StructuredFormat } from '../formats/types.js';

/** The wire protocol an agent speaks to its endpoint. */
export type Protocol = 'anthropic-messages' | 'openai-chat' | 'openai-responses' | 'gemini';

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
 * entry the user had before stays.
 */
export type PlannedOp = EditOp & { consent?: string; adds?: ListEntry };

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

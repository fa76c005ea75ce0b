// What a recipe is: data about one agent (where it lives, how to find it, what it reads) plus a
// pure `plan` that turns (profile, environment) into file intents. No recipe performs I/O.
import type { Environment } from './environment.js';
import type { Profile } from './profile.js';
import type { EditOp, ManagedBlock, StructuredFormat } from '../formats/types.js';

/** The wire protocol an agent speaks to its endpoint. */
export type Protocol = 'anthropic-messages' | 'openai-chat' | 'openai-responses' | 'gemini';

/** An edit that changes something the user put there on purpose: asked about before it is applied. */
export type PlannedOp = EditOp & { consent?: string };

export type FileIntent =
  | {
      kind: 'structured';
      /** The file to edit, created when absent. */
      path: string;
      /** Files the agent reads instead when they exist (e.g. a legacy name): the first existing one wins over `path`. */
      preferExisting?: readonly string[];
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
  /** `required`: the agent cannot be configured without a model id. */
  model: 'required' | 'optional';
  /** Where the facts in this recipe come from, checked on `checked`. */
  sources: readonly string[];
  checked: string;
  detect: DetectSpec;
  plan(ctx: RecipeContext): RecipePlan;
}

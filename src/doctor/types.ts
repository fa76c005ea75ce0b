// The vocabulary of `doctor`: a finding is one verdict of one check, with a stable code; a check
// is a small function from what was read (files, environment, network answers) to findings.
import type { Environment } from '../core/environment.js';
import type { Evidence, FileIntent, GatewaySlot, Recipe, RecipePlan } from '../core/recipe.js';
import type { FileState } from '../core/snapshot.js';
import type { KeyPath } from '../formats/types.js';
import type { Profile } from '../core/profile.js';
import type { AgentPlan } from '../core/plan.js';
import type { Snapshot } from '../core/snapshot.js';
import type { HttpOutcome, ProbeProtocol } from '../core/http.js';

export type { HttpOutcome, ProbeProtocol };

export type Level = 'ok' | 'warn' | 'error' | 'crash';

export interface Finding {
  /** Stable and greppable, e.g. `CLAUDE_API_KEY_CONFLICT`. */
  code: string;
  level: Level;
  /** The agent the finding is about; absent for the gateway and the relay. */
  agent?: string;
  file?: string;
  line?: number;
  message: string;
  /** Why it matters. */
  why: string;
  /** What to do; empty when there is nothing to do. */
  fix: string;
  /** doctor could not look (an agent set up by hand in its app): shown as "not checked", not as passed. */
  unchecked?: boolean;
}

/** A file the recipe writes, as read now. */
export interface FileView {
  intent: FileIntent;
  /** The file the agent reads (a `preferExisting` one when it exists). */
  path: string;
  state: FileState;
  text?: string;
  /** Parsed data of a structured file (undefined when absent or unparseable). */
  data?: unknown;
  parseError?: { line?: number; column?: number; reason: string };
}

/** Where a recipe keeps a gateway setting, found by planning it with sentinel values. */
export interface Location {
  slot: GatewaySlot;
  /** The value with `{openai}`, `{anthropic}`, `{key}` or `{model}` in place of the setting, e.g. `openai/{model}`. */
  template: string;
  file: FileView;
  at:
    | { kind: 'path'; path: KeyPath }
    | { kind: 'entry'; path: KeyPath; match: { key: string; value: string }; rel: KeyPath }
    | { kind: 'var'; name: string };
  /** `env.ANTHROPIC_BASE_URL`, `model_providers.setup-gateway.base_url`, `OPENAI_API_KEY`… */
  label: string;
  /** A small slot (the recipe writes the small model there, not the main one). */
  small?: true;
}

export interface SlotValue extends Location {
  /** What the file holds there now (undefined when absent). */
  value: unknown;
  line?: number;
}

/** A project-level or `.env` file read for overrides. */
export interface ExtraFile {
  path: string;
  state: FileState;
  text?: string;
  data?: unknown;
  parseError?: string;
}

export interface AgentState {
  recipe: Recipe;
  evidence: readonly Evidence[];
  detected: boolean;
  /** Named with --agent, or written by setup-gateway's last apply: not being configured is an error. */
  expected: boolean;
  /** Written by an apply that was not undone. */
  applied: boolean;
  /** The recipe's plan for sentinel values: what it writes where. */
  plan: RecipePlan;
  files: FileView[];
  slots: SlotValue[];
  /** The model this agent is set to now (read back through its template), if any. */
  model?: string;
  /** The model its small slots hold now, if any. */
  smallModel?: string;
  /** The model setup-gateway last applied for it (the record `status` reads), when one was recorded. */
  recordedModel?: string;
  /** The gateway it was applied for then (with the model): the model is compared only while the agent still points there. */
  recordedUrl?: string;
  /** The key this agent holds now, if any. */
  key?: string;
  /** Extra files the recipe's checks or an agent module asked for, by path. */
  extra: ReadonlyMap<string, ExtraFile>;
  /** The recipe re-planned for the gateway (no consent): its changes are the drift. */
  replan?: AgentPlan;
  /** Set when the agent's URL points at the local relay (apply routed it there): the relay's URL. */
  viaRelay?: string;
}

export type KeySource = 'flag' | 'env' | 'agent' | 'none';

export interface GatewayInfo {
  /** Undefined when no base URL could be found anywhere. */
  urls?: Profile['urls'];
  /** Where the URL came from: `--base-url`, the last apply, or an agent's file. */
  urlSource: string;
  key?: string;
  keySource: KeySource;
  /** Human words for the key's origin (`--key-env GW_KEY`, `~/.codex/config.toml`…). */
  keyFrom: string;
}

export interface NetResults {
  models: HttpOutcome;
  /** Model ids, when the gateway listed them. */
  modelIds?: string[];
  probes: Partial<Record<ProbeProtocol, HttpOutcome>>;
  completions: Partial<Record<ProbeProtocol, HttpOutcome>>;
  /** Probes with an agent's own key when it differs from the gateway key: `${protocol} ${key}` → outcome. */
  agentKeys: ReadonlyMap<string, HttpOutcome>;
}

export interface DoctorContext {
  env: Environment;
  cwd?: string;
  gitRoot?: string;
  gateway: GatewayInfo;
  agents: AgentState[];
  /** Undefined with --offline (or when no URL is known). */
  net?: NetResults;
  /** The relay's local token (the install's), which agents at the relay must hold; undefined when none was made yet. */
  relayToken?: string;
  /** The profile `--fix` would write with; undefined without a URL or a key. */
  profile?: Profile;
  /** Every file read, by path (the recipes' files and the extra ones). */
  snapshot: Snapshot;
  /** Files that exist but could not be read, with the reason. */
  unreadable: ReadonlyMap<string, string>;
  timeoutMs: number;
}

/** A check about one agent. Pure: everything it needs was read beforehand. */
export type AgentCheck = (agent: AgentState, ctx: DoctorContext) => Finding[];

/** What an agent's own doctor module (`recipes/<id>/doctor.ts`) adds to the generic checks. */
export interface AgentDoctor {
  /**
   * More files to read (absolute paths), e.g. a credentials file whose existence matters. May list
   * a folder to find them (Codex's profile files): doctor's read step is where its I/O happens.
   */
  files?(env: Environment): string[] | Promise<string[]>;
  checks: AgentCheck[];
  /** Generic codes this module replaces with its own, sharper ones (e.g. MODEL_FORMAT). */
  supersedes?: readonly string[];
}

/**
 * A recipe as doctor checks it: the core recipe, plus its agent's own checks when it has any.
 * They are loaded on demand (`() => import('./doctor.js')`), so `apply` and the other commands,
 * which share the registry, never load doctor code. Core's `Recipe` knows nothing of doctor;
 * the registry (recipes/index.ts) is a list of these.
 */
export interface DoctorRecipe extends Recipe {
  doctor?: () => Promise<AgentDoctor>;
}

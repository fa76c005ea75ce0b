// The interactive mode's logic, free of any UI: both the ink TUI (app.tsx) and the line-by-line
// fallback (plain.ts) ask their questions and then call these, which drive the same engine as
// `setup-gateway apply` (createProfile → detectAll → takeSnapshot/planAgents → applyChanges).
import { recipes as registry } from '../../recipes/index.js';
import { reportFor, type AgentReport } from '../cli/apply.js';
import { Printer, type CliIO } from '../cli/io.js';
import { relayStartCommand, routeAgents, startRelay, type RelayRoute, type RelayStarter, type Served } from '../cli/route.js';
import { applyChanges } from '../core/apply.js';
import { detectAll, type Detection } from '../core/detect.js';
import type { Environment } from '../core/environment.js';
import { displayPath, stateDir } from '../core/environment.js';
import { UsageError } from '../core/errors.js';
import { listModels, type Fetch } from '../core/gateway.js';
import { filesToRead, planAgents, type AgentPlan } from '../core/plan.js';
import { createProfile, KeySchema, ModelIdSchema, normalizeBaseUrl, type GatewayUrls, type Profile } from '../core/profile.js';
import type { FsProbe } from '../core/probe.js';
import type { Evidence, Protocol, Recipe } from '../core/recipe.js';
import { maskKey, maskSecrets } from '../core/secrets.js';
import { takeSnapshot, type Snapshot } from '../core/snapshot.js';
import { editorFor } from '../formats/index.js';
import { runningRelay } from '../relay/state.js';

/** The exit code of a run the user cancelled (q, Esc, Ctrl-C): nothing was written. As for SIGINT. */
export const CANCELLED = 130;

/** How an interactive run ended, for the TUI and --plain alike. */
export type TuiResult =
  | { kind: 'cancelled' }
  | { kind: 'error'; message: string }
  /** The review showed nothing to write and the user closed it. */
  | { kind: 'nothing'; review: Review }
  | { kind: 'done'; review: Review; outcome: Outcome };

export interface Preset {
  id: string;
  label: string;
  /** Null for "type your own". */
  url: string | null;
  hint: string;
}

export const PRESETS: readonly Preset[] = [
  { id: 'coderouter', label: 'CodeRouter', url: 'https://www.coderouter.io/api/v1', hint: 'hosted gateway' },
  { id: 'openrouter', label: 'OpenRouter', url: 'https://openrouter.ai/api/v1', hint: 'hosted gateway' },
  { id: 'litellm', label: 'LiteLLM proxy', url: 'http://localhost:4000', hint: 'on this machine' },
  { id: 'keeptrusts', label: 'Keeptrusts gateway', url: 'http://localhost:41002', hint: 'on this machine' },
  { id: 'custom', label: 'Custom URL', url: null, hint: 'your own gateway' },
];

/** What the interactive mode needs from the outside world; tests inject every part. */
export interface WizardDeps {
  env: Environment;
  fetch: Fetch;
  version: string;
  /** The registry by default; tests may pass their own recipes. */
  recipes?: readonly Recipe[];
  /** Detection's file-system probe (tests use an in-memory one). */
  probe?: FsProbe;
  /** A protocol probe (e.g. from src/doctor), used by the gateway check when given. */
  probeProtocols?: ProtocolProbe;
  /** Checks on what was applied (src/tui/doctor.ts wires doctor in); re-planning ("no drift") otherwise. */
  verify?: Verifier;
  /** The current folder, for the project-level files doctor checks. */
  cwd?: string;
  /** Starts the background relay (route.ts `startRelay` by default; tests inject their own). */
  startRelay?: RelayStarter;
}

// ---------------------------------------------------------------------------- step 1: gateway

/** A URL as typed: its two forms, or a one-line reason it is not usable. */
export function parseGatewayUrl(input: string): { ok: true; urls: GatewayUrls } | { ok: false; error: string } {
  if (!input.trim()) return { ok: false, error: 'Type the gateway URL, e.g. https://gateway.example.com/v1' };
  try {
    return { ok: true, urls: normalizeBaseUrl(input) };
  } catch (error) {
    if (error instanceof UsageError) return { ok: false, error: error.message.replace(/^--base-url: /, '') };
    throw error;
  }
}

/** Why a typed key cannot be used, or undefined when it can. */
export function keyProblem(key: string): string | undefined {
  const parsed = KeySchema.safeParse(key);
  return parsed.success ? undefined : (parsed.error.issues[0]?.message ?? 'invalid key');
}

/** Why a typed model id cannot be used, or undefined when it can. */
export function modelProblem(model: string): string | undefined {
  const parsed = ModelIdSchema.safeParse(model);
  return parsed.success ? undefined : (parsed.error.issues[0]?.message ?? 'invalid model id');
}

/** The key given in the environment, when there is a usable one. */
export function keyFromEnvironment(env: Environment): string | undefined {
  const key = env.env.SETUP_GATEWAY_KEY;
  return key && !keyProblem(key) ? key : undefined;
}

export interface ProtocolStatus {
  /** A protocol name such as `anthropic-messages`. */
  protocol: string;
  /** The protocol probed, when the probe knows it: what relay routing is decided from. */
  id?: Protocol;
  ok: boolean;
  detail?: string;
}

export type ProtocolProbe = (urls: GatewayUrls, key: string, fetch: Fetch, models: readonly string[]) => Promise<ProtocolStatus[]>;

export type GatewayCheck = { ok: true; models: string[]; protocols?: ProtocolStatus[] } | { ok: false; reason: string };

/**
 * What the gateway serves, from the check's protocol probe: served, not served (404/405), or
 * unknown (no probe, no answer, key refused): only "not served" moves an agent to the relay.
 */
export function servedOf(check: GatewayCheck | undefined): Served {
  const served: Served = {};
  if (!check?.ok) return served;
  for (const p of check.protocols ?? []) {
    if (!p.id) continue;
    if (p.ok) served[p.id] = true;
    else if (p.detail === 'not served') served[p.id] = false;
  }
  return served;
}

/** The live check: the gateway must list its models with this key; protocols when a probe is given. */
export async function checkGateway(urls: GatewayUrls, key: string, deps: Pick<WizardDeps, 'fetch' | 'probeProtocols'>): Promise<GatewayCheck> {
  const models = await listModels(urls, key, deps.fetch);
  if (!models.ok) return { ok: false, reason: maskSecrets(models.reason, [key]) };
  if (!deps.probeProtocols) return { ok: true, models: models.models };
  const protocols = await deps.probeProtocols(urls, key, deps.fetch, models.models).catch((error: unknown) => [
    { protocol: 'probe', ok: false, detail: maskSecrets(error instanceof Error ? error.message : String(error), [key]) },
  ]);
  return { ok: true, models: models.models, protocols };
}

// ---------------------------------------------------------------------------- step 2: agents

export type AgentState =
  | { kind: 'routed' }
  | { kind: 'routed-update'; files: number }
  | { kind: 'vendor'; detail: string; files: number }
  | { kind: 'other-gateway'; url: string; files: number }
  | { kind: 'changes'; files: number }
  | { kind: 'manual' }
  | { kind: 'error'; message: string };

export interface AgentRow {
  recipe: Recipe;
  found: boolean;
  evidence: Evidence[];
  state: AgentState;
}

/** One line per agent: what detection found, shortest first. */
export function describeEvidence(evidence: readonly Evidence[], env: Environment): string {
  if (evidence.length === 0) return 'not found';
  const parts = evidence.map((e) => {
    if (e.kind === 'binary') return `${displayPath(env, e.path)}${e.version ? ` ${e.version}` : ''}`;
    if (e.kind === 'extension') return `${e.editor ?? 'editor'} extension${e.version ? ` ${e.version}` : ''}`;
    return displayPath(env, e.path);
  });
  const unique = [...new Set(parts)];
  return unique.length > 2 ? `${unique.slice(0, 2).join(', ')} +${unique.length - 2}` : unique.join(', ');
}

export function describeState(state: AgentState): string {
  const files = (n: number) => `${n} file${n === 1 ? '' : 's'}`;
  switch (state.kind) {
    case 'routed':
      return 'already routed here';
    case 'routed-update':
      return `routed here; will update ${files(state.files)}`;
    case 'vendor':
      return `${state.detail}; will change ${files(state.files)}`;
    case 'other-gateway':
      return `another gateway (${state.url}); will change ${files(state.files)}`;
    case 'changes':
      return `will change ${files(state.files)}`;
    case 'manual':
      return 'needs manual steps';
    case 'error':
      return state.message;
  }
}

/** The agents list's words for an agent: its state when found, else why it is not. */
export function rowStatus(row: AgentRow): string {
  if (row.found) return describeState(row.state);
  return row.recipe.explicitOnly ? 'only when you select it' : 'not installed';
}

/** Pre-selected in the agents list: detected, and not an agent that is only configured when named (shell-env). */
export function preselected(row: AgentRow): boolean {
  return row.found && !row.recipe.explicitOnly;
}

/** The model an agent gets unless the user picks another: the gateway's `auto` when offered. */
export function defaultModel(recipe: Recipe, models: readonly string[]): string | undefined {
  if (models.includes('auto')) return 'auto';
  return recipe.model === 'required' ? models[0] : undefined;
}

/**
 * Every agent of the registry, detected or not, with its current state against this gateway:
 * planned against a snapshot (no change = already routed here), and for the URL settings the
 * recipe writes, the value there now.
 */
export async function discoverAgents(deps: WizardDeps, urls: GatewayUrls, key: string, models: readonly string[]): Promise<AgentRow[]> {
  const list = deps.recipes ?? registry;
  const detections = await detectAll(list, deps.env, deps.probe);
  const profile = createProfile({ baseUrl: urls.openai, key });
  for (const d of detections) {
    const model = defaultModel(d.recipe, models);
    if (model) profile.models[d.recipe.id] = model;
  }
  const evidence = evidenceOf(detections);
  const snapshot = await takeSnapshot(detections.flatMap((d) => filesToRead(d.recipe, profile, deps.env, d.evidence)));
  return detections.map((d) => {
    // Each agent alone, against the files as they are now.
    const [plan] = planAgents([d.recipe], { profile, env: deps.env, snapshot, consent: () => true, evidence });
    return { recipe: d.recipe, found: d.found, evidence: d.evidence, state: stateOf(plan as AgentPlan, profile, snapshot, deps.env) };
  });
}

function evidenceOf(detections: readonly Detection[]): (id: string) => Evidence[] {
  const byId = new Map(detections.map((d) => [d.recipe.id, d.evidence]));
  return (id) => byId.get(id) ?? [];
}

const VENDORS: Record<string, string> = {
  'api.anthropic.com': 'Anthropic',
  'api.openai.com': 'OpenAI',
  'generativelanguage.googleapis.com': 'Google',
  'api.mistral.ai': 'Mistral',
  'api.deepseek.com': 'DeepSeek',
};

function stateOf(plan: AgentPlan, profile: Profile, snapshot: Snapshot, env: Environment): AgentState {
  if (plan.error) return { kind: 'error', message: plan.error };
  if (plan.manual && plan.changes.length === 0) return { kind: 'manual' };
  if (plan.changes.length === 0) return { kind: 'routed' };
  const files = plan.changes.length;
  const current = currentUrls(plan, profile, snapshot, env);
  if (current.length === 0) return { kind: 'changes', files };
  const ours = new Set([profile.urls.openai, profile.urls.anthropic].map(trimSlash));
  const other = current.find((u) => u !== null && !ours.has(trimSlash(u)));
  if (other === undefined && current.every((u) => u !== null)) return { kind: 'routed-update', files };
  if (other === undefined || other === null) return { kind: 'vendor', detail: 'direct to its vendor', files };
  const host = hostOf(other);
  const vendor = host ? VENDORS[host] : undefined;
  return vendor ? { kind: 'vendor', detail: `direct to ${vendor}`, files } : { kind: 'other-gateway', url: host ?? other, files };
}

/**
 * For each structured setting the recipe sets to our URL, what the file holds there now
 * (null: nothing, so the agent talks to its vendor). Cheap: the files are in the snapshot.
 */
function currentUrls(plan: AgentPlan, profile: Profile, snapshot: Snapshot, env: Environment): Array<string | null> {
  const urls = new Set([profile.urls.openai, profile.urls.anthropic]);
  const { files } = plan.recipe.plan({ profile, env, evidence: [], model: plan.model });
  const out: Array<string | null> = [];
  for (const intent of files) {
    if (intent.kind !== 'structured') continue;
    const urlOps = intent.ops.filter((op) => op.op === 'set' && typeof op.value === 'string' && urls.has(op.value));
    if (urlOps.length === 0) continue;
    const state = [...(intent.preferExisting ?? []), intent.path].map((p) => snapshot.get(p)).find((s) => s?.exists);
    let data: unknown = {};
    try {
      if (state?.bytes) data = editorFor(intent.format).parse(state.bytes.toString('utf8'));
    } catch {
      continue;
    }
    for (const op of urlOps) {
      const value = valueAt(data, op.path);
      out.push(typeof value === 'string' && value ? value : null);
    }
  }
  return out;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let node = data;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------- step 3: review

export interface Choice {
  recipe: Recipe;
  evidence: Evidence[];
  /** Undefined: the agent's own default (only for agents whose model is optional). */
  model: string | undefined;
}

export interface Review {
  profile: Profile;
  choices: Choice[];
  plans: AgentPlan[];
  /** Consents asked and granted, by agent id. */
  granted: ReadonlySet<string>;
  /** What the gateway serves, as the check found it. */
  served: Served;
  /** The agents that go through the local relay (none: every agent talks to the gateway). */
  relay: { routes: RelayRoute[]; url: string; running: boolean };
}

/** Questions to ask before planning for real: consent-gated edits (e.g. removing ANTHROPIC_API_KEY). */
export interface ConsentQuestion {
  agent: string;
  name: string;
  file: string;
  question: string;
}

export function profileFor(urls: GatewayUrls, key: string, choices: readonly Choice[]): Profile {
  const profile = createProfile({ baseUrl: urls.openai, key });
  for (const c of choices) if (c.model) profile.models[c.recipe.id] = c.model;
  return profile;
}

/**
 * Plans the chosen agents exactly as `apply` does; nothing is written. An agent whose protocol
 * the gateway does not serve (`served`, from the check) is planned against the local relay.
 */
export async function planReview(deps: WizardDeps, urls: GatewayUrls, key: string, choices: Choice[], granted: ReadonlySet<string>, served: Served = {}): Promise<Review> {
  const profile = profileFor(urls, key, choices);
  const evidence = (id: string) => choices.find((c) => c.recipe.id === id)?.evidence ?? [];
  const recipes = choices.map((c) => c.recipe);
  const routing = await routeAgents(recipes, profile, served, 'auto', deps.env);
  const snapshot = await takeSnapshot(choices.flatMap((c) => filesToRead(c.recipe, routing.profileFor(c.recipe.id), deps.env, c.evidence)));
  const plans = planAgents(recipes, { profile, profileFor: routing.profileFor, env: deps.env, snapshot, consent: (id) => granted.has(id), evidence });
  return { profile, choices, plans, granted, served, relay: { routes: routing.routes, url: routing.url, running: Boolean(routing.running) } };
}

export function pendingConsents(review: Review, env: Environment): ConsentQuestion[] {
  return review.plans.flatMap((p) =>
    p.consents.filter((c) => !c.granted).map((c) => ({ agent: p.recipe.id, name: p.recipe.name, file: displayPath(env, c.file), question: c.question })),
  );
}

export interface ReviewSection {
  agent: string;
  name: string;
  model: string | undefined;
  status: 'changes' | 'unchanged' | 'manual' | 'failed';
  /** The unified diff of every file, keys masked. */
  diff: string;
  files: string[];
  messages: string[];
  manual?: { why: string; steps: string[] };
  /** Why the agent goes through the local relay, when it does. */
  relay?: string;
}

/**
 * Values of settings named like a key or token (`ANTHROPIC_API_KEY`, `experimental_bearer_token`,
 * `openai-api-key`…): the user's other keys, e.g. one a diff removes, are masked too. Values
 * already masked (containing … or •) and short ones are left as they are.
 */
const KEY_FIELD = /((?:api[_-]?key|auth[_-]?token|bearer[_-]?token|access[_-]?token|secret|password)["']?\s*[:=]\s*["']?)([^\s"',…•]{8,})(?=["'\s,]|$)/gi;

export function maskKeyFields(text: string): string {
  return text.replace(KEY_FIELD, (_, lead: string, value: string) => lead + maskKey(value));
}

/** What the review screen shows, per agent; every string already masked. */
export function reviewSections(review: Review, env: Environment): ReviewSection[] {
  const mask = (text: string) => maskKeyFields(maskSecrets(text, [review.profile.key]));
  return review.plans.map((plan) => {
    const report = reportFor(plan, env, true);
    const status = report.status === 'failed' ? 'failed' : report.status === 'updated' ? 'changes' : report.status === 'manual' ? 'manual' : 'unchanged';
    const route = review.relay.routes.find((r) => r.agent === plan.recipe.id);
    return {
      ...(route && status !== 'failed' ? { relay: route.reason } : {}),
      agent: plan.recipe.id,
      name: plan.recipe.name,
      model: plan.model,
      status,
      diff: mask(report.diff ?? ''),
      files: report.files.map((f) => displayPath(env, f)),
      messages: report.messages.map(mask),
      ...(report.manual ? { manual: { why: mask(report.manual.why), steps: report.manual.steps.map(mask) } } : {}),
    };
  });
}

/** Whether applying would write anything at all. */
export function hasChanges(review: Review): boolean {
  return review.plans.some((p) => !p.error && p.changes.length > 0);
}

// ---------------------------------------------------------------------------- step 4: apply

export interface Check {
  agent: string;
  ok: boolean;
  detail: string;
}

export type Verifier = (review: Review, deps: WizardDeps) => Promise<Check[]>;

export interface Written {
  runId: string | null;
  reports: AgentReport[];
}

export interface Outcome extends Written {
  checks: Check[];
  nextSteps: string[];
  failed: boolean;
  /** Whether the local relay runs, when an agent goes through it. */
  relay?: RelayStatus;
}

/** The local relay after writing: running (started now or already), or not, and why. */
export interface RelayStatus {
  url: string;
  running: boolean;
  started: boolean;
  pid?: number;
  error?: string;
}

/** Writes the reviewed plans with the one applier (journal, backups, atomic writes). */
export async function writeReview(review: Review, deps: WizardDeps): Promise<Written> {
  const outcome = await applyChanges(
    review.plans.filter((p) => !p.error).map((p) => ({ agent: p.recipe.id, changes: p.changes })),
    { stateDir: stateDir(deps.env), toolVersion: deps.version, baseUrl: review.profile.urls.openai },
  );
  const mask = (text: string) => maskSecrets(text, [review.profile.key]);
  const reports = review.plans.map((p) => {
    const r = reportFor(p, deps.env, false, outcome.failed[p.recipe.id]);
    const route = review.relay.routes.find((x) => x.agent === p.recipe.id);
    return { ...r, messages: r.messages.map(mask), notes: r.notes.map(mask), ...(route && r.status !== 'failed' ? { relay: { url: review.relay.url, reason: route.reason } } : {}) };
  });
  return { runId: outcome.runId, reports };
}

/** Agents written to go through the local relay. */
function relayed(written: Written): AgentReport[] {
  return written.reports.filter((r) => r.relay);
}

/** Whether to offer starting the local relay: an agent was written to go through it, and none runs. */
export async function relayToStart(written: Written, deps: WizardDeps): Promise<boolean> {
  return relayed(written).length > 0 && !(await runningRelay(deps.env));
}

/**
 * Starts the local relay for the reviewed gateway (the key in its environment only). `print`
 * gets the relay's own lines; by default they are dropped (the TUI has no place for them).
 * A relay that cannot start is reported, not thrown: the files are written whatever happens.
 */
export async function startLocalRelay(review: Review, deps: WizardDeps, print?: Printer): Promise<RelayStatus> {
  const url = review.relay.url;
  const out = print ?? quietPrinter();
  try {
    const state = await (deps.startRelay ?? startRelay)(deps.env, review.profile, url, out);
    return state ? { url: state.url, running: true, started: true, pid: state.pid } : { url, running: false, started: false, error: 'the relay did not start' };
  } catch (error) {
    return { url, running: false, started: false, error: maskSecrets(error instanceof Error ? error.message : String(error), [review.profile.key]) };
  }
}

function quietPrinter(): Printer {
  const none = { write() {} };
  return new Printer({ stdout: none, stderr: none } as Pick<CliIO, 'stdout' | 'stderr'> as CliIO, false);
}

/** Checks what was written (doctor's checks when given, else a re-plan) and lists the next steps. */
export async function checkWritten(review: Review, written: Written, deps: WizardDeps, relay?: RelayStatus): Promise<Outcome> {
  const mask = (text: string) => maskSecrets(text, [review.profile.key]);
  const failedIds = new Set(written.reports.filter((r) => r.status === 'failed').map((r) => r.id));
  // The files are written whatever happens here: a checker that breaks is a failed check, and
  // the report (with its undo id) is still printed.
  const checks = (
    await (deps.verify ?? noDrift)(review, deps).catch((error: unknown): Check[] => [
      { agent: 'checks', ok: false, detail: `could not run: ${error instanceof Error ? error.message : String(error)}` },
    ])
  ).filter((c) => !failedIds.has(c.agent));
  let status = relay;
  if (!status && relayed(written).length) {
    const running = await runningRelay(deps.env);
    status = running ? { url: running.url, running: true, started: false, pid: running.pid } : { url: review.relay.url, running: false, started: false };
  }
  return {
    ...written,
    checks: checks.map((c) => ({ ...c, detail: mask(c.detail) })),
    nextSteps: nextSteps(review, written.reports, status),
    ...(status ? { relay: status } : {}),
    failed: failedIds.size > 0 || checks.some((c) => !c.ok),
  };
}

/** The default check: planning again from the files as they are now must change nothing. */
export const noDrift: Verifier = async (review, deps) => {
  const again = await planReview(deps, review.profile.urls, review.profile.key, review.choices, review.granted, review.served);
  return again.plans
    .filter((p) => !review.plans.find((q) => q.recipe.id === p.recipe.id)?.error)
    .map((p) => {
      if (p.error) return { agent: p.recipe.id, ok: false, detail: p.error };
      if (p.changes.length) return { agent: p.recipe.id, ok: false, detail: `drift: ${p.changes.map((c) => displayPath(deps.env, c.path)).join(', ')} would still change` };
      return { agent: p.recipe.id, ok: true, detail: 'no drift: its files hold exactly what was planned' };
    });
};

/** What to do now (how to undo is on the report's last line). */
function nextSteps(review: Review, reports: readonly AgentReport[], relay: RelayStatus | undefined): string[] {
  const steps: string[] = [];
  const viaRelay = reports.filter((r) => r.relay).map((r) => r.name);
  if (viaRelay.length && relay?.running) {
    steps.push(
      `${relay.started ? 'The local relay was started' : 'The local relay is running'} at ${relay.url}${relay.pid ? ` (pid ${relay.pid})` : ''}: keep it running for ${viaRelay.join(', ')} (\`setup-gateway relay status\` shows it, \`setup-gateway relay stop\` stops it).`,
    );
  } else if (viaRelay.length) {
    steps.push(
      `${relay?.error ? `The local relay could not start (${relay.error}). ` : ''}Start the local relay before using ${viaRelay.join(', ')}, with SETUP_GATEWAY_KEY set: ${relayStartCommand(review.profile, review.relay.url)} (or at every login: setup-gateway relay install-service --upstream ${review.profile.urls.openai}).`,
    );
  }
  const done = reports.filter((r) => r.status === 'updated' || r.status === 'unchanged');
  const editors = new Set<string>();
  for (const r of done) {
    const choice = review.choices.find((c) => c.recipe.id === r.id);
    for (const e of choice?.evidence ?? []) if (e.kind === 'extension') editors.add(e.editor ?? 'editor');
  }
  if (editors.size) steps.push(`Reload your editor windows (${[...editors].join(', ')}: "Developer: Reload Window") so the extensions read the new settings.`);
  const updated = reports.filter((r) => r.status === 'updated').map((r) => r.name);
  if (updated.length) steps.push(`Start a new session of ${updated.join(', ')}: a running one keeps its old settings.`);
  const manual = reports.filter((r) => r.status === 'manual').map((r) => r.name);
  if (manual.length) steps.push(`Finish by hand, with the steps above: ${manual.join(', ')}.`);
  return steps;
}

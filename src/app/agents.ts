// The agents of the registry as the interactive mode lists them: detected or not, and for each,
// where it points now against this gateway (already routed here, its vendor, another gateway).
import { recipes as registry } from '../../recipes/index.js';
import { detectAll, type Detection } from '../core/detect.js';
import type { Environment } from '../core/environment.js';
import type { AgentPlan } from '../core/plan.js';
import { createProfile, normalizeBaseUrl, type GatewayUrls, type Profile } from '../core/profile.js';
import type { Evidence, Recipe } from '../core/recipe.js';
import { takeSnapshot, type Snapshot } from '../core/snapshot.js';
import { extract, fill, locate, readSlots, sentinelPlan, viewFiles } from '../doctor/locate.js';
import { keyProblem } from './key.js';
import { proposedModel } from './model.js';
import { planSession, type SessionDeps } from './session.js';

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

/** Pre-selected in the agents list: detected, and not an agent that is only configured when named (shell-env). */
export function preselected(row: AgentRow): boolean {
  return row.found && !row.recipe.explicitOnly;
}

/**
 * Every agent of the registry, detected or not, with its current state against this gateway:
 * planned against the files as they are (no change = already routed here), and for the URL
 * settings the recipe writes, the value there now.
 */
export async function discoverAgents(deps: SessionDeps, urls: GatewayUrls, key: string, models: readonly string[]): Promise<AgentRow[]> {
  const list = deps.recipes ?? registry;
  const detections = await detectAll(list, deps.env, deps.probe);
  const profile = createProfile({ baseUrl: urls.openai, key });
  for (const d of detections) {
    const model = proposedModel(d.recipe, models);
    if (model) profile.models[d.recipe.id] = model;
  }
  const evidence = evidenceOf(detections);
  // The state of each agent as it is now: no relay routing, every consent given.
  const session = await planSession({ recipes: detections.map((d) => d.recipe), profile, env: deps.env, evidence, served: {}, relay: 'never' });
  return detections.map((d) => {
    // Each agent alone, against the files as they are now.
    const [plan] = session.plan(() => true, [d.recipe]);
    return { recipe: d.recipe, found: d.found, evidence: d.evidence, state: stateOf(plan as AgentPlan, profile, session.snapshot, deps.env) };
  });
}

function evidenceOf(detections: readonly Detection[]): (id: string) => Evidence[] {
  const byId = new Map(detections.map((d) => [d.recipe.id, d.evidence]));
  return (id) => byId.get(id) ?? [];
}

/** Vendors' own API hosts: a URL there is the agent talking to its vendor directly. */
export const VENDORS: Readonly<Record<string, string>> = {
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
  const other = current.find((u) => u.now !== null && trimSlash(u.now) !== trimSlash(u.ours))?.now;
  if (other === undefined && current.every((u) => u.now !== null)) return { kind: 'routed-update', files };
  if (other === undefined || other === null) return { kind: 'vendor', detail: 'direct to its vendor', files };
  const host = hostOf(other);
  const vendor = host ? VENDORS[host] : undefined;
  return vendor ? { kind: 'vendor', detail: `direct to ${vendor}`, files } : { kind: 'other-gateway', url: host ?? other, files };
}

/**
 * For each setting where the recipe writes the gateway's URL (found as doctor finds it: `locate`
 * on the recipe's plan), what the file holds there now (null: nothing, so the agent talks to its
 * vendor) and what this gateway would put there. Cheap: the files are in the snapshot.
 */
function currentUrls(plan: AgentPlan, profile: Profile, snapshot: Snapshot, env: Environment): Array<{ now: string | null; ours: string }> {
  return urlSlots(plan.recipe, snapshot, env, []).map((slot) => ({
    now: typeof slot.value === 'string' && slot.value ? slot.value : null,
    ours: fill(slot.template, profile, plan.model),
  }));
}

/** What the agent's files hold where the recipe writes the URL and the model (doctor's `locate`). */
function urlSlots(recipe: Recipe, snapshot: Snapshot, env: Environment, evidence: readonly Evidence[], slot: 'url' | 'model' | 'key' = 'url') {
  const views = viewFiles(sentinelPlan(recipe, env, evidence), snapshot);
  return readSlots(locate(views).filter((l) => l.slot === slot));
}

/** Where one agent points now, read from its files (not from our journal). */
export interface CurrentRoute {
  recipe: Recipe;
  found: boolean;
  /** Each URL setting's value now, as the gateway root (no `/v1`); empty when none is set (its vendor). */
  urls: string[];
  /** The model its files name where the recipe writes one, if any. */
  model?: string;
}

/**
 * Every agent of the registry (or those given), with the URLs and model its files hold now where
 * the recipe writes them. One read of all the files; `status` and `use` build on it.
 */
export async function currentRoutes(deps: Pick<SessionDeps, 'env' | 'probe' | 'recipes'>): Promise<CurrentRoute[]> {
  const list = deps.recipes ?? registry;
  const detections = await detectAll(list, deps.env, deps.probe);
  const plans = detections.map((d) => ({ d, plan: sentinelPlan(d.recipe, deps.env, d.evidence) }));
  const snapshot = await takeSnapshot(plans.flatMap(({ plan }) => plan.files.flatMap((f) => [f.path, ...(f.preferExisting ?? []), ...(f.kind === 'structured' ? (f.unlessExists ?? []) : [])])));
  return detections.map((d) => {
    const urls = urlSlots(d.recipe, snapshot, deps.env, d.evidence)
      .map((s) => (typeof s.value === 'string' && s.value ? gatewayRootOf(s.value) : undefined))
      .filter((u): u is string => u !== undefined);
    const model = urlSlots(d.recipe, snapshot, deps.env, d.evidence, 'model')
      .map((s) => (typeof s.value === 'string' ? extract(s.template, '{model}', s.value) : undefined))
      .find((m): m is string => Boolean(m));
    return { recipe: d.recipe, found: d.found, urls: [...new Set(urls)], ...(model ? { model } : {}) };
  });
}

/**
 * The gateway key the files of these agents hold now, where they point at `url` directly (an
 * agent at the local relay holds the relay's token, not the gateway's key): what the last apply
 * wrote, so the interactive mode need not ask for it again. Undefined when none holds a usable one.
 */
export async function keyInFiles(deps: Pick<SessionDeps, 'env' | 'probe' | 'recipes'>, agents: readonly string[], url: string): Promise<string | undefined> {
  const list = (deps.recipes ?? registry).filter((r) => agents.includes(r.id));
  if (list.length === 0) return undefined;
  const detections = await detectAll(list, deps.env, deps.probe);
  const plans = detections.map((d) => sentinelPlan(d.recipe, deps.env, d.evidence));
  const snapshot = await takeSnapshot(plans.flatMap((plan) => plan.files.flatMap((f) => [f.path, ...(f.preferExisting ?? []), ...(f.kind === 'structured' ? (f.unlessExists ?? []) : [])])));
  const root = gatewayRootOf(url);
  for (const d of detections) {
    const urls = urlSlots(d.recipe, snapshot, deps.env, d.evidence).map((s) => (typeof s.value === 'string' ? gatewayRootOf(s.value) : undefined));
    if (urls.length === 0 || urls.some((u) => u !== root)) continue;
    for (const s of urlSlots(d.recipe, snapshot, deps.env, d.evidence, 'key')) {
      const key = typeof s.value === 'string' ? extract(s.template, '{key}', s.value) : undefined;
      if (key && !keyProblem(key)) return key;
    }
  }
  return undefined;
}

/** A URL setting's value as a gateway root (`https://gw/v1` → `https://gw`), or the value as is when it is no URL. */
function gatewayRootOf(value: string): string {
  try {
    return normalizeBaseUrl(value).anthropic;
  } catch {
    return value;
  }
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

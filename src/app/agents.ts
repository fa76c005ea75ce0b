// The agents of the registry as the interactive mode lists them: detected or not, and for each,
// where it points now against this gateway (already routed here, its vendor, another gateway).
import { recipes as registry } from '../../recipes/index.js';
import { detectAll, type Detection } from '../core/detect.js';
import type { Environment } from '../core/environment.js';
import { filesToRead, planAgents, type AgentPlan } from '../core/plan.js';
import { createProfile, type GatewayUrls, type Profile } from '../core/profile.js';
import type { Evidence, Recipe } from '../core/recipe.js';
import { takeSnapshot, type Snapshot } from '../core/snapshot.js';
import { editorFor } from '../formats/index.js';
import { defaultModel } from './model.js';
import type { SessionDeps } from './session.js';

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
 * planned against a snapshot (no change = already routed here), and for the URL settings the
 * recipe writes, the value there now.
 */
export async function discoverAgents(deps: SessionDeps, urls: GatewayUrls, key: string, models: readonly string[]): Promise<AgentRow[]> {
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

// The agents of the registry as the interactive mode lists them: detected or not, and for each,
// where it points now against this gateway (already routed here, its vendor, another gateway).
import { recipes as registry } from '../../recipes/index.js';
import { detectAll, type Detection } from '../core/detect.js';
import type { Environment } from '../core/environment.js';
import type { AgentPlan } from '../core/plan.js';
import { createProfile, type GatewayUrls, type Profile } from '../core/profile.js';
import type { Evidence, Recipe } from '../core/recipe.js';
import type { Snapshot } from '../core/snapshot.js';
import { fill, locate, readSlots, sentinelPlan, viewFiles } from '../doctor/locate.js';
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
  const views = viewFiles(sentinelPlan(plan.recipe, env, []), snapshot);
  return readSlots(locate(views).filter((l) => l.slot === 'url')).map((slot) => ({
    now: typeof slot.value === 'string' && slot.value ? slot.value : null,
    ours: fill(slot.template, profile, plan.model),
  }));
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

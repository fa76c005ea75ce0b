// `relay rotate-token`: a new local token for the relay, written with every agent that uses the
// relay in one run of the applier (journaled, backed up; `undo --id` puts the previous token and
// files back together). An agent uses the relay when a URL setting points at it (the running
// relay's address, else the default one, as doctor decides) or when it holds the current or the
// old public token. A running relay notices the new file at the first request that carries it.
import { recipes as registry } from '../../recipes/index.js';
import { applyChanges } from '../core/apply.js';
import { detectAll } from '../core/detect.js';
import { stateDir, type Environment } from '../core/environment.js';
import { listJournals } from '../core/journal.js';
import { filesToRead, planAgents, type AgentPlan } from '../core/plan.js';
import { normalizeBaseUrl, type Profile } from '../core/profile.js';
import type { Recipe } from '../core/recipe.js';
import { readRelayState } from '../core/relay-state.js';
import { relayProfile } from '../core/relay-target.js';
import { LEGACY_RELAY_TOKEN, newRelayToken, readRelayToken, relayTokenChange } from '../core/relay-token.js';
import { takeSnapshot } from '../core/snapshot.js';
import { isConfigured } from '../doctor/checks/shared.js';
import { readAgents } from '../doctor/read.js';
import { pointsAt, readRelayStatus } from '../doctor/relay.js';
import type { AgentState } from '../doctor/types.js';
import { reportFor, type AgentReport } from './report.js';

export interface RotateResult {
  /** The new token (unmasked: the printer masks it). */
  token: string;
  /** The agents re-applied with it, in the registry's order. */
  agents: AgentReport[];
  runId: string | null;
  /** The token file could not be written: nothing uses the new token. */
  tokenFailed?: string;
  failed: boolean;
}

export interface RotateWorld {
  env: Environment;
  version: string;
  /** The registry by default. */
  recipes?: readonly Recipe[];
}

export async function rotateRelayToken(world: RotateWorld): Promise<RotateResult> {
  const { env } = world;
  const users = await relayUsers(env, world.recipes ?? registry);
  const token = newRelayToken();
  const plans = await planWithToken(users, token, env);
  const journals = (await listJournals(stateDir(env)).catch(() => [])).filter((j) => !j.undoneAt);
  // The gateway the last apply wrote stays the one doctor reads from the journal.
  const baseUrl = journals[0]?.baseUrl ?? (await readRelayState(env))?.upstream[0] ?? '';
  const outcome = await applyChanges(
    [{ agent: 'relay-token', changes: [await relayTokenChange(env, token)] }, ...plans.filter((p) => !p.error).map((p) => ({ agent: p.recipe.id, changes: p.changes, model: p.model }))],
    { stateDir: stateDir(env), toolVersion: world.version, baseUrl, by: { command: 'relay rotate-token' } },
  );
  const tokenFailed = outcome.failed['relay-token'];
  const agents = plans.map((p) => reportFor(p, env, false, outcome.failed[p.recipe.id]));
  return { token, agents, runId: outcome.runId, ...(tokenFailed ? { tokenFailed } : {}), failed: Boolean(tokenFailed) || agents.some((a) => a.status === 'failed') };
}

/** The agents that use the relay, each with the relay address it points at. */
async function relayUsers(env: Environment, recipes: readonly Recipe[]): Promise<Array<{ agent: AgentState; url: string }>> {
  const journals = (await listJournals(stateDir(env)).catch(() => [])).filter((j) => !j.undoneAt);
  const applied = new Set(journals.flatMap((j) => j.agents));
  const detections = await detectAll(recipes, env);
  const selected = detections.filter((d) => applied.has(d.recipe.id) || (d.found && !d.recipe.explicitOnly));
  const { agents } = await readAgents(
    selected.map((d) => ({ recipe: d.recipe, evidence: d.evidence, detected: d.found, expected: applied.has(d.recipe.id), applied: applied.has(d.recipe.id), moduleFiles: [] })),
    { env },
  );
  const relayUrl = (await readRelayStatus(env)).url;
  const current = await readRelayToken(env);
  const held = new Set([LEGACY_RELAY_TOKEN, ...(current ? [current] : [])]);
  return agents.flatMap((agent) => {
    if (!isConfigured(agent)) return [];
    if (relayUrl && pointsAt(agent, relayUrl)) return [{ agent, url: relayUrl }];
    if (!agent.key || !held.has(agent.key)) return [];
    // Holds a relay token but points elsewhere than the running relay (another --relay-port): keep its address.
    const url = agent.slots.find((s) => s.slot === 'url' && typeof s.value === 'string' && s.value !== '')?.value as string;
    try {
      return [{ agent, url: new URL(url).origin }];
    } catch {
      return [];
    }
  });
}

/** Each agent planned for the relay it points at, its model kept, with the new token; read as apply reads. */
async function planWithToken(users: ReadonlyArray<{ agent: AgentState; url: string }>, token: string, env: Environment): Promise<AgentPlan[]> {
  const profiles = new Map<string, Profile>();
  for (const { agent, url } of users) {
    const models = agent.model ? { [agent.recipe.id]: agent.model } : {};
    profiles.set(agent.recipe.id, relayProfile({ urls: normalizeBaseUrl(url), key: token, models }, url, token));
  }
  const evidence = new Map(users.map(({ agent }) => [agent.recipe.id, agent.evidence]));
  const recipes = users.map(({ agent }) => agent.recipe);
  const profileFor = (id: string) => profiles.get(id) as Profile;
  const snapshot = await takeSnapshot(recipes.flatMap((r) => filesToRead(r, profileFor(r.id), env, evidence.get(r.id) ?? [])));
  const first = recipes[0];
  if (!first) return [];
  return planAgents(recipes, { profile: profileFor(first.id), profileFor, env, snapshot, consent: () => false, evidence: (id) => evidence.get(id) ?? [] });
}

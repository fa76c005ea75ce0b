// `apply`'s use case: the agents named (or detected), each with its model (core/model.ts's rule),
// routed directly or through the local relay, planned from one read of their files, written (or,
// in a dry run, shown) and reported. The command (src/cli/apply.ts) parses flags, asks its
// questions through the hooks below and prints the result.
import { findRecipe, recipes as registry } from '../../recipes/index.js';
import { detectAll } from '../core/detect.js';
import type { Environment } from '../core/environment.js';
import { displayPath } from '../core/environment.js';
import { UsageError } from '../core/errors.js';
import { listModels, type Fetch, type ModelList } from '../core/gateway.js';
import type { MadeBy } from '../core/journal.js';
import { defaultModel, missingModel, smallModelFor } from '../core/model.js';
import type { AgentPlan } from '../core/plan.js';
import { createProfile, modelFor, type Profile } from '../core/profile.js';
import type { Evidence, Recipe } from '../core/recipe.js';
import type { Printer } from './io.js';
import type { RelayStarter } from './relay-run.js';
import type { AgentReport } from './report.js';
import { probeServed, type RelayMode } from './route.js';
import { planSession } from './session.js';
import { ensureRelay, writePlans, type RelayStatus } from './write.js';

export interface ApplyRequest {
  baseUrl: string;
  key: string;
  /** `--model ID` (every agent) and `--model AGENT=ID`, as given. */
  models: readonly string[];
  /** `--small-model ID`: the model of every agent's small slots (else core/model.ts's rule). */
  smallModel?: string;
  /** The agents named; none: every detected one. */
  agents: readonly string[];
  dryRun: boolean;
  /** Consent given up front, to removing conflicting settings and to starting the relay. */
  yes: boolean;
  relay: RelayMode;
  relayPort?: number;
  /** The saved profile these settings come from; none: `default`. Recorded for `status` and `use`. */
  profileName?: string;
  /** The command, for the journal (`undo --list`); default `apply`. */
  by?: MadeBy;
  /** `--offline`: ask the gateway nothing (no model list, no protocol probes); agents go direct. */
  offline?: boolean;
}

export interface ApplyWorld {
  env: Environment;
  fetch: Fetch;
  version: string;
  /** Asks a yes/no question; absent where nobody can answer (no terminal, --json). */
  confirm?: (question: string) => Promise<boolean>;
  /** Gets the relay's own lines when apply starts it. */
  print?: Printer;
  /** Starts the background relay (relay-run.ts `startRelay` by default). */
  startRelay?: RelayStarter;
}

export type ApplyResult =
  | { kind: 'no-agents' }
  | {
      kind: 'done';
      profile: Profile;
      /** One per agent, in the order they were named (or of the registry). */
      reports: AgentReport[];
      runId: string | null;
      /** Values the printer must mask besides the key (e.g. other keys a plan removes). */
      secrets: string[];
      /** The local relay, when an agent was written to go through it. */
      relay?: RelayStatus;
      /** Why the gateway did not answer (refused, DNS, TLS, timeout), when it did not: the files were written all the same. */
      unreachable?: string;
      failed: boolean;
    };

export async function applyAgents(request: ApplyRequest, world: ApplyWorld): Promise<ApplyResult> {
  const { env } = world;
  const profile = createProfile({ baseUrl: request.baseUrl, key: request.key, ...splitModels(request.models), ...(request.smallModel ? { smallModel: request.smallModel } : {}) });
  const { recipes, evidence } = await selectAgents(request.agents, env);
  if (recipes.length === 0) return { kind: 'no-agents' };

  // One GET /models up front, unless --offline: the default model comes from it, and a gateway
  // that does not answer is reported (`unreachable`) rather than written for in silence.
  const listing = request.offline ? OFFLINE_LIST : listModels(profile.urls, profile.key, world.fetch);
  const { ready, failures } = await assignModels(recipes, profile, world.fetch, listing);
  await assignSmallModels(ready, profile, () => listing);
  const list = await listing;
  const unreachable = !list.ok && list.noAnswer ? list.reason : undefined;
  const served = request.relay === 'auto' && !request.offline && !unreachable ? await probeServed(ready, profile, world.fetch) : {};
  const session = await planSession({ recipes: ready, profile, env, evidence, served, relay: request.relay, ...(request.relayPort !== undefined ? { relayPort: request.relayPort } : {}) });
  let plans = session.plan(() => request.yes);
  const asked = await askConsents(plans, request, world);
  if (asked.size > 0) plans = session.plan((id) => request.yes || asked.has(id));

  const written = await writePlans(plans, profile, session.routing, world, request.dryRun, request.profileName, request.by);
  const { routes, url } = session.routing;
  const relay =
    routes.length && !request.dryRun
      ? await ensureRelay(url, profile, world, async () => request.yes || (await world.confirm?.(`Start the local relay at ${url} now?`)) === true, world.print)
      : undefined;

  const byId = new Map([...failures, ...written.reports].map((r) => [r.id, r]));
  const reports = recipes.map((r) => byId.get(r.id)).filter((r): r is AgentReport => Boolean(r));
  return {
    kind: 'done',
    profile,
    reports,
    runId: written.runId,
    secrets: [...plans.flatMap((p) => [...p.secrets]), ...(session.routing.token ? [session.routing.token.value] : [])],
    ...(relay ? { relay } : {}),
    ...(unreachable ? { unreachable } : {}),
    failed: reports.some((r) => r.status === 'failed') || Boolean(relay?.error),
  };
}

/** --offline: the model list is not asked for. */
const OFFLINE_LIST: Promise<ModelList> = Promise.resolve({ ok: false, reason: '--offline: the gateway was not asked' });

/** `--model m` sets the default; `--model codex=m` one agent's model. */
export function splitModels(values: readonly string[]): { model?: string; models: Record<string, string> } {
  const models: Record<string, string> = {};
  let model: string | undefined;
  for (const value of values) {
    const eq = value.indexOf('=');
    const agent = eq > 0 ? value.slice(0, eq) : '';
    if (agent && findRecipe(agent)) models[agent] = value.slice(eq + 1);
    else model = value;
  }
  return { ...(model !== undefined ? { model } : {}), models };
}

/** The agents named, or every detected one; with what detection found for each. */
export async function selectAgents(ids: readonly string[], env: Environment): Promise<{ recipes: Recipe[]; evidence: (id: string) => Evidence[] }> {
  const unknown = ids.filter((id) => !findRecipe(id));
  if (unknown.length) {
    throw new UsageError(`apply: unknown agent ${unknown.map((u) => `"${u}"`).join(', ')}.`, [`Known agents: ${registry.map((r) => r.id).join(', ')}.`]);
  }
  const named = [...new Set(ids)].map((id) => findRecipe(id) as Recipe);
  const detections = await detectAll(named.length ? named : registry, env);
  const byId = new Map(detections.map((d) => [d.recipe.id, d.evidence]));
  // An explicit-only recipe (shell-env) is configured when named, never because it was "found".
  const recipes = named.length ? named : detections.filter((d) => d.found && !d.recipe.explicitOnly).map((d) => d.recipe);
  return { recipes, evidence: (id) => byId.get(id) ?? [] };
}

/**
 * Every agent without a named model gets the default (core/model.ts: the gateway's `auto` when it
 * lists one; the list is asked for once, only when needed). An agent that cannot work without a
 * model and gets none fails, with what the gateway offers.
 */
export async function assignModels(recipes: readonly Recipe[], profile: Profile, fetch: Fetch, listed?: Promise<ModelList>): Promise<{ ready: Recipe[]; failures: AgentReport[] }> {
  let list: Promise<ModelList> | undefined = listed;
  const ready: Recipe[] = [];
  const failures: AgentReport[] = [];
  for (const recipe of recipes) {
    if (modelFor(profile, recipe.id)) {
      ready.push(recipe);
      continue;
    }
    list ??= listModels(profile.urls, profile.key, fetch);
    const models = await list;
    const model = defaultModel(models.ok ? models.models : undefined);
    if (model) profile.models[recipe.id] = model;
    if (!missingModel(recipe, model)) {
      ready.push(recipe);
      continue;
    }
    const offered = models.ok
      ? models.models.length
        ? `The gateway offers: ${models.models.join(', ')}.`
        : 'The gateway lists no models.'
      : `Could not list the gateway's models (${models.reason}).`;
    failures.push({
      id: recipe.id,
      name: recipe.name,
      status: 'failed',
      files: [],
      messages: [`${recipe.name} needs a model: pass --model ID (or --model ${recipe.id}=ID). ${offered}`],
      notes: [],
    });
  }
  return { ready, failures };
}

/**
 * Each agent with a small slot gets its small model by core/model.ts's rule: `--small-model`,
 * else the gateway's smaller model of the main one's family, else the main model. The list is
 * looked at only when no --small-model was given and an agent's main model is not small itself.
 */
export async function assignSmallModels(recipes: readonly Recipe[], profile: Profile, list: () => Promise<ModelList>): Promise<void> {
  for (const recipe of recipes.filter((r) => r.slots.some((s) => s.writes === 'small'))) {
    const main = modelFor(profile, recipe.id);
    let small = smallModelFor(profile.smallModel, main, undefined);
    if (!profile.smallModel && main && small === main) {
      const models = await list();
      small = smallModelFor(undefined, main, models.ok ? models.models : undefined);
    }
    if (small && small !== main) (profile.smallModels ??= {})[recipe.id] = small;
  }
}

/** Consent-gated edits not granted by --yes, asked one by one when someone can answer (not in a dry run). */
async function askConsents(plans: readonly AgentPlan[], request: ApplyRequest, world: ApplyWorld): Promise<Set<string>> {
  const granted = new Set<string>();
  const confirm = world.confirm;
  if (request.yes || request.dryRun || !confirm) return granted;
  for (const plan of plans) {
    for (const c of plan.consents.filter((x) => !x.granted)) {
      if (await confirm(`${plan.recipe.name}, ${displayPath(world.env, c.file)}: ${c.question}`)) granted.add(plan.recipe.id);
    }
  }
  return granted;
}

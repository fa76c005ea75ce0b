// A session: the gateway, the agents chosen with their models, and the plan of what to write,
// shared by the interactive mode's screens and line prompts (and planned as `apply` plans). It
// reads files and plans; it writes nothing (write.ts does, after the user confirms).
import { displayPath, stateDir, type Environment } from '../core/environment.js';
import { listJournals, ownedEntries } from '../core/journal.js';
import type { Fetch } from '../core/gateway.js';
import { filesToRead, planAgents, type AgentPlan } from '../core/plan.js';
import { createProfile, type GatewayUrls, type Profile } from '../core/profile.js';
import type { FsProbe } from '../core/probe.js';
import type { Evidence, Recipe } from '../core/recipe.js';
import type { PlannedToken } from '../core/relay-token.js';
import { maskKey, maskSecrets } from '../core/secrets.js';
import { takeSnapshot, type Snapshot } from '../core/snapshot.js';
import { CODEX_PROVIDER_ID } from '../../recipes/codex/facts.js';
import { codexConfigPath, codexSessionsHiddenNote, selectedProvider } from './codex-sessions.js';
import type { ProtocolProbe } from './gateway-check.js';
import type { RelayStarter } from './relay-run.js';
import { reportFor } from './report.js';
import { routeAgents, type RelayMode, type RelayRoute, type RelayRouting, type Served } from './route.js';

/** What a session needs from the outside world; tests inject every part. */
export interface SessionDeps {
  env: Environment;
  fetch: Fetch;
  version: string;
  /** The registry by default; tests may pass their own recipes. */
  recipes?: readonly Recipe[];
  /** Detection's file-system probe (tests use an in-memory one). */
  probe?: FsProbe;
  /** The protocol probe (gateway-check.ts `probeProtocols`), used by the gateway check when given. */
  probeProtocols?: ProtocolProbe;
  /** Checks on what was applied (verify.ts `doctorChecks`); re-planning ("no drift") otherwise. */
  verify?: Verifier;
  /** The current folder, for the project-level files doctor checks. */
  cwd?: string;
  /** Starts the background relay (relay-run.ts `startRelay` by default; tests inject their own). */
  startRelay?: RelayStarter;
}

export interface Check {
  agent: string;
  ok: boolean;
  detail: string;
  /** An agent set up by hand whose steps are not done yet: a warning, not a failure. */
  pending?: boolean;
}

export type Verifier = (review: Review, deps: SessionDeps) => Promise<Check[]>;


export interface Choice {
  recipe: Recipe;
  evidence: Evidence[];
  /** Undefined: the agent's own default (only for agents whose model is optional). */
  model: string | undefined;
  /** The model of its small slots, when not `model` (app/model.ts's proposedSmallModel). */
  smallModel?: string;
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
  relay: { routes: RelayRoute[]; url: string; running: boolean; token?: PlannedToken };
  /** The saved profile the gateway came from (the run is recorded under its name), or a new one to save as `name`. */
  origin?: { name: string; save?: boolean };
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
  for (const c of choices) {
    if (c.model) profile.models[c.recipe.id] = c.model;
    if (c.smallModel) (profile.smallModels ??= {})[c.recipe.id] = c.smallModel;
  }
  return profile;
}

/** What planning a session needs: the agents, the gateway profile, what detection found, how to route. */
export interface SessionRequest {
  recipes: readonly Recipe[];
  profile: Profile;
  env: Environment;
  evidence: (agentId: string) => readonly Evidence[];
  /** What the gateway serves (its probe); an agent whose protocol it does not serve goes through the relay. */
  served: Served;
  relay: RelayMode;
  /** The relay's port when none runs yet (the default port otherwise). */
  relayPort?: number;
}

export interface PlannedSession {
  routing: RelayRouting;
  /** Every file the agents may read, read once. */
  snapshot: Snapshot;
  /** Plans the agents (all, or `only`) against the snapshot with these consents: pure, so it can run again after asking. */
  plan(consent: (agentId: string) => boolean, only?: readonly Recipe[]): AgentPlan[];
}

/**
 * The read step of `apply` and the interactive mode alike: decide the relay routes, read every
 * file the agents may touch (each with the profile it is planned with), and plan against that.
 */
export async function planSession(request: SessionRequest): Promise<PlannedSession> {
  const { recipes, profile, env, evidence } = request;
  const routing = await routeAgents(recipes, profile, request.served, request.relay, env, request.relayPort);
  const [snapshot, journals] = await Promise.all([
    takeSnapshot(recipes.flatMap((r) => filesToRead(r, routing.profileFor(r.id), env, evidence(r.id)))),
    listJournals(stateDir(env)),
  ]);
  const ownedBy = ownedEntries(journals);
  // Codex's sessions made with its current provider, when the gateway's provider replaces it: said in
  // the review. Counted only then (not on a switch between profiles, which keeps the provider).
  const codexConfig = snapshot.get(codexConfigPath(env));
  const switching = recipes.some((r) => r.id === CODEX_ID) && selectedProvider(codexConfig?.bytes?.toString('utf8') ?? '') !== CODEX_PROVIDER_ID;
  const hidden = switching ? await codexSessionsHiddenNote(env) : undefined;
  return {
    routing,
    snapshot,
    plan: (consent, only = recipes) =>
      planAgents(only, { profile, profileFor: routing.profileFor, env, snapshot, consent, evidence, ownedBy }).map((p) =>
        hidden && p.recipe.id === CODEX_ID && selectsOurProvider(p) ? { ...p, messages: [...p.messages, hidden] } : p,
      ),
  };
}

const CODEX_ID = 'codex';

/** Whether the plan switches Codex's `model_provider` to setup-gateway's from another (OpenAI's own when unset). */
function selectsOurProvider(plan: AgentPlan): boolean {
  const provider = (bytes: Buffer | null) => selectedProvider(bytes ? bytes.toString('utf8') : '');
  return plan.changes.some((c) => c.path.endsWith('config.toml') && provider(c.after) === CODEX_PROVIDER_ID && provider(c.before) !== CODEX_PROVIDER_ID);
}

/**
 * Plans the chosen agents exactly as `apply` does; nothing is written. An agent whose protocol
 * the gateway does not serve (`served`, from the check) is planned against the local relay.
 */
export async function planReview(
  deps: SessionDeps,
  urls: GatewayUrls,
  key: string,
  choices: Choice[],
  granted: ReadonlySet<string>,
  served: Served = {},
  origin?: { name: string; save?: boolean },
): Promise<Review> {
  const profile = profileFor(urls, key, choices);
  const evidence = (id: string) => choices.find((c) => c.recipe.id === id)?.evidence ?? [];
  const session = await planSession({ recipes: choices.map((c) => c.recipe), profile, env: deps.env, evidence, served, relay: 'auto' });
  const plans = session.plan((id) => granted.has(id));
  const { routes, url, running, token } = session.routing;
  return {
    profile,
    choices,
    plans,
    granted,
    served,
    relay: { routes, url, running: Boolean(running), ...(token ? { token } : {}) },
    ...(origin ? { origin: { name: origin.name, ...(origin.save ? { save: true } : {}) } } : {}),
  };
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
  /** The agent's model slots it cannot send to a custom endpoint (`autocomplete (Cursor Tab)`), when it has any. */
  unroutable?: string;
}

/**
 * Values of settings named like a key or token (`ANTHROPIC_API_KEY`, `experimental_bearer_token`,
 * `openai-api-key`…): the user's other keys, e.g. one a diff removes, are masked too. Values
 * already masked (containing … or •) and short ones are left as they are.
 */
const KEY_FIELD = /((?:api[_-]?key|auth[_-]?token|bearer[_-]?token|access[_-]?token|secret|password)["']?\s*[:=]\s*["']?)([^\s"',\u2026\u2022]{8,})(?=["'\s,]|$)/gi;

export function maskKeyFields(text: string): string {
  return text.replace(KEY_FIELD, (_, lead: string, value: string) => lead + maskKey(value));
}

/** What the review screen shows, per agent; every string already masked. */
export function reviewSections(review: Review, env: Environment): ReviewSection[] {
  const mask = (text: string) => maskKeyFields(maskSecrets(text, [review.profile.key, review.relay.token?.value ?? '']));
  return review.plans.map((plan) => {
    const report = reportFor(plan, env, true);
    const status = report.status === 'failed' ? 'failed' : report.status === 'updated' ? 'changes' : report.status === 'manual' ? 'manual' : 'unchanged';
    const route = review.relay.routes.find((r) => r.agent === plan.recipe.id);
    const unroutable = unroutableSlots(plan.recipe);
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
      ...(unroutable ? { unroutable } : {}),
    };
  });
}

/** `autocomplete (Cursor Tab)`: the slots a recipe lists as not routable, by role and setting; undefined when none. */
export function unroutableSlots(recipe: Pick<Recipe, 'slots'>): string | undefined {
  const slots = recipe.slots.filter((s) => !s.routable);
  return slots.length ? slots.map((s) => `${s.role} (${s.keys.map((k) => k.replace(/^\((.*)\)$/, '$1')).join(', ')})`).join('; ') : undefined;
}

/** Whether applying would write anything at all. */
export function hasChanges(review: Review): boolean {
  return review.plans.some((p) => !p.error && p.changes.length > 0);
}

// Writing a reviewed session with the one applier (journal, backups, atomic writes), and the
// local relay that agents routed through it need afterwards.
import { applyChanges } from '../core/apply.js';
import { stateDir, type Environment } from '../core/environment.js';
import { SetupError } from '../core/errors.js';
import type { MadeBy } from '../core/journal.js';
import type { AgentPlan } from '../core/plan.js';
import type { Profile } from '../core/profile.js';
import { DEFAULT_PROFILE, readProfiles, recordApplied, writeProfiles, type SavedProfile } from '../core/profiles.js';
import { saveNewRelayToken, type PlannedToken } from '../core/relay-token.js';
import { maskSecrets } from '../core/secrets.js';
import { quietPrinter, type Printer } from './io.js';
import { runningRelay, startRelay } from './relay-run.js';
import { reportFor, type AgentReport } from './report.js';
import type { RelayRoute } from './route.js';
import type { Review, SessionDeps } from './session.js';

export interface Written {
  runId: string | null;
  reports: AgentReport[];
}

/** The local relay after writing: running (started now or already), or not, and why. */
export interface RelayStatus {
  url: string;
  running: boolean;
  started: boolean;
  pid?: number;
  error?: string;
}

/**
 * Writes the plans with the one applier (journal, backups, atomic writes), or in a dry run only
 * reports them with their diffs; each agent's report says whether it goes through the relay.
 * The agents written are recorded under `profileName` (a saved profile, or `default`), with the
 * model each was given, for `status`, `use` and doctor; `by` names the command in the journal.
 */
export async function writePlans(
  plans: readonly AgentPlan[],
  profile: Profile,
  relay: { routes: readonly RelayRoute[]; url: string; token?: PlannedToken | undefined },
  world: { env: Environment; version: string },
  dryRun = false,
  profileName: string = DEFAULT_PROFILE,
  by: MadeBy = { command: 'apply' },
): Promise<Written> {
  if (!dryRun && relay.token && !relay.token.saved) await saveToken(world.env, relay.token.value);
  const outcome = dryRun
    ? { runId: null, failed: {} as Record<string, string> }
    : await applyChanges(
        plans.filter((p) => !p.error).map((p) => ({ agent: p.recipe.id, changes: p.changes, model: p.recipe.model !== 'none' ? p.model : undefined })),
        { stateDir: stateDir(world.env), toolVersion: world.version, baseUrl: profile.urls.openai, by, profile: profileName },
      );
  const mask = (text: string) => maskSecrets(text, [profile.key, relay.token?.value ?? '']);
  const reports = plans.map((p): AgentReport => {
    const r = reportFor(p, world.env, dryRun, outcome.failed[p.recipe.id]);
    const route = relay.routes.find((x) => x.agent === p.recipe.id);
    return { ...r, messages: r.messages.map(mask), notes: r.notes.map(mask), ...(route && r.status !== 'failed' ? { relay: { url: relay.url, reason: route.reason } } : {}) };
  });
  const applied = reports.filter((r) => r.status === 'updated' || r.status === 'unchanged').map((r) => r.id);
  const models = Object.fromEntries(plans.flatMap((p) => (p.model !== undefined && p.recipe.model !== 'none' ? [[p.recipe.id, p.model]] : [])));
  if (!dryRun && applied.length) await recordApplied(world.env, { profile: profileName, baseUrl: profile.urls.openai, runId: outcome.runId, agents: applied, models });
  return { runId: outcome.runId, reports };
}

/**
 * The install's first relay token, made when the agents were planned, saved before any agent is
 * written with it. Another run that saved one meanwhile (both planned before either wrote) wins,
 * and this one stops before writing a token the relay would refuse.
 */
async function saveToken(env: Environment, token: string): Promise<void> {
  const saved = await saveNewRelayToken(env, token);
  if (saved !== token) {
    throw new SetupError("Another setup-gateway made the relay's local token while this one was planning; nothing was written.", ['Run the same command again: it will use that token.']);
  }
}

/**
 * Writes the reviewed plans (the interactive mode, after the user confirmed the review), recorded
 * under the profile the gateway came from; a new gateway the user named is saved as a profile
 * first (without its key: see `profileOfReview`).
 */
export async function writeReview(review: Review, deps: SessionDeps): Promise<Written> {
  if (review.origin?.save) await saveProfile(deps.env, profileOfReview(review));
  return writePlans(review.plans, review.profile, review.relay, deps, false, review.origin?.name, { command: 'setup-gateway (interactive)' });
}

/**
 * The profile a reviewed new gateway is saved as: its URL and the models picked (one `model` when
 * every agent has the same). No key: a typed key is kept only in the agents' private files, from
 * which the next interactive run takes it; `use NAME` takes SETUP_GATEWAY_KEY, or a reference
 * added later (`profile add NAME --replace --key-env VAR`).
 */
export function profileOfReview(review: Review): SavedProfile {
  const picked = review.choices.filter((c) => c.model !== undefined).map((c) => [c.recipe.id, c.model as string] as const);
  const distinct = new Set(picked.map(([, m]) => m));
  const models = distinct.size === 1 ? { model: [...distinct][0] as string } : picked.length ? { models: Object.fromEntries(picked) } : {};
  return { name: review.origin?.name ?? DEFAULT_PROFILE, baseUrl: review.profile.urls.openai, ...models };
}

/** Adds a profile to the store; a name taken meanwhile (another run) fails before anything is written. */
async function saveProfile(env: Environment, profile: SavedProfile): Promise<void> {
  const store = await readProfiles(env);
  if (store.profiles.some((p) => p.name === profile.name)) {
    throw new SetupError(`A profile named "${profile.name}" was saved meanwhile; nothing was written.`, ['Run again and pick another name.']);
  }
  await writeProfiles(env, { profiles: [...store.profiles, profile] });
}

/** Agents written to go through the local relay. */
export function relayed(written: Written): AgentReport[] {
  return written.reports.filter((r) => r.relay);
}

/** Whether to offer starting the local relay: an agent was written to go through it, and none runs. */
export async function relayToStart(written: Written, deps: SessionDeps): Promise<boolean> {
  return relayed(written).length > 0 && !(await runningRelay(deps.env));
}

/**
 * The local relay for agents written to go through it: the one running, else started now when
 * `agree` says so (the key in its environment only). `print` gets the relay's own lines (dropped
 * by default). A relay that cannot start is reported, not thrown: the files are written anyway.
 */
export async function ensureRelay(
  url: string,
  profile: Profile,
  deps: Pick<SessionDeps, 'env' | 'startRelay'>,
  agree: () => Promise<boolean>,
  print: Printer = quietPrinter(),
): Promise<RelayStatus> {
  const running = await runningRelay(deps.env);
  if (running) return { url: running.url, running: true, started: false, pid: running.pid };
  if (!(await agree())) return { url, running: false, started: false };
  try {
    const state = await (deps.startRelay ?? startRelay)(deps.env, profile, url, print);
    return state ? { url: state.url, running: true, started: true, pid: state.pid } : { url, running: false, started: false, error: 'the relay did not start' };
  } catch (error) {
    return { url, running: false, started: false, error: maskSecrets(error instanceof Error ? error.message : String(error), [profile.key]) };
  }
}

/** Starts the local relay for the reviewed gateway, once the user said yes (see `ensureRelay`). */
export async function startLocalRelay(review: Review, deps: SessionDeps, print?: Printer): Promise<RelayStatus> {
  return ensureRelay(review.relay.url, review.profile, deps, async () => true, print);
}

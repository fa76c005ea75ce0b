// Writing a reviewed session with the one applier (journal, backups, atomic writes), and the
// local relay that agents routed through it need afterwards.
import { applyChanges } from '../core/apply.js';
import { stateDir } from '../core/environment.js';
import { maskSecrets } from '../core/secrets.js';
import { quietPrinter, type Printer } from './io.js';
import { runningRelay, startRelay } from './relay-run.js';
import { reportFor, type AgentReport } from './report.js';
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

/** Writes the reviewed plans with the one applier (journal, backups, atomic writes). */
export async function writeReview(review: Review, deps: SessionDeps): Promise<Written> {
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
export function relayed(written: Written): AgentReport[] {
  return written.reports.filter((r) => r.relay);
}

/** Whether to offer starting the local relay: an agent was written to go through it, and none runs. */
export async function relayToStart(written: Written, deps: SessionDeps): Promise<boolean> {
  return relayed(written).length > 0 && !(await runningRelay(deps.env));
}

/**
 * Starts the local relay for the reviewed gateway (the key in its environment only). `print`
 * gets the relay's own lines; by default they are dropped (the TUI has no place for them).
 * A relay that cannot start is reported, not thrown: the files are written whatever happens.
 */
export async function startLocalRelay(review: Review, deps: SessionDeps, print?: Printer): Promise<RelayStatus> {
  const url = review.relay.url;
  const out = print ?? quietPrinter();
  try {
    const state = await (deps.startRelay ?? startRelay)(deps.env, review.profile, url, out);
    return state ? { url: state.url, running: true, started: true, pid: state.pid } : { url, running: false, started: false, error: 'the relay did not start' };
  } catch (error) {
    return { url, running: false, started: false, error: maskSecrets(error instanceof Error ? error.message : String(error), [review.profile.key]) };
  }
}

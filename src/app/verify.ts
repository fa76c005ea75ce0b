// After writing: checks that the agents read what was written (doctor's checks, or planning
// again and finding nothing to change), and what the user does next.
import { recipes as registry } from '../../recipes/index.js';
import { displayPath } from '../core/environment.js';
import { maskSecrets } from '../core/secrets.js';
import { readRelayStatus } from '../doctor/relay.js';
import { DEFAULT_TIMEOUT_MS, runDoctor } from '../doctor/run.js';
import type { Finding } from '../doctor/types.js';
import { recordDoctorRun } from './doctor-record.js';
import { relayStartAdvice, runningRelay } from './relay-run.js';
import type { AgentReport } from './report.js';
import { planReview, type Check, type Review, type SessionDeps, type Verifier } from './session.js';
import { relayed, type RelayStatus, type Written } from './write.js';

export interface Outcome extends Written {
  checks: Check[];
  nextSteps: string[];
  failed: boolean;
  /** Whether the local relay runs, when an agent goes through it. */
  relay?: RelayStatus;
}

/** Checks what was written (doctor's checks when given, else a re-plan) and lists the next steps. */
export async function checkWritten(review: Review, written: Written, deps: SessionDeps, relay?: RelayStatus): Promise<Outcome> {
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
  // An agent that was only given steps to follow has not done them yet: what its check finds
  // missing is what the steps are for, so the run does not fail for it.
  const manualIds = new Set(written.reports.filter((r) => r.status === 'manual').map((r) => r.id));
  const settled = checks.map((c): Check => (manualIds.has(c.agent) && !c.ok ? { agent: c.agent, ok: true, pending: true, detail: `its manual steps are not done yet (${c.detail})` } : c));
  return {
    ...written,
    checks: settled.map((c) => ({ ...c, detail: mask(c.detail) })),
    nextSteps: nextSteps(review, written.reports, status),
    ...(status ? { relay: status } : {}),
    failed: failedIds.size > 0 || settled.some((c) => !c.ok),
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

const BAD = new Set<Finding['level']>(['error', 'crash']);

/**
 * doctor on the agents just configured, with the gateway and key of the run: an agent passes
 * when doctor finds no error about it (warnings are named); gateway-level errors are one more
 * line. Every key doctor saw is masked.
 */
export const doctorChecks: Verifier = async (review, deps) => {
  const report = await runDoctor(
    {
      agents: review.choices.map((c) => c.recipe.id),
      baseUrl: review.profile.urls.openai,
      key: { value: review.profile.key, from: 'the interactive mode', source: 'flag' },
      offline: false,
      probeCompletion: false,
      timeoutMs: DEFAULT_TIMEOUT_MS,
    },
    // Agents routed through the local relay are checked against it (is it up?), not the gateway.
    { env: deps.env, fetch: deps.fetch, version: deps.version, relay: (env) => readRelayStatus(env, review.relay.url), ...(deps.cwd ? { cwd: deps.cwd } : {}), recipes: deps.recipes ?? registry },
  );
  // Kept for `status`, as a doctor command's result is. The run's own checks are printed below
  // whatever happens to this record, which only names a time and a result.
  await recordDoctorRun(deps.env, report, false).catch(() => undefined);
  const mask = (text: string) => maskSecrets(text, [review.profile.key, ...report.secrets]);
  const checks: Check[] = review.choices.map(({ recipe }) => {
    const mine = report.findings.filter((f) => f.agent === recipe.id);
    const bad = mine.filter((f) => BAD.has(f.level));
    const warnings = mine.filter((f) => f.level === 'warn');
    if (bad.length) return { agent: recipe.id, ok: false, detail: mask(`doctor: ${bad.map((f) => f.message).join(' ')}`) };
    const warned = warnings.length ? `; ${warnings.length} warning${warnings.length === 1 ? '' : 's'}: ${warnings.map((f) => f.message).join(' ')}` : '';
    return { agent: recipe.id, ok: true, detail: mask(`doctor: ${mine.length - warnings.length} check${mine.length - warnings.length === 1 ? '' : 's'} passed${warned}`) };
  });
  const gateway = report.findings.filter((f) => f.agent === undefined && BAD.has(f.level));
  if (gateway.length) checks.push({ agent: 'gateway', ok: false, detail: mask(`doctor: ${gateway.map((f) => f.message).join(' ')}`) });
  return checks;
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
      `${relay?.error ? `The local relay could not start (${relay.error}). ` : ''}Start the local relay before using ${viaRelay.join(', ')}, ${relayStartAdvice(review.profile, review.relay.url)}.`,
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

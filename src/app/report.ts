// What happened to each agent, as `apply`, `doctor --fix` and the interactive mode report it:
// one report shape, one diff rendering, one printed form.
import { unifiedDiff } from '../core/diff.js';
import { displayPath, type Environment } from '../core/environment.js';
import { octal, type AgentPlan, type FileChange } from '../core/plan.js';
import type { Profile } from '../core/profile.js';
import { maskKey } from '../core/secrets.js';
import type { Printer } from './io.js';

export type AgentStatus = 'updated' | 'unchanged' | 'skipped' | 'manual' | 'failed';

export interface AgentReport {
  id: string;
  name: string;
  status: AgentStatus;
  model?: string;
  /** Files written (or, in a dry run, that would be). */
  files: string[];
  /** In a dry run: the files the agent reads that already hold what it would write. */
  unchanged?: string[];
  messages: string[];
  notes: string[];
  /** Set when the agent goes through the local relay: where, and why. */
  relay?: { url: string; reason: string };
  /** For status `manual`: why, and the exact steps with the values filled in. */
  manual?: { why: string; steps: string[] };
  diff?: string;
}

/**
 * The unified diff of planned changes, paths shown as the user knows them, with a line for a new
 * file's mode or a mode that changes. Not masked: callers mask with the keys they know.
 */
export function changesDiff(changes: readonly FileChange[], env: Environment): string {
  return changes
    .map((c) => {
      const label = displayPath(env, c.path);
      const text = unifiedDiff(c.before?.toString('utf8') ?? '', c.after.toString('utf8'), c.before ? label : '/dev/null', label);
      const mode =
        c.beforeMode === null
          ? `new file ${label}, mode ${octal(c.mode)}\n`
          : c.beforeMode !== c.mode
            ? `${label}: mode ${octal(c.beforeMode)} → ${octal(c.mode)}${c.holdsSecret ? ' (it holds the key)' : ''}\n`
            : '';
      return mode + text;
    })
    .join('');
}

/**
 * What a plan does to the user's own settings, in words: before writing (a dry run, the review)
 * "Will remove env.ANTHROPIC_API_KEY from …", the mode change left to the diff, which states it
 * once; after writing "Removed …", and the mode change, as no diff is shown then.
 */
export function changeMessages(plan: AgentPlan, env: Environment, written: boolean): string[] {
  const removals = plan.removals.map((r) => `${written ? 'Removed' : 'Will remove'} ${r.key} from ${displayPath(env, r.file)}.`);
  const modes = written
    ? plan.changes
        .filter((c) => c.beforeMode !== null && c.beforeMode !== c.mode)
        .map((c) => `${displayPath(env, c.path)}${c.holdsSecret ? ' holds the key: ' : ': '}permissions tightened from ${octal(c.beforeMode as number)} to ${octal(c.mode)}.`)
    : [];
  return [...plan.messages, ...removals, ...modes];
}

/** An agent's report from its plan (and the applier's error for it, if writing failed); with its diff in a dry run. */
export function reportFor(plan: AgentPlan, env: Environment, dryRun: boolean, writeError?: string): AgentReport {
  const base = {
    id: plan.recipe.id,
    name: plan.recipe.name,
    ...(plan.model ? { model: plan.model } : {}),
    notes: plan.notes,
  };
  const error = plan.error ?? writeError;
  if (error) return { ...base, status: 'failed', files: [], messages: [...changeMessages(plan, env, false), error] };
  const files = plan.changes.map((c) => c.path);
  const status: AgentStatus = files.length ? 'updated' : plan.manual ? 'manual' : 'unchanged';
  const report: AgentReport = { ...base, status, files, messages: changeMessages(plan, env, !dryRun), ...(plan.manual ? { manual: plan.manual } : {}) };
  if (dryRun) {
    report.diff = changesDiff(plan.changes, env);
    report.unchanged = plan.files.filter((f) => !files.includes(f));
  }
  return report;
}

const SYMBOL: Record<AgentStatus, string> = { updated: '✓', unchanged: '=', skipped: '-', manual: '!', failed: '✗' };
const COLOR = { updated: 'green', unchanged: 'dim', skipped: 'dim', manual: 'yellow', failed: 'red' } as const;

/** An agent's status as every report shows it: its mark and its word, coloured. */
export function paintStatus(print: Printer, status: AgentStatus, word: string = status): { mark: string; word: string } {
  return { mark: print.paint(COLOR[status], SYMBOL[status]), word: print.paint(COLOR[status], word) };
}

/** What a dry run without a key writes where the key goes (`apply --dry-run` needs no real key). */
export const PLACEHOLDER_KEY = 'YOUR_GATEWAY_KEY';

/** The reports as `apply` prints them; the interactive mode's summary prints the same. */
export function printReports(print: Printer, reports: AgentReport[], profile: Profile, dryRun: boolean, runId: string | null, env: Environment, command = 'setup-gateway'): void {
  printAgentReports(print, reports, profile, dryRun, env);
  print.out();
  print.out(outcomeLine(reports, dryRun, runId, command));
}

/** Each agent's report, under the gateway it was configured for. */
export function printAgentReports(print: Printer, reports: readonly AgentReport[], profile: Profile, dryRun: boolean, env: Environment): void {
  const key = profile.key === PLACEHOLDER_KEY ? `no key given: ${PLACEHOLDER_KEY} stands for it` : `key ${maskKey(profile.key)}`;
  print.out(`${dryRun ? 'Dry run: nothing is written. ' : ''}Gateway ${profile.urls.openai} (${key})`);
  print.out();
  const width = Math.max(...reports.map((r) => r.id.length));
  for (const r of reports) {
    const status = dryRun && r.status === 'updated' ? 'would update' : r.status;
    const files = r.files.length ? `  ${r.files.map((f) => displayPath(env, f)).join(', ')}` : '';
    print.out(`${print.paint(COLOR[r.status], SYMBOL[r.status])} ${r.id.padEnd(width)}  ${print.paint(COLOR[r.status], status)}${files}`);
    if (r.relay) print.out(`    via the local relay ${r.relay.url}: ${r.relay.reason}`);
    for (const m of r.messages) print.out(`    ${m}`);
    if (r.manual) {
      print.out(`    ${r.manual.why}`);
      r.manual.steps.forEach((step, i) => print.out(`    ${i + 1}. ${step}`));
    }
    if (r.status === 'updated' && !dryRun) for (const n of r.notes) print.out(print.paint('dim', `    note: ${n}`));
    if (r.diff) printDiff(print, r.diff, '    ');
  }
}

/** The run in one line: how many agents got what, and how to undo it. */
export function outcomeLine(reports: readonly AgentReport[], dryRun: boolean, runId: string | null, command = 'setup-gateway'): string {
  const count = (s: AgentStatus) => reports.filter((r) => r.status === s).length;
  const summary = [
    `${count('updated')} ${dryRun ? 'to update' : 'updated'}`,
    `${count('unchanged')} unchanged`,
    ...(count('manual') ? [`${count('manual')} need manual steps`] : []),
    ...(count('failed') ? [`${count('failed')} failed`] : []),
  ].join(', ');
  return summary + (runId ? `. Undo with: ${command} undo --id ${runId}` : '.');
}

/** A diff's line colour: added green, removed red, the rest (headers, context, modes) dim. */
export function diffColor(line: string): 'green' | 'red' | 'dim' {
  return line.startsWith('+') && !line.startsWith('+++') ? 'green' : line.startsWith('-') && !line.startsWith('---') ? 'red' : 'dim';
}

/** A diff, indented and coloured. */
export function printDiff(print: Printer, diff: string, indent: string): void {
  for (const line of diff.trimEnd().split('\n')) print.out(`${indent}${print.paint(diffColor(line), line)}`);
}

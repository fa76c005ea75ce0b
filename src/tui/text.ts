// The interactive mode's texts that are not questions: the review (shown in the TUI's scroll
// view, or printed line by line by --plain) and the summary printed when it is done. No React.
import { outcomeLine, paintStatus, printReports, reportFor } from '../app/report.js';
import { withPrefix } from '../app/command.js';
import type { Printer } from '../app/io.js';
import { displayPath, type Environment } from '../core/environment.js';
import { maskKey } from '../core/secrets.js';
import { reviewSections, type Review } from '../app/session.js';
import type { Outcome } from '../app/verify.js';

export type Tone = 'accent' | 'ok' | 'warn' | 'error' | 'dim' | 'added' | 'removed' | 'strong';

export interface Line {
  text: string;
  tone?: Tone;
}

function diffTone(line: string): Tone | undefined {
  if (line.startsWith('+++') || line.startsWith('---')) return 'strong';
  if (line.startsWith('+')) return 'added';
  if (line.startsWith('-')) return 'removed';
  if (line.startsWith(' ')) return undefined;
  // Hunk headers, "\ No newline", "new file …, mode 0600", "…: mode 0644 → 0600".
  return 'dim';
}

/** Everything the user confirms: per agent its diffs (keys masked), messages, manual steps, errors. */
export function reviewLines(review: Review, env: Environment): Line[] {
  const lines: Line[] = [{ text: `Gateway ${review.profile.urls.openai}  (key ${maskKey(review.profile.key)})`, tone: 'strong' }, { text: '' }];
  let files = 0;
  for (const s of reviewSections(review, env)) {
    const model = s.model ? `model ${s.model}` : 'its default model';
    const what =
      s.status === 'failed'
        ? 'cannot be configured'
        : s.status === 'changes'
          ? `will write ${s.files.length} file${s.files.length === 1 ? '' : 's'}`
          : s.status === 'manual'
            ? 'needs manual steps'
            : 'already routed here: nothing to write';
    lines.push({ text: `${s.name} · ${model} · ${what}`, tone: s.status === 'failed' ? 'error' : s.status === 'manual' ? 'warn' : 'accent' });
    files += s.status === 'changes' ? s.files.length : 0;
    if (s.relay) lines.push({ text: `  via the local relay ${review.relay.url}: ${s.relay}`, tone: 'warn' });
    for (const m of s.messages) lines.push({ text: `  ${m}`, tone: s.status === 'failed' ? 'error' : 'warn' });
    // What the agent sends elsewhere whatever is written (its recipe's slots that cannot be routed).
    if (s.unroutable && s.status !== 'failed') lines.push({ text: `  Cannot go through the gateway: ${s.unroutable}`, tone: 'dim' });
    for (const d of s.diff.trimEnd().split('\n').filter(Boolean)) lines.push({ text: `  ${d}`, ...toneOf(diffTone(d)) });
    if (s.manual) {
      lines.push({ text: `  ! ${s.manual.why}`, tone: 'warn' });
      s.manual.steps.forEach((step, i) => lines.push({ text: `    ${i + 1}. ${step}` }));
    }
    lines.push({ text: '' });
  }
  const relayed = reviewSections(review, env).filter((s) => s.relay);
  if (relayed.length) {
    lines.push({
      text: `The local relay must run for ${relayed.map((s) => s.name).join(', ')}: ${
        review.relay.running ? `it is running at ${review.relay.url}.` : `it is not running; after writing you can start it at ${review.relay.url}.`
      }`,
      tone: 'warn',
    });
    lines.push({ text: '' });
  }
  lines.push(
    files
      ? { text: `${files} file${files === 1 ? '' : 's'} to write. Nothing is written until you confirm; each file is backed up first.`, tone: 'strong' }
      : { text: 'Nothing to write.', tone: 'strong' },
  );
  return lines;
}

function toneOf(tone: Tone | undefined): { tone?: Tone } {
  return tone ? { tone } : {};
}

const PAINT: Record<Tone, Parameters<Printer['paint']>[0] | undefined> = {
  accent: 'cyan',
  ok: 'green',
  warn: 'yellow',
  error: 'red',
  dim: 'dim',
  added: 'green',
  removed: 'red',
  strong: 'bold',
};

/** Prints lines through the masking printer, coloured when it colours. */
export function printLines(print: Printer, lines: readonly Line[]): void {
  for (const line of lines) {
    const paint = line.tone ? PAINT[line.tone] : undefined;
    print.out(paint ? print.paint(paint, line.text) : line.text);
  }
}

/**
 * The end of a run, short, with the outcome last so it stays in view: the checks on what was
 * written; the manual steps when the review is no longer on screen (the TUI's alternate screen is
 * gone; the line mode's review is still above); then what changed, one line per agent, what to do
 * next, and the undo command on a line of its own. Nothing else the review showed is repeated (the
 * gateway, the diffs, the relay's reasons, the warnings).
 */
export function printSummary(print: Printer, review: Review, outcome: Outcome, env: Environment, reviewInView = false, command = 'setup-gateway'): void {
  if (outcome.checks.length) {
    print.out(print.paint('bold', 'Checks'));
    for (const c of outcome.checks) {
      const mark = c.pending ? print.paint('yellow', '!') : c.ok ? print.paint('green', '✓') : print.paint('red', '✗');
      print.out(`  ${mark} ${c.agent}: ${c.detail}`);
    }
    print.out();
  }
  if (!reviewInView) {
    for (const r of outcome.reports) {
      if (!r.manual) continue;
      print.out(print.paint('bold', `${r.name}, by hand:`));
      r.manual.steps.forEach((step, i) => print.out(`  ${i + 1}. ${step}`));
      print.out();
    }
  }
  const width = Math.max(...outcome.reports.map((r) => r.id.length));
  for (const r of outcome.reports) {
    const { mark, word } = paintStatus(print, r.status, r.status === 'manual' ? 'by hand' : r.status);
    const files = r.files.length ? `  ${r.files.map((f) => displayPath(env, f)).join(', ')}` : '';
    print.out(`${mark} ${r.id.padEnd(width)}  ${word}${files}`);
    // A failure is news (the review did not show it); so are the notes on what to do after writing.
    if (r.status === 'failed') for (const m of r.messages) print.out(`    ${m}`);
    if (r.status === 'updated') for (const n of r.notes) print.out(print.paint('dim', `    note: ${n}`));
  }
  if (outcome.nextSteps.length) {
    print.out(print.paint('bold', 'Next'));
    outcome.nextSteps.forEach((step, i) => print.out(`  ${i + 1}. ${withPrefix(step, command)}`));
  }
  const done = outcome.failed ? print.paint('red', 'Done, with failures:') : print.paint('green', 'Done:');
  print.out(`${done} ${outcomeLine(outcome.reports, false, null)}`);
  // On a line of its own, so it can be copied whole at any width.
  if (outcome.runId) print.out(`Undo with: ${command} undo --id ${outcome.runId}`);
}

/** When the review had nothing to write: what each agent is, as `apply` reports it. */
export function printNothing(print: Printer, review: Review, env: Environment): void {
  printReports(print, review.plans.map((p) => reportFor(p, env, false)), review.profile, false, null, env);
}

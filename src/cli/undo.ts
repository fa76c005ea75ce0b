// `setup-gateway undo`: restore what the last apply (or the one named) changed.
import { z } from 'zod';
import { displayPath, stateDir } from '../core/environment.js';
import { ExitCode } from '../core/errors.js';
import { listJournals, madeBy, type Journal } from '../core/journal.js';
import { unifiedDiff } from '../core/diff.js';
import { collectSecretAssignments } from '../core/secrets.js';
import { previewUndo, undoRun, type UndoPreviewFile } from '../core/undo.js';
import { codexSessionsUndoNote } from '../app/codex-sessions.js';
import { maskKeyFields } from '../app/session.js';
import { parseCommand } from './args.js';
import type { Printer } from '../app/io.js';
import { commandOf, type CliIO } from './io.js';

export const undoHelp = `Usage: setup-gateway undo [--id ID] [--dry-run] [--yes] [--list] [--json]

Put back every file the last apply changed, byte for byte, and remove the files it
created. A file edited since setup-gateway wrote it is left alone and reported.
On a terminal it shows what it will do and asks first.

Options:
  --dry-run   show what would be restored and removed (with the diffs); change nothing
  --yes       do not ask (on a terminal)
  --list      list past runs, newest first, each named by the command that made it
              (apply, use NAME, doctor --fix, relay rotate-token…)
  --id ID     undo that apply instead of the last one
  --json      print one JSON document

Examples:
  setup-gateway undo --dry-run
  setup-gateway undo --list
  setup-gateway undo --id 20261204T101500Z-1a2b3c --yes
`;

const OptionsSchema = z.object({
  id: z.string().regex(/^[0-9TZ]+-[0-9a-f]+$/, 'is not an apply id (see `undo --list`)').optional(),
  list: z.boolean().default(false),
  json: z.boolean().default(false),
  'dry-run': z.boolean().default(false),
  yes: z.boolean().default(false),
});

export async function undoCommand(argv: readonly string[], io: CliIO, print: Printer): Promise<number> {
  const options = parseCommand('undo', argv, { id: { type: 'string' }, list: { type: 'boolean' }, json: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, yes: { type: 'boolean' } }, OptionsSchema);
  const env = io.environment();
  const dir = stateDir(env);
  if (options.list) {
    const runs = await listJournals(dir);
    if (options.json) {
      print.json({
        applies: runs.map((r) => ({ id: r.id, createdAt: r.createdAt, by: madeBy(r), baseUrl: r.baseUrl, agents: r.agents, files: r.entries.map((e) => e.path), undoneAt: r.undoneAt })),
      });
    } else if (runs.length === 0) {
      print.out('No applies recorded.');
    } else {
      for (const r of runs) {
        const state = r.undoneAt ? print.paint('dim', ' (undone)') : '';
        print.out(`${r.id}  ${r.createdAt}  ${describeRun(r)}${state}`);
        for (const e of r.entries) print.out(print.paint('dim', `    ${displayPath(env, e.path)}${e.created ? ' (created)' : ''}`));
      }
    }
    return ExitCode.ok;
  }
  // A preview: for --dry-run, and on a terminal before anything is deleted (unless --yes).
  const ask = io.interactive && !options.json && !options.yes;
  if (options['dry-run'] || ask) {
    const preview = await previewUndo(dir, options.id);
    const secrets = new Set<string>();
    for (const f of preview.files) for (const bytes of [f.current, f.after]) if (bytes) collectSecretAssignments(bytes.toString('utf8'), secrets);
    for (const secret of secrets) print.addSecret(secret);
    if (options['dry-run'] && options.json) {
      print.json({ dryRun: true, runId: preview.journal.id, by: madeBy(preview.journal), files: preview.files.map((f) => ({ path: f.path, status: f.status, ...(f.backup ? { backup: f.backup } : {}), diff: maskKeyFields(diffOf(f, env)) })) });
      return ExitCode.ok;
    }
    print.out(`${options['dry-run'] ? 'Dry run: nothing is changed. ' : ''}Undoing ${preview.journal.id} (${preview.journal.createdAt}, ${describeRun(preview.journal)}) would:`);
    for (const f of preview.files) {
      print.out(`  ${PREVIEW[f.status]} ${displayPath(env, f.path)}`);
      if (options['dry-run']) for (const line of maskKeyFields(diffOf(f, env)).trimEnd().split('\n').filter(Boolean)) print.out(`      ${line}`);
    }
    const sessions = await codexSessionsUndoNote(env, preview.files.filter((f) => f.status === 'restored' || f.status === 'removed'));
    if (sessions) print.out(`  note: ${sessions}`);
    if (options['dry-run']) {
      print.out(`To do it: ${commandOf(io)} undo${options.id ? ` --id ${preview.journal.id}` : ''}`);
      return ExitCode.ok;
    }
    if (!(await io.confirm('Restore and remove these files?'))) {
      print.err('Nothing was changed.');
      return ExitCode.failure;
    }
  }
  const result = await undoRun(dir, options.id);
  const conflicts = result.files.filter((f) => f.status === 'changed-since');
  if (options.json) {
    print.json({ ok: conflicts.length === 0, runId: result.runId, by: madeBy(result.journal), files: result.files });
  } else {
    print.out(`Undoing ${result.runId} (${describeRun(result.journal)}):`);
    for (const f of result.files) {
      const text = {
        restored: 'restored',
        removed: 'removed (setup-gateway created it)',
        'already-restored': 'already as it was',
        'changed-since': `changed since setup-gateway wrote it: left alone${f.backup ? `; the earlier version is in ${f.backup}` : ''}`,
      }[f.status];
      const mark = f.status === 'changed-since' ? print.paint('yellow', '!') : print.paint('green', '✓');
      print.out(`${mark} ${displayPath(env, f.path)}: ${text}`);
    }
    const sessions = await codexSessionsUndoNote(env, result.files.filter((f) => f.status === 'restored' || f.status === 'removed'));
    if (sessions) print.out(print.paint('dim', `  note: ${sessions}`));
  }
  return conflicts.length ? ExitCode.failure : ExitCode.ok;
}

/** A run as listed: what made it, its agents, and the gateway it wrote (none for `use --vendor`). */
function describeRun(r: Journal): string {
  const gateway = r.baseUrl && r.baseUrl !== 'vendor' ? `  ${r.baseUrl}` : '';
  return `${madeBy(r)}: ${r.agents.join(', ')}${gateway}`;
}

const PREVIEW: Record<UndoPreviewFile['status'], string> = {
  restored: 'restore',
  removed: 'remove (setup-gateway created it)',
  'already-restored': 'leave (already as it was)',
  'changed-since': 'leave (changed since setup-gateway wrote it)',
};

/** What undoing does to one file, as a unified diff (empty when it is left as it is). */
function diffOf(f: UndoPreviewFile, env: Parameters<typeof displayPath>[0]): string {
  if (f.status !== 'restored' && f.status !== 'removed') return '';
  const label = displayPath(env, f.path);
  return unifiedDiff(f.current?.toString('utf8') ?? '', f.after?.toString('utf8') ?? '', label, f.after ? label : '/dev/null');
}

// `setup-gateway undo`: restore what the last apply (or the one named) changed.
import { z } from 'zod';
import { displayPath, stateDir } from '../core/environment.js';
import { ExitCode } from '../core/errors.js';
import { listJournals } from '../core/journal.js';
import { undoRun } from '../core/undo.js';
import { parseCommand } from './args.js';
import type { Printer } from '../app/io.js';
import type { CliIO } from './io.js';

export const undoHelp = `Usage: setup-gateway undo [--id ID] [--list] [--json]

Put back every file the last apply changed, byte for byte, and remove the files it
created. A file edited since setup-gateway wrote it is left alone and reported.

Options:
  --list      list past applies, newest first
  --id ID     undo that apply instead of the last one
  --json      print one JSON document
`;

const OptionsSchema = z.object({
  id: z.string().regex(/^[0-9TZ]+-[0-9a-f]+$/, 'is not an apply id (see `undo --list`)').optional(),
  list: z.boolean().default(false),
  json: z.boolean().default(false),
});

export async function undoCommand(argv: readonly string[], io: CliIO, print: Printer): Promise<number> {
  const options = parseCommand('undo', argv, { id: { type: 'string' }, list: { type: 'boolean' }, json: { type: 'boolean' } }, OptionsSchema);
  const env = io.environment();
  const dir = stateDir(env);
  if (options.list) {
    const runs = await listJournals(dir);
    if (options.json) {
      print.json({
        applies: runs.map((r) => ({ id: r.id, createdAt: r.createdAt, baseUrl: r.baseUrl, agents: r.agents, files: r.entries.map((e) => e.path), undoneAt: r.undoneAt })),
      });
    } else if (runs.length === 0) {
      print.out('No applies recorded.');
    } else {
      for (const r of runs) {
        const state = r.undoneAt ? print.paint('dim', ' (undone)') : '';
        print.out(`${r.id}  ${r.createdAt}  ${r.agents.join(', ')}  ${r.baseUrl}${state}`);
        for (const e of r.entries) print.out(print.paint('dim', `    ${displayPath(env, e.path)}${e.created ? ' (created)' : ''}`));
      }
    }
    return ExitCode.ok;
  }
  const result = await undoRun(dir, options.id);
  const conflicts = result.files.filter((f) => f.status === 'changed-since');
  if (options.json) {
    print.json({ ok: conflicts.length === 0, runId: result.runId, files: result.files });
  } else {
    print.out(`Undoing apply ${result.runId}:`);
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
  }
  return conflicts.length ? ExitCode.failure : ExitCode.ok;
}

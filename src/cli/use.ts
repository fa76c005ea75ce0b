// `setup-gateway use NAME`: switch the agents setup-gateway routes (or those named) to a saved profile.
import { z } from 'zod';
import { Printer } from '../app/io.js';
import { printReports } from '../app/report.js';
import { relayStartAdvice, relayStartCommand } from '../app/relay-run.js';
import { useProfile, type UseResult } from '../app/use.js';
import { useVendor } from '../app/vendor.js';
import { codexSessionsUndoNote } from '../app/codex-sessions.js';
import { displayPath } from '../core/environment.js';
import { DIRECT_PROFILE } from '../core/profiles.js';
import { ExitCode, UsageError } from '../core/errors.js';
import { parseCommand } from './args.js';
import { withPrefix } from '../app/command.js';
import { commandOf, type CliIO } from './io.js';

export const useHelp = `Usage: setup-gateway use NAME [--agent ID]… [--dry-run] [--yes] [--json]
       setup-gateway use --vendor | direct [--agent ID]… [--dry-run] [--json]

Point every agent that routes through setup-gateway now (see \`setup-gateway status\`), or
the agents named, at the saved profile NAME (see \`setup-gateway profile --help\`), in one
apply: \`setup-gateway undo\` puts the previous profile back, byte for byte.

Agents that go through the local relay keep their files: the running relay is switched to
the new gateway in place (a session already running sends its next request there).

\`use --vendor\` (or \`use direct\`) puts those agents back on their vendors' own
endpoints, in one undoable run: each file as it was before setup-gateway first wrote
it, byte for byte, where nothing else changed it since; otherwise our settings are
taken out and the rest stays.

Options:
  --vendor      back to the vendors' own endpoints (same as the name \`direct\`)
  --agent ID    switch this agent (repeatable; default: every agent setup-gateway routes now)
  --dry-run     print the changes as diffs (keys masked) and write nothing
  --yes         consent to removing conflicting settings and to starting the local relay
  --json        print one JSON document (as apply's)

Examples:
  setup-gateway use work
  setup-gateway use home --dry-run
  setup-gateway use lab --agent codex --agent aider
  setup-gateway use --vendor --dry-run
  setup-gateway use direct --agent claude-code
`;

const OptionsSchema = z.object({
  agent: z.array(z.string()).default([]),
  'dry-run': z.boolean().default(false),
  yes: z.boolean().default(false),
  json: z.boolean().default(false),
});

export async function useCommand(argv: readonly string[], io: CliIO, print: Printer): Promise<number> {
  if (argv.includes('--vendor') || argv[0] === DIRECT_PROFILE) {
    return vendorCommand(argv.filter((a, i) => a !== '--vendor' && !(i === 0 && a === DIRECT_PROFILE)), argv[0] === DIRECT_PROFILE ? 'use direct' : 'use --vendor', io, print);
  }
  const [name, ...rest] = argv;
  if (name === undefined || name.startsWith('-')) {
    throw new UsageError('use: name the profile: setup-gateway use NAME.', ['See `setup-gateway profile list`.']);
  }
  const options = parseCommand('use', rest, { agent: { type: 'string', multiple: true }, 'dry-run': { type: 'boolean' }, yes: { type: 'boolean' }, json: { type: 'boolean' } }, OptionsSchema);
  const env = io.environment();
  const ask = io.interactive && !options.json ? (question: string) => io.confirm(question) : undefined;
  const result = await useProfile(
    { profile: name, agents: options.agent, dryRun: options['dry-run'], yes: options.yes },
    {
      env,
      fetch: io.fetch,
      version: io.version,
      keys: { env: env.env, readStdin: () => io.readStdin() },
      ...(ask ? { confirm: ask } : {}),
      print: options.json ? new Printer({ ...io, stdout: { write() {} } }, false) : print,
    },
  );
  if (result.kind === 'nothing-routed') {
    print.err('No agent routes through setup-gateway now: name the agents with --agent ID, or run `setup-gateway apply --profile NAME`.');
    return ExitCode.failure;
  }
  print.addSecret(result.profile.key);
  for (const secret of result.secrets) print.addSecret(secret);
  if (options.json) {
    print.json({
      ok: !result.failed,
      dryRun: options['dry-run'],
      profile: name,
      runId: result.runId,
      gateway: result.profile.urls,
      agents: result.reports,
      ...(result.relay ? { relay: result.relay } : {}),
      ...(result.relayUpstream ? { relayUpstream: result.relayUpstream } : {}),
    });
  } else {
    const command = commandOf(io);
    printReports(print, result.reports, result.profile, options['dry-run'], result.runId, env, command);
    const line = relayLine(result);
    if (line) print.out(withPrefix(line, command));
  }
  return result.failed ? ExitCode.failure : ExitCode.ok;
}

/** What use says about the local relay its agents point at. */
function relayLine(result: Extract<UseResult, { kind: 'done' }>): string {
  const relay = result.relay;
  const moved = result.relayUpstream;
  const target = result.profile.urls.openai;
  const relayedAgents = result.reports.filter((r) => r.relay).map((r) => r.id);
  if (moved?.dryRun) {
    return moved.retargeted
      ? `Would switch the running local relay from ${moved.was.join(', ')} to ${target} in place (${relayedAgents.join(', ')} keep their files; their next request goes to ${target}).`
      : `The running local relay forwards to ${moved.was.join(', ')} and cannot switch in place: it would be restarted for ${target}.`;
  }
  if (!relay) return '';
  if (moved?.retargeted) {
    return `Switched the running local relay at ${relay.url}${relay.pid ? ` (pid ${relay.pid})` : ''} in place from ${moved.was.join(', ')} to ${target}: ${relayedAgents.join(', ')} keep their files, and a session already running sends its next request to ${target}.`;
  }
  if (moved && !moved.restarted && relay.running) {
    return `The local relay at ${relay.url} still forwards to ${moved.was.join(', ')}${moved.reason ? ` (${moved.reason})` : ''}: restart it for ${target} with \`setup-gateway relay stop\`, then ${relayStartCommand(result.profile, relay.url)} (or run \`use\` again with --yes).`;
  }
  if (relay.running) return `${moved ? 'Restarted' : relay.started ? 'Started' : 'Kept'} the local relay at ${relay.url}${relay.pid ? ` (pid ${relay.pid})` : ''}, forwarding to ${target}.`;
  return `The local relay must run for some of these agents${relay.error ? ` (${relay.error})` : ''}: start it ${relayStartAdvice(result.profile, relay.url)}.`;
}

/** `use --vendor` / `use direct`: the agents back on their vendors' own endpoints. */
async function vendorCommand(argv: readonly string[], command: 'use --vendor' | 'use direct', io: CliIO, print: Printer): Promise<number> {
  const options = parseCommand('use', argv, { agent: { type: 'string', multiple: true }, 'dry-run': { type: 'boolean' }, yes: { type: 'boolean' }, json: { type: 'boolean' } }, OptionsSchema);
  const env = io.environment();
  const result = await useVendor({ agents: options.agent, dryRun: options['dry-run'], command }, { env, version: io.version });
  if (result.kind === 'nothing-routed') {
    print.err('No agent routes through setup-gateway now: nothing to put back (name agents with --agent ID).');
    return ExitCode.failure;
  }
  for (const secret of result.secrets) print.addSecret(secret);
  if (options.json) {
    print.json({ ok: !result.failed, dryRun: options['dry-run'], vendor: true, runId: result.runId, agents: result.reports });
    return result.failed ? ExitCode.failure : ExitCode.ok;
  }
  print.out(options['dry-run'] ? 'Back to the vendors\' own endpoints (dry run: nothing written):' : 'Back to the vendors\' own endpoints:');
  for (const r of result.reports) {
    const symbol = r.status === 'failed' ? '✗' : r.status === 'updated' ? '✓' : r.status === 'manual' ? '!' : '=';
    const restored = r.back?.restored ?? [];
    const taken = r.files.filter((f) => !restored.includes(f));
    const parts = [
      ...(restored.length ? [`restored as before setup-gateway, byte for byte: ${restored.map((f) => displayPath(env, f)).join(', ')}`] : []),
      ...(taken.length ? [`setup-gateway's settings taken out (changed since, or created by setup-gateway): ${taken.map((f) => displayPath(env, f)).join(', ')}`] : []),
    ];
    const how = parts.length ? parts.join('; ') : r.status === 'unchanged' ? "nothing of setup-gateway's left" : r.status === 'manual' ? 'to do by hand:' : r.status;
    print.out(`${symbol} ${r.id}  ${how}`);
    for (const m of r.messages) print.out(`    ${m}`);
    if (r.manual) for (const step of [r.manual.why, ...r.manual.steps]) print.out(`    ${step}`);
    // Codex back on its own provider: what becomes of the sessions made through the gateway.
    const sessions = r.status === 'updated' && !options['dry-run'] ? await codexSessionsUndoNote(env, r.files.map((path) => ({ path }))) : undefined;
    if (sessions) print.out(print.paint('dim', `    note: ${sessions}`));
    if (r.diff) print.out(r.diff);
  }
  if (result.runId) print.out(`Undo with: ${commandOf(io)} undo --id ${result.runId} (back to the gateway)`);
  return result.failed ? ExitCode.failure : ExitCode.ok;
}

// `setup-gateway use NAME`: switch the agents setup-gateway routes (or those named) to a saved profile.
import { z } from 'zod';
import { Printer } from '../app/io.js';
import { printReports } from '../app/report.js';
import { relayStartAdvice, relayStartCommand } from '../app/relay-run.js';
import { useProfile, type UseResult } from '../app/use.js';
import { ExitCode, UsageError } from '../core/errors.js';
import { parseCommand } from './args.js';
import type { CliIO } from './io.js';

export const useHelp = `Usage: setup-gateway use NAME [--agent ID]… [--dry-run] [--yes] [--json]

Point every agent that routes through setup-gateway now (see \`setup-gateway status\`), or
the agents named, at the saved profile NAME (see \`setup-gateway profile --help\`), in one
apply: \`setup-gateway undo\` puts the previous profile back, byte for byte.

Agents that go through the local relay keep their files: the running relay is switched to
the new gateway in place (a session already running sends its next request there).

Options:
  --agent ID    switch this agent (repeatable; default: every agent setup-gateway routes now)
  --dry-run     print the changes as diffs (keys masked) and write nothing
  --yes         consent to removing conflicting settings and to starting the local relay
  --json        print one JSON document (as apply's)

Examples:
  setup-gateway use work
  setup-gateway use home --dry-run
  setup-gateway use lab --agent codex --agent aider
`;

const OptionsSchema = z.object({
  agent: z.array(z.string()).default([]),
  'dry-run': z.boolean().default(false),
  yes: z.boolean().default(false),
  json: z.boolean().default(false),
});

export async function useCommand(argv: readonly string[], io: CliIO, print: Printer): Promise<number> {
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
    printReports(print, result.reports, result.profile, options['dry-run'], result.runId, env);
    const line = relayLine(result);
    if (line) print.out(line);
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

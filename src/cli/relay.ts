// `setup-gateway relay`: the embedded relay, in the foreground (Ctrl-C stops it), in the
// background (`relay start|stop|status`, a state file in the state dir), or as a user service
// (`relay install-service`: a systemd user unit or a launchd agent, written by the applier so
// `undo` removes it). However it runs, it requires the install's local token (the state dir's
// relay-token, made on first use): `relay token` prints it, `relay rotate-token` replaces it.
import path from 'node:path';
import type { Printer } from '../app/io.js';
import { relayHealth, runningRelay, selfCommand, startBackgroundRelay, stopBackgroundRelay } from '../app/relay-run.js';
import { displayPath, type Environment } from '../core/environment.js';
import { ExitCode, UsageError } from '../core/errors.js';
import { ensureRelayToken, relayTokenPath } from '../core/relay-token.js';
import { maskKey } from '../core/secrets.js';
import { DEFAULT_RELAY_HOST, DEFAULT_RELAY_PORT } from '../relay/defaults.js';
import { parseCommand } from './args.js';
import { closest } from './suggest.js';
import { commandOf, type CliIO } from './io.js';
import { RELAY_ACTIONS, relayAction } from './relay-action.js';
import { FLAGS, OptionsSchema, relayOptions, type Options } from './relay-options.js';

export const relayHelp = `Usage: setup-gateway relay [start|stop|status|install-service|token|rotate-token] [options]

Run a local relay that speaks Anthropic Messages, OpenAI Chat Completions, Responses and
legacy completions, in front of a gateway that speaks only one of them. Agents point at
the relay (Claude Code: http://127.0.0.1:${DEFAULT_RELAY_PORT}; OpenAI clients: …/v1); the relay
translates, injects the gateway key and streams the replies back. It serves only clients
that send its local token as their API key (apply writes it into the agents it routes there).

  relay                   run in the foreground (Ctrl-C stops it)
  relay start             run in the background; the state is kept in the state folder
  relay stop              stop the background relay
  relay status            is it running, where, for which gateway (exit 1 when not running)
  relay install-service   write a user service (systemd user unit or launchd agent) that
                          starts the relay at login; \`setup-gateway undo\` removes it
  relay token             print the local token (made now if there is none), e.g.
                          OPENAI_API_KEY=$(setup-gateway relay token)
  relay rotate-token      make a new local token and write it into every agent that uses
                          the relay (\`setup-gateway undo --id\` puts the previous one back);
                          a running relay takes it up at once

Options:
  --upstream URL            the gateway (repeatable: later ones are fallbacks on 429/5xx)
                            (default: SETUP_GATEWAY_UPSTREAM)
  --upstream-protocol P     openai, anthropic or auto (probed once; default auto)
  --key-env VAR             read the gateway key from VAR (default SETUP_GATEWAY_KEY)
  --port N                  default ${DEFAULT_RELAY_PORT}; 0 picks a free port
  --host H                  default ${DEFAULT_RELAY_HOST} (loopback only; anything else is refused
                            unless --allow-remote)
  --model PATTERN=M[,M2…]   send models matching PATTERN (* = anything) to gateway model M,
                            falling back to M2… on 429/5xx (repeatable), e.g.
                            --model 'claude-sonnet-*=gpt-5,gpt-4.1'
  --max-tokens N            cap the output tokens asked of the gateway
  --ca-file PATH            also trust the CA certificates in PATH (PEM) for the gateway's
                            TLS, e.g. a company proxy's CA (NODE_EXTRA_CA_CERTS is honoured too)
  --log-bodies              also log request bodies (prompts); keys are never logged
  --quiet                   log nothing per request
  --json                    (status) print one JSON document
  -h, --help                show this help

Behind a company proxy the relay reaches the gateway through HTTPS_PROXY / HTTP_PROXY (CONNECT
for https; credentials in the URL become Proxy-Authorization), except hosts in NO_PROXY.

Examples:
  SETUP_GATEWAY_KEY=sk-… setup-gateway relay start --upstream https://gw.example.com/v1
  setup-gateway relay status
  setup-gateway relay --upstream http://localhost:4000 --model 'claude-*=gpt-5'
`;

export async function relayCommand(argv: readonly string[], io: CliIO, print: Printer): Promise<number> {
  const asked = relayAction(argv);
  if (!asked) return invalidAction(argv[0] as string);
  const { action, flags: rest } = asked;
  const options = parseCommand('relay', rest, FLAGS, OptionsSchema);
  const env = io.environment();
  switch (action) {
    case 'stop':
      return stop(env, print);
    case 'status':
      return status(env, print, options.json, io);
    case 'start':
      return start(env, rest, options, print, io);
    case 'install-service':
      return installService(env, rest, options, print, io);
    case 'token':
      print.out(await ensureRelayToken(env));
      return ExitCode.ok;
    case 'rotate-token':
      return rotateToken(env, options.json, print, io);
    case 'run': {
      // Its own file in dist/ (see relay-serve.ts): the serving process loads no more than it needs.
      const { runRelay } = await import('./relay-serve.js');
      return runRelay(rest, io, print);
    }
  }
}

function invalidAction(word: string): never {
  // `run` is what no word means: not offered.
  const actions = RELAY_ACTIONS.filter((a) => a !== 'run');
  const meant = closest(word, actions);
  throw new UsageError(`relay: unknown action "${word}".${meant ? ` Did you mean \`relay ${meant}\`?` : ''}`, [`Actions: ${actions.join(', ')} (none: run in the foreground).`]);
}

// ------------------------------------------------------------------------------ background

/** `relay start`: checked here (a mistake found in the background would only show in its log), then started. */
async function start(env: Environment, flags: readonly string[], options: Options, print: Printer, io: CliIO): Promise<number> {
  if (!(await runningRelay(env))) await relayOptions(env, options, print, io);
  await startBackgroundRelay(env, flags, print);
  return ExitCode.ok;
}

async function stop(env: Environment, print: Printer): Promise<number> {
  const result = await stopBackgroundRelay(env);
  if (result.kind === 'not-running') print.out('The relay is not running.');
  else if (result.kind === 'stale') print.out(`The relay is not running (pid ${result.pid} is now another program; left alone).`);
  else print.out(`Relay stopped (pid ${result.pid}).`);
  return ExitCode.ok;
}

async function status(env: Environment, print: Printer, json: boolean, io: CliIO): Promise<number> {
  const { state, healthy } = await relayHealth(env, io.fetch);
  if (json) {
    print.json({ running: Boolean(state), healthy, ...(state ?? {}) });
  } else if (!state) {
    print.out('The relay is not running. Start it with `setup-gateway relay start --upstream URL`.');
  } else {
    print.out(`The relay is running at ${state.url} (pid ${state.pid}, since ${state.startedAt}) -> ${state.upstream.join(', ')} (${state.protocol})${healthy ? '' : ', but does not answer'}.`);
  }
  return state && healthy ? ExitCode.ok : ExitCode.failure;
}

// --------------------------------------------------------------------------------- token

async function rotateToken(env: Environment, json: boolean, print: Printer, io: CliIO): Promise<number> {
  // Loaded here: it brings the applier and every recipe, which the relay itself never needs (its
  // process stays small: bench/relay measures its idle memory against a bare proxy's).
  const { rotateRelayToken } = await import('../app/relay-token.js');
  const result = await rotateRelayToken({ env, version: io.version });
  print.addSecret(result.token);
  if (json) {
    print.json({ token: maskKey(result.token), file: relayTokenPath(env), runId: result.runId, agents: result.agents, ...(result.tokenFailed ? { error: result.tokenFailed } : {}) });
    return result.failed ? ExitCode.failure : ExitCode.ok;
  }
  if (result.tokenFailed) {
    print.err(`relay rotate-token: the token file could not be written: ${result.tokenFailed}`);
    return ExitCode.failure;
  }
  print.out(`New local token ${maskKey(result.token)} in ${displayPath(env, relayTokenPath(env))} (0600); a running relay requires it from now on.`);
  if (result.agents.length === 0) print.out('No agent uses the relay yet: the agents apply routes through it will get this token.');
  for (const a of result.agents) {
    const files = a.files.length ? `  ${a.files.map((f) => displayPath(env, f)).join(', ')}` : '';
    print.out(`${a.status === 'failed' ? '✗' : a.status === 'updated' ? '✓' : '='} ${a.id}  ${a.status}${files}`);
    for (const m of a.status === 'failed' ? a.messages : []) print.out(`    ${m}`);
  }
  if (result.runId) print.out(`Undo with: ${commandOf(io)} undo --id ${result.runId} (puts the previous token back in the relay and the agents)`);
  return result.failed ? ExitCode.failure : ExitCode.ok;
}

// ------------------------------------------------------------------------------- service

async function installService(env: Environment, flags: readonly string[], options: Options, print: Printer, io: CliIO): Promise<number> {
  const relayOpts = await relayOptions(env, options, print, io);
  const self = selfCommand();
  // The service starts elsewhere: a relative --ca-file would name another file there.
  const { planRelayService, writeRelayService } = await import('../app/relay-service.js');
  const service = planRelayService(env, withAbsoluteCaFile(flags, relayOpts.network.caFile), relayOpts.key, self);
  if (self[1].includes(`${path.sep}_npx${path.sep}`)) {
    print.err('Note: setup-gateway runs from npx\'s cache, which may be cleared; install it (npm i -g setup-gateway) for a lasting service.');
  }
  const { changes, runId } = await writeRelayService(env, service, io.version, (relayOpts.upstream as string[])[0] ?? '');
  if (changes.length === 0) {
    print.out('The relay service files are already up to date.');
  } else {
    for (const c of changes) print.out(`wrote ${displayPath(env, c.path)}${c.holdsSecret ? ' (0600: holds the key)' : ''}`);
    print.out(`(apply ${runId}: \`setup-gateway undo --id ${runId}\` removes these files)`);
  }
  print.out('To start it now and at every login:');
  for (const s of service.steps) print.out(`  ${s}`);
  return ExitCode.ok;
}

/** The flags with --ca-file's value replaced by its absolute path. */
function withAbsoluteCaFile(flags: readonly string[], caFile: string | undefined): string[] {
  if (!caFile) return [...flags];
  const out: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i] as string;
    if (f === '--ca-file') {
      out.push(f, caFile);
      i++;
    } else out.push(f.startsWith('--ca-file=') ? `--ca-file=${caFile}` : f);
  }
  return out;
}

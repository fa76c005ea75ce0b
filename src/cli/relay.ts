// `setup-gateway relay`: the embedded relay, in the foreground (Ctrl-C stops it), in the
// background (`relay start|stop|status`, a state file in the state dir), or as a user service
// (`relay install-service`: a systemd user unit or a launchd agent, written by the applier so
// `undo` removes it). However it runs, it requires the install's local token (the state dir's
// relay-token, made on first use): `relay token` prints it, `relay rotate-token` replaces it.
import path from 'node:path';
import * as z from 'zod/mini';
import type { Printer } from '../app/io.js';
import { KEY_VARIABLE, resolveKey } from '../app/key.js';
import { acceptRetargets, recordBackgroundRun, relayHealth, runningRelay, selfCommand, startBackgroundRelay, stopBackgroundRelay } from '../app/relay-run.js';
import { displayPath, type Environment } from '../core/environment.js';
import { ExitCode, SetupError, UsageError } from '../core/errors.js';
import { isLoopbackHost, normalizeBaseUrl } from '../core/base-url.js';
import { ensureRelayToken, relayTokenPath, relayTokenSource } from '../core/relay-token.js';
import { maskKey } from '../core/secrets.js';
import { DEFAULT_RELAY_HOST, DEFAULT_RELAY_PORT, http1Client, startRelay, type LocalToken, type RunningRelay, type StartRelayOptions } from '../relay/index.js';
import { describeRoute, proxySecrets, proxySettings, type ProxySettings } from '../relay/proxy.js';
import { extraCaCertificates } from '../core/trust.js';
import { parseCommand } from './args.js';
import { closest } from './suggest.js';
import { commandOf, type CliIO } from './io.js';

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

// zod/mini, not zod: the foreground relay parses its options and then serves for hours, and the
// full zod would stay loaded all that time (about 4 MiB of its memory; bench/relay measures it).
const ProtocolSchema = z.enum(['openai', 'anthropic', 'auto'], 'must be openai, anthropic or auto');

const OptionsSchema = z.object({
  upstream: z._default(z.array(z.string()), []),
  'upstream-protocol': z._default(ProtocolSchema, 'auto'),
  'key-env': z.optional(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'))),
  port: z._default(
    z.pipe(z.string().check(z.regex(/^\d{1,5}$/, 'must be a port number')), z.transform(Number)).check(z.refine((n) => n <= 65535, 'must be at most 65535')),
    DEFAULT_RELAY_PORT,
  ),
  host: z._default(z.string().check(z.minLength(1, 'must not be empty')), DEFAULT_RELAY_HOST),
  'allow-remote': z._default(z.boolean(), false),
  model: z._default(z.array(z.string().check(z.regex(/^[^=\s]+=[^=\s]+$/, 'must look like PATTERN=MODEL[,MODEL…]'))), []),
  'max-tokens': z.optional(z.pipe(z.string().check(z.regex(/^\d+$/, 'must be a number')), z.transform(Number))),
  'ca-file': z.optional(z.string().check(z.minLength(1, 'must not be empty'))),
  'log-bodies': z._default(z.boolean(), false),
  quiet: z._default(z.boolean(), false),
  json: z._default(z.boolean(), false),
});
type Options = z.infer<typeof OptionsSchema>;

const FLAGS = {
  upstream: { type: 'string', multiple: true },
  'upstream-protocol': { type: 'string' },
  'key-env': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'allow-remote': { type: 'boolean' },
  model: { type: 'string', multiple: true },
  'max-tokens': { type: 'string' },
  'ca-file': { type: 'string' },
  'log-bodies': { type: 'boolean' },
  quiet: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

const ACTIONS = ['start', 'stop', 'status', 'install-service', 'token', 'rotate-token', 'run'] as const;
type Action = (typeof ACTIONS)[number];

export async function relayCommand(argv: readonly string[], io: CliIO, print: Printer): Promise<number> {
  const first = argv[0];
  const action: Action = first !== undefined && !first.startsWith('-') ? (ACTIONS as readonly string[]).includes(first) ? (first as Action) : invalidAction(first) : 'run';
  const rest = action === 'run' && first !== 'run' ? argv : argv.slice(1);
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
    case 'run':
      return runForeground(env, options, print, io);
  }
}

function invalidAction(word: string): never {
  const actions = ['start', 'stop', 'status', 'install-service', 'token', 'rotate-token'];
  const meant = closest(word, actions);
  throw new UsageError(`relay: unknown action "${word}".${meant ? ` Did you mean \`relay ${meant}\`?` : ''}`, [`Actions: ${actions.join(', ')} (none: run in the foreground).`]);
}

/** The relay options from the flags and the environment; checks what would otherwise fail later. */
async function relayOptions(env: Environment, options: Options, print: Printer, io: CliIO): Promise<StartRelayOptions & { token: LocalToken; network: { proxy: ProxySettings; caFile?: string } }> {
  // Only --key-env: the relay runs on, in the background or as a service, reading its key from its environment.
  const found = await resolveKey('relay', { 'key-env': options['key-env'] }, { env: env.env, readStdin: () => io.readStdin() });
  if (!found) throw new UsageError(`relay: the gateway key is missing: set ${KEY_VARIABLE} (or name another variable with --key-env).`);
  const key = found.value;
  print.addSecret(key);
  const upstreams = options.upstream.length > 0 ? options.upstream : env.env.SETUP_GATEWAY_UPSTREAM ? [env.env.SETUP_GATEWAY_UPSTREAM] : [];
  if (upstreams.length === 0) throw new UsageError('relay: --upstream URL is required (the gateway, e.g. https://gateway.example.com/v1).');
  const roots = upstreams.map((u) => normalizeBaseUrl(u).anthropic);
  if (!isLoopbackHost(options.host) && !options['allow-remote']) {
    throw new UsageError(`relay: --host ${options.host} is not a loopback address: anyone who can reach it would use your gateway key.`, ['Pass --allow-remote as well if that is what you want.']);
  }
  const models: Record<string, string[]> = {};
  for (const m of options.model) {
    const eq = m.indexOf('=');
    models[m.slice(0, eq)] = m
      .slice(eq + 1)
      .split(',')
      .filter(Boolean);
  }
  // The install's token, made on first use; re-read when the file changes (rotate-token, or its undo).
  const token = await relayTokenSource(env);
  print.addSecret(token.value);
  // How requests leave this machine: read once, here; the proxy credentials never reach a log unmasked.
  const proxy = proxySettings(env.env);
  for (const s of proxySecrets(proxy)) print.addSecret(s);
  const caFile = options['ca-file'] ? path.resolve(io.cwd ?? process.cwd(), options['ca-file']) : undefined;
  const extraCa = caFile ? await extraCaCertificates(env.env, caFile) : [];
  return {
    upstream: roots,
    key,
    token,
    protocol: options['upstream-protocol'],
    models,
    host: options.host,
    port: options.port,
    ...(options['max-tokens'] !== undefined ? { maxOutputTokens: options['max-tokens'] } : {}),
    logBodies: options['log-bodies'],
    client: http1Client({ proxy, ...(extraCa.length ? { extraCa } : {}) }),
    network: { proxy, ...(caFile ? { caFile } : {}) },
    ...(options.quiet ? {} : { log: (line: string) => print.err(`${new Date().toISOString()} ${line}`) }),
  };
}

async function runForeground(env: Environment, options: Options, print: Printer, io: CliIO): Promise<number> {
  const relayOpts = await relayOptions(env, options, print, io);
  let relay: RunningRelay;
  try {
    relay = await startRelay(relayOpts);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new SetupError(`relay: ${options.host}:${options.port} is already in use.`, ['Is a relay already running (`setup-gateway relay status`)? Or pick another --port.']);
    throw error;
  }
  // Listening from here on: a stop asked for while the banner is written or the run recorded must
  // still close the server and forget the record, so the signals are taken before either.
  const stopAsked = new Promise<void>((resolve) => {
    const stopNow = () => {
      process.off('SIGINT', stopNow);
      process.off('SIGTERM', stopNow);
      resolve();
    };
    process.on('SIGINT', stopNow);
    process.on('SIGTERM', stopNow);
  });
  const upstreams = relayOpts.upstream as string[];
  print.out(`setup-gateway relay listening on ${relay.url} -> ${upstreams.join(', ')} (${options['upstream-protocol']})`);
  print.out(`  Anthropic clients (Claude Code): ${relay.url}    OpenAI clients: ${relay.url}/v1`);
  print.out(`  Clients send the local token ${maskKey(relayOpts.token.value)} as their API key: \`setup-gateway relay token\` prints it (${displayPath(env, relayTokenPath(env))}).`);
  const { proxy, caFile } = relayOpts.network;
  const extra = env.env.NODE_EXTRA_CA_CERTS;
  const cas = [caFile ? `--ca-file ${caFile}` : '', extra ? `NODE_EXTRA_CA_CERTS ${extra}` : ''].filter(Boolean).join(' and ');
  for (const u of upstreams) print.out(`  To ${new URL(u).host}: ${describeRoute(proxy, u)}${new URL(u).protocol === 'https:' && cas ? `; TLS also trusts ${cas}` : ''}`);
  const record = await recordBackgroundRun(env, { url: relay.url, upstream: upstreams, protocol: options['upstream-protocol'], version: io.version });
  // `use NAME` switches the gateway in place (relay-retarget.ts): the new key is masked like the first.
  const stopRetargets = acceptRetargets(
    env,
    (request) => {
      const roots = request.upstream.map((u) => normalizeBaseUrl(u).anthropic);
      print.addSecret(request.key);
      relay.relay.retarget({ upstream: roots, key: request.key, protocol: request.protocol });
      return roots;
    },
    record,
    (line) => print.err(`${new Date().toISOString()} ${line}`),
  );
  await stopAsked;
  print.err('setup-gateway relay: stopping');
  stopRetargets();
  await relay.close();
  await record.forget();
  return ExitCode.ok;
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

// `setup-gateway relay`: the embedded relay, in the foreground (Ctrl-C stops it), in the
// background (`relay start|stop|status`, a state file in the state dir), or as a user service
// (`relay install-service`: a systemd user unit or a launchd agent, written by the applier so
// `undo` removes it).
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { applyChanges } from '../core/apply.js';
import { configHome, displayPath, type Environment, inHome, stateDir } from '../core/environment.js';
import { ExitCode, SetupError, UsageError } from '../core/errors.js';
import type { FileChange } from '../core/plan.js';
import { isLoopbackHost, normalizeBaseUrl } from '../core/profile.js';
import { readFileState } from '../core/snapshot.js';
import { DEFAULT_RELAY_HOST, DEFAULT_RELAY_PORT, startRelay, type RunningRelay, type StartRelayOptions } from '../relay/index.js';
import { parseCommand } from './args.js';
import type { Printer } from '../app/io.js';
import { KEY_VARIABLE, resolveKey } from '../app/key.js';
import { RELAY_STATE_ENV, runningRelay, selfCommand, startBackgroundRelay, stopBackgroundRelay, type RelayState } from '../app/relay-run.js';
import type { CliIO } from './io.js';

export const relayHelp = `Usage: setup-gateway relay [start|stop|status|install-service] [options]

Run a local relay that speaks Anthropic Messages, OpenAI Chat Completions, Responses and
legacy completions, in front of a gateway that speaks only one of them. Agents point at
the relay (Claude Code: http://127.0.0.1:${DEFAULT_RELAY_PORT}; OpenAI clients: …/v1); the relay
translates, injects the gateway key and streams the replies back.

  relay                   run in the foreground (Ctrl-C stops it)
  relay start             run in the background; the state is kept in the state folder
  relay stop              stop the background relay
  relay status            is it running, where, for which gateway (exit 1 when not running)
  relay install-service   write a user service (systemd user unit or launchd agent) that
                          starts the relay at login; \`setup-gateway undo\` removes it

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
  --log-bodies              also log request bodies (prompts); keys are never logged
  --quiet                   log nothing per request
  --json                    (status) print one JSON document
  -h, --help                show this help
`;

const ProtocolSchema = z.enum(['openai', 'anthropic', 'auto']);

const OptionsSchema = z.object({
  upstream: z.array(z.string()).default([]),
  'upstream-protocol': ProtocolSchema.default('auto'),
  'key-env': z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name').optional(),
  port: z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number')
    .transform(Number)
    .refine((n) => n <= 65535, 'must be at most 65535')
    .default(DEFAULT_RELAY_PORT),
  host: z.string().min(1).default(DEFAULT_RELAY_HOST),
  'allow-remote': z.boolean().default(false),
  model: z.array(z.string().regex(/^[^=\s]+=[^=\s]+$/, 'must look like PATTERN=MODEL[,MODEL…]')).default([]),
  'max-tokens': z.string().regex(/^\d+$/, 'must be a number').transform(Number).optional(),
  'log-bodies': z.boolean().default(false),
  quiet: z.boolean().default(false),
  json: z.boolean().default(false),
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
  'log-bodies': { type: 'boolean' },
  quiet: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

const ACTIONS = ['start', 'stop', 'status', 'install-service', 'run'] as const;
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
    case 'run':
      return runForeground(env, options, print, io);
  }
}

function invalidAction(word: string): never {
  throw new UsageError(`relay: unknown action "${word}".`, ['Actions: start, stop, status, install-service (none: run in the foreground).']);
}

/** The relay options from the flags and the environment; checks what would otherwise fail later. */
async function relayOptions(env: Environment, options: Options, print: Printer, io: CliIO): Promise<StartRelayOptions> {
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
  return {
    upstream: roots,
    key,
    protocol: options['upstream-protocol'],
    models,
    host: options.host,
    port: options.port,
    ...(options['max-tokens'] !== undefined ? { maxOutputTokens: options['max-tokens'] } : {}),
    logBodies: options['log-bodies'],
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
  const upstreams = relayOpts.upstream as string[];
  print.out(`setup-gateway relay listening on ${relay.url} -> ${upstreams.join(', ')} (${options['upstream-protocol']})`);
  print.out(`  Anthropic clients (Claude Code): ${relay.url}    OpenAI clients: ${relay.url}/v1`);
  const stateFile = env.env[RELAY_STATE_ENV];
  if (stateFile) {
    const state: RelayState = { pid: process.pid, url: relay.url, upstream: upstreams, protocol: options['upstream-protocol'], startedAt: new Date().toISOString(), log: path.join(path.dirname(stateFile), 'relay.log'), version: io.version };
    await writeFile(stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  }
  await new Promise<void>((resolve) => {
    const stopNow = () => {
      process.off('SIGINT', stopNow);
      process.off('SIGTERM', stopNow);
      resolve();
    };
    process.on('SIGINT', stopNow);
    process.on('SIGTERM', stopNow);
  });
  print.err('setup-gateway relay: stopping');
  await relay.close();
  if (stateFile) await rm(stateFile, { force: true });
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
  const state = await runningRelay(env);
  let healthy = false;
  if (state) {
    const res = await io.fetch(`${state.url}/api/hello`, { signal: AbortSignal.timeout(3000) }).catch(() => undefined);
    healthy = res?.status === 200;
  }
  if (json) {
    print.json({ running: Boolean(state), healthy, ...(state ?? {}) });
  } else if (!state) {
    print.out('The relay is not running. Start it with `setup-gateway relay start --upstream URL`.');
  } else {
    print.out(`The relay is running at ${state.url} (pid ${state.pid}, since ${state.startedAt}) -> ${state.upstream.join(', ')} (${state.protocol})${healthy ? '' : ', but does not answer'}.`);
  }
  return state && healthy ? ExitCode.ok : ExitCode.failure;
}

// ------------------------------------------------------------------------------- service

const SERVICE_NAME = 'setup-gateway-relay';
const LAUNCHD_LABEL = 'dev.setup-gateway.relay';

function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);
}

/** A systemd unit argument: quoted, with `\`, `"`, `%` and `$` escaped. */
function systemdQuote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
}

/** A value in a systemd EnvironmentFile: single quotes are literal; a key holding one gets double quotes and escapes. */
function envFileValue(s: string): string {
  if (!s.includes("'")) return `'${s}'`;
  return `"${s.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

async function installService(env: Environment, flags: readonly string[], options: Options, print: Printer, io: CliIO): Promise<number> {
  const relayOpts = await relayOptions(env, options, print, io);
  const key = relayOpts.key;
  const [node, script] = selfCommand();
  // The service reads the key from its own environment, under the default name.
  const args = ['relay', ...withoutKeyEnv(flags), '--key-env', 'SETUP_GATEWAY_KEY'];
  const dir = stateDir(env);
  const files: Array<{ path: string; text: string; secret: boolean; purpose: string }> = [];
  let steps: string[];
  if (env.platform === 'linux') {
    const unit = path.join(configHome(env), 'systemd', 'user', `${SERVICE_NAME}.service`);
    const envFile = path.join(dir, 'relay.env');
    files.push({ path: envFile, text: `SETUP_GATEWAY_KEY=${envFileValue(key)}\n`, secret: true, purpose: 'the gateway key for the relay service' });
    files.push({
      path: unit,
      secret: false,
      purpose: 'systemd user unit for the relay',
      text: [
        '[Unit]',
        'Description=setup-gateway relay (local AI gateway translator)',
        'After=network-online.target',
        '',
        '[Service]',
        `ExecStart=${[node, script, ...args].map(systemdQuote).join(' ')}`,
        `EnvironmentFile=${envFile}`,
        'Restart=on-failure',
        'RestartSec=2',
        '',
        '[Install]',
        'WantedBy=default.target',
        '',
      ].join('\n'),
    });
    steps = ['systemctl --user daemon-reload', `systemctl --user enable --now ${SERVICE_NAME}.service`, `journalctl --user -u ${SERVICE_NAME} -f    (its log)`];
  } else if (env.platform === 'darwin') {
    const plist = inHome(env, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
    const log = path.join(dir, 'relay.log');
    files.push({
      path: plist,
      secret: true,
      purpose: 'launchd agent for the relay (holds the key in its environment)',
      text: [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
        '<plist version="1.0">',
        '<dict>',
        `  <key>Label</key><string>${LAUNCHD_LABEL}</string>`,
        '  <key>ProgramArguments</key>',
        '  <array>',
        ...[node, script, ...args].map((a) => `    <string>${xmlEscape(a)}</string>`),
        '  </array>',
        '  <key>EnvironmentVariables</key>',
        `  <dict><key>SETUP_GATEWAY_KEY</key><string>${xmlEscape(key)}</string></dict>`,
        '  <key>RunAtLoad</key><true/>',
        '  <key>KeepAlive</key><true/>',
        `  <key>StandardOutPath</key><string>${xmlEscape(log)}</string>`,
        `  <key>StandardErrorPath</key><string>${xmlEscape(log)}</string>`,
        '</dict>',
        '</plist>',
        '',
      ].join('\n'),
    });
    steps = [`launchctl bootstrap gui/$(id -u) ${plist}`, `launchctl kickstart -k gui/$(id -u)/${LAUNCHD_LABEL}    (restart)`];
  } else {
    throw new SetupError('relay install-service: user services are supported on Linux (systemd) and macOS (launchd).', ['On Windows, start it at logon with a scheduled task running `setup-gateway relay start`.']);
  }

  const changes: FileChange[] = [];
  for (const f of files) {
    const state = await readFileState(f.path);
    const after = Buffer.from(f.text, 'utf8');
    const mode = f.secret ? 0o600 : 0o644;
    if (state.exists && state.bytes?.equals(after) && state.mode === mode) continue;
    changes.push({ path: f.path, realPath: state.realPath, symlink: state.symlink, before: state.exists ? (state.bytes ?? null) : null, after, beforeMode: state.exists ? (state.mode ?? null) : null, mode, holdsSecret: f.secret, purpose: f.purpose });
  }
  if (script.includes(`${path.sep}_npx${path.sep}`)) {
    print.err('Note: setup-gateway runs from npx\'s cache, which may be cleared; install it (npm i -g setup-gateway) for a lasting service.');
  }
  if (changes.length === 0) {
    print.out('The relay service files are already up to date.');
  } else {
    const outcome = await applyChanges([{ agent: 'relay-service', changes }], { stateDir: dir, toolVersion: io.version, baseUrl: (relayOpts.upstream as string[])[0] ?? '' });
    const failure = outcome.failed['relay-service'];
    if (failure) throw new SetupError(`relay install-service: ${failure}`);
    for (const c of changes) print.out(`wrote ${displayPath(env, c.path)}${c.holdsSecret ? ' (0600: holds the key)' : ''}`);
    print.out(`(apply ${outcome.runId}: \`setup-gateway undo --id ${outcome.runId}\` removes these files)`);
  }
  print.out('To start it now and at every login:');
  for (const s of steps) print.out(`  ${s}`);
  return ExitCode.ok;
}

function withoutKeyEnv(flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i] as string;
    if (f === '--key-env') {
      i++;
      continue;
    }
    if (f.startsWith('--key-env=')) continue;
    out.push(f);
  }
  return out;
}

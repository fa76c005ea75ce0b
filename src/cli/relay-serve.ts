// `setup-gateway relay` in the foreground: the process that serves, for hours, as the user runs it,
// as `relay start` runs it in the background, or as the user service does. scripts/build.mjs builds
// this module as a file of its own (dist/relay-serve.js, with no code split off): a relay process
// loads that one file after the entry instead of the CLI's shared chunks, which keeps its resident
// memory near a bare node:http proxy's (bench/relay measures both). It reports its own errors
// (report-error.ts), so none crosses into the other build's classes.
import { Printer } from '../app/io.js';
import { acceptRetargets, recordBackgroundRun } from '../app/relay-run.js';
import { displayPath, type Environment } from '../core/environment.js';
import { ExitCode, SetupError } from '../core/errors.js';
import { normalizeBaseUrl } from '../core/base-url.js';
import { relayTokenPath } from '../core/relay-token.js';
import { maskKey } from '../core/secrets.js';
import { describeRoute } from '../relay/proxy.js';
import { startRelay, type RunningRelay } from '../relay/server.js';
import { parseCommand } from './args.js';
import type { CliIO } from './io.js';
import { FLAGS, OptionsSchema, relayOptions, type Options } from './relay-options.js';
import { reportError } from './report-error.js';

export { fromProcess } from '../core/environment.js';

/**
 * The relay process's way in: src/cli.ts sends `setup-gateway relay [flags]` here without loading
 * the dispatcher (main.ts), which would bring the other commands' shared chunks with it.
 */
export async function relayMain(flags: readonly string[], io: CliIO, color: boolean): Promise<number> {
  return runRelay(flags, io, new Printer(io, color && !flags.includes('--json')));
}

/** Runs the relay with these flags (no action word) until SIGINT or SIGTERM; the exit code. */
export async function runRelay(flags: readonly string[], io: CliIO, print: Printer): Promise<number> {
  try {
    const options = parseCommand('relay', flags, FLAGS, OptionsSchema);
    return await runForeground(io.environment(), options, print, io);
  } catch (error) {
    return reportError(error, print, io);
  }
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

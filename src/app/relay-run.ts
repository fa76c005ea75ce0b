// The local relay's run state, shared by `relay start|stop|status`, `apply` and the interactive
// mode: is one running, start one in the background (the key in its environment only), stop it,
// and the command a user types to start it themselves.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic.js';
import { displayPath, stateDir, type Environment } from '../core/environment.js';
import { SetupError } from '../core/errors.js';
import type { Fetch } from '../core/gateway.js';
import type { Profile } from '../core/profile.js';
import { dropRetargetRequest, newRetargetId, RETARGET_SIGNAL, takeRetargetRequest, writeRetargetRequest, type RetargetRequest } from '../core/relay-retarget.js';
import { isAlive, readRelayState, relayStatePath, runningRelay, type RelayState } from '../core/relay-state.js';
import type { Printer } from './io.js';

export { runningRelay, type RelayState };

/** Set by a background start for its child (`relay` in the foreground): where to record the running relay. */
export const RELAY_STATE_ENV = 'SETUP_GATEWAY_RELAY_STATE';

/** How long a background relay has to report ready. */
const READY_TIMEOUT_MS = 15_000;

/** The command that starts the relay for this gateway (the key comes from SETUP_GATEWAY_KEY). */
export function relayStartCommand(profile: Profile, url: string): string {
  return `setup-gateway relay start --upstream ${profile.urls.openai} --port ${relayPort(url)}`;
}

/** How a user starts the relay themselves: now, or at every login. */
export function relayStartAdvice(profile: Profile, url: string): string {
  return `with SETUP_GATEWAY_KEY set: ${relayStartCommand(profile, url)} (or at every login: setup-gateway relay install-service --upstream ${profile.urls.openai})`;
}

function relayPort(url: string): string {
  const parsed = new URL(url);
  return parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
}

/**
 * The V8 flags of a relay that this CLI starts (in the background, or as a service): semi-spaces
 * (V8's young generation) of 4 MiB instead of the 16 MiB V8 grows them to under load. A relay's
 * per-request garbage dies young either way. Measured under bench/relay's load (64 translated
 * streams, node 20, three 6 s runs each): 4 MiB take the peak RSS from 88-89 to 68-69 MiB, CPU per
 * request within the runs' noise (144-171 µs against 143-189). Node takes the flag only at start
 * (v8.setFlagsFromString later does not resize the heap), so a relay run by hand in the foreground
 * keeps V8's default.
 */
export const RELAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];

/** The command that runs this CLI again: node plus this script. */
export function selfCommand(): [string, string] {
  const script = process.argv[1];
  if (!script) throw new SetupError('relay: cannot tell where setup-gateway is installed (process.argv[1] is empty).');
  return [process.execPath, path.resolve(script)];
}

/**
 * Starts `setup-gateway relay <args>` in the background and waits until it records itself ready;
 * the relay already running is reported and left as it is. `extraEnv` reaches only the child
 * (the gateway key goes this way, never in the arguments). The caller validates `args` first:
 * a mistake found in the background would only show in the log.
 */
export async function startBackgroundRelay(env: Environment, args: readonly string[], print: Printer, extraEnv: Record<string, string> = {}): Promise<RelayState> {
  const current = await runningRelay(env);
  if (current) {
    print.out(`The relay is already running at ${current.url} (pid ${current.pid}).`);
    return current;
  }
  const dir = stateDir(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = relayStatePath(env);
  const log = path.join(dir, 'relay.log');
  const out = openSync(log, 'a', 0o600);
  const [node, script] = selfCommand();
  const child = spawn(node, [...RELAY_NODE_FLAGS, script, 'relay', ...args], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...env.env, ...extraEnv, [RELAY_STATE_ENV]: file },
  });
  closeSync(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.unref();
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const state = await readRelayState(env);
    if (state && state.pid === child.pid) {
      print.out(`Relay started at ${state.url} (pid ${state.pid}) -> ${state.upstream.join(', ')}`);
      print.out(`  Anthropic clients (Claude Code): ${state.url}    OpenAI clients: ${state.url}/v1`);
      print.out(`  Log: ${displayPath(env, log)}. Stop it with \`setup-gateway relay stop\`.`);
      return state;
    }
    // Poll the state file, but stop at once when the child exits.
    const code = await Promise.race([exited, new Promise<'wait'>((r) => setTimeout(() => r('wait'), 100))]);
    if (code !== 'wait') {
      const tail = (await readFile(log, 'utf8').catch(() => '')).trim().split('\n').slice(-5);
      throw new SetupError(`relay: the background relay exited (code ${code}) before it was ready.`, tail);
    }
    if (Date.now() > deadline) throw new SetupError(`relay: the background relay did not report ready in ${READY_TIMEOUT_MS / 1000} s; see ${displayPath(env, log)}.`);
  }
}

/** Starts the background relay for `url`, the key in its environment only (never in its arguments). */
export type RelayStarter = (env: Environment, profile: Profile, url: string, print: Printer) => Promise<RelayState | undefined>;

/** The relay for this profile's gateway on `url`'s port; the profile's key was validated when it was made. */
export const startRelay: RelayStarter = async (env, profile, url, print) => {
  print.addSecret(profile.key);
  await startBackgroundRelay(env, ['--upstream', profile.urls.openai, '--port', relayPort(url), '--quiet'], print, { SETUP_GATEWAY_KEY: profile.key });
  return runningRelay(env);
};

/** The record a relay keeps of itself while it runs (nothing for a relay run by hand). */
export interface RunRecord {
  /** Rewrites the record with these fields changed (after a re-target). */
  update(patch: Partial<RelayState>): Promise<void>;
  /** Removes the record (the relay stops). */
  forget(): Promise<void>;
}

/**
 * A relay run in the foreground by `startBackgroundRelay` (RELAY_STATE_ENV set) records itself
 * where its parent waits for it, saying whether it takes re-target requests (relay-retarget.ts).
 */
export async function recordBackgroundRun(env: Environment, run: Pick<RelayState, 'url' | 'upstream' | 'protocol' | 'version'>): Promise<RunRecord> {
  const file = env.env[RELAY_STATE_ENV];
  if (!file) return { update: async () => {}, forget: async () => {} };
  let state: RelayState = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    log: path.join(path.dirname(file), 'relay.log'),
    ...run,
    ...(retargetable(env) ? { retarget: RETARGET_SIGNAL } : {}),
  };
  // Whole or not at all: `use` polls this file while the relay records a re-target in it, and a
  // write in place let it read an empty file and report the relay as stopped.
  const write = () => writeFileAtomic(file, Buffer.from(`${JSON.stringify(state, null, 2)}\n`), 0o600);
  await write();
  return {
    update: async (patch) => {
      state = { ...state, ...patch };
      await write();
    },
    forget: () => rm(file, { force: true }),
  };
}

/** Signals reach a relay only where there are POSIX signals. */
function retargetable(env: Environment): boolean {
  return env.platform !== 'win32';
}

/** What the relay does with a re-target request: switches, or throws (its old upstream kept). */
export type Retargeter = (request: RetargetRequest) => string[];

/**
 * The relay's side of a hot switch: on RETARGET_SIGNAL it takes the request file (only its own
 * user's, see relay-retarget.ts), switches with `retarget`, and records the outcome under the
 * request's id for the `use` that waits for it. Signals are handled one after another. Returns
 * what stops listening.
 */
export function acceptRetargets(env: Environment, retarget: Retargeter, record: RunRecord, log: (line: string) => void): () => void {
  if (!retargetable(env)) return () => {};
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  let queue = Promise.resolve();
  const onSignal = () => {
    queue = queue.then(async () => {
      const taken = await takeRetargetRequest(env, uid);
      if ('error' in taken) {
        log(`re-target refused: ${taken.error}`);
        return;
      }
      const { id } = taken.request;
      try {
        const upstream = retarget(taken.request);
        log(`re-targeted: now forwarding to ${upstream.join(', ')}`);
        await record.update({ upstream, protocol: taken.request.protocol, lastRetarget: { id, ok: true } });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`re-target failed, still forwarding where it did: ${message}`);
        await record.update({ lastRetarget: { id, ok: false, error: message } });
      }
    }).catch((error: unknown) => log(`re-target: ${error instanceof Error ? error.message : String(error)}`));
  };
  process.on(RETARGET_SIGNAL, onSignal);
  return () => process.off(RETARGET_SIGNAL, onSignal);
}

/** How long `use` waits for a relay to take its re-target request. */
const RETARGET_TIMEOUT_MS = 10_000;

export type RetargetResult = { kind: 'retargeted'; upstream: string[] } | { kind: 'unsupported' } | { kind: 'failed'; error: string };

/**
 * Re-targets the running relay in place to `upstream` with `key` (the hot switch): writes the
 * request, signals the relay, waits for it to record the outcome. A relay that cannot take
 * requests (started by an older version, or on Windows) is `unsupported`: restart it instead.
 */
export async function retargetRelay(env: Environment, state: RelayState, target: { upstream: string; key: string }): Promise<RetargetResult> {
  if (state.retarget !== RETARGET_SIGNAL || !retargetable(env)) return { kind: 'unsupported' };
  const id = newRetargetId();
  await writeRetargetRequest(env, { id, upstream: [target.upstream], key: target.key, protocol: 'auto' });
  try {
    process.kill(state.pid, RETARGET_SIGNAL);
  } catch (error) {
    await dropRetargetRequest(env);
    return { kind: 'failed', error: `the relay (pid ${state.pid}) could not be signalled: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
  const deadline = Date.now() + RETARGET_TIMEOUT_MS;
  for (;;) {
    const now = await readRelayState(env);
    if (now?.lastRetarget?.id === id) {
      return now.lastRetarget.ok ? { kind: 'retargeted', upstream: now.upstream } : { kind: 'failed', error: now.lastRetarget.error ?? 'the relay refused it' };
    }
    if (!now || now.pid !== state.pid || Date.now() > deadline) {
      await dropRetargetRequest(env);
      return { kind: 'failed', error: !now || now.pid !== state.pid ? 'the relay stopped' : `the relay did not answer in ${RETARGET_TIMEOUT_MS / 1000} s` };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The background relay, if one runs, and whether it answers. */
export async function relayHealth(env: Environment, fetch: Fetch): Promise<{ state: RelayState | undefined; healthy: boolean }> {
  const state = await runningRelay(env);
  if (!state) return { state, healthy: false };
  const res = await fetch(`${state.url}/api/hello`, { signal: AbortSignal.timeout(3000) }).catch(() => undefined);
  return { state, healthy: res?.status === 200 };
}

/** Whether the recorded pid is still our relay (a pid may have been reused since). */
async function isOurRelay(state: RelayState): Promise<boolean> {
  const hello = await fetch(`${state.url}/`, { signal: AbortSignal.timeout(2000) })
    .then((r) => r.text())
    .catch(() => '');
  if (hello.startsWith('setup-gateway relay')) return true;
  const cmdline = await readFile(`/proc/${state.pid}/cmdline`, 'utf8').catch(() => undefined);
  // Without /proc (macOS), trust the state file: it was written by the relay itself.
  return cmdline === undefined ? true : cmdline.split('\0').includes('relay');
}

export type StopResult = { kind: 'not-running' } | { kind: 'stale'; pid: number } | { kind: 'stopped'; pid: number };

/** Stops the background relay: SIGTERM, then SIGKILL after 10 s; a state file naming another program is removed. */
export async function stopBackgroundRelay(env: Environment): Promise<StopResult> {
  const state = await runningRelay(env);
  if (!state) return { kind: 'not-running' };
  if (!(await isOurRelay(state))) {
    await rm(relayStatePath(env), { force: true });
    return { kind: 'stale', pid: state.pid };
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (isAlive(state.pid)) {
    if (Date.now() > deadline) {
      process.kill(state.pid, 'SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await rm(relayStatePath(env), { force: true });
  return { kind: 'stopped', pid: state.pid };
}

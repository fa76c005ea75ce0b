// Where a background relay records itself (`relay start`): read by `relay status|stop`, by
// `apply` (to point agents at the running relay) and by `doctor` (is it up, same version?).
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Environment } from './environment.js';
import { stateDir } from './environment.js';
import { isAlive } from './lock.js';
import type { RetargetOutcome } from './relay-retarget.js';

export { isAlive };

export interface RelayState {
  pid: number;
  url: string;
  upstream: string[];
  protocol: string;
  startedAt: string;
  log: string;
  /** The setup-gateway version that started it (absent in state files of older versions). */
  version?: string;
  /** The signal that makes it take a re-target request (relay-retarget.ts); absent: it cannot be re-targeted in place. */
  retarget?: 'SIGUSR2';
  /** The last re-target request it took, and how that went. */
  lastRetarget?: RetargetOutcome;
}

export function relayStatePath(env: Environment): string {
  return path.join(stateDir(env), 'relay.json');
}

export async function readRelayState(env: Environment): Promise<RelayState | undefined> {
  try {
    const parsed = JSON.parse(await readFile(relayStatePath(env), 'utf8')) as RelayState;
    return typeof parsed.pid === 'number' && typeof parsed.url === 'string' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The running background relay, if any (a stale state file is removed). */
export async function runningRelay(env: Environment): Promise<RelayState | undefined> {
  const state = await readRelayState(env);
  if (!state) return undefined;
  if (isAlive(state.pid)) return state;
  await rm(relayStatePath(env), { force: true });
  return undefined;
}

// How `use NAME` re-targets a running relay in place (a hot switch: the relayed agents' files do
// not change, their next request goes to the new gateway): it writes a request file into the
// state folder and sends the relay SIGUSR2; the relay takes the file (reads it, removes it),
// switches its upstream and key, and records the request's id with the outcome in its state file
// (relay-state.ts), which `use` waits for.
//
// Who can re-target a relay: only its own user. The kernel delivers the signal only from the same
// user (or root); the file must sit in the state folder (0700), be a regular file (not a link),
// owned by the relay's user and readable by no one else, or the relay refuses it. There is no
// network way in: a loopback admin route would need a second secret and would be open to the
// same user's processes anyway. The request holds the gateway key for the moment between the write
// and the take (0600, as the relay service's environment file); `use` removes it if the relay does
// not take it.
import { constants } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { nodeCrypto } from '../relay/lazy-crypto.js';
import { tempPathFor } from './atomic.js';
import { stateDir, type Environment } from './environment.js';
import type { RetargetRequest } from './relay-retarget-request.js';

export type { RetargetRequest };

/** The signal that tells a relay to take its re-target request (SIGHUP would be sent by a closing terminal). */
export const RETARGET_SIGNAL = 'SIGUSR2';

/**
 * The request's schema, loaded when a request is written or taken: its module brings zod, which
 * a running relay otherwise never needs (bench/relay measures its idle memory).
 */
async function requestSchema() {
  return (await import('./relay-retarget-request.js')).RequestSchema;
}

/** What the relay records after a request: its id, and the error when it kept its old upstream. */
export interface RetargetOutcome {
  id: string;
  ok: boolean;
  error?: string;
}

export function retargetRequestPath(env: Environment): string {
  return path.join(stateDir(env), 'relay-retarget.json');
}

export function newRetargetId(): string {
  return nodeCrypto().randomBytes(8).toString('hex');
}

/** Writes the request (0600, whole: written aside, then renamed into place). */
export async function writeRetargetRequest(env: Environment, request: RetargetRequest): Promise<void> {
  const file = retargetRequestPath(env);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = tempPathFor(file);
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(JSON.stringify((await requestSchema()).parse(request)));
    await handle.chmod(0o600);
  } finally {
    await handle.close();
  }
  await rename(tmp, file).catch(async (error: unknown) => {
    await rm(tmp, { force: true });
    throw error;
  });
}

/** Removes a request the relay did not take (it holds the key). */
export async function dropRetargetRequest(env: Environment): Promise<void> {
  await rm(retargetRequestPath(env), { force: true });
}

/**
 * The relay's side: reads and removes the request, if it is one this relay may obey. `uid` is
 * the relay's own user id (undefined where there are none, Windows, which never signals anyway).
 */
export async function takeRetargetRequest(env: Environment, uid: number | undefined): Promise<{ request: RetargetRequest } | { error: string }> {
  const file = retargetRequestPath(env);
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? 'no re-target request was waiting' : code === 'ELOOP' ? 'the re-target request is a symbolic link: refused' : `the re-target request could not be read (${code})` };
  }
  try {
    const s = await handle.stat();
    if (!s.isFile()) return { error: 'the re-target request is not a regular file: refused' };
    if (uid !== undefined && s.uid !== uid) return { error: `the re-target request belongs to user ${s.uid}, not to this relay's user: refused` };
    if ((s.mode & 0o077) !== 0) return { error: 'the re-target request is readable or writable by other users: refused' };
    const text = await handle.readFile('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { error: 'the re-target request is not JSON' };
    }
    const parsed = (await requestSchema()).safeParse(json);
    return parsed.success ? { request: parsed.data } : { error: 'the re-target request is malformed' };
  } finally {
    await handle.close();
    // Taken (or refused) once: a stale request is never obeyed by a later signal, and the key leaves the disk.
    await rm(file, { force: true });
  }
}

// The relay's local token: a random secret made once per install and kept in the state folder
// (0600). Agents that `apply` routes through the relay hold it as their key; the relay refuses
// every request it would forward without it, so no other local process (or other user) can spend
// the gateway key the relay injects. Read by apply and the interactive mode (to write it), by the
// relay (to require it), by doctor (is it what each relayed agent holds?) and by `relay
// rotate-token` (which replaces it through the applier, so undo puts the previous one back).
import { link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { nodeCrypto } from '../relay/lazy-crypto.js';
import { tempPathFor } from './atomic.js';
import { stateDir, type Environment } from './environment.js';
import type { FileChange } from './plan.js';
import { readFileState } from './snapshot.js';

/** What versions before the per-install token wrote into every relayed agent: public, so the relay refuses it. */
export const LEGACY_RELAY_TOKEN = 'setup-gateway-relay';

const PREFIX = 'sgr-';
/** A token as this module makes it: the prefix and 32 random bytes in hex (safe in every config format and header). */
const TOKEN = /^sgr-[0-9a-f]{64}$/;

export function relayTokenPath(env: Environment): string {
  return path.join(stateDir(env), 'relay-token');
}

export function newRelayToken(): string {
  return `${PREFIX}${nodeCrypto().randomBytes(32).toString('hex')}`;
}

export function isRelayToken(value: string): boolean {
  return TOKEN.test(value);
}

/** The install's token, if one was made (a file that does not hold one counts as none). */
export async function readRelayToken(env: Environment): Promise<string | undefined> {
  const text = await readFile(relayTokenPath(env), 'utf8').catch(() => undefined);
  const token = text?.trim();
  return token && isRelayToken(token) ? token : undefined;
}

/** The install's token, made now if there is none yet. */
export async function ensureRelayToken(env: Environment): Promise<string> {
  return (await readRelayToken(env)) ?? saveNewRelayToken(env, newRelayToken());
}

/**
 * Saves a token made for a plan (apply's routing makes one when the install has none), unless
 * another run saved one meanwhile: the token on disk is returned either way, and the caller
 * compares. Created whole (written aside, then hard-linked into place), so no reader sees it half
 * written; a file holding no valid token is replaced.
 */
export async function saveNewRelayToken(env: Environment, token: string): Promise<string> {
  const file = relayTokenPath(env);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = tempPathFor(file);
  await writeFile(tmp, `${token}\n`, { mode: 0o600, flag: 'wx' });
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(tmp, file);
        return token;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const existing = await readRelayToken(env);
        if (existing) return existing;
        await rm(file, { force: true });
      }
    }
    throw new Error(`could not create ${file}`);
  } finally {
    await rm(tmp, { force: true });
  }
}

/** The token to plan relayed agents with: the install's, or a new one that writing saves (`saved: false`), so planning writes nothing. */
export interface PlannedToken {
  value: string;
  saved: boolean;
}

export async function tokenForPlan(env: Environment): Promise<PlannedToken> {
  const existing = await readRelayToken(env);
  return existing ? { value: existing, saved: true } : { value: newRelayToken(), saved: false };
}

/** The token file replaced by `token`, as a change for the applier (journaled, backed up, undoable). */
export async function relayTokenChange(env: Environment, token: string): Promise<FileChange> {
  const file = relayTokenPath(env);
  const state = await readFileState(file);
  return {
    path: file,
    realPath: state.realPath,
    symlink: state.symlink,
    before: state.exists ? (state.bytes ?? null) : null,
    after: Buffer.from(`${token}\n`, 'utf8'),
    beforeMode: state.exists ? (state.mode ?? null) : null,
    mode: 0o600,
    holdsSecret: true,
    purpose: "the relay's local token",
  };
}

/**
 * The token for a running relay: the install's (made now if there is none), and a `reload` that
 * re-reads the file only when it changed since it was last read (after `relay rotate-token`, or
 * an undo of it), so a relay that refuses a request notices a new token without a restart. A
 * removed or emptied file keeps the token in force: the relay never becomes open.
 */
export async function relayTokenSource(env: Environment): Promise<{ value: string; reload: () => Promise<string | undefined> }> {
  const file = relayTokenPath(env);
  const value = await ensureRelayToken(env);
  let seen = await fileVersion(file);
  return {
    value,
    reload: async () => {
      const now = await fileVersion(file);
      if (now === seen) return undefined;
      seen = now;
      return readRelayToken(env);
    },
  };
}

async function fileVersion(file: string): Promise<string> {
  const s = await stat(file, { bigint: true }).catch(() => undefined);
  return s ? `${s.ino}:${s.mtimeNs}:${s.size}` : '';
}

// One setup-gateway at a time may change files: a lock file in the state dir naming the holder by
// its pid and the time that process started. A pid alone is not enough: after `kill -9` the dead
// holder may linger as a zombie (its parent has not reaped it yet) or its pid may already belong to
// another program, and either kept every later run out. So a lock blocks only while its pid is a
// live process (not a zombie) that started when the holder did; anything else is taken over.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SetupError } from './errors.js';

export async function withLock<T>(stateDir: string, fn: () => Promise<T>): Promise<T> {
  const lockFile = path.join(stateDir, 'lock');
  await acquire(lockFile);
  try {
    return await fn();
  } finally {
    await rm(lockFile, { force: true });
  }
}

/** What a lock file says: the holder's pid, and its start as `processStart` read it (absent in the old format, a bare pid). */
export interface LockHolder {
  pid: number;
  started?: string;
}

/** The lock file's text for a holder: one JSON line. */
export function lockText(holder: LockHolder): string {
  return `${JSON.stringify(holder)}\n`;
}

/** Reads either format: `{"pid":N,"started":"…"}`, or the bare pid older versions wrote. Undefined: no holder can be read. */
export function parseLock(text: string): LockHolder | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed) };
  try {
    const parsed = JSON.parse(trimmed) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { pid, started } = parsed as Record<string, unknown>;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
    return typeof started === 'string' ? { pid, started } : { pid };
  } catch {
    return undefined;
  }
}

async function acquire(lockFile: string): Promise<void> {
  const started = await processStart(process.pid);
  const mine = lockText({ pid: process.pid, ...(typeof started === 'string' ? { started } : {}) });
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await createExclusive(lockFile, mine)) return;
    const holder = parseLock(await readFile(lockFile, 'utf8').catch(() => ''));
    if (holder && holder.pid !== process.pid && (await holds(holder))) {
      throw new SetupError(`Another setup-gateway (pid ${holder.pid}) is changing files right now; wait for it to finish.`, [
        `If no other setup-gateway is running, remove ${lockFile}.`,
      ]);
    }
    await rm(lockFile, { force: true });
  }
  throw new SetupError(`Could not take the lock ${lockFile}.`);
}

/**
 * Creates the lock with its whole content at once (written aside, then hard-linked into place,
 * which fails if the lock exists), so no reader ever sees an empty lock and takes it for stale.
 */
async function createExclusive(lockFile: string, text: string): Promise<boolean> {
  const tmp = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, text, { mode: 0o600, flag: 'wx' });
  try {
    await link(tmp, lockFile);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links: create it exclusively and write it in place instead.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') return createInPlace(lockFile, text);
    throw error;
  } finally {
    await rm(tmp, { force: true });
  }
}

async function createInPlace(lockFile: string, text: string): Promise<boolean> {
  try {
    await writeFile(lockFile, text, { mode: 0o600, flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Whether the process a lock names still holds it: alive, not a zombie, and (when both are known) started when the holder did. */
export async function holds(holder: LockHolder, platform: NodeJS.Platform = process.platform): Promise<boolean> {
  const now = await processStart(holder.pid, platform);
  if (now === 'gone') return false;
  if (now === 'unknown' || holder.started === undefined) return true;
  return now === holder.started;
}

/**
 * When a process started, as a string compared for equality only: on Linux the boot id and
 * /proc/<pid>/stat's start time (field 22, clock ticks since boot); elsewhere `ps`'s start
 * (`lstart`, to the second). `gone`: no such process, or a zombie. `unknown`: it exists but its
 * start cannot be read (Windows, no `ps`), so only its pid can be compared.
 */
export async function processStart(pid: number, platform: NodeJS.Platform = process.platform): Promise<string | 'gone' | 'unknown'> {
  if (!isAlive(pid)) return 'gone';
  if (platform === 'win32') return 'unknown';
  if (platform === 'linux') {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    if (stat !== undefined) {
      const fields = procStatFields(stat);
      if (!fields) return 'unknown';
      if (fields.state === 'Z' || fields.state === 'X') return 'gone';
      const boot = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => '')).trim();
      return `${boot}:${fields.startTicks}`;
    }
    if (!isAlive(pid)) return 'gone';
  }
  return psStart(pid);
}

/**
 * The state (field 3) and start time (field 22) of a /proc/<pid>/stat line. The command name
 * (field 2) is in parentheses and may hold spaces and parentheses itself, so fields are counted
 * from its last `)`.
 */
export function procStatFields(stat: string): { state: string; startTicks: string } | undefined {
  const close = stat.lastIndexOf(')');
  if (close === -1) return undefined;
  const rest = stat.slice(close + 2).split(' ');
  const state = rest[0];
  const startTicks = rest[22 - 3];
  if (!state || !startTicks || !/^\d+$/.test(startTicks)) return undefined;
  return { state, startTicks };
}

/** `ps -o stat=,lstart=` (macOS, the BSDs, Linux without /proc): the state and the start, in the C locale so the text is stable. */
function psStart(pid: number): Promise<string | 'gone' | 'unknown'> {
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'stat=,lstart=', '-p', String(pid)], { env: { ...process.env, LC_ALL: 'C', TZ: 'UTC' }, timeout: 5000 }, (error, stdout) => {
      const line = String(stdout ?? '').trim();
      if (!line) {
        // `ps` exits 1 for a pid it does not list; it is missing or broken when it could not run at all.
        resolve(error && (error as { code?: unknown }).code === 1 ? 'gone' : 'unknown');
        return;
      }
      const [state = '', ...start] = line.split(/\s+/);
      resolve(state.startsWith('Z') ? 'gone' : start.length ? start.join(' ') : 'unknown');
    });
  });
}

/** Whether a process with this pid exists (EPERM: it does, but belongs to someone else). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

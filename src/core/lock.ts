// One setup-gateway at a time may change files: a lock file in the state dir holding our pid.
// A lock left by a process that no longer exists is taken over.
import { open, readFile, rm } from 'node:fs/promises';
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

async function acquire(lockFile: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new SetupError(`Another setup-gateway (pid ${pid}) is changing files right now; wait for it to finish.`, [
          `If no other setup-gateway is running, remove ${lockFile}.`,
        ]);
      }
      await rm(lockFile, { force: true });
    }
  }
  throw new SetupError(`Could not take the lock ${lockFile}.`);
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

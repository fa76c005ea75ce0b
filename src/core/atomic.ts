// The one way bytes reach a user's file: a temp file in the same folder, fsync, rename, fsync
// the folder. A crash leaves either the old file or the new one, never half of each.
import { chmod, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

let written = 0;

/**
 * A name beside `file` for its next content, unique to this write: the process, the time and a
 * count. Created with O_EXCL ('wx'), so a name that is somehow taken fails the write rather than
 * being followed or shared. No node:crypto: the relay records its state this way at start, and
 * that module would cost its process about 1.3 MiB (relay/lazy-crypto.ts).
 */
export function tempPathFor(file: string): string {
  written += 1;
  return path.join(path.dirname(file), `.${path.basename(file)}.setup-gateway-${process.pid.toString(36)}-${Date.now().toString(36)}-${written.toString(36)}.tmp`);
}

export async function writeFileAtomic(file: string, bytes: Buffer, mode: number): Promise<void> {
  const dir = path.dirname(file);
  const tmp = tempPathFor(file);
  const handle = await open(tmp, 'wx', mode);
  try {
    await handle.writeFile(bytes);
    // The umask may have narrowed `mode`; set it exactly.
    await handle.chmod(mode);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(tmp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  await syncDir(dir);
}

/** Creates the missing folders of `dir` and returns them, outermost first, so undo can remove them. */
export async function ensureDir(dir: string): Promise<string[]> {
  const missing: string[] = [];
  let current = dir;
  while (!(await exists(current))) {
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  if (missing.length) await mkdir(dir, { recursive: true });
  return missing;
}

export async function setMode(file: string, mode: number): Promise<void> {
  await chmod(file, mode);
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename durable; not supported on every platform (Windows), where it is skipped.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}

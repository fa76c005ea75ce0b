// Reads the files a plan needs, once, before planning: the only I/O between detect and apply.
import { lstat, readFile, readlink, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export interface FileState {
  /** The path as the recipe names it. */
  path: string;
  /** Where bytes really go: the symlink's target when `path` is a link. */
  realPath: string;
  symlink: boolean;
  exists: boolean;
  bytes?: Buffer;
  /** Permission bits (mode & 0o7777). */
  mode?: number;
}

export type Snapshot = ReadonlyMap<string, FileState>;

export async function readFileState(file: string): Promise<FileState> {
  let symlink = false;
  let realPath = file;
  try {
    const link = await lstat(file);
    if (link.isSymbolicLink()) {
      symlink = true;
      realPath = await realpath(file).catch(async () => path.resolve(path.dirname(file), await readlink(file)));
    }
  } catch (error) {
    if (isNotFound(error)) return { path: file, realPath, symlink, exists: false };
    throw error;
  }
  try {
    const info = await stat(realPath);
    if (!info.isFile()) throw new Error(`${file} is not a regular file`);
    return { path: file, realPath, symlink, exists: true, bytes: await readFile(realPath), mode: info.mode & 0o7777 };
  } catch (error) {
    // A dangling symlink: the file will be created at its target.
    if (isNotFound(error)) return { path: file, realPath, symlink, exists: false };
    throw error;
  }
}

export async function takeSnapshot(files: Iterable<string>): Promise<Snapshot> {
  const unique = [...new Set(files)];
  const states = await Promise.all(unique.map(readFileState));
  return new Map(states.map((s) => [s.path, s]));
}

export function isNotFound(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

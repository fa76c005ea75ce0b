// Read-only questions detection asks of a file system. The real adapter is node:fs; tests use an
// in-memory one so Windows and macOS layouts can be checked from Linux.
import { access, constants, readdir, readFile, realpath, stat } from 'node:fs/promises';

export interface FsProbe {
  exists(path: string): Promise<boolean>;
  /** A regular file we may run (on Windows: any regular file). */
  isExecutableFile(path: string, platform: string): Promise<boolean>;
  readText(path: string): Promise<string | undefined>;
  realpath(path: string): Promise<string>;
  /** Entry names of a folder; empty when it does not exist. */
  listDir(path: string): Promise<string[]>;
}

export const nodeProbe: FsProbe = {
  async exists(p) {
    return stat(p).then(
      () => true,
      () => false,
    );
  },
  async isExecutableFile(p, platform) {
    try {
      if (!(await stat(p)).isFile()) return false;
      if (platform !== 'win32') await access(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  async readText(p) {
    return readFile(p, 'utf8').catch(() => undefined);
  },
  async realpath(p) {
    return realpath(p).catch(() => p);
  },
  async listDir(p) {
    return readdir(p).catch(() => []);
  },
};

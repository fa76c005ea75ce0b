/**
 * The package as it would be published: `npm pack` of the repository into a temp folder.
 *
 * It packs the dist/ that `npm test` has just built (`--ignore-scripts`: no second build, which
 * would also swap dist/ under tests running in parallel). npm runs with a throwaway HOME and
 * cache, so the real home is never touched, and offline: packing needs no registry.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../agents/paths.js';

export interface PackedFile {
  path: string;
  size: number;
  mode: number;
}

export interface Packed {
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Size of the .tgz in bytes. */
  size: number;
  unpackedSize: number;
  files: PackedFile[];
  /** The temp folder holding the tarball and npm's home; removed by cleanup(). */
  dir: string;
  cleanup(): Promise<void>;
}

/** The environment for npm and npx children: a clean one with a throwaway HOME and cache. */
export function npmEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(delimiter),
    HOME: home,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    npm_config_cache: join(home, '.npm'),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_offline: 'true',
    ...extra,
  };
}

export async function packRepo(): Promise<Packed> {
  if (!existsSync(join(repoRoot, 'dist', 'cli.js'))) {
    throw new Error('dist/cli.js does not exist: run `npm run build` (npm test does) before the packaging tests');
  }
  const dir = await mkdtemp(join(tmpdir(), 'sg-pack-'));
  const { stdout } = await promisify(execFile)('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
    cwd: repoRoot,
    env: npmEnv(join(dir, 'npm-home')),
    maxBuffer: 16 * 1024 * 1024,
  });
  const [info] = JSON.parse(stdout) as Array<{ filename: string; size: number; unpackedSize: number; files: PackedFile[] }>;
  if (!info) throw new Error(`npm pack printed no package: ${stdout}`);
  return {
    tarball: join(dir, info.filename),
    size: info.size,
    unpackedSize: info.unpackedSize,
    files: info.files,
    dir,
    cleanup: () => rm(dir, { recursive: true, force: true, maxRetries: 3 }),
  };
}

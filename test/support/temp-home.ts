// A throwaway home for each test: every path the CLI derives lands inside it.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Environment } from '../../src/core/environment.js';

export interface TempHome {
  home: string;
  env: Environment;
  cleanup(): Promise<void>;
}

export async function makeTempHome(extraEnv: Record<string, string> = {}): Promise<TempHome> {
  const home = await mkdtemp(path.join(tmpdir(), 'sg-home-'));
  const env: Environment = {
    platform: 'linux',
    home,
    // PATH points inside the temp home so detection never sees this machine's agents.
    env: { HOME: home, PATH: path.join(home, 'bin'), ...extraEnv },
    wsl: false,
  };
  return { home, env, cleanup: () => rm(home, { recursive: true, force: true }) };
}

/**
 * An executable `<home>/bin/<name>` holding `script`: the temp home's PATH points there, so
 * detection takes the agent for installed. Returns the file's path.
 */
export async function putBinary(home: string, name: string, script = '#!/bin/sh\n'): Promise<string> {
  const file = path.join(home, 'bin', name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, script);
  await chmod(file, 0o755);
  return file;
}

// Detection: is an agent installed? Evidence is a binary on PATH (with Windows PATHEXT shims)
// or one of the recipe's paths existing. Versions are read from an npm package.json next to
// the binary when there is one: cheap, and no agent process is started.
import { access, constants, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Environment } from './environment.js';
import { pathFor } from './environment.js';
import type { Recipe } from './recipe.js';

export interface Evidence {
  kind: 'binary' | 'path';
  path: string;
  version?: string;
}

export interface Detection {
  recipe: Recipe;
  found: boolean;
  evidence: Evidence[];
}

export async function detectAll(recipes: readonly Recipe[], env: Environment): Promise<Detection[]> {
  return Promise.all(recipes.map((r) => detectOne(r, env)));
}

export async function detectOne(recipe: Recipe, env: Environment): Promise<Detection> {
  const evidence: Evidence[] = [];
  for (const bin of recipe.detect.binaries) {
    const found = await which(bin, env);
    if (found) evidence.push({ kind: 'binary', path: found, ...(await npmVersion(found)) });
  }
  for (const p of recipe.detect.paths(env)) {
    if (await exists(p)) evidence.push({ kind: 'path', path: p });
  }
  return { recipe, found: evidence.length > 0, evidence };
}

/** Finds an executable on the injected PATH; on Windows tries each PATHEXT extension. */
export async function which(bin: string, env: Environment): Promise<string | undefined> {
  const p = pathFor(env);
  const PATH = env.env.PATH ?? env.env.Path ?? '';
  const dirs = PATH.split(env.platform === 'win32' ? ';' : ':').filter(Boolean);
  const exts = env.platform === 'win32' ? ['', ...(env.env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').map((e) => e.toLowerCase())] : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = p.join(dir, bin + ext);
      if (await isExecutable(candidate, env)) return candidate;
    }
  }
  return undefined;
}

async function isExecutable(file: string, env: Environment): Promise<boolean> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    if (env.platform === 'win32') return true;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

/** `node_modules/<pkg>/bin/x` → the version in `<pkg>/package.json`, when the binary is an npm shim. */
async function npmVersion(binary: string): Promise<{ version?: string }> {
  let dir = path.dirname(await realpath(binary).catch(() => binary));
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { version?: unknown; bin?: unknown };
      if (typeof pkg.version === 'string' && pkg.bin) return { version: pkg.version };
    } catch {
      /* no package.json here: look one folder up */
    }
    dir = path.dirname(dir);
  }
  return {};
}

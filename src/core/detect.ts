// Detection: is an agent installed? Evidence is a binary on PATH (with Windows PATHEXT shims)
// or one of the recipe's paths existing. Versions are read from an npm package.json next to
// the binary when there is one: cheap, and no agent process is started.
import { extensionDirs, extensionVersion } from './editors.js';
import type { Environment } from './environment.js';
import { pathFor } from './environment.js';
import { nodeProbe, type FsProbe } from './probe.js';
import type { Evidence, Recipe } from './recipe.js';

export type { Evidence } from './recipe.js';

export interface Detection {
  recipe: Recipe;
  found: boolean;
  evidence: Evidence[];
}

export async function detectAll(recipes: readonly Recipe[], env: Environment, probe: FsProbe = nodeProbe): Promise<Detection[]> {
  return Promise.all(recipes.map((r) => detectOne(r, env, probe)));
}

export async function detectOne(recipe: Recipe, env: Environment, probe: FsProbe = nodeProbe): Promise<Detection> {
  const evidence: Evidence[] = [];
  for (const bin of recipe.detect.binaries) {
    const found = await which(bin, env, probe);
    if (found) evidence.push({ kind: 'binary', path: found, ...(await npmVersion(found, env, probe)) });
  }
  for (const p of recipe.detect.paths(env)) {
    if (await probe.exists(p)) evidence.push({ kind: 'path', path: p });
  }
  if (recipe.detect.extensions?.length) evidence.push(...(await findExtensions(recipe.detect.extensions, env, probe)));
  return { recipe, found: evidence.length > 0, evidence };
}

/** Extension folders `<publisher.name>-<version>` in every VS Code-family editor. */
async function findExtensions(ids: readonly string[], env: Environment, probe: FsProbe): Promise<Evidence[]> {
  const p = pathFor(env);
  const found: Evidence[] = [];
  for (const { editor, dir } of extensionDirs(env)) {
    for (const folder of (await probe.listDir(dir)).sort()) {
      for (const id of ids) {
        const version = extensionVersion(folder, id);
        if (version === false) continue;
        found.push({ kind: 'extension', path: p.join(dir, folder), editor: editor.id, version });
      }
    }
  }
  return found;
}

/** Finds an executable on the injected PATH; on Windows tries each PATHEXT extension (`.cmd` shims). */
export async function which(bin: string, env: Environment, probe: FsProbe = nodeProbe): Promise<string | undefined> {
  const p = pathFor(env);
  const PATH = env.env.PATH ?? env.env.Path ?? '';
  const dirs = PATH.split(env.platform === 'win32' ? ';' : ':').filter(Boolean);
  const exts =
    env.platform === 'win32' ? [...(env.env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean).map((e) => e.toLowerCase()), ''] : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = p.join(dir, bin + ext);
      if (await probe.isExecutableFile(candidate, env.platform)) return candidate;
    }
  }
  return undefined;
}

/** `…/node_modules/<pkg>/bin/x` → the version in `<pkg>/package.json`, when the binary is an npm install. */
async function npmVersion(binary: string, env: Environment, probe: FsProbe): Promise<{ version?: string }> {
  const p = pathFor(env);
  let dir = p.dirname(await probe.realpath(binary));
  for (let i = 0; i < 4; i++) {
    const text = await probe.readText(p.join(dir, 'package.json'));
    if (text) {
      try {
        const pkg = JSON.parse(text) as { version?: unknown; bin?: unknown };
        if (typeof pkg.version === 'string' && pkg.bin) return { version: pkg.version };
      } catch {
        /* not JSON: keep looking up */
      }
    }
    dir = p.dirname(dir);
  }
  return {};
}

// Switching gateways is byte-exact, for every agent, over every messy fixture we keep
// (recipes/*/fixtures and the format corpus in test/fixtures/corpus): with profiles A and B that
// differ in URL, key and model, `apply --profile a`, `use b`, `use a` leaves every file exactly
// as after the first `apply --profile a` (no entry B added to a model list survives), `undo` of
// a `use` gives back the previous profile's bytes, and undoing every run gives back the files
// as they were before setup-gateway.
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { recipes } from '../../recipes/index.js';
import { detectOne } from '../../src/core/detect.js';
import { createProfile } from '../../src/core/profile.js';
import { planFilesToRead } from '../../src/core/plan.js';
import type { Recipe } from '../../src/core/recipe.js';
import { runCli } from '../support/run-cli.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';

const ROOT = path.join(import.meta.dirname, '..', '..');
const CORPUS = path.join(ROOT, 'test', 'fixtures', 'corpus');

const KEYS = { GW_A_KEY: `sk-a-"q'#$\\x-1111`, GW_B_KEY: 'sk-b-other-2222' };

/**
 * Fixtures whose name is not the name of the file the agent reads: the file they stand for.
 * Every other fixture goes where the recipe's plan names a file of the same name.
 */
const STANDS_FOR: Record<string, string> = {
  'aider/aider.conf.yml': '.aider.conf.yml',
  'goose/legacy-config.yaml': 'config.yaml',
  'openclaw/unquoted-keys.json': 'openclaw.json',
  'shell-env/bashrc-no-final-newline': '.bashrc',
};

/** The format corpus, placed in the file of agents that edit that format (lists included). */
const CORPUS_TARGETS: Record<string, Array<{ agent: string; file: string }>> = {
  json: [
    { agent: 'claude-code', file: 'settings.json' },
    { agent: 'crush', file: 'crush.json' },
    { agent: 'opencode', file: 'opencode.json' },
    { agent: 'zed', file: 'settings.json' },
  ],
  toml: [{ agent: 'codex', file: 'config.toml' }],
  yaml: [
    { agent: 'aider', file: '.aider.conf.yml' },
    { agent: 'goose', file: 'config.yaml' },
  ],
  shell: [{ agent: 'shell-env', file: '.bashrc' }],
};

interface Case {
  agent: string;
  /** What the home holds before: the fixture, and whatever detection needs. */
  seed: string;
  place: (t: TempHome, recipe: Recipe) => Promise<void>;
}

let t: TempHome | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

/** An editor extension for agents found through one, so their plan names their files. */
async function installExtension(home: string, recipe: Recipe): Promise<void> {
  const ext = recipe.detect.extensions?.[0];
  if (!ext) return;
  const dir = path.join(home, '.vscode', 'extensions', `${ext.toLowerCase()}-99.0.0`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: ext.split('.')[1], publisher: ext.split('.')[0], version: '99.0.0' }));
}

/** Where the recipe reads a file named `name` in this home. */
async function fileNamed(home: TempHome, recipe: Recipe, name: string): Promise<string> {
  const { evidence } = await detectOne(recipe, home.env);
  const profile = createProfile({ baseUrl: 'https://gw.example.com', key: 'k', model: 'm' });
  const files = planFilesToRead(recipe.plan({ profile, env: home.env, evidence, model: 'm' }));
  const found = [...new Set(files.filter((f) => path.basename(f) === name))];
  if (found.length === 0) throw new Error(`${recipe.id}: no file named ${name} in its plan; say in STANDS_FOR which file the fixture stands for`);
  return found[0] as string;
}

async function placeAt(file: string, bytes: Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, bytes);
  await chmod(file, 0o640);
}

async function cases(): Promise<Case[]> {
  const out: Case[] = [];
  for (const recipe of recipes) {
    out.push({ agent: recipe.id, seed: '(no file yet)', place: async () => undefined });
    const dir = path.join(ROOT, 'recipes', recipe.id, 'fixtures');
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      out.push({
        agent: recipe.id,
        seed: `recipes/${recipe.id}/fixtures/${name}`,
        place: async (home, r) => placeAt(await fileNamed(home, r, STANDS_FOR[`${recipe.id}/${name}`] ?? name), await readFile(path.join(dir, name))),
      });
    }
  }
  for (const [format, targets] of Object.entries(CORPUS_TARGETS)) {
    const names = (await readdir(path.join(CORPUS, format))).sort();
    for (const { agent, file } of targets) {
      for (const name of names) {
        out.push({
          agent,
          seed: `corpus/${format}/${name}`,
          place: async (home, r) => placeAt(await fileNamed(home, r, file), await readFile(path.join(CORPUS, format, name))),
        });
      }
    }
  }
  return out;
}

/** Every file in the home (bytes and mode), our own state and the profiles file left out. */
async function snapshot(home: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const skip = new Set([path.join('.local', 'state'), path.join('.config', 'setup-gateway', 'profiles.json')]);
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const rel = path.relative(home, full);
      if (skip.has(rel)) continue;
      if (entry.isDirectory()) await walk(full);
      else out.set(rel, `${((await stat(full)).mode & 0o777).toString(8)} ${(await readFile(full)).toString('base64')}`);
    }
  };
  await walk(home);
  return out;
}

/** The files that differ, decoded, so a failure shows what moved. */
function differences(a: Map<string, string>, b: Map<string, string>): Record<string, { was?: string; now?: string }> {
  const out: Record<string, { was?: string; now?: string }> = {};
  const show = (v: string | undefined) => (v === undefined ? undefined : `${v.slice(0, 4)}${Buffer.from(v.slice(4), 'base64').toString('utf8')}`);
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    if (a.get(key) !== b.get(key)) out[key] = { was: show(a.get(key)), now: show(b.get(key)) };
  }
  return out;
}

async function run(argv: string[]) {
  const result = await runCli(argv, { env: (t as TempHome).env });
  return { ...result, doc: argv.includes('--json') ? (JSON.parse(result.stdout) as { agents: Array<{ status: string; messages: string[] }> }) : undefined };
}

describe('A -> B -> A is byte-identical for every agent and fixture', async () => {
  const all = await cases();
  it('covers every recipe', () => {
    expect(new Set(all.map((c) => c.agent))).toEqual(new Set(recipes.map((r) => r.id)));
  });

  it.each(all.map((c) => [c.agent, c.seed, c] as const))('%s, %s', async (agent, _seed, c) => {
    t = await makeTempHome(KEYS);
    const recipe = recipes.find((r) => r.id === agent) as Recipe;
    await installExtension(t.home, recipe);
    await c.place(t, recipe);
    expect((await run(['profile', 'add', 'a', '--base-url', 'https://a.example.com/v1', '--key-env', 'GW_A_KEY', '--model', 'model-a'])).code).toBe(0);
    expect((await run(['profile', 'add', 'b', '--base-url', 'https://gw-b.example.net', '--key-env', 'GW_B_KEY', '--model', 'vendor/model-b'])).code).toBe(0);
    const seed = await snapshot(t.home);

    const first = await run(['apply', '--profile', 'a', '--agent', agent, '--yes', '--json']);
    if (first.doc?.agents[0]?.status === 'failed') {
      // A file the agent refuses (not valid in its format) is left exactly as it was.
      expect(first.code).toBe(1);
      expect(differences(seed, await snapshot(t.home))).toEqual({});
      return;
    }
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const afterA = await snapshot(t.home);

    const toB = await run(['use', 'b', '--agent', agent, '--yes', '--json']);
    expect(toB.code, toB.stdout + toB.stderr).toBe(0);
    const afterB = await snapshot(t.home);
    expect((await run(['use', 'a', '--agent', agent, '--yes'])).code).toBe(0);
    expect(differences(afterA, await snapshot(t.home)), 'A again: as after the first A').toEqual({});
    // An agent set up by hand (no file written) has nothing to undo.
    if (Object.keys(differences(seed, afterA)).length === 0) return;
    expect(Object.keys(differences(afterA, afterB)).length, 'B changes something').toBeGreaterThan(0);

    // Undo of a use gives back the previous profile exactly; a switch from there is still exact.
    expect((await run(['undo'])).code).toBe(0);
    expect(differences(afterB, await snapshot(t.home)), 'undo of use a: back to B').toEqual({});
    expect((await run(['use', 'a', '--agent', agent, '--yes'])).code).toBe(0);
    expect(differences(afterA, await snapshot(t.home)), 'A after the undo: as after the first A').toEqual({});

    // Every run undone, newest first: the files as they were before.
    for (let i = 0; i < 3; i++) expect((await run(['undo'])).code).toBe(0);
    expect(differences(seed, await snapshot(t.home)), 'everything undone').toEqual({});
  });
});

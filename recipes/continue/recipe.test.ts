// Continue: config.yaml created in the v1 shape or edited in place, the legacy config.json only
// while no config.yaml exists, CONTINUE_GLOBAL_DIR, idempotency, undo, and detection on every
// platform (a Windows editor seen from WSL reads the Windows user's folder).
import path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { parse as parseYaml } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONTINUE_MODEL_NAME, continueDev } from './recipe.js';
import { detectOne } from '../../src/core/detect.js';
import type { Environment } from '../../src/core/environment.js';
import { createProfile } from '../../src/core/profile.js';
import { memoryProbe } from '../../test/support/memory-probe.js';
import { makeTempHome, type TempHome } from '../../test/support/temp-home.js';
import { apply, fixture, KEY, modeOf, OPENAI, put, read, tree, undo } from '../../test/support/recipe-helpers.js';

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome();
});
afterEach(() => t.cleanup());

const YAML = path.join('.continue', 'config.yaml');
const JSON_FILE = path.join('.continue', 'config.json');
const ours = (model = 'gw-model') => ({
  name: CONTINUE_MODEL_NAME,
  provider: 'openai',
  model,
  apiBase: OPENAI,
  apiKey: KEY,
  roles: ['chat', 'edit', 'apply'],
});

describe('continue: apply', () => {
  it('creates ~/.continue/config.yaml in the v1 shape, private, and reports unchanged the second time', async () => {
    const run = await apply(t.env, 'continue');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.doc.agents).toEqual([expect.objectContaining({ id: 'continue', status: 'updated', files: [path.join(t.home, YAML)] })]);
    expect(parseYaml(await read(t.home, YAML))).toEqual({ name: 'Local Config', version: '1.0.0', schema: 'v1', models: [ours()] });
    expect(await modeOf(t.home, YAML)).toBe(0o600);
    // Only config.yaml: no config.json appears next to it.
    expect(Object.keys(await tree(t.home))).toEqual([YAML]);
    expect(run.stdout).not.toContain(`q'#`);

    const before = await read(t.home, YAML);
    const again = await apply(t.env, 'continue');
    expect(again.doc.agents[0]?.status).toBe('unchanged');
    expect(await read(t.home, YAML)).toBe(before);
  });

  it('adds its model to a commented config.yaml, keeps every other byte, and replaces (not duplicates) it on a model change', async () => {
    const original = await fixture('continue', 'config.yaml');
    await put(t.home, YAML, original, 0o644);
    expect((await apply(t.env, 'continue')).code).toBe(0);
    const text = await read(t.home, YAML);
    const was = parseYaml(original) as { models: unknown[] };
    expect(parseYaml(text)).toEqual({ ...was, models: [...was.models, ours()] });
    // Every byte of the user's file is still there: our entry is inserted after the last model.
    const cut = original.indexOf('      - autocomplete\n') + '      - autocomplete\n'.length;
    expect(text.startsWith(original.slice(0, cut))).toBe(true);
    expect(text.endsWith(original.slice(cut))).toBe(true);
    expect(text.length).toBeGreaterThan(original.length);
    expect(await modeOf(t.home, YAML)).toBe(0o600);

    expect((await apply(t.env, 'continue', '--model', 'continue=other-model')).code).toBe(0);
    const models = (parseYaml(await read(t.home, YAML)) as { models: Array<{ name: string; model: string }> }).models;
    expect(models.map((m) => [m.name, m.model])).toEqual([
      ['Local autocomplete', 'qwen2.5-coder:1.5b'],
      [CONTINUE_MODEL_NAME, 'other-model'],
    ]);
  });

  it('undo puts a commented config.yaml back byte for byte, and removes one it created', async () => {
    const original = await fixture('continue', 'config.yaml');
    await put(t.home, YAML, original, 0o644);
    await apply(t.env, 'continue');
    expect((await undo(t.env)).code).toBe(0);
    expect(await read(t.home, YAML)).toBe(original);
    expect(await modeOf(t.home, YAML)).toBe(0o644);

    const fresh = await makeTempHome();
    try {
      await apply(fresh.env, 'continue');
      expect((await undo(fresh.env)).code).toBe(0);
      expect(await tree(fresh.home)).toEqual({});
    } finally {
      await fresh.cleanup();
    }
  });

  it('edits a legacy config.json (by title, comments kept) when no config.yaml exists, and creates no config.yaml', async () => {
    const original = await fixture('continue', 'config.json');
    await put(t.home, JSON_FILE, original);
    const run = await apply(t.env, 'continue');
    expect(run.code).toBe(0);
    expect(run.doc.agents[0]?.files).toEqual([path.join(t.home, JSON_FILE)]);
    const text = await read(t.home, JSON_FILE);
    expect(text).toContain("// Continue's pre-YAML config: JSON with comments.");
    const was = parseJsonc(original) as { models: unknown[] };
    expect(parseJsonc(text)).toEqual({
      ...was,
      models: [...was.models, { title: CONTINUE_MODEL_NAME, provider: 'openai', model: 'gw-model', apiBase: OPENAI, apiKey: KEY }],
    });
    expect(Object.keys(await tree(t.home))).toEqual([JSON_FILE]);
    expect((await apply(t.env, 'continue')).doc.agents[0]?.status).toBe('unchanged');
    expect((await undo(t.env)).code).toBe(0);
    expect(await read(t.home, JSON_FILE)).toBe(original);
  });

  it('edits config.yaml and leaves config.json alone when both exist (Continue reads config.yaml)', async () => {
    const json = await fixture('continue', 'config.json');
    await put(t.home, JSON_FILE, json);
    await put(t.home, YAML, await fixture('continue', 'config.yaml'));
    const run = await apply(t.env, 'continue');
    expect(run.doc.agents[0]?.files).toEqual([path.join(t.home, YAML)]);
    expect(await read(t.home, JSON_FILE)).toBe(json);
    expect((parseYaml(await read(t.home, YAML)) as { models: unknown[] }).models).toContainEqual(ours());
  });

  it('follows CONTINUE_GLOBAL_DIR', async () => {
    const dir = path.join(t.home, 'elsewhere', 'continue');
    const moved = await makeTempHome({ CONTINUE_GLOBAL_DIR: dir });
    try {
      const run = await apply(moved.env, 'continue');
      expect(run.doc.agents[0]?.files).toEqual([path.join(dir, 'config.yaml')]);
      expect(parseYaml(await read(dir, 'config.yaml'))).toMatchObject({ models: [ours()] });
      expect(await tree(moved.home)).toEqual({});
    } finally {
      await moved.cleanup();
    }
  });

  it('refuses a config.yaml whose models is not a list, naming the problem and writing nothing', async () => {
    const text = 'name: x\nversion: 1.0.0\nschema: v1\nmodels: gpt-4o\n';
    await put(t.home, YAML, text);
    const run = await apply(t.env, 'continue');
    expect(run.code).toBe(1);
    expect(run.doc.agents[0]?.status).toBe('failed');
    expect(run.doc.agents[0]?.messages.join('\n')).toMatch(/models.*string.*not an array/);
    expect(await read(t.home, YAML)).toBe(text);
  });
});

describe('continue: detection and the folder it configures', () => {
  const profile = createProfile({ baseUrl: 'https://gw.example.com/v1', key: 'k', model: 'm' });
  const planFor = (env: Environment, evidence: Awaited<ReturnType<typeof detectOne>>['evidence']) =>
    continueDev.plan({ profile, model: 'm', env, evidence }).files.map((f) => f.path);

  it('linux: the cn binary (npm, with its version) and ~/.continue', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '/home/u/.npm/bin' }, wsl: false };
    const d = await detectOne(
      continueDev,
      env,
      memoryProbe({
        '/home/u/.npm/bin/cn': { link: '/home/u/.npm/lib/node_modules/@continuedev/cli/dist/cn.js' },
        '/home/u/.npm/lib/node_modules/@continuedev/cli/dist/cn.js': { exec: '#!/usr/bin/env node' },
        '/home/u/.npm/lib/node_modules/@continuedev/cli/package.json': '{"version":"1.5.47","bin":{"cn":"dist/cn.js"}}',
        '/home/u/.continue/config.yaml': 'x',
      }),
    );
    expect(d.evidence).toEqual([
      { kind: 'binary', path: '/home/u/.npm/bin/cn', version: '1.5.47' },
      { kind: 'path', path: '/home/u/.continue' },
    ]);
    expect(new Set(planFor(env, d.evidence))).toEqual(new Set(['/home/u/.continue/config.yaml', '/home/u/.continue/config.json']));
  });

  it('darwin: the VS Code extension alone is enough', async () => {
    const env: Environment = { platform: 'darwin', home: '/Users/u', env: { PATH: '/usr/bin' }, wsl: false };
    const d = await detectOne(continueDev, env, memoryProbe({ '/Users/u/.vscode/extensions/continue.continue-1.2.10-darwin-arm64/package.json': '{}' }));
    expect(d.evidence).toEqual([
      { kind: 'extension', path: '/Users/u/.vscode/extensions/continue.continue-1.2.10-darwin-arm64', editor: 'code', version: '1.2.10' },
    ]);
    expect(new Set(planFor(env, d.evidence))).toEqual(new Set(['/Users/u/.continue/config.yaml', '/Users/u/.continue/config.json']));
  });

  it('win32: cn.cmd through PATHEXT and %USERPROFILE%\\.continue', async () => {
    const env: Environment = {
      platform: 'win32',
      home: 'C:\\Users\\u',
      env: { Path: 'C:\\Users\\u\\AppData\\Roaming\\npm', PATHEXT: '.COM;.EXE;.BAT;.CMD' },
      wsl: false,
    };
    const d = await detectOne(continueDev, env, memoryProbe({ 'C:\\Users\\u\\AppData\\Roaming\\npm\\cn.cmd': '@echo off', 'C:\\Users\\u\\.continue\\config.yaml': 'x' }));
    expect(d.evidence).toEqual([
      { kind: 'binary', path: 'C:\\Users\\u\\AppData\\Roaming\\npm\\cn.cmd' },
      { kind: 'path', path: 'C:\\Users\\u\\.continue' },
    ]);
    expect(new Set(planFor(env, d.evidence))).toEqual(new Set(['C:\\Users\\u\\.continue\\config.yaml', 'C:\\Users\\u\\.continue\\config.json']));
  });

  it("WSL: a Windows editor's extension means the Windows user's folder; VS Code Server's means the Linux one", async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '/usr/bin' }, wsl: true, windowsHome: '/mnt/c/Users/u' };
    const windowsOnly = await detectOne(continueDev, env, memoryProbe({ '/mnt/c/Users/u/.vscode/extensions/continue.continue-1.2.10-win32-x64/package.json': '{}' }));
    expect(windowsOnly.evidence).toEqual([
      { kind: 'extension', path: '/mnt/c/Users/u/.vscode/extensions/continue.continue-1.2.10-win32-x64', editor: 'code', version: '1.2.10' },
    ]);
    expect(new Set(planFor(env, windowsOnly.evidence))).toEqual(new Set(['/mnt/c/Users/u/.continue/config.yaml', '/mnt/c/Users/u/.continue/config.json']));

    const server = await detectOne(continueDev, env, memoryProbe({ '/home/u/.vscode-server/extensions/continue.continue-1.2.10-linux-x64/package.json': '{}' }));
    expect(new Set(planFor(env, server.evidence))).toEqual(new Set(['/home/u/.continue/config.yaml', '/home/u/.continue/config.json']));
  });
});

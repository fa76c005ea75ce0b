// Factory Droid: ~/.factory/settings.json (our one customModels entry, found by its id, and the
// start-up model), the user's models and settings kept, idempotency, undo, FACTORY_HOME_OVERRIDE,
// detection.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DROID_MODEL_ID } from './facts.js';
import { droid } from './recipe.js';
import { detectOne } from '../../src/core/detect.js';
import type { Environment } from '../../src/core/environment.js';
import { createProfile } from '../../src/core/profile.js';
import { memoryProbe } from '../../test/support/memory-probe.js';
import { makeTempHome, type TempHome } from '../../test/support/temp-home.js';
import { applier, fixture, KEY, modeOf, OPENAI, put, read, tree, undo } from '../../test/support/recipe-helpers.js';

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome();
});
afterEach(() => t.cleanup());

const apply = applier({ agent: 'droid', model: 'gw/model-1' });
const FILE = path.join('.factory', 'settings.json');
const entry = (model = 'gw/model-1') => ({ id: DROID_MODEL_ID, model, displayName: `${model} (setup-gateway)`, baseUrl: OPENAI, apiKey: KEY, provider: 'generic-chat-completion-api' });

describe('droid: apply', () => {
  it('creates ~/.factory/settings.json with our custom model as the start-up model, private; unchanged the second time', async () => {
    const run = await apply(t.env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.doc.agents).toEqual([expect.objectContaining({ id: 'droid', status: 'updated', files: [path.join(t.home, FILE)] })]);
    expect(JSON.parse(await read(t.home, FILE))).toEqual({ customModels: [entry()], sessionDefaultSettings: { model: DROID_MODEL_ID } });
    expect(await modeOf(t.home, FILE)).toBe(0o600);
    expect(Object.keys(await tree(t.home))).toEqual([FILE]);
    expect(run.stdout).not.toContain(`q'#`);
    expect(run.doc.agents[0]?.notes.join('\n')).not.toContain('${NAME}');

    const before = await read(t.home, FILE);
    expect((await apply(t.env)).doc.agents[0]?.status).toBe('unchanged');
    expect(await read(t.home, FILE)).toBe(before);
  });

  it("edits the user's settings.json in place (their custom model, settings and 4-space layout kept); undo restores it byte for byte", async () => {
    const original = await fixture('droid', 'settings.json');
    await put(t.home, FILE, original, 0o644);
    expect((await apply(t.env)).code).toBe(0);
    const text = await read(t.home, FILE);
    for (const line of ['    "cloudSessionSync": false,', '            "displayName": "Local Qwen",', '    "commandAllowlist": ["ls", "pwd", "git status"]']) {
      expect(text).toContain(line);
    }
    const was = JSON.parse(original) as { customModels: object[]; sessionDefaultSettings: object };
    expect(JSON.parse(text)).toEqual({
      ...was,
      sessionDefaultSettings: { ...was.sessionDefaultSettings, model: DROID_MODEL_ID },
      customModels: [...was.customModels, entry()],
    });
    expect(await modeOf(t.home, FILE)).toBe(0o600);
    expect((await apply(t.env)).doc.agents[0]?.status).toBe('unchanged');

    expect((await undo(t.env)).code).toBe(0);
    expect(await read(t.home, FILE)).toBe(original);
    expect(await modeOf(t.home, FILE)).toBe(0o644);
  });

  it('a model change rewrites our one entry (no second one)', async () => {
    await apply(t.env);
    expect((await apply(t.env, '--model', 'droid=other')).code).toBe(0);
    expect(JSON.parse(await read(t.home, FILE))).toEqual({ customModels: [entry('other')], sessionDefaultSettings: { model: DROID_MODEL_ID } });
  });

  it('a key holding ${NAME} gets a note: Droid would replace it', async () => {
    const run = await applier({ agent: 'droid', model: 'm', key: 'sk-${HOME}-1' })(t.env);
    expect(run.code).toBe(0);
    expect(run.doc.agents[0]?.notes.join('\n')).toContain('The key contains "${NAME}"');
  });

  it('undo removes the file it created', async () => {
    await apply(t.env);
    expect((await undo(t.env)).code).toBe(0);
    expect(await tree(t.home)).toEqual({});
  });

  it('follows FACTORY_HOME_OVERRIDE', async () => {
    const dir = path.join(t.home, 'factory-home');
    const moved = await makeTempHome({ FACTORY_HOME_OVERRIDE: dir });
    try {
      expect((await apply(moved.env)).doc.agents[0]?.files).toEqual([path.join(dir, FILE)]);
    } finally {
      await moved.cleanup();
    }
  });

  it('refuses a file that does not parse, with line and column, and writes nothing', async () => {
    const broken = '{\n  "customModels": []\n  "x": 1\n}\n';
    await put(t.home, FILE, broken);
    const run = await apply(t.env);
    expect(run.code).toBe(1);
    expect(run.doc.agents[0]?.messages.join('\n')).toContain(`${path.join('~', FILE)}:3:3:`);
    expect(await read(t.home, FILE)).toBe(broken);
  });
});

describe('droid: detection', () => {
  const profile = createProfile({ baseUrl: 'https://gw.example.com/v1', key: 'k', model: 'm' });
  const planned = (env: Environment) => droid.plan({ profile, model: 'm', env, evidence: [] }).files.map((f) => f.path);

  it('linux: the droid binary and ~/.factory', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '/usr/bin' }, wsl: false };
    const d = await detectOne(droid, env, memoryProbe({ '/usr/bin/droid': { exec: '' }, '/home/u/.factory/settings.json': '{}' }));
    expect(d.evidence).toEqual([
      { kind: 'binary', path: '/usr/bin/droid' },
      { kind: 'path', path: '/home/u/.factory' },
    ]);
    expect(planned(env)).toEqual(['/home/u/.factory/settings.json']);
  });

  it('win32: %USERPROFILE%\\.factory', async () => {
    const env: Environment = { platform: 'win32', home: 'C:\\Users\\u', env: { Path: 'C:\\Tools', PATHEXT: '.EXE;.CMD' }, wsl: false };
    const d = await detectOne(droid, env, memoryProbe({ 'C:\\Tools\\droid.exe': '' }));
    expect(d.evidence).toEqual([{ kind: 'binary', path: 'C:\\Tools\\droid.exe' }]);
    expect(planned(env)).toEqual(['C:\\Users\\u\\.factory\\settings.json']);
  });
});

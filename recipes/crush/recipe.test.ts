// Crush: the global crush.json ($XDG_CONFIG_HOME, CRUSH_GLOBAL_CONFIG), the user's layout kept,
// idempotency, undo, detection. No end-to-end test: @charmland/crush downloads its binary from
// github.com in a postinstall, which the test machines cannot reach (see recipe.ts).
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CRUSH_MODEL_LIMITS, CRUSH_PROVIDER_ID, CRUSH_SCHEMA, crush } from './recipe.js';
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

const apply = applier({ agent: 'crush', model: 'gw/model-1' });
const FILE = path.join('.config', 'crush', 'crush.json');
const model = (id = 'gw/model-1') => ({ id, name: id, ...CRUSH_MODEL_LIMITS });
const provider = (models = [model()]) => ({ name: 'AI gateway (setup-gateway)', type: 'openai-compat', base_url: OPENAI, api_key: KEY, models });
const selected = (id = 'gw/model-1') => ({ provider: CRUSH_PROVIDER_ID, model: id });

describe('crush: apply', () => {
  it('creates ~/.config/crush/crush.json with our provider, large and small model and $schema, private; unchanged the second time', async () => {
    const run = await apply(t.env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.doc.agents).toEqual([expect.objectContaining({ id: 'crush', status: 'updated', files: [path.join(t.home, FILE)] })]);
    expect(JSON.parse(await read(t.home, FILE))).toEqual({
      $schema: CRUSH_SCHEMA,
      providers: { [CRUSH_PROVIDER_ID]: provider() },
      models: { large: selected(), small: selected() },
    });
    expect(await modeOf(t.home, FILE)).toBe(0o600);
    expect(Object.keys(await tree(t.home))).toEqual([FILE]);
    expect(run.stdout).not.toContain(`q'#`);
    // KEY holds a `$`, which Crush would expand.
    expect(run.doc.agents[0]?.notes.join('\n')).toContain('The key contains "$"');

    const before = await read(t.home, FILE);
    expect((await apply(t.env)).doc.agents[0]?.status).toBe('unchanged');
    expect(await read(t.home, FILE)).toBe(before);
  });

  it('edits an existing crush.json in place (the other provider and settings kept, its lines untouched); undo restores it byte for byte', async () => {
    const original = await fixture('crush', 'crush.json');
    await put(t.home, FILE, original, 0o644);
    expect((await apply(t.env)).code).toBe(0);
    const text = await read(t.home, FILE);
    for (const line of [
      '      "models": [{ "id": "llama3.2", "name": "Llama 3.2", "context_window": 131072, "default_max_tokens": 4096 }]',
      '  "permissions": { "allowed_tools": ["view", "ls"] }',
    ]) {
      expect(text).toContain(line);
    }
    const was = JSON.parse(original) as { providers: object };
    expect(JSON.parse(text)).toEqual({
      ...was,
      providers: { ...was.providers, [CRUSH_PROVIDER_ID]: provider() },
      models: { large: selected(), small: selected() },
    });
    expect(await modeOf(t.home, FILE)).toBe(0o600);
    expect((await apply(t.env)).doc.agents[0]?.status).toBe('unchanged');

    expect((await undo(t.env)).code).toBe(0);
    expect(await read(t.home, FILE)).toBe(original);
    expect(await modeOf(t.home, FILE)).toBe(0o644);
  });

  it('a model change selects the new model in place of ours; a model the user listed under our provider stays', async () => {
    await apply(t.env);
    const first = JSON.parse(await read(t.home, FILE)) as { providers: Record<string, { models: object[] }> };
    first.providers[CRUSH_PROVIDER_ID]?.models.unshift({ id: 'mine', name: 'Mine' });
    await put(t.home, FILE, JSON.stringify(first, null, 2));
    expect((await apply(t.env, '--model', 'crush=other')).code).toBe(0);
    const doc = JSON.parse(await read(t.home, FILE)) as { models: object; providers: Record<string, { models: object[] }> };
    expect(doc.models).toEqual({ large: selected('other'), small: selected('other') });
    expect(doc.providers[CRUSH_PROVIDER_ID]?.models).toEqual([{ id: 'mine', name: 'Mine' }, model('other')]);
  });

  it('a key without "$" gets no expansion warning', async () => {
    const run = await applier({ agent: 'crush', model: 'm', key: 'sk-plain-1' })(t.env);
    expect(run.code).toBe(0);
    expect(run.doc.agents[0]?.notes.join('\n')).not.toContain('The key contains');
  });

  it('undo removes the file it created', async () => {
    await apply(t.env);
    expect((await undo(t.env)).code).toBe(0);
    expect(await tree(t.home)).toEqual({});
  });

  it('follows CRUSH_GLOBAL_CONFIG, then XDG_CONFIG_HOME', async () => {
    const dir = path.join(t.home, 'crush-elsewhere');
    const moved = await makeTempHome({ CRUSH_GLOBAL_CONFIG: dir, XDG_CONFIG_HOME: path.join(t.home, 'xdg') });
    const xdg = await makeTempHome({ XDG_CONFIG_HOME: path.join(t.home, 'xdg') });
    try {
      expect((await apply(moved.env)).doc.agents[0]?.files).toEqual([path.join(dir, 'crush.json')]);
      expect((await apply(xdg.env)).doc.agents[0]?.files).toEqual([path.join(t.home, 'xdg', 'crush', 'crush.json')]);
    } finally {
      await moved.cleanup();
      await xdg.cleanup();
    }
  });

  it('refuses a file that does not parse, with line and column, and writes nothing', async () => {
    const broken = '{\n  "models": {}\n  "providers": {}\n}\n';
    await put(t.home, FILE, broken);
    const run = await apply(t.env);
    expect(run.code).toBe(1);
    expect(run.doc.agents[0]?.messages.join('\n')).toContain(`${path.join('~', FILE)}:3:3:`);
    expect(await read(t.home, FILE)).toBe(broken);
  });
});

describe('crush: detection', () => {
  const profile = createProfile({ baseUrl: 'https://gw.example.com/v1', key: 'k', model: 'm' });
  const planned = (env: Environment) => crush.plan({ profile, model: 'm', env, evidence: [] }).files.map((f) => f.path);

  it('linux: the crush binary and ~/.config/crush', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '/usr/bin' }, wsl: false };
    const d = await detectOne(crush, env, memoryProbe({ '/usr/bin/crush': { exec: '' }, '/home/u/.config/crush/crushrc': '' }));
    expect(d.evidence).toEqual([
      { kind: 'binary', path: '/usr/bin/crush' },
      { kind: 'path', path: '/home/u/.config/crush' },
    ]);
    expect(planned(env)).toEqual(['/home/u/.config/crush/crush.json']);
  });

  it('win32: %USERPROFILE%\\.config\\crush', async () => {
    const env: Environment = { platform: 'win32', home: 'C:\\Users\\u', env: { Path: 'C:\\Tools', PATHEXT: '.EXE;.CMD' }, wsl: false };
    const d = await detectOne(crush, env, memoryProbe({ 'C:\\Tools\\crush.exe': '' }));
    expect(d.evidence).toEqual([{ kind: 'binary', path: 'C:\\Tools\\crush.exe' }]);
    expect(planned(env)).toEqual(['C:\\Users\\u\\.config\\crush\\crush.json']);
  });
});

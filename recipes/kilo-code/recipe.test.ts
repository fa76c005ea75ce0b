// Kilo Code CLI: the global kilo.jsonc (or whichever of Kilo's global files exists first),
// KILO_CONFIG_DIR and XDG_CONFIG_HOME, comments kept, idempotency, undo, detection.
import path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KILO_PROVIDER_ID, KILO_SCHEMA, kiloCode } from './recipe.js';
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

const apply = applier({ agent: 'kilo-code', model: 'gw/model-1' });
const DIR = path.join('.config', 'kilo');
const JSONC = path.join(DIR, 'kilo.jsonc');
const provider = (models: Record<string, { name: string }> = { 'gw/model-1': { name: 'gw/model-1' } }) => ({
  npm: '@ai-sdk/openai-compatible',
  name: 'AI gateway (setup-gateway)',
  options: { baseURL: OPENAI, apiKey: KEY },
  models,
});

describe('kilo-code: apply', () => {
  it('creates ~/.config/kilo/kilo.jsonc with our provider, the model and $schema, private; unchanged the second time', async () => {
    const run = await apply(t.env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.doc.agents).toEqual([expect.objectContaining({ id: 'kilo-code', status: 'updated', files: [path.join(t.home, JSONC)] })]);
    expect(JSON.parse(await read(t.home, JSONC))).toEqual({
      $schema: KILO_SCHEMA,
      provider: { [KILO_PROVIDER_ID]: provider() },
      model: `${KILO_PROVIDER_ID}/gw/model-1`,
    });
    expect(await modeOf(t.home, JSONC)).toBe(0o600);
    expect(Object.keys(await tree(t.home))).toEqual([JSONC]);
    expect(run.stdout).not.toContain(`q'#`);

    const before = await read(t.home, JSONC);
    expect((await apply(t.env)).doc.agents[0]?.status).toBe('unchanged');
    expect(await read(t.home, JSONC)).toBe(before);
  });

  it('edits an existing kilo.jsonc in place (comments, trailing commas, the other provider kept); undo restores it byte for byte', async () => {
    const original = await fixture('kilo-code', 'kilo.jsonc');
    await put(t.home, JSONC, original, 0o644);
    const run = await apply(t.env);
    expect(run.code).toBe(0);
    const text = await read(t.home, JSONC);
    for (const line of ['  // My Kilo setup: comments and trailing commas must survive.', '    // A local server I use now and then.', '      "models": { "llama3.2": { "name": "Llama 3.2" } },']) {
      expect(text).toContain(line);
    }
    const was = parseJsonc(original) as { provider: Record<string, unknown> };
    expect(parseJsonc(text)).toEqual({ ...was, provider: { ...was.provider, [KILO_PROVIDER_ID]: provider() }, model: `${KILO_PROVIDER_ID}/gw/model-1` });
    expect(await modeOf(t.home, JSONC)).toBe(0o600);
    expect((await apply(t.env)).doc.agents[0]?.status).toBe('unchanged');

    expect((await undo(t.env)).code).toBe(0);
    expect(await read(t.home, JSONC)).toBe(original);
    expect(await modeOf(t.home, JSONC)).toBe(0o644);
  });

  it('edits the global file Kilo itself would write: an existing opencode.json when there is no kilo.json(c)', async () => {
    const file = path.join(DIR, 'opencode.json');
    await put(t.home, file, '{ "autoupdate": true }\n');
    await put(t.home, path.join(DIR, 'config.json'), '{}\n');
    const run = await apply(t.env);
    expect(run.doc.agents[0]?.files).toEqual([path.join(t.home, file)]);
    expect(Object.keys(await tree(t.home)).sort()).toEqual([path.join(DIR, 'config.json'), file]);
  });

  it('a model change selects the new model in place of ours and keeps models added under our provider', async () => {
    await apply(t.env);
    const first = JSON.parse(await read(t.home, JSONC)) as { provider: Record<string, { models: Record<string, object> }> };
    Object.assign(first.provider[KILO_PROVIDER_ID]?.models ?? {}, { mine: { name: 'Mine' } });
    await put(t.home, JSONC, JSON.stringify(first, null, 2));
    expect((await apply(t.env, '--model', 'kilo-code=other')).code).toBe(0);
    const doc = JSON.parse(await read(t.home, JSONC)) as { model: string; provider: Record<string, { models: object }> };
    expect(doc.model).toBe(`${KILO_PROVIDER_ID}/other`);
    expect(doc.provider[KILO_PROVIDER_ID]?.models).toEqual({ mine: { name: 'Mine' }, other: { name: 'other' } });
  });

  it('routes a small_model set to another provider to --small-model under our provider; undo restores the file byte for byte', async () => {
    const original = '{\n  // titles\n  "small_model": "anthropic/claude-haiku-4-5",\n}\n';
    await put(t.home, JSONC, original);
    expect((await apply(t.env, '--small-model', 'gw/small')).code).toBe(0);
    expect(parseJsonc(await read(t.home, JSONC))).toEqual({
      $schema: KILO_SCHEMA,
      small_model: `${KILO_PROVIDER_ID}/gw/small`,
      provider: { [KILO_PROVIDER_ID]: provider({ 'gw/model-1': { name: 'gw/model-1' }, 'gw/small': { name: 'gw/small' } }) },
      model: `${KILO_PROVIDER_ID}/gw/model-1`,
    });
    // Again: nothing to change (the small model's entry stays while small_model uses it).
    expect((await apply(t.env, '--small-model', 'gw/small')).doc.agents[0]?.status).toBe('unchanged');
    expect((await undo(t.env)).code).toBe(0);
    expect(await read(t.home, JSONC)).toBe(original);
  });

  it('undo removes the file it created', async () => {
    await apply(t.env);
    expect((await undo(t.env)).code).toBe(0);
    expect(await tree(t.home)).toEqual({});
  });

  it('follows KILO_CONFIG_DIR, then XDG_CONFIG_HOME', async () => {
    const dir = path.join(t.home, 'kilo-elsewhere');
    const moved = await makeTempHome({ KILO_CONFIG_DIR: dir, XDG_CONFIG_HOME: path.join(t.home, 'xdg') });
    const xdg = await makeTempHome({ XDG_CONFIG_HOME: path.join(t.home, 'xdg') });
    try {
      expect((await apply(moved.env)).doc.agents[0]?.files).toEqual([path.join(dir, 'kilo.jsonc')]);
      expect((await apply(xdg.env)).doc.agents[0]?.files).toEqual([path.join(t.home, 'xdg', 'kilo', 'kilo.jsonc')]);
    } finally {
      await moved.cleanup();
      await xdg.cleanup();
    }
  });

  it('refuses a file that does not parse, with line and column, and writes nothing', async () => {
    const broken = '{\n  "model": "x"\n  "provider": {}\n}\n';
    await put(t.home, JSONC, broken);
    const run = await apply(t.env);
    expect(run.code).toBe(1);
    expect(run.doc.agents[0]?.messages.join('\n')).toContain(`${path.join('~', JSONC)}:3:3:`);
    expect(await read(t.home, JSONC)).toBe(broken);
  });
});

describe('kilo-code: detection', () => {
  const profile = createProfile({ baseUrl: 'https://gw.example.com/v1', key: 'k', model: 'm' });
  const planned = (env: Environment) => kiloCode.plan({ profile, model: 'm', env, evidence: [] }).files.map((f) => f.path);

  it('linux: the kilo (or kilocode) binary and ~/.config/kilo', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '/usr/bin' }, wsl: false };
    const d = await detectOne(kiloCode, env, memoryProbe({ '/usr/bin/kilocode': { exec: '' }, '/home/u/.config/kilo/kilo.jsonc': '{}' }));
    expect(d.evidence).toEqual([
      { kind: 'binary', path: '/usr/bin/kilocode' },
      { kind: 'path', path: '/home/u/.config/kilo' },
    ]);
    expect(planned(env)).toEqual(['/home/u/.config/kilo/kilo.jsonc']);
  });

  it('win32: %USERPROFILE%\\.config\\kilo (XDG paths on Windows too)', async () => {
    const env: Environment = { platform: 'win32', home: 'C:\\Users\\u', env: { Path: 'C:\\Tools', PATHEXT: '.EXE;.CMD' }, wsl: false };
    const d = await detectOne(kiloCode, env, memoryProbe({ 'C:\\Tools\\kilo.cmd': '' }));
    expect(d.evidence).toEqual([{ kind: 'binary', path: 'C:\\Tools\\kilo.cmd' }]);
    expect(planned(env)).toEqual(['C:\\Users\\u\\.config\\kilo\\kilo.jsonc']);
  });
});

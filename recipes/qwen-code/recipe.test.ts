// Qwen Code: ~/.qwen/settings.json (or $QWEN_HOME), comments kept, idempotency, undo, detection.
import path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QWEN_KEY_VAR, qwenCode } from './recipe.js';
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

const apply = applier({ agent: 'qwen-code', model: 'gw/model-1' });
const FILE = path.join('.qwen', 'settings.json');
const ours = (id = 'gw/model-1') => ({ id, name: id, baseUrl: OPENAI, envKey: QWEN_KEY_VAR });

describe('qwen-code: apply', () => {
  it('creates ~/.qwen/settings.json with our provider entry, the key in env, version 4, private; unchanged the second time', async () => {
    const run = await apply(t.env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.doc.agents).toEqual([expect.objectContaining({ id: 'qwen-code', status: 'updated', files: [path.join(t.home, FILE)] })]);
    expect(JSON.parse(await read(t.home, FILE))).toEqual({
      $version: 4,
      security: { auth: { selectedType: 'openai' } },
      modelProviders: { openai: [ours()] },
      model: { name: 'gw/model-1', baseUrl: OPENAI },
      env: { [QWEN_KEY_VAR]: KEY },
    });
    expect(await modeOf(t.home, FILE)).toBe(0o600);
    expect(Object.keys(await tree(t.home))).toEqual([FILE]);
    expect(run.stdout).not.toContain(`q'#`);
    // KEY holds `$\`, not a `$NAME` reference: no warning.
    expect(run.doc.agents[0]?.notes.join('\n')).not.toContain('replaces $NAME');

    const before = await read(t.home, FILE);
    expect((await apply(t.env)).doc.agents[0]?.status).toBe('unchanged');
    expect(await read(t.home, FILE)).toBe(before);
  });

  it('edits a hand-written settings.json in place (comments, the other provider and its version kept); undo restores it byte for byte', async () => {
    const original = await fixture('qwen-code', 'settings.json');
    await put(t.home, FILE, original, 0o644);
    const run = await apply(t.env);
    expect(run.code).toBe(0);
    const text = await read(t.home, FILE);
    for (const line of ['  // My Qwen Code setup: comments must survive.', '      // A local server I use now and then.']) expect(text).toContain(line);
    const was = parseJsonc(original) as { modelProviders: { openai: object[] } };
    expect(parseJsonc(text)).toEqual({
      ...was,
      security: { auth: { selectedType: 'openai' } },
      modelProviders: { openai: [...was.modelProviders.openai, ours()] },
      model: { name: 'gw/model-1', baseUrl: OPENAI },
      env: { [QWEN_KEY_VAR]: KEY },
    });
    expect(await modeOf(t.home, FILE)).toBe(0o600);
    expect((await apply(t.env)).doc.agents[0]?.status).toBe('unchanged');

    expect((await undo(t.env)).code).toBe(0);
    expect(await read(t.home, FILE)).toBe(original);
    expect(await modeOf(t.home, FILE)).toBe(0o644);
  });

  it('an older $version is left for Qwen Code to migrate', async () => {
    await put(t.home, FILE, '{ "$version": 3 }\n');
    await apply(t.env);
    expect((JSON.parse(await read(t.home, FILE)) as { $version: number }).$version).toBe(3);
  });

  it('a model change selects the new model in place of ours; an entry the user had stays', async () => {
    const mine = { id: 'mine', name: 'Mine', baseUrl: 'https://api.example.org/v1', envKey: 'MINE_KEY' };
    await put(t.home, FILE, JSON.stringify({ modelProviders: { openai: [mine] } }, null, 2));
    await apply(t.env);
    expect((await apply(t.env, '--model', 'qwen-code=other')).code).toBe(0);
    const doc = JSON.parse(await read(t.home, FILE)) as { model: { name: string }; modelProviders: { openai: object[] } };
    expect(doc.model.name).toBe('other');
    expect(doc.modelProviders.openai).toEqual([mine, ours('other')]);
  });

  it('secondary models on another provider: the fast one gets --small-model, the advisor is removed with --yes (asked without); a local one stays; undo restores the file byte for byte', async () => {
    const original = `{
  "modelProviders": {
    "anthropic": [{ "id": "claude-haiku-4-5", "name": "Haiku", "baseUrl": "https://api.anthropic.com/v1", "envKey": "ANTHROPIC_API_KEY" }],
    "openai": [
      { "id": "o3", "name": "o3", "baseUrl": "https://api.openai.com/v1", "envKey": "OPENAI_API_KEY" },
      { "id": "qwen3-local", "name": "local", "baseUrl": "http://127.0.0.1:1234/v1", "envKey": "LOCAL_KEY" }
    ]
  },
  "fastModel": "anthropic:claude-haiku-4-5",
  "advisorModel": "o3",
  "compactionModel": "qwen3-local"
}
`;
    await put(t.home, FILE, original, 0o600);
    const asked = await apply(t.env, '--small-model', 'gw/small');
    expect(asked.code).toBe(0);
    expect(asked.doc.agents[0]?.messages.join('\n')).toMatch(/Left advisorModel .*Run again with --yes to remove it\./);
    expect((await apply(t.env, '--small-model', 'gw/small', '--yes')).code).toBe(0);
    const now = parseJsonc(await read(t.home, FILE)) as Record<string, unknown> & { modelProviders: { openai: Array<{ id: string }> } };
    expect([now.fastModel, now.advisorModel, now.compactionModel]).toEqual(['gw/small', undefined, 'qwen3-local']);
    expect(now.modelProviders.openai).toEqual(expect.arrayContaining([ours(), ours('gw/small')]));
    // Again: nothing to change (the small model's entry stays while fastModel uses it).
    expect((await apply(t.env, '--small-model', 'gw/small', '--yes')).doc.agents[0]?.status).toBe('unchanged');
    expect((await undo(t.env)).code).toBe(0);
    expect((await undo(t.env)).code).toBe(0);
    expect(await read(t.home, FILE)).toBe(original);
  });

  it('undo removes the file it created', async () => {
    await apply(t.env);
    expect((await undo(t.env)).code).toBe(0);
    expect(await tree(t.home)).toEqual({});
  });

  it('follows QWEN_HOME (absolute or ~/…)', async () => {
    const moved = await makeTempHome({ QWEN_HOME: '~/qwen-elsewhere' });
    try {
      const run = await apply(moved.env);
      expect(run.doc.agents[0]?.files).toEqual([path.join(moved.home, 'qwen-elsewhere', 'settings.json')]);
    } finally {
      await moved.cleanup();
    }
  });

  it('warns when the key holds a $NAME reference Qwen Code would expand', async () => {
    const run = await applier({ agent: 'qwen-code', model: 'm', key: 'sk-$HOME-1' })(t.env);
    expect(run.code).toBe(0);
    expect(run.doc.agents[0]?.notes.join('\n')).toContain('The key contains "$HOME"');
  });

  it('refuses a file that does not parse, with line and column, and writes nothing', async () => {
    const broken = '{\n  "model": {}\n  "env": {}\n}\n';
    await put(t.home, FILE, broken);
    const run = await apply(t.env);
    expect(run.code).toBe(1);
    expect(run.doc.agents[0]?.messages.join('\n')).toContain(`${path.join('~', FILE)}:3:3:`);
    expect(await read(t.home, FILE)).toBe(broken);
  });
});

describe('qwen-code: detection', () => {
  const profile = createProfile({ baseUrl: 'https://gw.example.com/v1', key: 'k', model: 'm' });
  const planned = (env: Environment) => qwenCode.plan({ profile, model: 'm', env, evidence: [] }).files.map((f) => f.path);

  it('linux: the qwen binary and ~/.qwen', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '/usr/bin' }, wsl: false };
    const d = await detectOne(qwenCode, env, memoryProbe({ '/usr/bin/qwen': { exec: '' }, '/home/u/.qwen/settings.json': '{}' }));
    expect(d.evidence).toEqual([
      { kind: 'binary', path: '/usr/bin/qwen' },
      { kind: 'path', path: '/home/u/.qwen' },
    ]);
    expect(planned(env)).toEqual(['/home/u/.qwen/settings.json']);
  });

  it('win32: %USERPROFILE%\\.qwen (the same folder name on every OS)', async () => {
    const env: Environment = { platform: 'win32', home: 'C:\\Users\\u', env: { Path: 'C:\\Tools', PATHEXT: '.EXE;.CMD' }, wsl: false };
    const d = await detectOne(qwenCode, env, memoryProbe({ 'C:\\Tools\\qwen.cmd': '', 'C:\\Users\\u\\.qwen\\settings.json': '{}' }));
    expect(d.evidence).toEqual([
      { kind: 'binary', path: 'C:\\Tools\\qwen.cmd' },
      { kind: 'path', path: 'C:\\Users\\u\\.qwen' },
    ]);
    expect(planned(env)).toEqual(['C:\\Users\\u\\.qwen\\settings.json']);
  });

  it('a relative QWEN_HOME is ignored (it would depend on the folder Qwen Code starts in)', () => {
    const env: Environment = { platform: 'darwin', home: '/Users/u', env: { QWEN_HOME: 'rel/dir' }, wsl: false };
    expect(planned(env)).toEqual(['/Users/u/.qwen/settings.json']);
  });
});

// opencode: the global opencode.json (or an existing opencode.jsonc), XDG_CONFIG_HOME, comments
// kept, idempotency, undo, and detection on every platform.
import path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OPENCODE_PROVIDER_ID, opencode } from './recipe.js';
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

const apply = applier({ agent: 'opencode', model: 'gw/model-1' });

const JSON_FILE = path.join('.config', 'opencode', 'opencode.json');
const JSONC_FILE = path.join('.config', 'opencode', 'opencode.jsonc');
const provider = (models: Record<string, { name: string }> = { 'gw/model-1': { name: 'gw/model-1' } }) => ({
  npm: '@ai-sdk/openai-compatible',
  name: 'AI gateway (setup-gateway)',
  options: { baseURL: OPENAI, apiKey: KEY },
  models,
});

describe('opencode: apply', () => {
  it('creates ~/.config/opencode/opencode.json with our provider, the model and $schema, private; unchanged the second time', async () => {
    const run = await apply(t.env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.doc.agents).toEqual([expect.objectContaining({ id: 'opencode', status: 'updated', files: [path.join(t.home, JSON_FILE)] })]);
    expect(JSON.parse(await read(t.home, JSON_FILE))).toEqual({
      $schema: 'https://opencode.ai/config.json',
      provider: { [OPENCODE_PROVIDER_ID]: provider() },
      model: `${OPENCODE_PROVIDER_ID}/gw/model-1`,
      small_model: `${OPENCODE_PROVIDER_ID}/gw/model-1`,
    });
    expect(await modeOf(t.home, JSON_FILE)).toBe(0o600);
    expect(Object.keys(await tree(t.home))).toEqual([JSON_FILE]);
    expect(run.stdout).not.toContain(`q'#`);

    const before = await read(t.home, JSON_FILE);
    expect((await apply(t.env)).doc.agents[0]?.status).toBe('unchanged');
    expect(await read(t.home, JSON_FILE)).toBe(before);
  });

  it('edits an existing opencode.jsonc in place (comments, trailing commas, the other provider kept) and creates no opencode.json', async () => {
    const original = await fixture('opencode', 'opencode.jsonc');
    await put(t.home, JSONC_FILE, original, 0o644);
    const run = await apply(t.env);
    expect(run.code).toBe(0);
    expect(run.doc.agents[0]?.files).toEqual([path.join(t.home, JSONC_FILE)]);
    const text = await read(t.home, JSONC_FILE);
    for (const line of ['  // My opencode setup: comments and trailing commas must survive.', '    // A local server I use now and then.', '      "models": { "llama3.2": { "name": "Llama 3.2" } },']) {
      expect(text).toContain(line);
    }
    const was = parseJsonc(original) as { provider: Record<string, unknown> };
    expect(parseJsonc(text)).toEqual({
      ...was,
      provider: { ...was.provider, [OPENCODE_PROVIDER_ID]: provider() },
      model: `${OPENCODE_PROVIDER_ID}/gw/model-1`,
      small_model: `${OPENCODE_PROVIDER_ID}/gw/model-1`,
    });
    expect(Object.keys(await tree(t.home))).toEqual([JSONC_FILE]);
    expect(await modeOf(t.home, JSONC_FILE)).toBe(0o600);

    expect((await undo(t.env)).code).toBe(0);
    expect(await read(t.home, JSONC_FILE)).toBe(original);
    expect(await modeOf(t.home, JSONC_FILE)).toBe(0o644);
  });

  it('prefers opencode.jsonc when both exist (opencode loads it last, so it wins)', async () => {
    const json = '{ "autoupdate": true }\n';
    await put(t.home, JSON_FILE, json);
    await put(t.home, JSONC_FILE, await fixture('opencode', 'opencode.jsonc'));
    const run = await apply(t.env);
    expect(run.doc.agents[0]?.files).toEqual([path.join(t.home, JSONC_FILE)]);
    expect(await read(t.home, JSON_FILE)).toBe(json);
  });

  it('a model change selects the new model in place of ours and keeps models added under our provider', async () => {
    await apply(t.env);
    const first = JSON.parse(await read(t.home, JSON_FILE)) as { provider: Record<string, { models: Record<string, object> }> };
    Object.assign(first.provider[OPENCODE_PROVIDER_ID]?.models ?? {}, { mine: { name: 'Mine' } });
    await put(t.home, JSON_FILE, JSON.stringify(first, null, 2));
    const run = await apply(t.env, '--model', 'opencode=other');
    expect(run.code).toBe(0);
    const doc = JSON.parse(await read(t.home, JSON_FILE)) as { model: string; provider: Record<string, { models: object }> };
    expect(doc.model).toBe(`${OPENCODE_PROVIDER_ID}/other`);
    expect(doc.provider[OPENCODE_PROVIDER_ID]?.models).toEqual({ mine: { name: 'Mine' }, other: { name: 'other' } });
  });

  it('undo removes the file it created', async () => {
    await apply(t.env);
    expect((await undo(t.env)).code).toBe(0);
    expect(await tree(t.home)).toEqual({});
  });

  it('follows XDG_CONFIG_HOME', async () => {
    const xdg = path.join(t.home, 'xdg');
    const moved = await makeTempHome({ XDG_CONFIG_HOME: xdg });
    try {
      const run = await apply(moved.env);
      expect(run.doc.agents[0]?.files).toEqual([path.join(xdg, 'opencode', 'opencode.json')]);
      expect(await tree(moved.home)).toEqual({});
    } finally {
      await moved.cleanup();
    }
  });

  it('refuses a file that does not parse, with line and column, and writes nothing', async () => {
    const broken = '{\n  "model": "x"\n  "provider": {}\n}\n';
    await put(t.home, JSON_FILE, broken);
    const run = await apply(t.env);
    expect(run.code).toBe(1);
    expect(run.doc.agents[0]?.status).toBe('failed');
    expect(run.doc.agents[0]?.messages.join('\n')).toContain(`${path.join('~', JSON_FILE)}:3:3:`);
    expect(await read(t.home, JSON_FILE)).toBe(broken);
  });
});

describe('opencode: detection', () => {
  const profile = createProfile({ baseUrl: 'https://gw.example.com/v1', key: 'k', model: 'm' });
  const planned = (env: Environment) => opencode.plan({ profile, model: 'm', env, evidence: [] }).files.flatMap((f) => [f.path, ...(f.preferExisting ?? [])]);

  it('linux: the opencode binary (npm opencode-ai, with its version) and the data folder', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '/home/u/.npm/bin' }, wsl: false };
    const d = await detectOne(
      opencode,
      env,
      memoryProbe({
        '/home/u/.npm/bin/opencode': { link: '/home/u/.npm/lib/node_modules/opencode-ai/bin/opencode.exe' },
        '/home/u/.npm/lib/node_modules/opencode-ai/bin/opencode.exe': { exec: '' },
        '/home/u/.npm/lib/node_modules/opencode-ai/package.json': '{"version":"1.18.33","bin":{"opencode":"./bin/opencode.exe"}}',
        '/home/u/.local/share/opencode/auth.json': '{}',
      }),
    );
    expect(d.evidence).toEqual([
      { kind: 'binary', path: '/home/u/.npm/bin/opencode', version: '1.18.33' },
      { kind: 'path', path: '/home/u/.local/share/opencode' },
    ]);
    expect(planned(env)).toEqual(['/home/u/.config/opencode/opencode.json', '/home/u/.config/opencode/opencode.jsonc']);
  });

  it('darwin: ~/.config/opencode (XDG on macOS too), not ~/Library', async () => {
    const env: Environment = { platform: 'darwin', home: '/Users/u', env: { PATH: '/usr/bin' }, wsl: false };
    const d = await detectOne(opencode, env, memoryProbe({ '/Users/u/.config/opencode/opencode.json': '{}' }));
    expect(d.evidence).toEqual([{ kind: 'path', path: '/Users/u/.config/opencode' }]);
    expect((await detectOne(opencode, env, memoryProbe({ '/Users/u/Library/Application Support/opencode/x': '' }))).found).toBe(false);
  });

  it('win32: opencode.exe on Path and %USERPROFILE%\\.config\\opencode', async () => {
    const env: Environment = { platform: 'win32', home: 'C:\\Users\\u', env: { Path: 'C:\\Tools', PATHEXT: '.EXE;.CMD' }, wsl: false };
    const d = await detectOne(opencode, env, memoryProbe({ 'C:\\Tools\\opencode.exe': '', 'C:\\Users\\u\\.config\\opencode\\opencode.jsonc': '{}' }));
    expect(d.evidence).toEqual([
      { kind: 'binary', path: 'C:\\Tools\\opencode.exe' },
      { kind: 'path', path: 'C:\\Users\\u\\.config\\opencode' },
    ]);
    expect(planned(env)).toEqual(['C:\\Users\\u\\.config\\opencode\\opencode.json', 'C:\\Users\\u\\.config\\opencode\\opencode.jsonc']);
  });

  it('WSL: the Linux side only (a Windows opencode keeps its own files under the Windows home)', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '/usr/bin' }, wsl: true, windowsHome: '/mnt/c/Users/u' };
    const d = await detectOne(opencode, env, memoryProbe({ '/mnt/c/Users/u/.config/opencode/opencode.json': '{}', '/usr/bin/opencode': { exec: '' } }));
    expect(d.evidence).toEqual([{ kind: 'binary', path: '/usr/bin/opencode' }]);
    expect(planned(env)).toEqual(['/home/u/.config/opencode/opencode.json', '/home/u/.config/opencode/opencode.jsonc']);
  });
});

// Pi: models.json (our provider, comments and the user's providers kept) and settings.json
// (defaultProvider / defaultModel only), the key escaped for Pi's `$` / `!` syntax, idempotency,
// undo, PI_CODING_AGENT_DIR, detection.
import path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PI_PROVIDER_ID } from './facts.js';
import { pi, piLiteral, piResolvedLiteral } from './recipe.js';
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

const apply = applier({ agent: 'pi', model: 'gw/model-1' });
const DIR = path.join('.pi', 'agent');
const MODELS = path.join(DIR, 'models.json');
const SETTINGS = path.join(DIR, 'settings.json');
// KEY holds a `$`: Pi would read `$\…` as text but `$x` as a variable, so every `$` is doubled.
const ESCAPED = KEY.replaceAll('$', '$$$$');
const provider = (models = [{ id: 'gw/model-1' }]) => ({ name: 'AI gateway (setup-gateway)', baseUrl: OPENAI, api: 'openai-completions', apiKey: ESCAPED, models });

describe('pi: apply', () => {
  it('creates models.json (private) and settings.json with our provider and the default model; unchanged the second time', async () => {
    const run = await apply(t.env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.doc.agents).toEqual([expect.objectContaining({ id: 'pi', status: 'updated', files: [path.join(t.home, MODELS), path.join(t.home, SETTINGS)] })]);
    expect(JSON.parse(await read(t.home, MODELS))).toEqual({ providers: { [PI_PROVIDER_ID]: provider() } });
    expect(JSON.parse(await read(t.home, SETTINGS))).toEqual({ defaultProvider: PI_PROVIDER_ID, defaultModel: 'gw/model-1' });
    expect(await modeOf(t.home, MODELS)).toBe(0o600);
    expect(Object.keys(await tree(t.home)).sort()).toEqual([MODELS, SETTINGS]);
    expect(run.stdout).not.toContain(`q'#`);

    const before = [await read(t.home, MODELS), await read(t.home, SETTINGS)];
    expect((await apply(t.env)).doc.agents[0]?.status).toBe('unchanged');
    expect([await read(t.home, MODELS), await read(t.home, SETTINGS)]).toEqual(before);
  });

  it('edits hand-written files in place (comments, tabs, the other providers and settings kept); undo restores them byte for byte', async () => {
    const models = await fixture('pi', 'models.json');
    const settings = await fixture('pi', 'settings.json');
    await put(t.home, MODELS, models, 0o644);
    await put(t.home, SETTINGS, settings, 0o644);
    expect((await apply(t.env)).code).toBe(0);

    const text = await read(t.home, MODELS);
    for (const line of ['  // Local models first; comments are allowed in this file.', '      "models": [{ "id": "qwen2.5-coder:7b" }, { "id": "llama3.1:8b" }]']) {
      expect(text).toContain(line);
    }
    const was = parseJsonc(models) as { providers: object };
    expect(parseJsonc(text)).toEqual({ providers: { ...was.providers, [PI_PROVIDER_ID]: provider() } });
    const s = await read(t.home, SETTINGS);
    expect(s).toContain('\t"theme": "dark",');
    expect(JSON.parse(s)).toEqual({ ...(JSON.parse(settings) as object), defaultProvider: PI_PROVIDER_ID, defaultModel: 'gw/model-1' });
    expect(await modeOf(t.home, MODELS)).toBe(0o600);
    expect((await apply(t.env)).doc.agents[0]?.status).toBe('unchanged');

    expect((await undo(t.env)).code).toBe(0);
    expect(await read(t.home, MODELS)).toBe(models);
    expect(await read(t.home, SETTINGS)).toBe(settings);
    expect(await modeOf(t.home, MODELS)).toBe(0o644);
  });

  it('a model change selects the new model in place of ours; a model the user listed under our provider stays', async () => {
    await apply(t.env);
    const first = JSON.parse(await read(t.home, MODELS)) as { providers: Record<string, { models: object[] }> };
    first.providers[PI_PROVIDER_ID]?.models.unshift({ id: 'mine' });
    await put(t.home, MODELS, JSON.stringify(first, null, 2));
    expect((await apply(t.env, '--model', 'pi=other')).code).toBe(0);
    expect(JSON.parse(await read(t.home, SETTINGS))).toMatchObject({ defaultModel: 'other' });
    expect((JSON.parse(await read(t.home, MODELS)) as { providers: Record<string, { models: object[] }> }).providers[PI_PROVIDER_ID]?.models).toEqual([{ id: 'mine' }, { id: 'other' }]);
  });

  it('a key starting with "!" is written "$!…", not as a command Pi would run', async () => {
    expect((await applier({ agent: 'pi', model: 'm', key: '!sk-bang$1' })(t.env)).code).toBe(0);
    expect(JSON.parse(await read(t.home, MODELS))).toMatchObject({ providers: { [PI_PROVIDER_ID]: { apiKey: '$!sk-bang$$1' } } });
  });

  it('undo removes the files it created', async () => {
    await apply(t.env);
    expect((await undo(t.env)).code).toBe(0);
    expect(await tree(t.home)).toEqual({});
  });

  it('follows PI_CODING_AGENT_DIR', async () => {
    const dir = path.join(t.home, 'pi-elsewhere');
    const moved = await makeTempHome({ PI_CODING_AGENT_DIR: dir });
    try {
      expect((await apply(moved.env)).doc.agents[0]?.files).toEqual([path.join(dir, 'models.json'), path.join(dir, 'settings.json')]);
    } finally {
      await moved.cleanup();
    }
  });

  it('refuses a models.json that does not parse, with line and column, and writes nothing', async () => {
    const broken = '{\n  "providers": {}\n  "x": 1\n}\n';
    await put(t.home, MODELS, broken);
    const run = await apply(t.env);
    expect(run.code).toBe(1);
    expect(run.doc.agents[0]?.messages.join('\n')).toContain(`${path.join('~', MODELS)}:3:3:`);
    expect(await read(t.home, MODELS)).toBe(broken);
  });
});

describe("pi: Pi's value syntax", () => {
  it('piLiteral and piResolvedLiteral are inverses for any key; references and commands are no literal', () => {
    for (const key of [KEY, 'plain', '$', '$$', '!a', 'a!b', '$!', '${X}', '$HOME', 'a$', '$1']) {
      expect(piResolvedLiteral(piLiteral(key)), key).toBe(key);
    }
    expect(piResolvedLiteral('$HOME')).toBeUndefined();
    expect(piResolvedLiteral('${KEY}')).toBeUndefined();
    expect(piResolvedLiteral('!pass show gw')).toBeUndefined();
    expect(piResolvedLiteral('sk-$1')).toBe('sk-$1');
  });
});

describe('pi: detection', () => {
  const profile = createProfile({ baseUrl: 'https://gw.example.com/v1', key: 'k', model: 'm' });
  const planned = (env: Environment) => pi.plan({ profile, model: 'm', env, evidence: [] }).files.map((f) => f.path);

  it('linux: the pi binary and ~/.pi/agent', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '/usr/bin' }, wsl: false };
    const d = await detectOne(pi, env, memoryProbe({ '/usr/bin/pi': { exec: '' }, '/home/u/.pi/agent/auth.json': '{}' }));
    expect(d.evidence).toEqual([
      { kind: 'binary', path: '/usr/bin/pi' },
      { kind: 'path', path: '/home/u/.pi/agent' },
    ]);
    expect(planned(env)).toEqual(['/home/u/.pi/agent/models.json', '/home/u/.pi/agent/settings.json']);
  });

  it('win32: %USERPROFILE%\\.pi\\agent', async () => {
    const env: Environment = { platform: 'win32', home: 'C:\\Users\\u', env: { Path: 'C:\\Tools', PATHEXT: '.EXE;.CMD' }, wsl: false };
    const d = await detectOne(pi, env, memoryProbe({ 'C:\\Tools\\pi.cmd': '' }));
    expect(d.evidence).toEqual([{ kind: 'binary', path: 'C:\\Tools\\pi.cmd' }]);
    expect(planned(env)).toEqual(['C:\\Users\\u\\.pi\\agent\\models.json', 'C:\\Users\\u\\.pi\\agent\\settings.json']);
  });
});

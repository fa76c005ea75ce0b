// The doctor's machinery with recipes and doctor modules of the test's own: the generic checks work for
// any recipe (locations found by planning with sentinels), a check that throws is one crash
// finding, the relay check is pluggable; and the small pure parts (lines, blocks, templates).
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configHome, inHome, type Environment } from '../../src/core/environment.js';
import type { Recipe } from '../../src/core/recipe.js';
import { shellEnvIntents } from '../../src/core/shell.js';
import { renderBlock } from '../../src/formats/block.js';
import { lineOfPath, lineOfVar } from '../../src/doctor/lines.js';
import { extract, readBlockVar, templateOf, sentinelProfile, parseDotenv } from '../../src/doctor/locate.js';
import { failed, renderReport, supportsUnicode } from '../../src/doctor/render.js';
import { runDoctor, type DoctorOptions } from '../../src/doctor/run.js';
import type { DoctorRecipe } from '../../src/doctor/types.js';
import type { RelayStatus } from '../../src/doctor/relay.js';
import { startMockGateway } from '../support/mock-gateway.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';
import { codes, find, KEY, problems } from './helpers.js';

const GW = 'https://gw.example.com';
const options: DoctorOptions = { agents: [], baseUrl: GW, key: { value: KEY, from: '--key', source: 'flag' }, offline: true, probeCompletion: false, timeoutMs: 1000 };
const noFetch = async () => new Response('no network', { status: 599 });

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome();
});
afterEach(() => t.cleanup());

async function write(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

/** An agent no module knows: a list entry with URL and model, a second URL, the key in a shell env file, a conflicting key. */
const toy: Recipe = {
  id: 'toy',
  name: 'Toy',
  protocol: 'openai-chat',
  model: 'required',
  checked: '2026-11-23',
  sources: [],
  slots: [{ role: 'main', keys: ['entries[].model'], routable: true, writes: 'main' }],
  detect: { binaries: [], paths: (env) => [inHome(env, '.toy')] },
  plan: ({ profile, model, env }) => ({
    files: [
      {
        kind: 'structured',
        path: inHome(env, '.toy', 'config.json'),
        format: 'json',
        ops: [
          { op: 'upsert', path: ['providers'], match: { key: 'id', value: 'gw' }, value: { id: 'gw', url: profile.urls.openai, model: `gw/${model ?? ''}` } },
          { op: 'set', path: ['fallback', 'url'], value: profile.urls.openai },
          { op: 'delete', path: ['legacyKey'], consent: 'legacyKey overrides the gateway key. Remove it?' },
        ],
        holdsSecret: false,
        purpose: 'provider',
      },
      ...shellEnvIntents(env, 'toy', [{ name: 'TOY_KEY', value: profile.key }], true),
    ],
    notes: [],
  }),
};

describe('generic checks for any recipe', () => {
  it('finds the URL, model and key wherever the recipe puts them, and checks each', async () => {
    await write(
      inHome(t.env, '.toy', 'config.json'),
      JSON.stringify({ providers: [{ id: 'other' }, { id: 'gw', url: GW, model: 'mine' }], legacyKey: 'sk-legacy-123456' }, null, 2),
    );
    for (const [ext, dialect] of [['sh', 'posix'], ['fish', 'fish']] as const) {
      const envFile = path.join(configHome(t.env), 'setup-gateway', 'env', `toy.${ext}`);
      await write(envFile, renderBlock({ dialect, vars: [{ name: 'TOY_KEY', value: KEY }] }));
      await chmod(envFile, 0o600);
    }
    const report = await runDoctor(options, { env: t.env, fetch: noFetch, version: 'test', recipes: [toy] });
    const f = report.findings;
    expect(problems(f).sort()).toEqual(['toy:DRIFT', 'toy:MODEL_FORMAT', 'toy:SETTING_CONFLICT', 'toy:URL_MISSING', 'toy:URL_MISSING_V1'].sort());
    expect(find(f, 'URL_MISSING_V1').message).toContain('providers[id=gw].url');
    expect(find(f, 'URL_MISSING').message).toContain('fallback.url');
    expect(find(f, 'MODEL_FORMAT').message).toContain('gw/<id>');
    expect(find(f, 'SETTING_CONFLICT').message).toMatch(/: legacyKey overrides the gateway key\.$/);
    const key = f.find((x) => x.code === 'KEY_OK');
    expect(f.filter((x) => x.code === 'KEY_OK')).toHaveLength(2);
    expect(key?.file).toBe(path.join(configHome(t.env), 'setup-gateway', 'env', 'toy.sh'));
    expect(key?.line).toBe(3);
    expect(report.secrets).toEqual(expect.arrayContaining([KEY, 'sk-legacy-123456']));
  });
});

describe('a URL written as a full endpoint', () => {
  const endpoint: Recipe = {
    ...toy,
    id: 'endpoint',
    plan: ({ profile, env }) => ({
      files: [{ kind: 'structured', path: inHome(env, '.toy', 'models.json'), format: 'json', ops: [{ op: 'set', path: ['url'], value: `${profile.urls.openai}/chat/completions` }], holdsSecret: false, purpose: '' }],
      notes: [],
    }),
  };
  it('is checked for /v1 before its fixed suffix', async () => {
    const check = async (url: string) => {
      await write(inHome(t.env, '.toy', 'models.json'), JSON.stringify({ url }));
      return (await runDoctor(options, { env: t.env, fetch: noFetch, version: 'test', recipes: [endpoint] })).findings;
    };
    expect(codes(await check(`${GW}/v1/chat/completions`), 'ok')).toContain('URL_OK');
    expect(problems(await check(`${GW}/chat/completions`))).toContain('endpoint:URL_MISSING_V1');
    expect(problems(await check(`${GW}/v1/v1/chat/completions`))).toContain('endpoint:URL_DOUBLE_V1');
  });
});

describe('isolation', () => {
  it('a check that throws is one crash finding; the others still run', async () => {
    await write(inHome(t.env, '.toy', 'config.json'), '{}');
    const report = await runDoctor(options, {
      env: t.env,
      fetch: noFetch,
      version: 'test',
      recipes: [
        {
          ...toy,
          doctor: async () => ({
            checks: [
              () => {
                throw new TypeError('boom');
              },
            ],
          }),
        },
      ],
    });
    const crash = report.findings.filter((f) => f.level === 'crash');
    expect(crash).toHaveLength(1);
    expect(crash[0]).toMatchObject({ code: 'CHECK_CRASHED', agent: 'toy' });
    expect(crash[0]?.message).toContain('boom');
    expect(codes(report.findings)).toContain('CONFIG_PARSE');
    expect(failed(report.findings, false)).toBe(true);
    const text = renderReport(report, { verbose: false, unicode: true, paint: (_, s) => s, env: t.env }).join('\n');
    expect(text).toContain('[☠]');
    expect(text).not.toMatch(/\n\s+at .*\.ts:\d+/);
  });
});

describe('an agent\'s own checks (its recipe\'s doctor module)', () => {
  it('are loaded only for the agents checked, run after the generic ones, and replace the codes they supersede', async () => {
    await write(inHome(t.env, '.toy', 'config.json'), JSON.stringify({ providers: [{ id: 'gw', url: GW, model: 'mine' }], legacyKey: 'sk-legacy-123456' }));
    const loaded: string[] = [];
    const own = (id: string): DoctorRecipe => ({
      ...toy,
      id,
      doctor: async () => {
        loaded.push(id);
        return {
          files: (env) => [inHome(env, '.toy', 'credentials')],
          checks: [(agent) => [{ agent: agent.recipe.id, code: 'TOY_OWN', level: 'warn', message: `${agent.extra.size} extra file`, why: '', fix: '' }]],
          supersedes: ['SETTING_CONFLICT'],
        };
      },
    });
    const report = await runDoctor({ ...options, agents: ['toy'] }, { env: t.env, fetch: noFetch, version: 'test', recipes: [own('toy'), own('other')] });
    expect(loaded).toEqual(['toy']);
    expect(find(report.findings, 'TOY_OWN', 'toy').message).toBe('1 extra file');
    expect(codes(report.findings)).not.toContain('SETTING_CONFLICT');
    expect(codes(report.findings).indexOf('TOY_OWN')).toBeGreaterThan(codes(report.findings).indexOf('CONFIG_PARSE'));
  });

  it('a module that fails to load is one crash finding; the generic checks still run', async () => {
    await write(inHome(t.env, '.toy', 'config.json'), '{}');
    const broken: DoctorRecipe = { ...toy, doctor: () => Promise.reject(new Error('cannot load')) };
    const report = await runDoctor({ ...options, agents: ['toy'] }, { env: t.env, fetch: noFetch, version: 'test', recipes: [broken] });
    expect(report.findings.filter((f) => f.level === 'crash')).toMatchObject([{ code: 'CHECK_CRASHED', agent: 'toy', message: expect.stringContaining('cannot load') }]);
    expect(codes(report.findings)).toContain('CONFIG_PARSE');
  });
});

describe('the relay check (pluggable)', () => {
  async function withRelay(status: RelayStatus | undefined, relayUrl: string, version = 'test') {
    await write(inHome(t.env, '.toy', 'config.json'), JSON.stringify({ providers: [{ id: 'gw', url: `${relayUrl}/v1` }], fallback: { url: `${relayUrl}/v1` } }));
    return runDoctor(
      { ...options, baseUrl: relayUrl, offline: false },
      { env: t.env, fetch: globalThis.fetch, version, recipes: [toy], relay: async () => status },
    );
  }

  it('RELAY_DOWN when an agent points at a relay that is not running', async () => {
    const report = await withRelay({ running: false, url: 'http://127.0.0.1:9' }, 'http://127.0.0.1:9');
    expect(find(report.findings, 'RELAY_DOWN').message).toContain('Toy');
  });

  it('RELAY_OK when it answers; RELAY_VERSION when another version started it; RELAY_NOT_ANSWERING when it does not', async () => {
    const relay = await startMockGateway();
    try {
      const ok = await withRelay({ running: true, pid: 123, url: relay.url, version: 'test' }, relay.url);
      expect(codes(ok.findings, 'ok')).toContain('RELAY_OK');
      const old = await withRelay({ running: true, pid: 123, url: relay.url, version: '0.0.1' }, relay.url);
      expect(find(old.findings, 'RELAY_VERSION').level).toBe('warn');
    } finally {
      await relay.close();
    }
    const gone = await withRelay({ running: true, pid: 123, url: relay.url }, relay.url);
    expect(find(gone.findings, 'RELAY_NOT_ANSWERING').level).toBe('error');
  });

  it('nothing without a relay, RELAY_UNUSED when no agent uses it', async () => {
    expect(codes((await withRelay(undefined, GW)).findings).filter((c) => c.startsWith('RELAY_'))).toEqual([]);
    const unused = await withRelay({ running: true, pid: 1, url: 'http://127.0.0.1:4141' }, 'http://127.0.0.1:9');
    expect(codes(unused.findings, 'ok')).toContain('RELAY_UNUSED');
  });
});

describe('pure parts', () => {
  it('lineOfPath walks the path as keys, skipping comments', () => {
    const json = '{\n  "model": "x",\n  "env": {\n    "model": "y"\n  }\n}\n';
    expect(lineOfPath(json, 'json', ['env', 'model'])).toBe(4);
    const yaml = '# model: commented\nopenai-api-base: x\nmodel: y\n';
    expect(lineOfPath(yaml, 'yaml', ['model'])).toBe(3);
    const toml = 'model = "m"\n# base_url = "no"\n[model_providers.setup-gateway]\nname = "n"\nbase_url = "u"\n';
    expect(lineOfPath(toml, 'toml', ['model_providers', 'setup-gateway', 'base_url'])).toBe(5);
    expect(lineOfPath(toml, 'toml', ['absent'])).toBeUndefined();
    expect(lineOfVar('# x\nexport A=1\nAIDER_MODEL=openai/x\n', 'AIDER_MODEL')).toBe(3);
  });

  it('readBlockVar undoes each dialect\'s quoting', () => {
    const value = `sk-"q'#$x\\y-1234`;
    for (const dialect of ['posix', 'fish', 'powershell', 'dotenv'] as const) {
      const text = `before\n${renderBlock({ dialect, vars: [{ name: 'K', value }] })}after\n`;
      expect(readBlockVar(text, dialect, 'K'), dialect).toBe(value);
    }
  });

  it('templates and extraction', () => {
    const p = sentinelProfile();
    expect(templateOf(`openai/${p.model}`)).toBe('openai/{model}');
    expect(templateOf(`${p.urls.openai}`)).toBe('{openai}');
    expect(templateOf(p.urls.anthropic)).toBe('{anthropic}');
    expect(templateOf('plain')).toBeUndefined();
    expect(extract('openai/{model}', '{model}', 'openai/gpt-x')).toBe('gpt-x');
    expect(extract('openai/{model}', '{model}', 'gpt-x')).toBeUndefined();
    expect(extract('Bearer {key}', '{key}', 'Bearer sk-1')).toBe('sk-1');
    expect(parseDotenv('A=1\nexport B="two words"\n# C=3\nD=\'x\' \nE=v # note\n')).toEqual(new Map([['A', '1'], ['B', 'two words'], ['D', 'x'], ['E', 'v']]));
  });

  it('Unicode marks unless the terminal is dumb or the locale is not UTF-8', () => {
    const env = (vars: Record<string, string>, platform: Environment['platform'] = 'linux'): Environment => ({ platform, home: '/h', env: vars, wsl: false });
    expect(supportsUnicode(env({ LANG: 'en_US.UTF-8' }))).toBe(true);
    expect(supportsUnicode(env({ LANG: 'en_US.UTF-8', LC_ALL: 'C' }))).toBe(false);
    expect(supportsUnicode(env({ LANG: 'C.utf8', TERM: 'dumb' }))).toBe(false);
    expect(supportsUnicode(env({}))).toBe(false);
    expect(supportsUnicode(env({}, 'darwin'))).toBe(true);
  });
});

// OpenClaw: openclaw.json (JSON5: comments and trailing commas kept, unquoted keys and other
// JSON5-only syntax refused with line and column), the path overrides, the `${VAR}` escape,
// idempotency, undo, and detection on every platform.
import path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OPENCLAW_PROVIDER_ID, escapeEnvRefs, openclaw, openclawConfigFile } from './recipe.js';
import { detectOne } from '../../src/core/detect.js';
import type { Environment } from '../../src/core/environment.js';
import { memoryProbe } from '../../test/support/memory-probe.js';
import { runCli } from '../../test/support/run-cli.js';
import { makeTempHome, type TempHome } from '../../test/support/temp-home.js';
import { applier, fixture, type ApplyResult, modeOf, OPENAI, put, read, tree, undo } from '../../test/support/recipe-helpers.js';

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome();
});
afterEach(() => t.cleanup());

// The helpers' key with a `${VAR}` in it, which OpenClaw substitutes unless it is escaped.
const KEY = `sk-gw-"q'#$\\x-\${HOME}-9876`;
const apply = applier({ agent: 'openclaw', model: 'gw/model-1', key: KEY });

const CONFIG = path.join('.openclaw', 'openclaw.json');
// What OpenClaw reads back from the file: `$${HOME}` is the literal `${HOME}`.
const ESCAPED_KEY = KEY.replace('${HOME}', () => '$${HOME}');
const provider = (models = [{ id: 'gw/model-1', name: 'gw/model-1' }]) => ({ baseUrl: OPENAI, apiKey: ESCAPED_KEY, api: 'openai-completions', models });

describe('openclaw: apply', () => {
  it('creates ~/.openclaw/openclaw.json with only documented keys, the key escaped for ${VAR}, private; unchanged the second time', async () => {
    const run = await apply(t.env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.doc.agents).toEqual([expect.objectContaining({ id: 'openclaw', status: 'updated', files: [path.join(t.home, CONFIG)] })]);
    expect(JSON.parse(await read(t.home, CONFIG))).toEqual({
      models: { mode: 'merge', providers: { [OPENCLAW_PROVIDER_ID]: provider() } },
      agents: { defaults: { model: { primary: `${OPENCLAW_PROVIDER_ID}/gw/model-1` }, utilityModel: `${OPENCLAW_PROVIDER_ID}/gw/model-1` } },
    });
    expect(await modeOf(t.home, CONFIG)).toBe(0o600);
    expect(Object.keys(await tree(t.home))).toEqual([CONFIG]);
    expect(run.stdout).not.toContain(`q'#`);

    const before = await read(t.home, CONFIG);
    expect((await apply(t.env)).doc.agents[0]?.status).toBe('unchanged');
    expect(await read(t.home, CONFIG)).toBe(before);
    expect((await undo(t.env)).code).toBe(0);
    expect(await tree(t.home)).toEqual({});
  });

  it('edits a hand-written JSON5 file (comments, trailing commas) in place, keeping the fallbacks, policy and other provider', async () => {
    const original = await fixture('openclaw', 'openclaw.json');
    await put(t.home, CONFIG, original, 0o644);
    expect((await apply(t.env)).code).toBe(0);
    const text = await read(t.home, CONFIG);
    for (const line of [
      '// ~/.openclaw/openclaw.json, edited by hand: JSON5 comments and trailing commas.',
      '        "fallbacks": ["openai/gpt-5.5"], // used when the primary fails',
      '      /* LM Studio on this machine */',
      '        "models": [{ "id": "qwen3", "name": "Qwen 3" }],',
    ]) {
      expect(text).toContain(line);
    }
    const was = parseJsonc(original, [], { allowTrailingComma: true }) as { agents: { defaults: Record<string, unknown> }; models: { providers: object } };
    expect(parseJsonc(text, [], { allowTrailingComma: true })).toEqual({
      agents: {
        defaults: {
          ...was.agents.defaults,
          model: { primary: `${OPENCLAW_PROVIDER_ID}/gw/model-1`, fallbacks: ['openai/gpt-5.5'] },
          utilityModel: `${OPENCLAW_PROVIDER_ID}/gw/model-1`,
        },
      },
      models: { mode: 'merge', providers: { ...was.models.providers, [OPENCLAW_PROVIDER_ID]: provider() } },
    });
    expect((await undo(t.env)).code).toBe(0);
    expect(await read(t.home, CONFIG)).toBe(original);
  });

  it('an agent with its own model on another provider is asked about, routed with --yes; a local provider stays; undo restores the file byte for byte', async () => {
    const original = `{
  "agents": {
    "defaults": { "model": { "primary": "anthropic/claude-sonnet-4-6", "fallbacks": ["openai/gpt-5.5", "lmstudio/qwen3"] } },
    "entries": {
      "writer": { "model": "anthropic/claude-opus-4-6" },
      "reviewer": { "model": { "primary": "openrouter/google/gemini-2.5-pro" } },
      "offline": { "model": "lmstudio/qwen3" },
    },
  },
  "models": { "providers": { "lmstudio": { "baseUrl": "http://127.0.0.1:1234/v1", "api": "openai-completions", "models": [{ "id": "qwen3", "name": "Qwen 3" }] } } },
}
`;
    await put(t.home, CONFIG, original, 0o600);
    const asked = await apply(t.env);
    expect(asked.code).toBe(0);
    expect(asked.doc.agents[0]?.messages.join('\n')).toMatch(/Left agents\.entries\.writer\.model .*Run again with --yes to change it\./);
    expect(await read(t.home, CONFIG)).toContain('"writer": { "model": "anthropic/claude-opus-4-6" }');

    expect((await apply(t.env, '--yes')).code).toBe(0);
    const agents = (parseJsonc(await read(t.home, CONFIG), [], { allowTrailingComma: true }) as { agents: { defaults: { model: unknown }; entries: unknown } }).agents;
    expect(agents.entries).toEqual({
      writer: { model: `${OPENCLAW_PROVIDER_ID}/gw/model-1` },
      reviewer: { model: { primary: `${OPENCLAW_PROVIDER_ID}/gw/model-1` } },
      offline: { model: 'lmstudio/qwen3' },
    });
    expect(agents.defaults.model).toEqual({ primary: `${OPENCLAW_PROVIDER_ID}/gw/model-1`, fallbacks: ['lmstudio/qwen3'] });
    // Two runs, two undos.
    expect((await undo(t.env)).code).toBe(0);
    expect((await undo(t.env)).code).toBe(0);
    expect(await read(t.home, CONFIG)).toBe(original);
  });

  it('with --yes drops the fallbacks on other providers (asked about without it), and undo restores the file byte for byte', async () => {
    const original = await fixture('openclaw', 'openclaw.json');
    await put(t.home, CONFIG, original, 0o644);
    const asked = await apply(t.env, '--dry-run');
    expect(JSON.stringify(asked.doc)).toContain('agents.defaults.model.fallbacks');
    const run = await apply(t.env, '--yes');
    expect(run.code).toBe(0);
    const text = await read(t.home, CONFIG);
    expect(text).toContain('"fallbacks": [], // used when the primary fails');
    expect((parseJsonc(text, [], { allowTrailingComma: true }) as { agents: { defaults: { model: unknown } } }).agents.defaults.model).toEqual({
      primary: `${OPENCLAW_PROVIDER_ID}/gw/model-1`,
      fallbacks: [],
    });
    expect((await undo(t.env)).code).toBe(0);
    expect(await read(t.home, CONFIG)).toBe(original);
    expect(await modeOf(t.home, CONFIG)).toBe(0o644);
  });

  it('keeps models.mode "replace" and models the user listed under our provider', async () => {
    const text = `{\n  "models": {\n    "mode": "replace",\n    "providers": { "${OPENCLAW_PROVIDER_ID}": { "models": [{ "id": "mine", "name": "Mine" }] } }\n  }\n}\n`;
    await put(t.home, CONFIG, text);
    expect((await apply(t.env)).code).toBe(0);
    const doc = JSON.parse(await read(t.home, CONFIG)) as { models: { mode: string; providers: Record<string, { models: unknown[] }> } };
    expect(doc.models.mode).toBe('replace');
    expect(doc.models.providers[OPENCLAW_PROVIDER_ID]?.models).toEqual([
      { id: 'mine', name: 'Mine' },
      { id: 'gw/model-1', name: 'gw/model-1' },
    ]);
  });

  it('refuses unquoted keys (JSON5) with the line, column and the reason, and still configures the other agents', async () => {
    const original = await fixture('openclaw', 'unquoted-keys.json');
    await put(t.home, CONFIG, original);
    const run = await runCli(
      ['apply', '--base-url', OPENAI, '--key', KEY, '--model', 'm', '--agent', 'openclaw', '--agent', 'aider', '--json'],
      { env: t.env },
    );
    expect(run.code).toBe(1);
    const doc = JSON.parse(run.stdout) as ApplyResult['doc'];
    expect(doc.agents.map((a) => [a.id, a.status])).toEqual([
      ['openclaw', 'failed'],
      ['aider', 'updated'],
    ]);
    const message = doc.agents[0]?.messages.join('\n') ?? '';
    expect(message).toContain(`${path.join('~', CONFIG)}:3:3: an unquoted key (agents) is JSON5 syntax`);
    expect(message).toContain('double-quoted keys and strings');
    expect(await read(t.home, CONFIG)).toBe(original);
  });

  it('refuses single-quoted strings the same way', async () => {
    const text = `{\n  "agents": { "defaults": { "model": { "primary": 'anthropic/claude-sonnet-4-6' } } }\n}\n`;
    await put(t.home, CONFIG, text);
    const run = await apply(t.env);
    expect(run.doc.agents[0]?.status).toBe('failed');
    expect(run.doc.agents[0]?.messages.join('\n')).toContain(':2:51: a single-quoted string is JSON5 syntax');
    expect(await read(t.home, CONFIG)).toBe(text);
  });

  it('stops rather than replace agents.defaults.model written as a plain string', async () => {
    const text = '{ "agents": { "defaults": { "model": "anthropic/claude-sonnet-4-6" } } }\n';
    await put(t.home, CONFIG, text);
    const run = await apply(t.env);
    expect(run.doc.agents[0]?.status).toBe('failed');
    expect(run.doc.agents[0]?.messages.join('\n')).toMatch(/agents\.defaults\.model is a string/);
    expect(await read(t.home, CONFIG)).toBe(text);
  });

  it('follows OPENCLAW_CONFIG_PATH, OPENCLAW_STATE_DIR and OPENCLAW_HOME', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ OPENCLAW_CONFIG_PATH: path.join(t.home, 'etc', 'claw.json') }, path.join('etc', 'claw.json')],
      [{ OPENCLAW_STATE_DIR: path.join(t.home, 'state') }, path.join('state', 'openclaw.json')],
      [{ OPENCLAW_HOME: path.join(t.home, 'svc') }, path.join('svc', '.openclaw', 'openclaw.json')],
    ];
    for (const [vars, rel] of cases) {
      const moved = await makeTempHome();
      try {
        const env = { ...moved.env, env: { ...moved.env.env, ...Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v.replace(t.home, moved.home)])) } };
        const run = await apply(env);
        expect(run.doc.agents[0]?.files, JSON.stringify(vars)).toEqual([path.join(moved.home, rel)]);
        expect(Object.keys(await tree(moved.home))).toEqual([rel]);
      } finally {
        await moved.cleanup();
      }
    }
  });

  it('edits a legacy ~/.clawdbot/clawdbot.json when it is the only config (OpenClaw still reads it)', async () => {
    const legacy = path.join('.clawdbot', 'clawdbot.json');
    await put(t.home, legacy, '{}\n');
    const run = await apply(t.env);
    expect(run.doc.agents[0]?.files).toEqual([path.join(t.home, legacy)]);
    expect(Object.keys(await tree(t.home))).toEqual([legacy]);
  });
});

describe('openclaw: the ${VAR} escape', () => {
  it('turns every ${NAME} into $${NAME} and leaves other dollars alone', () => {
    expect(escapeEnvRefs('a${HOME}b${X_1}c')).toBe('a$${HOME}b$${X_1}c');
    expect(escapeEnvRefs('$x ${lower} $ {A} ${1A}')).toBe('$x ${lower} $ {A} ${1A}');
    // A literal `$${A}` in a key reads back as itself once escaped.
    expect(escapeEnvRefs('k$${A}')).toBe('k$$${A}');
  });
});

describe('openclaw: detection', () => {
  it('linux: the openclaw binary (npm, with its version) and ~/.openclaw', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '/home/u/.npm/bin' }, wsl: false };
    const d = await detectOne(
      openclaw,
      env,
      memoryProbe({
        '/home/u/.npm/bin/openclaw': { link: '/home/u/.npm/lib/node_modules/openclaw/openclaw.mjs' },
        '/home/u/.npm/lib/node_modules/openclaw/openclaw.mjs': { exec: '#!/usr/bin/env node' },
        '/home/u/.npm/lib/node_modules/openclaw/package.json': '{"version":"2026.9.6","bin":{"openclaw":"openclaw.mjs"}}',
        '/home/u/.openclaw/openclaw.json': '{}',
      }),
    );
    expect(d.evidence).toEqual([
      { kind: 'binary', path: '/home/u/.npm/bin/openclaw', version: '2026.9.6' },
      { kind: 'path', path: '/home/u/.openclaw' },
    ]);
    expect(openclawConfigFile(env).path).toBe('/home/u/.openclaw/openclaw.json');
  });

  it('darwin: ~/.openclaw, or the file OPENCLAW_CONFIG_PATH names', async () => {
    const env: Environment = { platform: 'darwin', home: '/Users/u', env: { PATH: '/usr/bin', OPENCLAW_CONFIG_PATH: '~/cfg/openclaw.json' }, wsl: false };
    const d = await detectOne(openclaw, env, memoryProbe({ '/Users/u/cfg/openclaw.json': '{}' }));
    expect(d.evidence).toEqual([{ kind: 'path', path: '/Users/u/cfg/openclaw.json' }]);
    expect(openclawConfigFile(env)).toEqual({ path: '/Users/u/cfg/openclaw.json', preferExisting: [] });
  });

  it('win32: openclaw.cmd through PATHEXT and %USERPROFILE%\\.openclaw', async () => {
    const env: Environment = {
      platform: 'win32',
      home: 'C:\\Users\\u',
      env: { Path: 'C:\\Users\\u\\AppData\\Roaming\\npm', PATHEXT: '.COM;.EXE;.BAT;.CMD' },
      wsl: false,
    };
    const d = await detectOne(openclaw, env, memoryProbe({ 'C:\\Users\\u\\AppData\\Roaming\\npm\\openclaw.cmd': '@echo off', 'C:\\Users\\u\\.openclaw\\openclaw.json': '{}' }));
    expect(d.evidence).toEqual([
      { kind: 'binary', path: 'C:\\Users\\u\\AppData\\Roaming\\npm\\openclaw.cmd' },
      { kind: 'path', path: 'C:\\Users\\u\\.openclaw' },
    ]);
    expect(openclawConfigFile(env).path).toBe('C:\\Users\\u\\.openclaw\\openclaw.json');
  });

  it('WSL: the Linux side only (a Windows OpenClaw keeps its own state under the Windows home)', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '/usr/bin' }, wsl: true, windowsHome: '/mnt/c/Users/u' };
    const d = await detectOne(openclaw, env, memoryProbe({ '/mnt/c/Users/u/.openclaw/openclaw.json': '{}', '/usr/bin/openclaw': { exec: '' } }));
    expect(d.evidence).toEqual([{ kind: 'binary', path: '/usr/bin/openclaw' }]);
    expect(openclawConfigFile(env).path).toBe('/home/u/.openclaw/openclaw.json');
  });
});

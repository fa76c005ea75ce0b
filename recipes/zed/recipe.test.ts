// Zed: language_models.openai_compatible in settings.json (JSONC), the key only in the
// environment (private env files + the shell loader), agent.default_model; paths and detection.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zed, ZED_KEY_VAR, ZED_PROVIDER_ID } from './recipe.js';
import { detectOne } from '../../src/core/detect.js';
import type { Environment } from '../../src/core/environment.js';
import { createProfile } from '../../src/core/profile.js';
import { memoryProbe } from '../../test/support/memory-probe.js';
import { makeTempHome, type TempHome } from '../../test/support/temp-home.js';
import { apply, fixture, KEY, modeOf, OPENAI, put, read, tree, undo } from '../../test/support/recipe-helpers.js';

const run = promisify(execFile);

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome({ SHELL: '/bin/bash' });
});
afterEach(() => t.cleanup());

const SETTINGS = '.config/zed/settings.json';
const PROVIDER = { api_url: OPENAI, available_models: [{ name: 'gw-model', display_name: 'gw-model (gateway)', max_tokens: 128000 }] };

function jsonc(text: string): Record<string, unknown> {
  const errors: ParseError[] = [];
  const value = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false }) as Record<string, unknown>;
  expect(errors).toEqual([]);
  return value;
}

describe('zed apply', () => {
  it('writes the provider and default model, and the key only where a new shell picks it up', async () => {
    const result = await apply(t.env, 'zed');
    expect(result.code).toBe(0);
    const text = await read(t.home, SETTINGS);
    expect(jsonc(text)).toEqual({
      language_models: { openai_compatible: { [ZED_PROVIDER_ID]: PROVIDER } },
      agent: { default_model: { provider: ZED_PROVIDER_ID, model: 'gw-model' } },
    });
    expect(text).not.toContain('9876');
    expect(await modeOf(t.home, SETTINGS)).toBe(0o644);
    expect(await modeOf(t.home, '.config/setup-gateway/env/zed.sh')).toBe(0o600);
    expect(await read(t.home, '.bashrc')).not.toContain('9876');
    // A new bash (what `zed` started from a terminal inherits) has the variable Zed reads.
    const { stdout } = await run('bash', ['-c', `. "$HOME/.bashrc"; printf %s "$${ZED_KEY_VAR}"`], { env: { HOME: t.home, PATH: process.env.PATH } });
    expect(stdout).toBe(KEY);
    expect(result.doc.agents[0]?.notes.join(' ')).toMatch(/Dock/);
    expect(result.stdout).not.toContain(KEY);
  });

  it('keeps comments, trailing commas and order of an existing settings.json', async () => {
    const original = await fixture('zed', 'settings.json');
    await put(t.home, SETTINGS, original);
    expect((await apply(t.env, 'zed')).code).toBe(0);
    const after = await read(t.home, SETTINGS);
    expect(after).toBe(
      original
        .replace(
          '      "api_url": "http://localhost:11434", // local\n    },\n',
          `      "api_url": "http://localhost:11434", // local\n    },\n    "openai_compatible": {\n      "${ZED_PROVIDER_ID}": {\n        "api_url": "${OPENAI}",\n        "available_models": [\n          {\n            "name": "gw-model",\n            "display_name": "gw-model (gateway)",\n            "max_tokens": 128000\n          }\n        ]\n      }\n    },\n`,
        )
        .replace(
          '    "always_allow_tool_actions": false,\n',
          `    "always_allow_tool_actions": false,\n    "default_model": {\n      "provider": "${ZED_PROVIDER_ID}",\n      "model": "gw-model"\n    },\n`,
        ),
    );
  });

  it('keeps CRLF, is idempotent, and undo restores everything', async () => {
    const original = (await fixture('zed', 'settings.json')).replace(/\n/g, '\r\n');
    await put(t.home, SETTINGS, original);
    const untouched = await tree(t.home);
    expect((await apply(t.env, 'zed')).code).toBe(0);
    const after = await read(t.home, SETTINGS);
    expect(after.replace(/\r\n/g, '')).not.toContain('\n');
    expect(jsonc(after)).toMatchObject({ theme: { mode: 'system' }, language_models: { openai_compatible: { [ZED_PROVIDER_ID]: PROVIDER } } });

    const applied = await tree(t.home);
    expect((await apply(t.env, 'zed')).doc.agents[0]?.status).toBe('unchanged');
    expect(await tree(t.home)).toEqual(applied);

    expect((await undo(t.env)).code).toBe(0);
    expect(await tree(t.home)).toEqual(untouched);
  });

  it('keeps models the user added to the provider, and replaces the default model', async () => {
    await put(
      t.home,
      SETTINGS,
      JSON.stringify({
        language_models: { openai_compatible: { [ZED_PROVIDER_ID]: { api_url: 'https://old/v1', available_models: [{ name: 'mine', max_tokens: 8000 }] } } },
        agent: { default_model: { provider: 'zed.dev', model: 'claude-sonnet-4-5' } },
      }),
    );
    expect((await apply(t.env, 'zed')).code).toBe(0);
    const settings = jsonc(await read(t.home, SETTINGS));
    expect(settings).toEqual({
      language_models: { openai_compatible: { [ZED_PROVIDER_ID]: { api_url: OPENAI, available_models: [{ name: 'mine', max_tokens: 8000 }, PROVIDER.available_models[0]] } } },
      agent: { default_model: { provider: ZED_PROVIDER_ID, model: 'gw-model' } },
    });
  });
  it('routes feature models set to other providers (the quick ones to --small-model), and undo restores the file byte for byte', async () => {
    const original = `{
  // mine
  "agent": {
    "default_model": { "provider": "anthropic", "model": "claude-sonnet-4-5" },
    "commit_message_model": { "provider": "openai", "model": "gpt-4o-mini" },
    "thread_summary_model": { "provider": "google", "model": "gemini-2.0-flash" },
    "inline_assistant_model": { "provider": "anthropic", "model": "claude-3-5-sonnet" },
  },
}
`;
    await put(t.home, SETTINGS, original);
    expect((await apply(t.env, 'zed', '--small-model', 'gw-small')).code).toBe(0);
    const after = jsonc(await read(t.home, SETTINGS)) as { agent: Record<string, unknown>; language_models: { openai_compatible: Record<string, { available_models: Array<{ name: string }> }> } };
    expect(after.agent).toEqual({
      default_model: { provider: ZED_PROVIDER_ID, model: 'gw-model' },
      commit_message_model: { provider: ZED_PROVIDER_ID, model: 'gw-small' },
      thread_summary_model: { provider: ZED_PROVIDER_ID, model: 'gw-small' },
      inline_assistant_model: { provider: ZED_PROVIDER_ID, model: 'gw-model' },
    });
    expect(after.language_models.openai_compatible[ZED_PROVIDER_ID]?.available_models.map((m) => m.name)).toEqual(['gw-model', 'gw-small']);
    // Again: nothing to change (the small model's entry stays while the feature models use it).
    expect((await apply(t.env, 'zed', '--small-model', 'gw-small')).doc.agents[0]?.status).toBe('unchanged');
    expect((await undo(t.env)).code).toBe(0);
    expect(await read(t.home, SETTINGS)).toBe(original);
  });
});

describe('zed plan', () => {
  const profile = createProfile({ baseUrl: 'https://gw.example.com', key: 'sk-plan-0000', models: {} });
  const paths = (env: Environment) => zed.plan({ profile, model: 'm', env, evidence: [] }).files.map((f) => f.path);

  it('uses XDG_CONFIG_HOME (and Flatpak\'s) on Linux, ~/.config on macOS whatever XDG says, %APPDATA%\\Zed on Windows', () => {
    expect(paths({ platform: 'linux', home: '/home/u', env: { XDG_CONFIG_HOME: '/x' }, wsl: false })[0]).toBe('/x/zed/settings.json');
    expect(paths({ platform: 'linux', home: '/home/u', env: { XDG_CONFIG_HOME: '/x', FLATPAK_XDG_CONFIG_HOME: '/f' }, wsl: false })[0]).toBe('/f/zed/settings.json');
    expect(paths({ platform: 'darwin', home: '/Users/u', env: { XDG_CONFIG_HOME: '/x' }, wsl: false })[0]).toBe('/Users/u/.config/zed/settings.json');
    const win = paths({ platform: 'win32', home: 'C:\\Users\\u', env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, wsl: false });
    expect(win[0]).toBe('C:\\Users\\u\\AppData\\Roaming\\Zed\\settings.json');
    // On Windows the key goes to a PowerShell env file, loaded from $PROFILE.
    expect(win[1]).toBe('C:\\Users\\u\\.config\\setup-gateway\\env\\zed.ps1');
    expect(win.slice(2).every((f) => f.endsWith('Microsoft.PowerShell_profile.ps1'))).toBe(true);
  });

  it('names the variable the way Zed derives it from the provider id', () => {
    // convert_case Constant of `${id}_API_KEY`: `my-gateway` → MY_GATEWAY_API_KEY (Zed docs).
    expect(ZED_KEY_VAR).toBe(`${ZED_PROVIDER_ID}_API_KEY`.replace(/-/g, '_').toUpperCase());
  });
});

describe('zed detection', () => {
  it.each<[string, Environment, Record<string, string | { exec: string }>, string]>([
    ['Linux binary', { platform: 'linux', home: '/home/u', env: { PATH: '/usr/bin' }, wsl: false }, { '/usr/bin/zeditor': { exec: '' } }, 'binary:/usr/bin/zeditor'],
    ['Linux config', { platform: 'linux', home: '/home/u', env: { PATH: '' }, wsl: false }, { '/home/u/.config/zed/settings.json': '{}' }, 'path:/home/u/.config/zed'],
    ['macOS app', { platform: 'darwin', home: '/Users/u', env: { PATH: '' }, wsl: false }, { '/Applications/Zed.app/Contents/Info.plist': '' }, 'path:/Applications/Zed.app'],
    [
      'Windows',
      { platform: 'win32', home: 'C:\\Users\\u', env: { Path: '', APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, wsl: false },
      { 'C:\\Users\\u\\AppData\\Roaming\\Zed\\settings.json': '{}' },
      'path:C:\\Users\\u\\AppData\\Roaming\\Zed',
    ],
    [
      'WSL (the Linux Zed)',
      { platform: 'linux', home: '/home/u', env: { PATH: '/home/u/.local/bin' }, wsl: true, windowsHome: '/mnt/c/Users/u' },
      { '/home/u/.local/bin/zed': { exec: '' } },
      'binary:/home/u/.local/bin/zed',
    ],
  ])('%s', async (_, env, files, expected) => {
    const found = await detectOne(zed, env, memoryProbe(files));
    expect(found.evidence.map((e) => `${e.kind}:${e.path}`)).toEqual([expected]);
  });
});

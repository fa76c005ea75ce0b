// GitHub Copilot Chat: one Custom Endpoint entry in chatLanguageModels.json (a JSONC list), the
// key left to VS Code's secret storage; which editors' folders; detection.
import path from 'node:path';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copilot, COPILOT_KEY_INPUT, COPILOT_PROVIDER_NAME } from './recipe.js';
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

const CODE = '.config/Code/User/chatLanguageModels.json';
const INSIDERS = '.config/Code - Insiders/User/chatLanguageModels.json';

const OUR_ENTRY = {
  name: COPILOT_PROVIDER_NAME,
  vendor: 'customendpoint',
  apiKey: COPILOT_KEY_INPUT,
  apiType: 'chat-completions',
  models: [
    {
      id: 'gw-model',
      name: 'gw-model (gateway)',
      url: `${OPENAI}/chat/completions`,
      toolCalling: true,
      vision: false,
      maxInputTokens: 112000,
      maxOutputTokens: 16000,
    },
  ],
};

function jsonc(text: string): unknown {
  const errors: ParseError[] = [];
  const value = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  expect(errors).toEqual([]);
  return value;
}

/** The documented Custom Endpoint shape (language-models.md "Custom Endpoint configuration reference"). */
function expectCustomEndpoint(entry: Record<string, unknown>): void {
  expect(entry.vendor).toBe('customendpoint');
  expect(String(entry.apiKey)).toMatch(/^\$\{input:[A-Za-z0-9_.-]+\}$/);
  expect(['chat-completions', 'responses', 'messages']).toContain(entry.apiType);
  for (const m of entry.models as Array<Record<string, unknown>>) {
    expect(typeof m.id).toBe('string');
    expect(m.toolCalling).toBe(true); // without it the model is not offered to agents
    expect(String(m.url)).toMatch(/\/v1\/chat\/completions$/);
    expect(Number(m.maxInputTokens) + Number(m.maxOutputTokens)).toBeLessThanOrEqual(128000);
  }
}

describe('copilot apply', () => {
  it('named with Copilot built in (no extension folder): creates VS Code\'s chatLanguageModels.json, without the key', async () => {
    const run = await apply(t.env, 'copilot');
    expect(run.code).toBe(0);
    expect(run.doc.agents[0]?.files).toEqual([path.join(t.home, CODE)]);
    const text = await read(t.home, CODE);
    const list = jsonc(text) as Array<Record<string, unknown>>;
    expect(list).toEqual([OUR_ENTRY]);
    expectCustomEndpoint(list[0] ?? {});
    expect(text).not.toContain('9876');
    expect(await modeOf(t.home, CODE)).toBe(0o644);
    expect(run.doc.agents[0]?.notes.join(' ')).toMatch(/asks for the gateway key/);
  });

  it('replaces only its own entry in an existing list, keeping comments and the other providers (LF and CRLF)', async () => {
    const lf = await fixture('copilot', 'chatLanguageModels.json');
    for (const original of [lf, lf.replace(/\n/g, '\r\n')]) {
      await put(t.home, CODE, original);
      expect((await apply(t.env, 'copilot')).code).toBe(0);
      const after = await read(t.home, CODE);
      const eol = original.includes('\r\n') ? '\r\n' : '\n';
      // The user's provider, its comment and our entry's trailing comment are byte for byte there.
      const head = original.slice(0, original.indexOf('  {', original.indexOf('"LM Studio"')));
      expect(after.startsWith(head)).toBe(true);
      expect(after.endsWith(`  } // managed by setup-gateway${eol}]${eol}`)).toBe(true);
      expect(after.split(eol).every((line) => !line.endsWith(' ') || line === '')).toBe(true);
      const list = jsonc(after) as Array<Record<string, unknown>>;
      expect(list.map((e) => e.name)).toEqual(['LM Studio', COPILOT_PROVIDER_NAME]);
      expect(list[0]).toEqual((jsonc(original) as unknown[])[0]);
      expect(list[1]).toEqual(OUR_ENTRY);

      const before = await tree(t.home);
      expect((await apply(t.env, 'copilot')).doc.agents[0]?.status).toBe('unchanged');
      expect(await tree(t.home)).toEqual(before);
    }
  });

  it('undo restores the list byte for byte', async () => {
    await put(t.home, CODE, await fixture('copilot', 'chatLanguageModels.json'));
    const original = await tree(t.home);
    expect((await apply(t.env, 'copilot')).code).toBe(0);
    expect((await undo(t.env)).code).toBe(0);
    expect(await tree(t.home)).toEqual(original);
  });

  it('follows the evidence: the Insiders extension, and a list already in use there', async () => {
    await put(t.home, '.vscode-insiders/extensions/github.copilot-chat-0.49.0/package.json', '{}');
    const byExtension = await apply(t.env, 'copilot');
    expect(byExtension.doc.agents[0]?.files).toEqual([path.join(t.home, INSIDERS)]);
    await undo(t.env);

    await t.cleanup();
    t = await makeTempHome();
    await put(t.home, INSIDERS, '[]\n');
    const byFile = await apply(t.env, 'copilot');
    expect(byFile.doc.agents[0]?.files).toEqual([path.join(t.home, INSIDERS)]);
    expect(jsonc(await read(t.home, INSIDERS))).toEqual([OUR_ENTRY]);
  });

  it('leaves Copilot in a VS Code fork alone, and says so', async () => {
    await put(t.home, '.cursor/extensions/github.copilot-chat-0.49.0/package.json', '{}');
    const run = await apply(t.env, 'copilot');
    expect(run.doc.agents[0]?.status).toBe('unchanged');
    expect(run.doc.agents[0]?.files).toEqual([]);
    expect(run.doc.agents[0]?.notes.join(' ')).toMatch(/Copilot in Cursor was left alone/);
  });

  it('refuses a chatLanguageModels.json whose top level is an object with members, and writes nothing', async () => {
    await put(t.home, CODE, '{ "not": "a list" }\n');
    const run = await apply(t.env, 'copilot');
    expect(run.code).toBe(1);
    expect(run.doc.agents[0]?.status).toBe('failed');
    expect(await read(t.home, CODE)).toBe('{ "not": "a list" }\n');
  });
});

describe('copilot plan', () => {
  const profile = createProfile({ baseUrl: 'https://gw.example.com', key: 'sk-plan-0000', models: {} });
  const wsl: Environment = { platform: 'linux', home: '/home/u', env: {}, wsl: true, windowsHome: '/mnt/c/Users/u' };

  it('uses the Windows VS Code\'s folder for a Windows extension and for VS Code Server, from WSL', () => {
    for (const ext of ['/mnt/c/Users/u/.vscode/extensions/github.copilot-chat-0.49.0', '/home/u/.vscode-server/extensions/github.copilot-chat-0.49.0']) {
      const plan = copilot.plan({ profile, model: 'm', env: wsl, evidence: [{ kind: 'extension', editor: 'code', version: '0.49.0', path: ext }] });
      expect(plan.files.map((f) => f.path)).toEqual(['/mnt/c/Users/u/AppData/Roaming/Code/User/chatLanguageModels.json']);
    }
  });

  it('over SSH (no Windows home) points at the client machine instead of writing', () => {
    const ssh: Environment = { platform: 'linux', home: '/home/u', env: {}, wsl: false };
    const plan = copilot.plan({
      profile,
      model: 'm',
      env: ssh,
      evidence: [{ kind: 'extension', editor: 'code', version: '0.49.0', path: '/home/u/.vscode-server/extensions/github.copilot-chat-0.49.0' }],
    });
    expect(plan.files).toEqual([]);
    expect(plan.notes.join(' ')).toMatch(/VS Code Server/);
  });

  it('uses %APPDATA%\\Code\\User on Windows and ~/Library/Application Support/Code/User on macOS', () => {
    const win: Environment = { platform: 'win32', home: 'C:\\Users\\u', env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, wsl: false };
    expect(copilot.plan({ profile, model: 'm', env: win, evidence: [] }).files.map((f) => f.path)).toEqual([
      'C:\\Users\\u\\AppData\\Roaming\\Code\\User\\chatLanguageModels.json',
    ]);
    const mac: Environment = { platform: 'darwin', home: '/Users/u', env: {}, wsl: false };
    expect(copilot.plan({ profile, model: 'm', env: mac, evidence: [] }).files.map((f) => f.path)).toEqual([
      '/Users/u/Library/Application Support/Code/User/chatLanguageModels.json',
    ]);
  });
});

describe('copilot detection', () => {
  it.each<[string, Environment, string, [string, string | undefined]]>([
    ['Linux extension', { platform: 'linux', home: '/home/u', env: { PATH: '' }, wsl: false }, '/home/u/.vscode/extensions/GitHub.copilot-chat-0.49.0/package.json', ['extension', 'code']],
    [
      'macOS list in use',
      { platform: 'darwin', home: '/Users/u', env: { PATH: '' }, wsl: false },
      '/Users/u/Library/Application Support/Code - Insiders/User/chatLanguageModels.json',
      ['path', undefined],
    ],
    [
      'Windows extension',
      { platform: 'win32', home: 'C:\\Users\\u', env: { Path: '' }, wsl: false },
      'C:\\Users\\u\\.vscode\\extensions\\github.copilot-1.380.0\\package.json',
      ['extension', 'code'],
    ],
    [
      'WSL, the Windows VS Code\'s list',
      { platform: 'linux', home: '/home/u', env: { PATH: '' }, wsl: true, windowsHome: '/mnt/c/Users/u' },
      '/mnt/c/Users/u/AppData/Roaming/Code/User/chatLanguageModels.json',
      ['path', undefined],
    ],
  ])('%s', async (_, env, file, [kind, editor]) => {
    const found = await detectOne(copilot, env, memoryProbe({ [file]: '[]' }));
    expect(found.evidence.map((e) => [e.kind, e.editor])).toEqual([[kind, editor]]);
  });

  it('does not take github.copilot-chat-helper for Copilot Chat', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '' }, wsl: false };
    const found = await detectOne(copilot, env, memoryProbe({ '/home/u/.vscode/extensions/github.copilot-chat-helper-1.0.0/package.json': '{}' }));
    expect(found.found).toBe(false);
  });
});

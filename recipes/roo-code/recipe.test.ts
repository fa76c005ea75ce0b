// Roo Code: the import file plus `roo-cline.autoImportSettingsPath` in the settings.json of the
// editors that have the extension; JSONC kept; WSL, VS Code Server and Windows paths.
import path from 'node:path';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rooCode, ROO_PROFILE } from './recipe.js';
import { detectOne } from '../../src/core/detect.js';
import type { Environment } from '../../src/core/environment.js';
import { createProfile } from '../../src/core/profile.js';
import type { FileIntent } from '../../src/core/recipe.js';
import { memoryProbe } from '../../test/support/memory-probe.js';
import { makeTempHome, type TempHome } from '../../test/support/temp-home.js';
import { apply, fixture, KEY, modeOf, OPENAI, put, read, tree, undo } from '../../test/support/recipe-helpers.js';

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome();
});
afterEach(() => t.cleanup());

const EXT = '.vscode/extensions/rooveterinaryinc.roo-cline-3.36.2/package.json';
const IMPORT = '.config/setup-gateway/roo-code.json';
const CODE_SETTINGS = '.config/Code/User/settings.json';
const SETTING = 'roo-cline.autoImportSettingsPath';

/** The rules Roo's importSettingsSchema (providerProfilesSchema + provider settings) applies. */
function expectValidImport(text: string): void {
  const doc = JSON.parse(text) as { providerProfiles: { currentApiConfigName: string; apiConfigs: Record<string, Record<string, unknown>>; modeApiConfigs: Record<string, string> } };
  const { currentApiConfigName, apiConfigs, modeApiConfigs } = doc.providerProfiles;
  expect(Object.keys(doc)).toEqual(['providerProfiles']);
  expect(typeof currentApiConfigName).toBe('string');
  const current = apiConfigs[currentApiConfigName];
  expect(current).toBeDefined();
  const ids = Object.values(apiConfigs).map((c) => c.id);
  for (const id of Object.values(modeApiConfigs)) expect(ids).toContain(id);
  for (const [k, v] of Object.entries(current ?? {})) expect(typeof v, k).toBe('string');
}

function jsonc(text: string): unknown {
  const errors: ParseError[] = [];
  const value = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  expect(errors).toEqual([]);
  return value;
}

describe('roo-code apply', () => {
  it('writes the import file (0600) and points VS Code at it by absolute path', async () => {
    await put(t.home, EXT, '{}');
    const run = await apply(t.env, 'roo-code');
    expect(run.code).toBe(0);
    expect(run.doc.agents[0]?.files).toEqual([path.join(t.home, IMPORT), path.join(t.home, CODE_SETTINGS)]);

    const imported = await read(t.home, IMPORT);
    expectValidImport(imported);
    expect(JSON.parse(imported)).toEqual({
      providerProfiles: {
        currentApiConfigName: ROO_PROFILE,
        apiConfigs: {
          [ROO_PROFILE]: { id: ROO_PROFILE, apiProvider: 'openai', openAiBaseUrl: OPENAI, openAiApiKey: KEY, openAiModelId: 'gw-model' },
        },
        modeApiConfigs: { code: ROO_PROFILE, architect: ROO_PROFILE, ask: ROO_PROFILE, debug: ROO_PROFILE, orchestrator: ROO_PROFILE },
      },
    });
    expect(await modeOf(t.home, IMPORT)).toBe(0o600);
    expect(jsonc(await read(t.home, CODE_SETTINGS))).toEqual({ [SETTING]: path.join(t.home, IMPORT) });
    expect(await modeOf(t.home, CODE_SETTINGS)).toBe(0o644);
    expect(run.stdout).not.toContain(KEY);
  });

  it('keeps comments, trailing commas and CRLF in an existing settings.json, and is idempotent', async () => {
    await put(t.home, EXT, '{}');
    const lf = await fixture('roo-code', 'settings.json');
    for (const original of [lf, lf.replace(/\n/g, '\r\n')]) {
      await put(t.home, CODE_SETTINGS, original);
      expect((await apply(t.env, 'roo-code')).code).toBe(0);
      const after = await read(t.home, CODE_SETTINGS);
      const eol = original.includes('\r\n') ? '\r\n' : '\n';
      // Everything the user wrote is still there, in order; our one member follows the last one.
      expect(after).toBe(
        original.replace(`    },${eol}}`, `    },${eol}    "${SETTING}": ${JSON.stringify(path.join(t.home, IMPORT))},${eol}}`),
      );
      expect(jsonc(after)).toMatchObject({ 'editor.fontSize': 14, [SETTING]: path.join(t.home, IMPORT) });

      const before = await tree(t.home);
      const again = await apply(t.env, 'roo-code');
      expect(again.doc.agents[0]?.status).toBe('unchanged');
      expect(await tree(t.home)).toEqual(before);
    }
  });

  it('undo restores the settings byte for byte and removes the import file', async () => {
    await put(t.home, EXT, '{}');
    await put(t.home, CODE_SETTINGS, await fixture('roo-code', 'settings.json'));
    const original = await tree(t.home);
    expect((await apply(t.env, 'roo-code')).code).toBe(0);
    expect((await undo(t.env)).code).toBe(0);
    expect(await tree(t.home)).toEqual(original);
  });

  it('named with nothing detected: edits the settings.json files that exist, creates none', async () => {
    await put(t.home, '.config/VSCodium/User/settings.json', '{}\n');
    const run = await apply(t.env, 'roo-code');
    expect(run.code).toBe(0);
    expect(run.doc.agents[0]?.files).toEqual([path.join(t.home, IMPORT), path.join(t.home, '.config/VSCodium/User/settings.json')]);
    expect(Object.keys(await tree(t.home)).sort()).toEqual(['.config/VSCodium/User/settings.json', IMPORT]);
  });

  it('puts both the import file and the editors under XDG_CONFIG_HOME', async () => {
    const xdg = path.join(t.home, 'xdg');
    await put(t.home, EXT, '{}');
    const run = await apply({ ...t.env, env: { ...t.env.env, XDG_CONFIG_HOME: xdg } }, 'roo-code');
    expect(run.doc.agents[0]?.files).toEqual([path.join(xdg, 'setup-gateway/roo-code.json'), path.join(xdg, 'Code/User/settings.json')]);
  });

  it('writes only the editors that have the extension (here Cursor), not VS Code', async () => {
    await put(t.home, '.cursor/extensions/rooveterinaryinc.roo-cline-3.36.2-linux-x64/package.json', '{}');
    await put(t.home, CODE_SETTINGS, '{}');
    const run = await apply(t.env, 'roo-code');
    expect(run.doc.agents[0]?.files).toEqual([path.join(t.home, IMPORT), path.join(t.home, '.config/Cursor/User/settings.json')]);
    expect(await read(t.home, CODE_SETTINGS)).toBe('{}');
  });
});

describe('roo-code plan', () => {
  const profile = createProfile({ baseUrl: 'https://gw.example.com', key: 'sk-plan-0000', models: {} });
  const wsl: Environment = { platform: 'linux', home: '/home/u', env: {}, wsl: true, windowsHome: '/mnt/c/Users/u' };
  const setting = (f: FileIntent | undefined) => (f?.kind === 'structured' ? f.ops[0] : undefined);

  it('gives a Windows editor seen from WSL a Windows path to a file on the Windows side', () => {
    const plan = rooCode.plan({
      profile,
      model: 'm',
      env: wsl,
      evidence: [{ kind: 'extension', editor: 'code', version: '3.36.2', path: '/mnt/c/Users/u/.vscode/extensions/rooveterinaryinc.roo-cline-3.36.2' }],
    });
    expect(plan.files.map((f) => f.path)).toEqual(['/mnt/c/Users/u/.config/setup-gateway/roo-code.json', '/mnt/c/Users/u/AppData/Roaming/Code/User/settings.json']);
    expect(setting(plan.files[1])).toEqual({ op: 'set', path: [SETTING], value: 'C:\\Users\\u\\.config\\setup-gateway\\roo-code.json' });
    expect(plan.files[0]?.holdsSecret).toBe(true);
  });

  it('gives VS Code Server its Remote settings, with this machine\'s path', () => {
    const plan = rooCode.plan({
      profile,
      model: 'm',
      env: wsl,
      evidence: [{ kind: 'extension', editor: 'code', version: '3.36.2', path: '/home/u/.vscode-server/extensions/rooveterinaryinc.roo-cline-3.36.2' }],
    });
    expect(plan.files.map((f) => f.path)).toEqual(['/home/u/.config/setup-gateway/roo-code.json', '/home/u/.vscode-server/data/Machine/settings.json']);
    expect(setting(plan.files[1])).toMatchObject({ value: '/home/u/.config/setup-gateway/roo-code.json' });
  });

  it('leaves a Windows editor alone, with a note, when the Windows home is not under /mnt/<drive>', () => {
    const odd: Environment = { ...wsl, windowsHome: '/windows/u' };
    const plan = rooCode.plan({
      profile,
      model: 'm',
      env: odd,
      evidence: [{ kind: 'extension', editor: 'code', version: '3.36.2', path: '/windows/u/.vscode/extensions/rooveterinaryinc.roo-cline-3.36.2' }],
    });
    expect(plan.files).toEqual([]);
    expect(plan.notes.join(' ')).toMatch(/not under \/mnt\/<drive>/);
  });

  it('uses Windows paths on Windows', () => {
    const win: Environment = { platform: 'win32', home: 'C:\\Users\\u', env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, wsl: false };
    const plan = rooCode.plan({
      profile,
      model: 'm',
      env: win,
      evidence: [{ kind: 'extension', editor: 'code', version: '3.36.2', path: 'C:\\Users\\u\\.vscode\\extensions\\rooveterinaryinc.roo-cline-3.36.2' }],
    });
    expect(plan.files.map((f) => f.path)).toEqual(['C:\\Users\\u\\.config\\setup-gateway\\roo-code.json', 'C:\\Users\\u\\AppData\\Roaming\\Code\\User\\settings.json']);
    expect(setting(plan.files[1])).toMatchObject({ value: 'C:\\Users\\u\\.config\\setup-gateway\\roo-code.json' });
  });
});

describe('roo-code detection', () => {
  const id = 'RooVeterinaryInc.roo-cline';
  it.each<[string, Environment, string, string]>([
    ['Linux', { platform: 'linux', home: '/home/u', env: { PATH: '' }, wsl: false }, `/home/u/.vscode/extensions/${id}-3.36.2/package.json`, 'code'],
    ['macOS', { platform: 'darwin', home: '/Users/u', env: { PATH: '' }, wsl: false }, `/Users/u/.windsurf/extensions/${id}-3.36.2-darwin-arm64/package.json`, 'windsurf'],
    ['Windows', { platform: 'win32', home: 'C:\\Users\\u', env: { Path: '' }, wsl: false }, `C:\\Users\\u\\.vscode-oss\\extensions\\${id}-3.36.2\\package.json`, 'vscodium'],
    [
      'WSL (Windows editor)',
      { platform: 'linux', home: '/home/u', env: { PATH: '' }, wsl: true, windowsHome: '/mnt/c/Users/u' },
      `/mnt/c/Users/u/.cursor/extensions/${id}-3.36.2/package.json`,
      'cursor',
    ],
  ])('%s', async (_, env, file, editor) => {
    const found = await detectOne(rooCode, env, memoryProbe({ [file]: '{}' }));
    expect(found.evidence.map((e) => [e.kind, e.editor, e.version])).toEqual([['extension', editor, '3.36.2']]);
  });

  it('finds nothing without the extension', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '' }, wsl: false };
    const found = await detectOne(rooCode, env, memoryProbe({ '/home/u/.config/Code/User/settings.json': '{}' }));
    expect(found.found).toBe(false);
  });
});

// Cline: ~/.cline/data/globalState.json and secrets.json, through `apply` in a temp home; the
// version cutoff for old builds; detection on every platform.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cline } from './recipe.js';
import { detectOne } from '../../src/core/detect.js';
import type { Environment } from '../../src/core/environment.js';
import { createProfile } from '../../src/core/profile.js';
import { expectUnownedLinesKept } from '../../test/formats/helpers.js';
import { memoryProbe } from '../../test/support/memory-probe.js';
import { makeTempHome, type TempHome } from '../../test/support/temp-home.js';
import { apply, fixture, KEY, modeOf, OPENAI, put, read, tree, undo } from '../../test/support/recipe-helpers.js';

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome();
});
afterEach(() => t.cleanup());

const STATE = '.cline/data/globalState.json';
const SECRETS = '.cline/data/secrets.json';
const OURS = {
  actModeApiProvider: 'openai',
  planModeApiProvider: 'openai',
  openAiBaseUrl: OPENAI,
  actModeOpenAiModelId: 'gw-model',
  planModeOpenAiModelId: 'gw-model',
  welcomeViewCompleted: true,
};

describe('cline apply', () => {
  it('creates the two files Cline reads, the key only in secrets.json (0600)', async () => {
    const run = await apply(t.env, 'cline');
    expect(run.code).toBe(0);
    expect(run.doc.agents[0]?.status).toBe('updated');
    expect(JSON.parse(await read(t.home, STATE))).toEqual(OURS);
    expect(JSON.parse(await read(t.home, SECRETS))).toEqual({ openAiApiKey: KEY });
    expect(await read(t.home, STATE)).not.toContain('9876');
    expect(await modeOf(t.home, SECRETS)).toBe(0o600);
    expect(await modeOf(t.home, STATE)).toBe(0o644);
    expect(run.stdout).not.toContain(KEY);
    expect(run.doc.agents[0]?.notes.join(' ')).toMatch(/Reload Window/);
  });

  it('keeps every other key of existing files, tightens secrets.json to 0600, and is idempotent', async () => {
    const state = await fixture('cline', 'globalState.json');
    const secrets = await fixture('cline', 'secrets.json');
    await put(t.home, STATE, state);
    await put(t.home, SECRETS, secrets, 0o644);

    const first = await apply(t.env, 'cline');
    expect(first.code).toBe(0);
    const after = await read(t.home, STATE);
    expect(JSON.parse(after)).toEqual({ ...JSON.parse(state), ...OURS });
    // Replaced in place: the provider lines are ours, every other line is untouched and in order.
    expectUnownedLinesKept(state, after, (l) => /ApiProvider/.test(l), (l) => l.replace(/,?\r?\n$/, ''));
    expect(after.indexOf('"actModeApiProvider": "openai"')).toBeLessThan(after.indexOf('"autoApprovalSettings"'));
    expect(JSON.parse(await read(t.home, SECRETS))).toEqual({ apiKey: 'sk-ant-existing-0000', clineAccountId: 'acct-1', openAiApiKey: KEY });
    expect(await modeOf(t.home, SECRETS)).toBe(0o600);
    expect(first.doc.agents[0]?.messages.join(' ')).toMatch(/permissions tightened/);

    const before = await tree(t.home);
    const second = await apply(t.env, 'cline');
    expect(second.doc.agents[0]?.status).toBe('unchanged');
    expect(await tree(t.home)).toEqual(before);
  });

  it('undo puts both files back byte for byte, and removes what it created', async () => {
    await put(t.home, STATE, await fixture('cline', 'globalState.json'));
    const original = await tree(t.home);
    expect((await apply(t.env, 'cline')).code).toBe(0);
    expect((await undo(t.env)).code).toBe(0);
    expect(await tree(t.home)).toEqual(original);
  });

  it('follows CLINE_DATA_DIR, then CLINE_DIR', async () => {
    const data = path.join(t.home, 'elsewhere', 'data-dir');
    const viaData = await apply({ ...t.env, env: { ...t.env.env, CLINE_DATA_DIR: data, CLINE_DIR: path.join(t.home, 'ignored') } }, 'cline');
    expect(viaData.doc.agents[0]?.files).toEqual([path.join(data, 'globalState.json'), path.join(data, 'secrets.json')]);
    const viaDir = await apply({ ...t.env, env: { ...t.env.env, CLINE_DIR: path.join(t.home, 'cl') } }, 'cline');
    expect(viaDir.doc.agents[0]?.files).toEqual([path.join(t.home, 'cl', 'data', 'globalState.json'), path.join(t.home, 'cl', 'data', 'secrets.json')]);
  });

  it('gives guided steps, and writes nothing, when only a Cline older than 3.60.0 is installed', async () => {
    await put(t.home, '.vscode/extensions/saoudrizwan.claude-dev-3.55.0/package.json', '{}');
    const run = await apply(t.env, 'cline');
    expect(run.code).toBe(0);
    const report = run.doc.agents[0];
    expect(report?.status).toBe('manual');
    expect(report?.manual?.why).toMatch(/VS Code 3\.55\.0/);
    expect(report?.manual?.steps).toContain(`Base URL: ${OPENAI}`);
    expect(report?.manual?.steps).toContain('Model ID: gw-model');
    expect(report?.manual?.steps.join('\n')).not.toContain('9876');
    expect(Object.keys(await tree(t.home))).toEqual([path.join('.vscode/extensions/saoudrizwan.claude-dev-3.55.0/package.json')]);
  });

  it('writes the files for a current extension, and still guides an old one in another editor', async () => {
    await put(t.home, '.vscode/extensions/saoudrizwan.claude-dev-3.88.0/package.json', '{}');
    await put(t.home, '.cursor/extensions/saoudrizwan.claude-dev-3.41.2-linux-x64/package.json', '{}');
    const run = await apply(t.env, 'cline');
    const report = run.doc.agents[0];
    expect(report?.status).toBe('updated');
    expect(report?.files).toEqual([path.join(t.home, STATE), path.join(t.home, SECRETS)]);
    expect(report?.manual?.why).toMatch(/Cursor 3\.41\.2/);
  });
});

describe('cline plan', () => {
  const profile = createProfile({ baseUrl: 'https://gw.example.com', key: 'sk-plan-0000', models: {} });
  const wsl: Environment = { platform: 'linux', home: '/home/u', env: {}, wsl: true, windowsHome: '/mnt/c/Users/u' };

  it('writes the Windows user\'s ~/.cline for a Cline in a Windows editor seen from WSL', () => {
    const plan = cline.plan({
      profile,
      model: 'm',
      env: wsl,
      evidence: [{ kind: 'extension', editor: 'code', version: '3.88.0', path: '/mnt/c/Users/u/.vscode/extensions/saoudrizwan.claude-dev-3.88.0' }],
    });
    expect(plan.files.map((f) => f.path)).toEqual(['/mnt/c/Users/u/.cline/data/globalState.json', '/mnt/c/Users/u/.cline/data/secrets.json']);
    expect(plan.manual).toBeUndefined();
  });

  it('writes this machine\'s files for VS Code Server (Remote - WSL) and the CLI', () => {
    const plan = cline.plan({
      profile,
      model: 'm',
      env: wsl,
      evidence: [{ kind: 'extension', editor: 'code', version: '3.88.0', path: '/home/u/.vscode-server/extensions/saoudrizwan.claude-dev-3.88.0' }],
    });
    expect(plan.files.map((f) => f.path)).toEqual(['/home/u/.cline/data/globalState.json', '/home/u/.cline/data/secrets.json']);
  });

  it('uses %USERPROFILE%\\.cline on Windows', () => {
    const win: Environment = { platform: 'win32', home: 'C:\\Users\\u', env: {}, wsl: false };
    const plan = cline.plan({ profile, model: 'm', env: win, evidence: [] });
    expect(plan.files.map((f) => f.path)).toEqual(['C:\\Users\\u\\.cline\\data\\globalState.json', 'C:\\Users\\u\\.cline\\data\\secrets.json']);
  });
});

describe('cline detection', () => {
  it('finds the extension, the CLI and the data folder on Linux', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '/usr/local/bin' }, wsl: false };
    const probe = memoryProbe({
      '/home/u/.vscode/extensions/saoudrizwan.claude-dev-3.88.0/package.json': '{}',
      '/home/u/.vscode/extensions/saoudrizwan.claude-dev-helper-1.0.0/package.json': '{}',
      '/usr/local/bin/cline': { exec: '' },
      '/home/u/.cline/data/globalState.json': '{}',
    });
    const found = await detectOne(cline, env, probe);
    expect(found.evidence).toEqual([
      { kind: 'binary', path: '/usr/local/bin/cline' },
      { kind: 'path', path: '/home/u/.cline/data' },
      { kind: 'extension', editor: 'code', version: '3.88.0', path: '/home/u/.vscode/extensions/saoudrizwan.claude-dev-3.88.0' },
    ]);
  });

  it('finds it in Cursor and VS Code Insiders on macOS', async () => {
    const env: Environment = { platform: 'darwin', home: '/Users/u', env: { PATH: '/usr/bin' }, wsl: false };
    const probe = memoryProbe({
      '/Users/u/.cursor/extensions/saoudrizwan.claude-dev-3.70.1-darwin-arm64/package.json': '{}',
      '/Users/u/.vscode-insiders/extensions/saoudrizwan.claude-dev-3.90.0/package.json': '{}',
    });
    const found = await detectOne(cline, env, probe);
    expect(found.evidence.map((e) => [e.editor, e.version])).toEqual([
      ['code-insiders', '3.90.0'],
      ['cursor', '3.70.1'],
    ]);
  });

  it('finds it under %USERPROFILE% on Windows, and honours CLINE_DIR', async () => {
    const env: Environment = { platform: 'win32', home: 'C:\\Users\\u', env: { Path: 'C:\\Windows', CLINE_DIR: 'D:\\cline' }, wsl: false };
    const probe = memoryProbe({
      'C:\\Users\\u\\.vscode\\extensions\\saoudrizwan.claude-dev-3.88.0\\package.json': '{}',
      'D:\\cline\\data\\secrets.json': '{}',
    });
    const found = await detectOne(cline, env, probe);
    expect(found.evidence).toEqual([
      { kind: 'path', path: 'D:\\cline\\data' },
      { kind: 'extension', editor: 'code', version: '3.88.0', path: 'C:\\Users\\u\\.vscode\\extensions\\saoudrizwan.claude-dev-3.88.0' },
    ]);
  });

  it('finds a Windows editor\'s extension from inside WSL', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '' }, wsl: true, windowsHome: '/mnt/c/Users/u' };
    const probe = memoryProbe({ '/mnt/c/Users/u/.vscode/extensions/saoudrizwan.claude-dev-3.88.0/package.json': '{}' });
    const found = await detectOne(cline, env, probe);
    expect(found.evidence).toEqual([
      { kind: 'extension', editor: 'code', version: '3.88.0', path: '/mnt/c/Users/u/.vscode/extensions/saoudrizwan.claude-dev-3.88.0' },
    ]);
  });
});

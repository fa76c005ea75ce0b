// Goose: the custom provider file, config.yaml (current and pre-1.43 layouts), the key through
// the shell, and detection on every platform.
import { copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GOOSE_KEY_VAR, GOOSE_PROVIDER_ID, goose, gooseConfigDir } from './recipe.js';
import { detectOne } from '../../src/core/detect.js';
import type { Environment } from '../../src/core/environment.js';
import { createProfile } from '../../src/core/profile.js';
import { memoryProbe } from '../../test/support/memory-probe.js';
import { runProcess } from '../../test/support/run-agent.js';
import { modelsFetch, runCli } from '../../test/support/run-cli.js';
import { makeTempHome, type TempHome } from '../../test/support/temp-home.js';
import { fixturePath } from '../../test/support/recipe-helpers.js';

const KEY = `sk-goose-'q"#$x\\y-1234`;
const base = ['apply', '--base-url', 'https://gw.example.com/v1/', '--key', KEY, '--agent', 'goose'];

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome({ SHELL: '/bin/bash' });
});
afterEach(() => t.cleanup());

const goosePath = (...p: string[]) => path.join(t.home, '.config', 'goose', ...p);
const providerFile = () => goosePath('custom_providers', `${GOOSE_PROVIDER_ID}.json`);
const readJson = async (p: string) => JSON.parse(await readFile(p, 'utf8')) as Record<string, unknown>;
const readYaml = async (p: string) => parseYaml(await readFile(p, 'utf8')) as Record<string, unknown>;

describe('goose: apply', () => {
  it('writes a custom provider Goose can parse, selects it in config.yaml, and keeps the key out of both', async () => {
    const run = await runCli([...base, '--model', 'gw-model', '--json'], { env: t.env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.agents).toEqual([expect.objectContaining({ id: 'goose', status: 'updated', model: 'gw-model' })]);

    // Every field Goose's DeclarativeProviderConfig requires is present (one bad file hides all custom providers).
    expect(await readJson(providerFile())).toEqual({
      name: 'setup_gateway',
      engine: 'openai',
      display_name: 'AI gateway (setup-gateway)',
      description: 'Written by setup-gateway',
      api_key_env: GOOSE_KEY_VAR,
      base_url: 'https://gw.example.com/v1',
      requires_auth: true,
      supports_streaming: true,
      models: [{ name: 'gw-model', context_limit: 128000 }],
    });
    expect(await readYaml(goosePath('config.yaml'))).toEqual({
      active_provider: 'setup_gateway',
      providers: { setup_gateway: { enabled: true, configured: true, model: 'gw-model' } },
      GOOSE_PROVIDER: 'setup_gateway',
      GOOSE_MODEL: 'gw-model',
    });
    for (const f of [providerFile(), goosePath('config.yaml')]) {
      expect(await readFile(f, 'utf8')).not.toContain('q"#');
      expect((await stat(f)).mode & 0o777).toBe(0o644);
    }
    const envFile = path.join(t.home, '.config', 'setup-gateway', 'env', 'goose.sh');
    expect((await stat(envFile)).mode & 0o777).toBe(0o600);
    expect(run.stdout).not.toContain('q\'"#');
  });

  it('a new interactive bash sees the key under the name in api_key_env, byte for byte', async () => {
    await runCli([...base, '--model', 'm'], { env: t.env });
    const { api_key_env } = await readJson(providerFile());
    const r = await runProcess('bash', ['-ic', `printf %s "$${String(api_key_env)}"`], {
      cwd: t.home,
      env: { HOME: t.home, PATH: process.env.PATH ?? '/usr/bin:/bin' },
      timeoutMs: 20_000,
    });
    expect(r.stdout).toBe(KEY);
  });

  it('keeps the rest of a current (1.43+) config.yaml and switches active_provider to ours', async () => {
    await mkdir(goosePath(), { recursive: true });
    await copyFile(fixturePath('goose', 'config.yaml'), goosePath('config.yaml'));
    const before = await readFile(goosePath('config.yaml'), 'utf8');
    const run = await runCli([...base, '--model', 'gw-model'], { env: t.env });
    expect(run.code).toBe(0);
    const text = await readFile(goosePath('config.yaml'), 'utf8');
    expect(text.startsWith('# Goose 1.43+ layout: one entry per provider, the active one named at the top level.\nGOOSE_MODE: smart_approve\n')).toBe(true);
    const was = parseYaml(before) as Record<string, any>;
    expect(parseYaml(text)).toEqual({
      ...was,
      active_provider: 'setup_gateway',
      providers: { ...was.providers, setup_gateway: { enabled: true, configured: true, model: 'gw-model' } },
      GOOSE_PROVIDER: 'setup_gateway',
      GOOSE_MODEL: 'gw-model',
    });
  });

  it('takes over the flat keys of a pre-1.43 config.yaml and leaves its other keys', async () => {
    await mkdir(goosePath(), { recursive: true });
    await copyFile(fixturePath('goose', 'legacy-config.yaml'), goosePath('config.yaml'));
    const was = parseYaml(await readFile(goosePath('config.yaml'), 'utf8')) as Record<string, unknown>;
    await runCli([...base, '--model', 'gw-model'], { env: t.env });
    const now = await readYaml(goosePath('config.yaml'));
    expect(now).toEqual({
      ...was,
      GOOSE_PROVIDER: 'setup_gateway',
      GOOSE_MODEL: 'gw-model',
      active_provider: 'setup_gateway',
      providers: { setup_gateway: { enabled: true, configured: true, model: 'gw-model' } },
    });
    expect(now.OLLAMA_HOST).toBe('localhost');
  });

  it('keeps models and settings the user added to our provider in Goose, refreshing the URL', async () => {
    await mkdir(goosePath('custom_providers'), { recursive: true });
    await copyFile(fixturePath('goose', 'setup_gateway.json'), providerFile());
    await runCli([...base, '--model', 'gw-model'], { env: t.env });
    const p = await readJson(providerFile());
    expect(p.base_url).toBe('https://gw.example.com/v1');
    expect(p.timeout_seconds).toBe(900);
    expect(p.headers).toBeNull();
    expect(p.models).toEqual([
      { name: 'added-in-goose', context_limit: 32000 },
      { name: 'gw-model', context_limit: 128000 },
    ]);
  });

  it('changes nothing on a second run', async () => {
    const args = [...base, '--model', 'gw-model', '--json'];
    await runCli(args, { env: t.env });
    const second = JSON.parse((await runCli(args, { env: t.env })).stdout);
    expect(second.agents[0].status).toBe('unchanged');
    expect(second.runId).toBeNull();
  });

  it("uses the gateway's auto model when none is given (Goose cannot start without one)", async () => {
    const run = await runCli(base, { env: t.env, fetch: modelsFetch(['auto', 'x']) });
    expect(run.code).toBe(0);
    expect(((await readYaml(goosePath('config.yaml'))).providers as any).setup_gateway.model).toBe('auto');
  });

  it('undo removes every file it created', async () => {
    const run = JSON.parse((await runCli([...base, '--model', 'm', '--json'], { env: t.env })).stdout);
    const undo = await runCli(['undo', '--id', run.runId], { env: t.env });
    expect(undo.code).toBe(0);
    await expect(stat(providerFile())).rejects.toThrow();
    await expect(stat(path.join(t.home, '.bashrc'))).rejects.toThrow();
  });
});

describe('goose: where its config lives', () => {
  const profile = createProfile({ baseUrl: 'https://gw.example.com', key: 'sk-plan-0000', models: {} });
  const pathsOf = (env: Environment) => goose.plan({ profile, env, model: 'm', evidence: [] }).files.map((f) => f.path);

  it('Windows: %APPDATA%\\Block\\goose\\config, the key through the PowerShell profile', () => {
    const env: Environment = { platform: 'win32', home: 'C:\\Users\\u', env: { USERPROFILE: 'C:\\Users\\u', APPDATA: 'D:\\Roaming' }, wsl: false };
    expect(gooseConfigDir(env)).toBe('D:\\Roaming\\Block\\goose\\config');
    expect(pathsOf(env)).toEqual([
      'D:\\Roaming\\Block\\goose\\config\\custom_providers\\setup_gateway.json',
      'D:\\Roaming\\Block\\goose\\config\\config.yaml',
      'C:\\Users\\u\\.config\\setup-gateway\\env\\goose.ps1',
      'C:\\Users\\u\\Documents\\PowerShell\\Microsoft.PowerShell_profile.ps1',
      'C:\\Users\\u\\Documents\\WindowsPowerShell\\Microsoft.PowerShell_profile.ps1',
    ]);
  });

  it('macOS uses ~/.config/goose like Linux (XDG), XDG_CONFIG_HOME and GOOSE_PATH_ROOT move it', () => {
    expect(gooseConfigDir({ platform: 'darwin', home: '/Users/u', env: {}, wsl: false })).toBe('/Users/u/.config/goose');
    expect(gooseConfigDir({ platform: 'linux', home: '/h', env: { XDG_CONFIG_HOME: '/x' }, wsl: false })).toBe('/x/goose');
    expect(gooseConfigDir({ platform: 'linux', home: '/h', env: { GOOSE_PATH_ROOT: '/root-dir', XDG_CONFIG_HOME: '/x' }, wsl: false })).toBe('/root-dir/config');
    expect(gooseConfigDir({ platform: 'linux', home: '/h', env: { GOOSE_PATH_ROOT: 'relative' }, wsl: false })).toBe('/h/.config/goose');
  });
});

describe('goose: detection', () => {
  it('linux: the goose binary and ~/.config/goose', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '/home/u/.local/bin' }, wsl: false };
    const d = await detectOne(goose, env, memoryProbe({ '/home/u/.local/bin/goose': { exec: '' }, '/home/u/.config/goose/config.yaml': 'x' }));
    expect(d.evidence).toEqual([
      { kind: 'binary', path: '/home/u/.local/bin/goose' },
      { kind: 'path', path: '/home/u/.config/goose' },
    ]);
  });

  it('darwin: ~/.config/goose, not ~/Library', async () => {
    const env: Environment = { platform: 'darwin', home: '/Users/u', env: { PATH: '' }, wsl: false };
    const found = await detectOne(goose, env, memoryProbe({ '/Users/u/.config/goose/config.yaml': 'x' }));
    expect(found.evidence).toEqual([{ kind: 'path', path: '/Users/u/.config/goose' }]);
    const notThere = await detectOne(goose, env, memoryProbe({ '/Users/u/Library/Application Support/Block/goose/x': 'x' }));
    expect(notThere.found).toBe(false);
  });

  it('win32: goose.exe on Path and %APPDATA%\\Block\\goose\\config', async () => {
    const env: Environment = {
      platform: 'win32',
      home: 'C:\\Users\\u',
      env: { Path: 'C:\\Tools', PATHEXT: '.EXE;.CMD', APPDATA: 'C:\\Users\\u\\AppData\\Roaming' },
      wsl: false,
    };
    const d = await detectOne(goose, env, memoryProbe({ 'C:\\Tools\\goose.exe': '', 'C:\\Users\\u\\AppData\\Roaming\\Block\\goose\\config\\config.yaml': 'x' }));
    expect(d.evidence).toEqual([
      { kind: 'binary', path: 'C:\\Tools\\goose.exe' },
      { kind: 'path', path: 'C:\\Users\\u\\AppData\\Roaming\\Block\\goose\\config' },
    ]);
  });

  it('WSL: the Linux side only (a Windows Goose keeps its own config under %APPDATA%)', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '/usr/bin' }, wsl: true, windowsHome: '/mnt/c/Users/u' };
    const d = await detectOne(goose, env, memoryProbe({ '/mnt/c/Users/u/AppData/Roaming/Block/goose/config/config.yaml': 'x', '/usr/bin/goose': { exec: '' } }));
    expect(d.evidence).toEqual([{ kind: 'binary', path: '/usr/bin/goose' }]);
  });
});

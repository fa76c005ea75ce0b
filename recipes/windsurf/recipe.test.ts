// Windsurf: no custom endpoint exists; the steps point at an extension inside Windsurf, with
// the gateway values filled in. Detection on every platform.
import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRecipe } from '../index.js';
import { EXTENSION_RECIPES, windsurf } from './recipe.js';
import { detectOne } from '../../src/core/detect.js';
import type { Environment } from '../../src/core/environment.js';
import { memoryProbe } from '../../test/support/memory-probe.js';
import { runCli } from '../../test/support/run-cli.js';
import { makeTempHome, type TempHome } from '../../test/support/temp-home.js';

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome();
});
afterEach(() => t.cleanup());

describe('windsurf: apply', () => {
  it('returns status manual: why, then Cline / Roo Code / Continue with the gateway values; writes nothing', async () => {
    const run = await runCli(['apply', '--base-url', 'https://gw.example.com', '--key', 'sk-wind-"x"-4321', '--agent', 'windsurf', '--model', 'gw-model', '--json'], {
      env: t.env,
    });
    expect(run.code).toBe(0);
    const [agent] = JSON.parse(run.stdout).agents;
    expect(agent).toMatchObject({ id: 'windsurf', status: 'manual', files: [] });
    expect(agent.manual.why).toMatch(/no setting for a custom base URL/);
    const steps = agent.manual.steps.join('\n');
    for (const ext of ['saoudrizwan.claude-dev', 'RooVeterinaryInc.roo-cline', 'Continue.continue']) expect(steps).toContain(ext);
    expect(steps).toContain('https://gw.example.com/v1');
    expect(steps).toContain('gw-model');
    expect(steps).toContain('sk-…4321');
    expect(run.stdout).not.toContain('"x"');
    expect(steps).toContain('--agent cline (or --agent roo-code)');
    expect(await readdir(t.home)).toEqual([]);
  });

  it('names only recipes that exist', () => {
    for (const id of EXTENSION_RECIPES) expect(findRecipe(id), id).toBeDefined();
  });
});

describe('windsurf: detection', () => {
  it('linux: the windsurf command, ~/.codeium/windsurf, ~/.config/Windsurf, ~/.windsurf', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '/usr/bin' }, wsl: false };
    const d = await detectOne(
      windsurf,
      env,
      memoryProbe({
        '/usr/bin/windsurf': { exec: '' },
        '/home/u/.codeium/windsurf/mcp_config.json': '{}',
        '/home/u/.config/Windsurf/User/settings.json': '{}',
        '/home/u/.windsurf/extensions/x': 'x',
      }),
    );
    expect(d.evidence).toEqual([
      { kind: 'binary', path: '/usr/bin/windsurf' },
      { kind: 'path', path: '/home/u/.codeium/windsurf' },
      { kind: 'path', path: '/home/u/.config/Windsurf' },
      { kind: 'path', path: '/home/u/.windsurf' },
    ]);
  });

  it('darwin: the app bundle', async () => {
    const env: Environment = { platform: 'darwin', home: '/Users/u', env: { PATH: '' }, wsl: false };
    const d = await detectOne(windsurf, env, memoryProbe({ '/Applications/Windsurf.app/Contents/Info.plist': 'x' }));
    expect(d.evidence).toEqual([{ kind: 'path', path: '/Applications/Windsurf.app' }]);
  });

  it('win32: %USERPROFILE%\\.codeium\\windsurf and %APPDATA%\\Windsurf', async () => {
    const env: Environment = { platform: 'win32', home: 'C:\\Users\\u', env: { Path: '', APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, wsl: false };
    const d = await detectOne(windsurf, env, memoryProbe({ 'C:\\Users\\u\\.codeium\\windsurf\\x': 'x', 'C:\\Users\\u\\AppData\\Roaming\\Windsurf\\User\\x': 'x' }));
    expect(d.evidence).toEqual([
      { kind: 'path', path: 'C:\\Users\\u\\.codeium\\windsurf' },
      { kind: 'path', path: 'C:\\Users\\u\\AppData\\Roaming\\Windsurf' },
    ]);
  });

  it('WSL: the Windows Windsurf through /mnt/c', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '' }, wsl: true, windowsHome: '/mnt/c/Users/u' };
    const d = await detectOne(windsurf, env, memoryProbe({ '/mnt/c/Users/u/.codeium/windsurf/x': 'x', '/mnt/c/Users/u/AppData/Roaming/Windsurf/User/x': 'x' }));
    expect(d.evidence).toEqual([
      { kind: 'path', path: '/mnt/c/Users/u/.codeium/windsurf' },
      { kind: 'path', path: '/mnt/c/Users/u/AppData/Roaming/Windsurf' },
    ]);
  });
});

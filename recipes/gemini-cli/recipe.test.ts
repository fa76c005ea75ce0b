// Gemini CLI: it speaks only the Gemini API, so `manual` with the reason; nothing is written.
import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { geminiCli } from './recipe.js';
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

describe('gemini-cli: apply', () => {
  it('returns status manual explaining the missing Gemini-API relay; writes nothing, masks the key', async () => {
    const run = await runCli(['apply', '--base-url', 'https://gw.example.com', '--key', 'sk-gem-"x"-5555', '--agent', 'gemini-cli', '--json'], { env: t.env });
    expect(run.code).toBe(0);
    const [agent] = JSON.parse(run.stdout).agents;
    expect(agent).toMatchObject({ id: 'gemini-cli', status: 'manual', files: [] });
    expect(agent.manual.why).toMatch(/only Google's Gemini API.*relay/);
    expect(agent.manual.steps.join('\n')).toContain('GOOGLE_GEMINI_BASE_URL');
    expect(run.stdout).toContain('sk-…5555');
    expect(run.stdout).not.toContain('"x"');
    expect(await readdir(t.home)).toEqual([]);
  });

  it('is listed by `recipes` as speaking the gemini protocol, with manual steps', async () => {
    const doc = JSON.parse((await runCli(['recipes', '--json'], { env: t.env })).stdout);
    expect(doc.recipes.find((r: { id: string }) => r.id === 'gemini-cli')).toMatchObject({ protocol: 'gemini', files: [], manual: { why: expect.any(String) } });
  });
});

describe('gemini-cli: detection', () => {
  const probe = (files: Record<string, string | { exec: string }>) => memoryProbe(files);

  it('linux: the gemini command (npm, with its version) and ~/.gemini', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '/home/u/.npm/bin' }, wsl: false };
    const d = await detectOne(
      geminiCli,
      env,
      memoryProbe({
        '/home/u/.npm/bin/gemini': { link: '/home/u/.npm/lib/node_modules/@google/gemini-cli/dist/index.js' },
        '/home/u/.npm/lib/node_modules/@google/gemini-cli/dist/index.js': { exec: '' },
        '/home/u/.npm/lib/node_modules/@google/gemini-cli/package.json': '{"version":"0.61.0","bin":{"gemini":"dist/index.js"}}',
        '/home/u/.gemini/settings.json': '{}',
      }),
    );
    expect(d.evidence).toEqual([
      { kind: 'binary', path: '/home/u/.npm/bin/gemini', version: '0.61.0' },
      { kind: 'path', path: '/home/u/.gemini' },
    ]);
  });

  it('darwin and GEMINI_CLI_HOME: $GEMINI_CLI_HOME/.gemini', async () => {
    const env: Environment = { platform: 'darwin', home: '/Users/u', env: { PATH: '', GEMINI_CLI_HOME: '/work/gem' }, wsl: false };
    const d = await detectOne(geminiCli, env, probe({ '/work/gem/.gemini/settings.json': '{}', '/Users/u/.gemini/settings.json': '{}' }));
    expect(d.evidence).toEqual([{ kind: 'path', path: '/work/gem/.gemini' }]);
  });

  it('win32: gemini.cmd and %USERPROFILE%\\.gemini', async () => {
    const env: Environment = { platform: 'win32', home: 'C:\\Users\\u', env: { Path: 'C:\\npm', PATHEXT: '.CMD' }, wsl: false };
    const d = await detectOne(geminiCli, env, probe({ 'C:\\npm\\gemini.cmd': '', 'C:\\Users\\u\\.gemini\\x': 'x' }));
    expect(d.evidence).toEqual([
      { kind: 'binary', path: 'C:\\npm\\gemini.cmd' },
      { kind: 'path', path: 'C:\\Users\\u\\.gemini' },
    ]);
  });

  it('WSL: the Linux ~/.gemini (a Windows install is a separate CLI)', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '' }, wsl: true, windowsHome: '/mnt/c/Users/u' };
    expect((await detectOne(geminiCli, env, probe({ '/mnt/c/Users/u/.gemini/x': 'x' }))).found).toBe(false);
    expect((await detectOne(geminiCli, env, probe({ '/home/u/.gemini/x': 'x' }))).found).toBe(true);
  });
});

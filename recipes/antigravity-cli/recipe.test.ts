// Antigravity CLI: no custom endpoint exists; the steps point at Gemini CLI with the gateway values
// filled in, and nothing is written. Detection.
import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findRecipe } from '../index.js';
import { antigravityCli } from './recipe.js';
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

describe('antigravity-cli: apply', () => {
  it('returns status manual: why, then the gemini-cli apply command with the gateway filled in; writes nothing (no relay state either)', async () => {
    const run = await runCli(['apply', '--base-url', 'https://gw.example.com/v1', '--key', 'sk-agy-"x"-4321', '--agent', 'antigravity-cli', '--model', 'gw-model', '--json'], { env: t.env });
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as { agents: Array<{ id: string; status: string; files: string[]; manual: { why: string; steps: string[] } }> };
    const [agent] = doc.agents;
    expect(agent).toMatchObject({ id: 'antigravity-cli', status: 'manual', files: [] });
    expect(agent?.manual.why).toContain('no setting for a custom endpoint or an API key');
    expect(agent?.manual.steps.join('\n')).toContain('setup-gateway apply --base-url https://gw.example.com --agent gemini-cli --model gw-model');
    expect(run.stdout).not.toContain('"x"');
    expect(await readdir(t.home)).toEqual([]);
  });

  it('points at a recipe that exists', () => {
    expect(findRecipe('gemini-cli')?.protocol).toBe('gemini');
  });
});

describe('antigravity-cli: detection', () => {
  it('linux: the agy binary and ~/.gemini/antigravity-cli', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '/home/u/.local/bin' }, wsl: false };
    const d = await detectOne(antigravityCli, env, memoryProbe({ '/home/u/.local/bin/agy': { exec: '' }, '/home/u/.gemini/antigravity-cli/mcp_config.json': '{}' }));
    expect(d.evidence).toEqual([
      { kind: 'binary', path: '/home/u/.local/bin/agy' },
      { kind: 'path', path: '/home/u/.gemini/antigravity-cli' },
    ]);
  });

  it('win32: agy.exe', async () => {
    const env: Environment = { platform: 'win32', home: 'C:\\Users\\u', env: { Path: 'C:\\Tools', PATHEXT: '.EXE;.CMD' }, wsl: false };
    expect((await detectOne(antigravityCli, env, memoryProbe({ 'C:\\Tools\\agy.exe': '' }))).evidence).toEqual([{ kind: 'binary', path: 'C:\\Tools\\agy.exe' }]);
  });
});

// GitHub Copilot CLI: its four BYOK variables in every new shell (a real bash reads them back byte
// for byte, even a key full of shell syntax), the key only in the private env files, the user's
// startup file kept, idempotency, undo, detection.
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copilotCli } from './recipe.js';
import { detectOne } from '../../src/core/detect.js';
import type { Environment } from '../../src/core/environment.js';
import { memoryProbe } from '../../test/support/memory-probe.js';
import { runProcess } from '../../test/support/run-agent.js';
import { runCli } from '../../test/support/run-cli.js';
import { makeTempHome, type TempHome } from '../../test/support/temp-home.js';
import { read, tree, undo } from '../../test/support/recipe-helpers.js';

const KEY = `sk-'q"#$HOME\\n\`id\`$(id)\${x}!-1234`;
const apply = (t: TempHome, ...extra: string[]) =>
  runCli(['apply', '--base-url', 'https://gw.example.com/', '--key', KEY, '--agent', 'copilot-cli', '--model', 'gw/model-1', ...extra], { env: t.env });
const PRINT = 'printf "%s|%s|%s|%s" "$COPILOT_PROVIDER_BASE_URL" "$COPILOT_PROVIDER_TYPE" "$COPILOT_PROVIDER_API_KEY" "$COPILOT_MODEL"';
const ENV_FILE = path.join('.config', 'setup-gateway', 'env', 'copilot-cli.sh');

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome({ SHELL: '/bin/bash' });
});
afterEach(() => t.cleanup());

const bash = () => runProcess('bash', ['-ic', PRINT], { cwd: t.home, env: { HOME: t.home, PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeoutMs: 20_000 });

describe('copilot-cli: apply', () => {
  it('a new interactive bash sees COPILOT_PROVIDER_BASE_URL (…/v1), the type, the key and the model, byte for byte; the key stays out of .bashrc', async () => {
    const run = await apply(t);
    expect(run.code, run.stderr).toBe(0);
    expect((await bash()).stdout).toBe(`https://gw.example.com/v1|openai|${KEY}|gw/model-1`);
    expect(await read(t.home, '.bashrc')).not.toContain('sk-');
    expect((await stat(path.join(t.home, ENV_FILE))).mode & 0o777).toBe(0o600);
    expect(run.stdout).not.toContain(`'q"#`);
    expect(run.stdout).toContain('Open a new terminal');
  });

  it("keeps the user's .bashrc; a second run changes nothing; undo puts it back byte for byte and removes the env files", async () => {
    const mine = '# my bashrc\nexport SG_MINE=1\n';
    await writeFile(path.join(t.home, '.bashrc'), mine);
    expect((await apply(t)).code).toBe(0);
    const after = await read(t.home, '.bashrc');
    expect(after.startsWith(mine)).toBe(true);
    const files = await tree(t.home);
    expect((JSON.parse((await apply(t, '--json')).stdout) as { agents: Array<{ status: string }> }).agents[0]?.status).toBe('unchanged');
    expect(await tree(t.home)).toEqual(files);

    expect((await undo(t.env)).code).toBe(0);
    expect(await readFile(path.join(t.home, '.bashrc'), 'utf8')).toBe(mine);
    expect(Object.keys(await tree(t.home))).toEqual(['.bashrc']);
  });

  it('a model change rewrites COPILOT_MODEL only', async () => {
    await apply(t);
    expect((await apply(t, '--model', 'copilot-cli=other')).code).toBe(0);
    expect((await bash()).stdout).toBe(`https://gw.example.com/v1|openai|${KEY}|other`);
  });
});

describe('copilot-cli: detection', () => {
  it('linux: the copilot binary and ~/.copilot (COPILOT_HOME)', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '/usr/bin' }, wsl: false };
    const d = await detectOne(copilotCli, env, memoryProbe({ '/usr/bin/copilot': { exec: '' }, '/home/u/.copilot/config.json': '{}' }));
    expect(d.evidence).toEqual([
      { kind: 'binary', path: '/usr/bin/copilot' },
      { kind: 'path', path: '/home/u/.copilot' },
    ]);
    const moved: Environment = { ...env, env: { PATH: '/usr/bin', COPILOT_HOME: '/data/copilot' } };
    expect((await detectOne(copilotCli, moved, memoryProbe({ '/data/copilot/settings.json': '{}' }))).evidence).toEqual([{ kind: 'path', path: '/data/copilot' }]);
  });

  it('win32: copilot.cmd, and the PowerShell env file', async () => {
    const env: Environment = { platform: 'win32', home: 'C:\\Users\\u', env: { Path: 'C:\\Tools', PATHEXT: '.EXE;.CMD', USERPROFILE: 'C:\\Users\\u' }, wsl: false };
    const d = await detectOne(copilotCli, env, memoryProbe({ 'C:\\Tools\\copilot.cmd': '' }));
    expect(d.evidence).toEqual([{ kind: 'binary', path: 'C:\\Tools\\copilot.cmd' }]);
    const files = copilotCli.plan({ profile: { urls: { anthropic: 'https://gw', openai: 'https://gw/v1', isLoopback: false }, key: 'k', model: 'm', models: {} }, model: 'm', env, evidence: [] }).files;
    expect(files.map((f) => f.path)[0]).toMatch(/setup-gateway\\env\\copilot-cli\.ps1$/);
  });
});

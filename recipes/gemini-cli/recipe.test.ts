// Gemini CLI: ~/.gemini/.env (a managed block, 0600) and the one auth key in ~/.gemini/settings.json,
// format kept, idempotent, undone byte for byte; GEMINI_CLI_HOME; detection.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { geminiCli } from './recipe.js';
import { detectOne } from '../../src/core/detect.js';
import type { Environment } from '../../src/core/environment.js';
import { createProfile } from '../../src/core/profile.js';
import { relayProfile } from '../../src/core/relay-target.js';
import { memoryProbe } from '../../test/support/memory-probe.js';
import { makeTempHome, type TempHome } from '../../test/support/temp-home.js';
import { applier, BASE, KEY, modeOf, put, read, tree, undo } from '../../test/support/recipe-helpers.js';
import { runCli } from '../../test/support/run-cli.js';

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome();
});
afterEach(() => t.cleanup());

const apply = applier({ agent: 'gemini-cli', model: 'gw/model-1' });
const ENV = path.join('.gemini', '.env');
const SETTINGS = path.join('.gemini', 'settings.json');
/** KEY in the dotenv dialect: double quotes, with `\\`, `\"` and `\$` escaped. */
const quoted = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$')}"`;

describe('gemini-cli: apply', () => {
  it('writes the .env block (0600) and selectedType gemini-api-key; nothing else; unchanged the second time', async () => {
    const run = await apply(t.env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.doc.agents).toEqual([expect.objectContaining({ id: 'gemini-cli', status: 'updated', files: [path.join(t.home, ENV), path.join(t.home, SETTINGS)] })]);
    expect(await read(t.home, ENV)).toBe(
      [
        '# >>> setup-gateway >>>',
        '# Written by setup-gateway: changes inside this block are replaced on the next run.',
        'GOOGLE_GEMINI_BASE_URL="https://gw.example.com"',
        `GEMINI_API_KEY=${quoted(KEY)}`,
        'GEMINI_MODEL="gw/model-1"',
        '# <<< setup-gateway <<<',
        '',
      ].join('\n'),
    );
    expect(await modeOf(t.home, ENV)).toBe(0o600);
    expect(JSON.parse(await read(t.home, SETTINGS))).toEqual({ security: { auth: { selectedType: 'gemini-api-key' } } });
    expect(Object.keys(await tree(t.home)).sort()).toEqual([ENV, SETTINGS].sort());
    expect(run.doc.agents[0]?.notes.join('\n')).toContain('only in folders you trust');
    expect(run.stdout).not.toContain(`q'#`);
    expect((await apply(t.env)).doc.agents[0]?.status).toBe('unchanged');
  });

  it("changes only the auth key of Gemini CLI's own settings.json (a login replaced, the rest kept) and keeps the user's .env lines; undo restores both", async () => {
    const settings = '{\n  "general": { "vimMode": true },\n  "security": {\n    "auth": { "selectedType": "oauth-personal" },\n    "folderTrust": { "enabled": true }\n  }\n}\n';
    const dotenv = 'GOOGLE_CLOUD_PROJECT=my-proj\n';
    await put(t.home, SETTINGS, settings, 0o644);
    await put(t.home, ENV, dotenv, 0o644);
    const run = await apply(t.env);
    expect(run.code).toBe(0);
    expect(await read(t.home, SETTINGS)).toBe(settings.replace('"oauth-personal"', '"gemini-api-key"'));
    const env = await read(t.home, ENV);
    expect(env.startsWith(dotenv)).toBe(true);
    expect(env).toContain('GOOGLE_GEMINI_BASE_URL="https://gw.example.com"');
    expect(await modeOf(t.home, ENV)).toBe(0o600);
    expect((await undo(t.env)).code).toBe(0);
    expect(await read(t.home, SETTINGS)).toBe(settings);
    expect(await read(t.home, ENV)).toBe(dotenv);
  });

  it('without a model, no GEMINI_MODEL; GEMINI_CLI_HOME moves the folder', async () => {
    const home = path.join(t.home, 'elsewhere');
    const env: Environment = { ...t.env, env: { ...t.env.env, GEMINI_CLI_HOME: home } };
    const run = await runCli(['apply', '--base-url', BASE, '--key', KEY, '--agent', 'gemini-cli', '--json'], { env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const text = await read(home, ENV);
    expect(text).not.toContain('GEMINI_MODEL');
    expect(text).toContain('GEMINI_API_KEY=');
  });

  it('through the relay: the relay root and the local token (the gateway key never in the file)', () => {
    const profile = relayProfile(createProfile({ baseUrl: 'https://gw.example.com/v1', key: 'sk-real-gateway-1234' }), 'http://127.0.0.1:4850', 'relay-local-token-1234');
    const plan = geminiCli.plan({ profile, model: undefined, env: t.env, evidence: [] });
    const block = plan.files[0];
    expect(block?.kind === 'block' && block.block?.vars).toEqual([
      { name: 'GOOGLE_GEMINI_BASE_URL', value: 'http://127.0.0.1:4850' },
      { name: 'GEMINI_API_KEY', value: 'relay-local-token-1234' },
    ]);
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

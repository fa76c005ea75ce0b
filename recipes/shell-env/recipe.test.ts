// shell-env: only when named; new shells (real bash, and zsh/fish when installed) see the
// variables exactly, even a key full of shell metacharacters; the user's startup files are kept.
import { copyFile, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shellEnv } from './recipe.js';
import { detectOne } from '../../src/core/detect.js';
import type { Environment } from '../../src/core/environment.js';
import { memoryProbe } from '../../test/support/memory-probe.js';
import { hasShell, runProcess } from '../../test/support/run-agent.js';
import { runCli } from '../../test/support/run-cli.js';
import { makeTempHome, type TempHome } from '../../test/support/temp-home.js';
import { fixturePath } from '../../test/support/recipe-helpers.js';

// Every character a shell could take for syntax: quotes, comment, expansion, escape, command substitution.
const KEY = `sk-'q"#$HOME\\n\`id\`$(id)\${x}!-1234`;
const URL = 'https://gw.example.com/v1';
const apply = (t: TempHome, ...extra: string[]) => runCli(['apply', '--base-url', 'https://gw.example.com/', '--key', KEY, '--agent', 'shell-env', ...extra], { env: t.env });

const PRINT = 'printf "%s|%s|%s" "$OPENAI_BASE_URL" "$OPENAI_API_BASE" "$OPENAI_API_KEY"';
const EXPECTED = `${URL}|${URL}|${KEY}`;

/** A new shell as a terminal would start it: HOME is the temp home, nothing inherited. */
const inShell = (t: TempHome, shell: string, args: string[]) =>
  runProcess(shell, args, { cwd: t.home, env: { HOME: t.home, PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeoutMs: 20_000 });

let t: TempHome;
afterEach(() => t.cleanup());

describe('shell-env: bash', () => {
  beforeEach(async () => {
    t = await makeTempHome({ SHELL: '/bin/bash' });
  });

  it('a new interactive bash sees OPENAI_BASE_URL, OPENAI_API_BASE (…/v1) and the key, byte for byte', async () => {
    const run = await apply(t);
    expect(run.code).toBe(0);
    const r = await inShell(t, 'bash', ['-ic', PRINT]);
    expect(r.stdout).toBe(EXPECTED);
    // Only the login shell's file was created: no .zshrc, no fish file for someone without fish.
    expect((await readdir(t.home)).sort()).toEqual(['.bashrc', '.config', '.local']);
    expect(await readdir(path.join(t.home, '.config'))).toEqual(['setup-gateway']);
  });

  it('the key lives only in the 0600 env files, never in .bashrc; output is masked', async () => {
    const run = await apply(t);
    expect(run.stdout).toMatch(/shell-env\s+updated/);
    const bashrc = await readFile(path.join(t.home, '.bashrc'), 'utf8');
    expect(bashrc).not.toContain('sk-');
    for (const f of ['shell-env.sh', 'shell-env.fish']) {
      const file = path.join(t.home, '.config', 'setup-gateway', 'env', f);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    }
    expect(run.stdout).not.toContain(`'q"#`);
    expect(run.stdout).toContain('sk-…1234');
  });

  it('--dry-run shows the env files and the loader as diffs, the key masked in its shell spelling; writes nothing', async () => {
    const run = await apply(t, '--dry-run');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("+export OPENAI_API_KEY='sk-…1234'");
    expect(run.stdout).toContain('+++ ~/.bashrc');
    expect(run.stdout).not.toContain('q\'\\\'\'');
    expect(run.stdout).not.toContain('$(id)');
    expect(await readdir(t.home)).toEqual([]);
  });

  it("appends to the user's .bashrc (no final newline) and keeps every byte of it", async () => {
    await copyFile(fixturePath('shell-env', 'bashrc-no-final-newline'), path.join(t.home, '.bashrc'));
    const before = await readFile(path.join(t.home, '.bashrc'), 'utf8');
    await apply(t);
    const after = await readFile(path.join(t.home, '.bashrc'), 'utf8');
    expect(after.startsWith(`${before}\n\n# >>> setup-gateway >>>\n`)).toBe(true);
    // The user's guard for non-interactive shells still comes first, and their variable survives.
    const r = await inShell(t, 'bash', ['-ic', `${PRINT}; printf "|%s" "$SG_USER_VAR"`]);
    expect(r.stdout).toBe(`${EXPECTED}|mine`);
  });

  it('a second run changes nothing; undo puts .bashrc back byte for byte', async () => {
    await writeFile(path.join(t.home, '.bashrc'), 'export A=1\n');
    const first = JSON.parse((await apply(t, '--json')).stdout);
    const second = JSON.parse((await apply(t, '--json')).stdout);
    expect(second.agents[0].status).toBe('unchanged');
    expect((await runCli(['undo', '--id', first.runId], { env: t.env })).code).toBe(0);
    expect(await readFile(path.join(t.home, '.bashrc'), 'utf8')).toBe('export A=1\n');
    const r = await inShell(t, 'bash', ['-ic', PRINT]);
    expect(r.stdout).toBe('||');
  });
});

describe('shell-env: over the shell corpus as ~/.bashrc', () => {
  const CORPUS = path.join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'corpus', 'shell');
  beforeEach(async () => {
    t = await makeTempHome({ SHELL: '/bin/bash' });
  });

  const BLOCK = /# >>> setup-gateway >>>\r?\n[\s\S]*?# <<< setup-gateway <<<\r?\n?/;

  for (const fixture of ['bashrc', 'empty', 'no-final-newline', 'profile-crlf', 'zshrc-with-block']) {
    it(`${fixture}: the loader block goes in, every other byte stays, undo restores it exactly`, async () => {
      const before = await readFile(path.join(CORPUS, fixture), 'utf8');
      await writeFile(path.join(t.home, '.bashrc'), before);
      const run = JSON.parse((await apply(t, '--json')).stdout);
      expect(run.agents[0].status).toBe('updated');
      const after = await readFile(path.join(t.home, '.bashrc'), 'utf8');
      const block = BLOCK.exec(after)?.[0] ?? '';
      expect(block).toContain('/*.sh; do');
      expect(block).not.toContain('OLD_VAR');
      // Outside the block: the user's text, with at most a line break and a blank line added before it.
      const user = before.replace(BLOCK, '');
      expect(after.replace(BLOCK, '').replace(/(\r?\n){0,2}$/, '')).toBe(user.replace(/(\r?\n){0,2}$/, ''));
      if (before.includes('\r\n')) expect(block).toMatch(/\r\n$/);
      expect((await runCli(['undo', '--id', run.runId], { env: t.env })).code).toBe(0);
      expect(await readFile(path.join(t.home, '.bashrc'), 'utf8')).toBe(before);
    });
  }

  for (const fixture of ['two-blocks', 'unterminated']) {
    it(`${fixture}: refused with a clear message, the file untouched, nothing else written`, async () => {
      const before = await readFile(path.join(CORPUS, fixture), 'utf8');
      await writeFile(path.join(t.home, '.bashrc'), before);
      const run = await apply(t);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/shell-env\s+failed/);
      expect(run.stdout).toMatch(/setup-gateway block|marker/);
      expect(await readFile(path.join(t.home, '.bashrc'), 'utf8')).toBe(before);
      await expect(stat(path.join(t.home, '.config', 'setup-gateway', 'env', 'shell-env.sh'))).rejects.toThrow();
    });
  }
});

describe('shell-env: only when asked for', () => {
  beforeEach(async () => {
    t = await makeTempHome({ SHELL: '/bin/bash' });
  });

  it('apply without --agent never selects it, even once it is set up (and "found")', async () => {
    await apply(t);
    const d = await runCli(['detect', '--json'], { env: t.env });
    expect(JSON.parse(d.stdout).agents.find((a: { id: string }) => a.id === 'shell-env')).toMatchObject({ found: true, explicitOnly: true });
    // Nothing else is installed in this home: auto-detection finds no agent to configure.
    const auto = await runCli(['apply', '--base-url', 'https://other.example.com', '--key', 'sk-other-9999'], { env: t.env });
    expect(auto.code).toBe(1);
    expect(auto.stderr).toMatch(/No supported agent was detected/);
    expect(await readFile(path.join(t.home, '.config', 'setup-gateway', 'env', 'shell-env.sh'), 'utf8')).not.toContain('other.example.com');
  });

  it('apply without --agent configures the detected agents and leaves shell-env out', async () => {
    await mkdir(path.join(t.home, '.codex'));
    const run = await runCli(['apply', '--base-url', 'https://gw.example.com', '--key', 'sk-auto-0000', '--model', 'm', '--json'], { env: t.env });
    expect(JSON.parse(run.stdout).agents.map((a: { id: string }) => a.id)).toEqual(['codex']);
    await expect(stat(path.join(t.home, '.config', 'setup-gateway', 'env', 'shell-env.sh'))).rejects.toThrow();
  });

  it('detect says how to ask for it', async () => {
    const d = await runCli(['detect'], { env: t.env });
    expect(d.stdout).toMatch(/shell-env\s+.*\(only with --agent shell-env\)/);
  });

  it('detection: its env file is the evidence, on posix and Windows', async () => {
    const linux: Environment = { platform: 'linux', home: '/h', env: { PATH: '' }, wsl: false };
    expect((await detectOne(shellEnv, linux, memoryProbe({ '/h/.config/setup-gateway/env/shell-env.sh': 'x' }))).evidence).toEqual([
      { kind: 'path', path: '/h/.config/setup-gateway/env/shell-env.sh' },
    ]);
    const win: Environment = { platform: 'win32', home: 'C:\\Users\\u', env: { Path: '' }, wsl: false };
    expect((await detectOne(shellEnv, win, memoryProbe({ 'C:\\Users\\u\\.config\\setup-gateway\\env\\shell-env.ps1': 'x' }))).found).toBe(true);
  });
});

describe.skipIf(!hasShell('zsh'))('shell-env: zsh', () => {
  beforeEach(async () => {
    t = await makeTempHome({ SHELL: '/usr/bin/zsh' });
  });

  it('a new interactive zsh sees the variables; ZDOTDIR is honoured', async () => {
    const zdot = path.join(t.home, 'zdot');
    await mkdir(zdot);
    t.env = { ...t.env, env: { ...t.env.env, ZDOTDIR: zdot } };
    await apply(t);
    const r = await runProcess('zsh', ['-ic', PRINT], {
      cwd: t.home,
      env: { HOME: t.home, ZDOTDIR: zdot, PATH: process.env.PATH ?? '/usr/bin:/bin' },
      timeoutMs: 20_000,
    });
    expect(r.stdout).toBe(EXPECTED);
    expect(r.stderr).not.toContain('no matches');
    await expect(stat(path.join(t.home, '.bashrc'))).rejects.toThrow();
  });
});

describe.skipIf(!hasShell('fish'))('shell-env: fish', () => {
  beforeEach(async () => {
    t = await makeTempHome({ SHELL: '/usr/bin/fish' });
  });

  it('a new fish sees the variables through conf.d', async () => {
    await apply(t);
    const r = await inShell(t, 'fish', ['-c', PRINT]);
    expect(r.stdout).toBe(EXPECTED);
  });
});

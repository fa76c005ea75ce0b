// src/core/shell.ts: which startup files get the loader on each platform, what the planner does
// with them (rc files of unused shells stay absent, bash's login chain on macOS), and that the
// loader lines really load the env files in real shells (bash always; zsh and fish when present).
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Environment } from '../../src/core/environment.js';
import { planAgent } from '../../src/core/plan.js';
import { createProfile } from '../../src/core/profile.js';
import type { FileIntent, Recipe } from '../../src/core/recipe.js';
import { envDir, envFile, loaderLine, shellEnvIntents } from '../../src/core/shell.js';
import { takeSnapshot } from '../../src/core/snapshot.js';
import { renderBlock } from '../../src/formats/block.js';
import { hasShell, runProcess } from '../support/run-agent.js';

const VARS = [{ name: 'SG_TEST_KEY', value: 'v' }];

/** Path, dialect and flags of each intent, for compact assertions. */
function summary(intents: FileIntent[]) {
  return intents.map((f) => {
    if (f.kind !== 'block') throw new Error('shell intents are blocks');
    return {
      path: f.path,
      dialect: f.block?.dialect,
      onlyIfExists: f.onlyIfExists ?? false,
      holdsSecret: f.holdsSecret,
      ...(f.preferExisting ? { preferExisting: f.preferExisting } : {}),
    };
  });
}

const linux = (env: Record<string, string>, home = '/home/u'): Environment => ({ platform: 'linux', home, env: { HOME: home, ...env }, wsl: false });

describe('shellEnvIntents: which files', () => {
  it('linux, bash login shell: env files for sh and fish (0600), .bashrc created, other shells only if present', () => {
    expect(summary(shellEnvIntents(linux({ SHELL: '/bin/bash' }), 'goose', VARS, true))).toEqual([
      { path: '/home/u/.config/setup-gateway/env/goose.sh', dialect: 'posix', onlyIfExists: false, holdsSecret: true },
      { path: '/home/u/.config/setup-gateway/env/goose.fish', dialect: 'fish', onlyIfExists: false, holdsSecret: true },
      { path: '/home/u/.bashrc', dialect: 'posix', onlyIfExists: false, holdsSecret: false },
      { path: '/home/u/.zshrc', dialect: 'posix', onlyIfExists: true, holdsSecret: false },
      { path: '/home/u/.config/fish/conf.d/setup-gateway.fish', dialect: 'fish', onlyIfExists: true, holdsSecret: false },
    ]);
  });

  it('the env files hold the variables; the rc files only the loader, never a value', () => {
    const intents = shellEnvIntents(linux({ SHELL: '/bin/bash' }), 'goose', [{ name: 'K', value: 'secret-value' }], true);
    const blocks = intents.map((f) => (f.kind === 'block' ? f.block : null));
    expect(blocks[0]).toEqual({ dialect: 'posix', vars: [{ name: 'K', value: 'secret-value' }] });
    for (const b of blocks.slice(2)) {
      expect(b?.vars).toEqual([]);
      expect(JSON.stringify(b)).not.toContain('secret-value');
    }
  });

  it('zsh login shell: $ZDOTDIR/.zshrc is created, .bashrc only edited if present', () => {
    const files = summary(shellEnvIntents(linux({ SHELL: '/usr/bin/zsh', ZDOTDIR: '/home/u/.zsh' }), 'x', VARS, true));
    expect(files.find((f) => f.path === '/home/u/.zsh/.zshrc')).toMatchObject({ onlyIfExists: false });
    expect(files.find((f) => f.path === '/home/u/.bashrc')).toMatchObject({ onlyIfExists: true });
    expect(files.some((f) => f.path === '/home/u/.zshrc')).toBe(false);
  });

  it('a relative ZDOTDIR is ignored (zsh would resolve it against a cwd we cannot know)', () => {
    const files = summary(shellEnvIntents(linux({ SHELL: '/bin/zsh', ZDOTDIR: 'rel/dir' }), 'x', VARS, true));
    expect(files.some((f) => f.path === '/home/u/.zshrc')).toBe(true);
  });

  it('fish login shell: our conf.d file is created; XDG_CONFIG_HOME moves it and the env folder', () => {
    const env = linux({ SHELL: '/usr/bin/fish', XDG_CONFIG_HOME: '/xdg' });
    const files = summary(shellEnvIntents(env, 'x', VARS, true));
    expect(files.find((f) => f.path === '/xdg/fish/conf.d/setup-gateway.fish')).toMatchObject({ onlyIfExists: false });
    expect(envDir(env)).toBe('/xdg/setup-gateway/env');
    expect(files[0]?.path).toBe('/xdg/setup-gateway/env/x.sh');
  });

  it('an unknown or missing $SHELL creates no startup file at all', () => {
    for (const SHELL of [undefined, '/bin/tcsh']) {
      const files = summary(shellEnvIntents(linux(SHELL ? { SHELL } : {}), 'x', VARS, true));
      expect(files.slice(2).every((f) => f.onlyIfExists)).toBe(true);
    }
  });

  it("darwin: bash's login chain (.bash_profile, .bash_login, .profile) gets the loader; created only for bash users", () => {
    const darwin = (SHELL: string): Environment => ({ platform: 'darwin', home: '/Users/u', env: { HOME: '/Users/u', SHELL }, wsl: false });
    const chain = ['/Users/u/.bash_profile', '/Users/u/.bash_login', '/Users/u/.profile'];
    const zshUser = summary(shellEnvIntents(darwin('/bin/zsh'), 'x', VARS, true));
    expect(zshUser.find((f) => f.path === '/Users/u/.bash_profile')).toEqual({
      path: '/Users/u/.bash_profile',
      dialect: 'posix',
      onlyIfExists: true,
      holdsSecret: false,
      preferExisting: chain,
    });
    expect(zshUser.find((f) => f.path === '/Users/u/.zshrc')).toMatchObject({ onlyIfExists: false });
    const bashUser = summary(shellEnvIntents(darwin('/bin/bash'), 'x', VARS, true));
    expect(bashUser.find((f) => f.path === '/Users/u/.bash_profile')).toMatchObject({ onlyIfExists: false, preferExisting: chain });
    expect(bashUser.find((f) => f.path === '/Users/u/.bashrc')).toMatchObject({ onlyIfExists: false });
    // Linux terminals open non-login shells: no login file there.
    expect(summary(shellEnvIntents(linux({ SHELL: '/bin/bash' }), 'x', VARS, true)).some((f) => f.path.endsWith('.bash_profile'))).toBe(false);
  });

  it("win32: a .ps1 env file, PowerShell 7's profile created, Windows PowerShell 5.1's only if present", () => {
    const env: Environment = {
      platform: 'win32',
      home: 'C:\\Users\\u',
      env: { USERPROFILE: 'C:\\Users\\u', APPDATA: 'C:\\Users\\u\\AppData\\Roaming' },
      wsl: false,
    };
    expect(summary(shellEnvIntents(env, 'shell-env', VARS, true))).toEqual([
      { path: 'C:\\Users\\u\\.config\\setup-gateway\\env\\shell-env.ps1', dialect: 'powershell', onlyIfExists: false, holdsSecret: true },
      { path: 'C:\\Users\\u\\Documents\\PowerShell\\Microsoft.PowerShell_profile.ps1', dialect: 'powershell', onlyIfExists: false, holdsSecret: false },
      {
        path: 'C:\\Users\\u\\Documents\\WindowsPowerShell\\Microsoft.PowerShell_profile.ps1',
        dialect: 'powershell',
        onlyIfExists: true,
        holdsSecret: false,
      },
    ]);
  });

  it('refuses an owner that is not a plain file-name stem', () => {
    expect(() => envFile(linux({}), '../x', 'posix')).toThrow(/invalid env file owner/);
    expect(() => shellEnvIntents(linux({}), 'A B', VARS, true)).toThrow(/invalid env file owner/);
  });
});

describe('loader lines', () => {
  it('quote the folder so a space, quote, $ or backslash in a home path stays literal', () => {
    const dir = `/h/it's $HOME \\x`;
    expect(loaderLine('sh', dir)).toBe(`for __sg_env in '/h/it'\\''s $HOME \\x'/*.sh; do [ ! -r "$__sg_env" ] || . "$__sg_env"; done; unset __sg_env`);
    expect(loaderLine('zsh', dir)).toContain(`'/h/it'\\''s $HOME \\x'/*.sh(N);`);
    expect(loaderLine('fish', dir)).toBe(`for __sg_env in '/h/it\\'s $HOME \\\\x'/*.fish; test -r $__sg_env; and source $__sg_env; end`);
    expect(loaderLine('powershell', `C:\\Users\\o'neil\\env`)).toBe(
      `Get-ChildItem -LiteralPath 'C:\\Users\\o''neil\\env' -Filter *.ps1 -ErrorAction SilentlyContinue | ForEach-Object { . $_.FullName }`,
    );
  });
});

describe('planning the intents (onlyIfExists, preferExisting)', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(path.join(tmpdir(), 'sg-shell-'));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  const profile = createProfile({ baseUrl: 'https://gw.example.com', key: 'sk-plan-0000', models: {} });
  const recipeWith = (intents: FileIntent[]): Recipe => ({
    id: 'x',
    name: 'X',
    protocol: 'openai-chat',
    model: 'optional',
    sources: [],
    slots: [],
    checked: '2026-11-23',
    detect: { binaries: [], paths: () => [] },
    plan: () => ({ files: intents, notes: [] }),
  });
  const plan = async (env: Environment) => {
    const intents = shellEnvIntents(env, 'x', VARS, true);
    const snapshot = await takeSnapshot(intents.flatMap((f) => [...(f.preferExisting ?? []), f.path]));
    return planAgent({ recipe: recipeWith(intents), profile, env, snapshot, evidence: [], consent: false });
  };
  const rel = (p: string) => path.relative(home, p);

  it('writes no rc file for a shell the user does not have; appends to the one they have', async () => {
    await writeFile(path.join(home, '.zshrc'), 'alias ll="ls -l"\n');
    const result = await plan({ platform: 'linux', home, env: { HOME: home, SHELL: '/bin/bash' }, wsl: false });
    expect(result.error).toBeUndefined();
    expect(result.changes.map((c) => rel(c.path)).sort()).toEqual(['.bashrc', '.config/setup-gateway/env/x.fish', '.config/setup-gateway/env/x.sh', '.zshrc']);
    const zshrc = result.changes.find((c) => rel(c.path) === '.zshrc');
    expect(zshrc?.after.toString()).toMatch(/^alias ll="ls -l"\n\n# >>> setup-gateway >>>\n/);
    expect(zshrc?.after.toString()).toContain('/*.sh(N);');
    expect(zshrc?.mode).toBe(zshrc?.beforeMode);
    expect(result.changes.find((c) => rel(c.path) === '.config/setup-gateway/env/x.sh')?.mode).toBe(0o600);
    expect(result.changes.find((c) => rel(c.path) === '.bashrc')?.mode).toBe(0o644);
  });

  it("darwin: edits the first existing of bash's login files (.profile when it is the only one), never creates a shadowing .bash_profile", async () => {
    await writeFile(path.join(home, '.profile'), 'export PATH="$HOME/bin:$PATH"\n');
    const env: Environment = { platform: 'darwin', home, env: { HOME: home, SHELL: '/bin/bash' }, wsl: false };
    const result = await plan(env);
    const paths = result.changes.map((c) => rel(c.path));
    expect(paths).toContain('.profile');
    expect(paths).not.toContain('.bash_profile');
    await writeFile(path.join(home, '.bash_profile'), '# mine\n');
    const again = (await plan(env)).changes.map((c) => rel(c.path));
    expect(again).toContain('.bash_profile');
    expect(again).not.toContain('.profile');
  });

  it('darwin, bash user with no login file: creates .bash_profile; a zsh user gets none', async () => {
    const bash = await plan({ platform: 'darwin', home, env: { HOME: home, SHELL: '/bin/bash' }, wsl: false });
    expect(bash.changes.map((c) => rel(c.path))).toContain('.bash_profile');
    const zsh = await plan({ platform: 'darwin', home, env: { HOME: home, SHELL: '/bin/zsh' }, wsl: false });
    expect(zsh.changes.map((c) => rel(c.path)).filter((p) => p.startsWith('.bash') || p === '.profile')).toEqual([]);
  });
});

// The loader lines in the shells themselves: each shell starts with HOME in a temp folder whose
// name holds a space, a quote and a `$`, reads its startup file, and prints the variable.
describe('loader lines in real shells', () => {
  let root: string;
  let home: string;
  let dir: string;
  const VALUE = `v'"#$x\\y\`id\`$(id)`;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'sg-shell-'));
    home = path.join(root, `it's a $HOME`);
    dir = path.join(home, '.config', 'setup-gateway', 'env');
    await mkdir(dir, { recursive: true });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const shellEnv = () => ({ HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin', XDG_CONFIG_HOME: path.join(home, '.config') });
  const run = (shell: string, args: string[]) => runProcess(shell, args, { cwd: root, env: shellEnv(), timeoutMs: 20_000 });
  const writeEnvFile = (name: string, dialect: 'posix' | 'fish') =>
    writeFile(path.join(dir, name), renderBlock({ dialect, vars: [{ name: 'SG_TEST_KEY', value: VALUE }] }));

  it('bash: .bashrc loads every *.sh in the env folder, values byte for byte', async () => {
    await writeEnvFile('a.sh', 'posix');
    await writeFile(path.join(dir, 'b.sh'), "export SG_OTHER='second'\n");
    await writeFile(path.join(home, '.bashrc'), renderBlock({ dialect: 'posix', vars: [], lines: [loaderLine('sh', dir)] }));
    const r = await run('bash', ['-ic', 'printf %s "$SG_TEST_KEY|$SG_OTHER|${__sg_env-unset}"']);
    expect(r.stdout).toBe(`${VALUE}|second|unset`);
  });

  it('bash: an empty env folder is quiet and the rest of .bashrc still runs', async () => {
    const line = loaderLine('sh', dir);
    await writeFile(path.join(home, '.bashrc'), `${line}\nexport SG_AFTER=ran\n`);
    const r = await run('bash', ['-ic', 'printf %s "$SG_AFTER"']);
    expect(r.stdout).toBe('ran');
    expect(r.stderr).not.toMatch(/No such file|not found/);
  });

  it('sh (dash): the same line works in ~/.profile for a POSIX login shell', async () => {
    await writeEnvFile('a.sh', 'posix');
    await writeFile(path.join(home, '.profile'), `${loaderLine('sh', dir)}\n`);
    const r = await run('sh', ['-lc', 'printf %s "$SG_TEST_KEY"']);
    expect(r.stdout).toBe(VALUE);
  });

  it.skipIf(!hasShell('zsh'))('zsh: .zshrc loads the env files; an empty folder prints no "no matches found" and the rest runs', async () => {
    const zshrc = path.join(home, '.zshrc');
    await writeFile(zshrc, `${loaderLine('zsh', dir)}\nexport SG_AFTER=ran\n`);
    const empty = await run('zsh', ['-ic', 'printf %s "$SG_AFTER"']);
    expect(empty.stderr).not.toContain('no matches found');
    expect(empty.stdout).toBe('ran');
    await writeEnvFile('a.sh', 'posix');
    const loaded = await run('zsh', ['-ic', 'printf %s "$SG_TEST_KEY"']);
    expect(loaded.stdout).toBe(VALUE);
    expect(await readFile(zshrc, 'utf8')).toContain('(N)');
  });

  it.skipIf(!hasShell('fish'))('fish: our conf.d file loads every *.fish env file', async () => {
    await writeEnvFile('a.fish', 'fish');
    await mkdir(path.join(home, '.config', 'fish', 'conf.d'), { recursive: true });
    const confd = path.join(home, '.config', 'fish', 'conf.d', 'setup-gateway.fish');
    await writeFile(confd, renderBlock({ dialect: 'fish', vars: [], lines: [loaderLine('fish', dir)] }));
    const r = await run('fish', ['-c', 'printf %s "$SG_TEST_KEY"']);
    expect(r.stdout).toBe(VALUE);
  });
});

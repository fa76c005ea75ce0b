// install.sh, the one-line installer, run the way users run it: the script on standard input of
// `bash -s -- KEY …` (as `curl … | bash -s -- KEY …` does), and the same under POSIX sh (dash).
//
// - Its decisions (which command, which flags, the key in the environment, the interactive mode
//   on a terminal, Node missing or too old) against a stand-in `npx` that records what it got.
// - End to end against the packed tarball (SETUP_GATEWAY_PACKAGE) and the mock gateway, offline,
//   in a temp HOME: the files written, and the key in no process's arguments and no output.
// - shellcheck.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../agents/paths.js';
import { startMockGateway, type MockGateway } from '../support/mock-gateway.js';
import { npmEnv, packRepo, type Packed } from '../support/pack.js';

const script = join(repoRoot, 'install.sh');
const scriptText = readFileSync(script, 'utf8');
const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
// Shell-hostile on purpose: quotes, $, # and a backslash (a key holds no whitespace).
const KEY = `sk-inst"q'$x#\\y-7d2c9e41f0`;
/** A part of the key that every spelling keeps (JSON or YAML escaping, shell quoting), and masks drop. */
const KEY_TAIL = '7d2c9e41f0';
const SHELLS = ['bash', 'sh'] as const;
const shellPath = (shell: (typeof SHELLS)[number]) => (shell === 'bash' ? '/bin/bash' : '/bin/sh');

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'sg-install-'));
});
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true, maxRetries: 3 });
});

interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Every distinct command line (argv joined by spaces) seen in the run's session while it ran. */
  cmdlines: string[][];
  text: string;
}

/**
 * Runs `shell -s -- ...args` with install.sh on stdin, in a new session, and samples the command
 * line of every process of that session from /proc while it runs.
 */
function runScript(shell: string, args: string[], env: Record<string, string>, cwd: string, timeoutMs = 90_000): Promise<ScriptRun> {
  return new Promise((resolve) => {
    const child = spawn(shell, ['-s', '--', ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const seen = new Map<string, string[]>();
    const sid = child.pid;
    const sample = () => {
      if (sid === undefined) return;
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
          // Fields after "(comm)": state ppid pgrp session …
          const session = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
          if (session !== sid) continue;
          const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
          seen.set(argv.join(' '), argv);
        } catch {
          // The process ended between readdir and read.
        }
      }
    };
    // timing: samples the processes while the script runs (what ran, not when); the close ends it.
    const poll = setInterval(sample, 5);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end(scriptText);
    // timing: a deadline for a hung script, cleared on close.
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      const cmdlines = [...seen.values()];
      const text = [`$ ${shell} -s -- ${args.join(' ')} (exit ${code})`, `--- stdout ---\n${stdout}`, `--- stderr ---\n${stderr}`].join('\n');
      resolve({ code, stdout, stderr, cmdlines, text });
    });
  });
}

// ------------------------------------------------------------------------ decisions, with a stand-in npx

/** A folder with a stand-in `npx` that records how it was called, plus the tools the script uses. */
async function fakeTools(name: string, opts: { node?: 'real' | 'missing' | string } = {}): Promise<{ bin: string; log: string }> {
  const bin = join(tmp, name);
  await mkdir(bin, { recursive: true });
  const log = join(bin, 'npx.log');
  await writeFile(
    join(bin, 'npx'),
    [
      '#!/bin/sh',
      '{',
      '  if [ -t 0 ]; then echo "tty=yes"; else echo "tty=no"; fi',
      '  printf "key=%s\\n" "${SETUP_GATEWAY_KEY-<unset>}"',
      '  for a in "$@"; do printf "arg=%s\\n" "$a"; done',
      `} > '${log}'`,
      '',
    ].join('\n'),
  );
  await chmod(join(bin, 'npx'), 0o755);
  await symlink('/bin/cat', join(bin, 'cat'));
  const node = opts.node ?? 'real';
  if (node === 'real') await symlink(process.execPath, join(bin, 'node'));
  else if (node !== 'missing') {
    await writeFile(join(bin, 'node'), `#!/bin/sh\necho ${node}\n`);
    await chmod(join(bin, 'node'), 0o755);
  }
  return { bin, log };
}

interface NpxCall {
  tty: boolean;
  key: string;
  args: string[];
}

function readCall(log: string): NpxCall | undefined {
  if (!existsSync(log)) return undefined;
  const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const value = (prefix: string) => lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
  return { tty: value('tty=')[0] === 'yes', key: value('key=')[0] ?? '', args: value('arg=') };
}

describe.each(SHELLS)('install.sh decisions (%s)', (shell) => {
  const sh = shellPath(shell);
  const run = async (name: string, args: string[], extra: Record<string, string> = {}, node?: string) => {
    const tools = await fakeTools(`${shell}-${name}`, node === undefined ? {} : { node });
    const home = join(tmp, `${shell}-${name}-home`);
    await mkdir(home, { recursive: true });
    const r = await runScript(sh, args, { PATH: tools.bin, HOME: home, ...extra }, home, 30_000);
    return { r, call: readCall(tools.log) };
  };

  it('runs the pinned `setup-gateway apply` through npx, with the key in the environment only', async () => {
    const { r, call } = await run('apply', [KEY, '--base-url', 'https://gw.example.com/v1', '--agent', 'aider', '--model', 'm1']);
    expect(r.code, r.text).toBe(0);
    expect(call?.args).toEqual(['--yes', '--package', `setup-gateway@${version}`, '--', 'setup-gateway', 'apply', '--base-url', 'https://gw.example.com/v1', '--agent', 'aider', '--model', 'm1']);
    expect(call?.key).toBe(KEY);
    expect(`${r.stdout}${r.stderr}`).not.toContain(KEY);
  });

  it('takes the base URL from SETUP_GATEWAY_BASE_URL and the key from SETUP_GATEWAY_KEY', async () => {
    const { r, call } = await run('env', ['--dry-run'], { SETUP_GATEWAY_BASE_URL: 'https://gw.example.com', SETUP_GATEWAY_KEY: KEY });
    expect(r.code, r.text).toBe(0);
    expect(call?.args.slice(4)).toEqual(['setup-gateway', 'apply', '--base-url', 'https://gw.example.com', '--dry-run']);
    expect(call?.key).toBe(KEY);
  });

  it('runs another package when SETUP_GATEWAY_PACKAGE says so (a local tarball)', async () => {
    const { r, call } = await run('package', [KEY, '--base-url', 'https://gw.example.com'], { SETUP_GATEWAY_PACKAGE: '/tmp/x/setup-gateway-9.9.9.tgz' });
    expect(r.code, r.text).toBe(0);
    expect(call?.args.slice(0, 3)).toEqual(['--yes', '--package', '/tmp/x/setup-gateway-9.9.9.tgz']);
  });

  it('refuses the key as a flag, without echoing it', async () => {
    const { r, call } = await run('key-flag', ['--base-url', 'https://gw.example.com', `--key=${KEY}`]);
    expect(r.code, r.text).toBe(2);
    expect(call).toBeUndefined();
    expect(r.stderr).toContain('--key is not taken here');
    expect(`${r.stdout}${r.stderr}`).not.toContain(KEY);
  });

  it('without a gateway URL and without a terminal: usage, exit 2, nothing run', async () => {
    const { r, call } = await run('no-url', [KEY]);
    expect(r.code, r.text).toBe(2);
    expect(call).toBeUndefined();
    expect(r.stderr).toContain('no gateway URL');
    expect(r.stderr).toContain('Usage:');
    expect(`${r.stdout}${r.stderr}`).not.toContain(KEY);
  });

  it('without a key and without a terminal: usage, exit 2, nothing run', async () => {
    const { r, call } = await run('no-key', ['--base-url', 'https://gw.example.com']);
    expect(r.code, r.text).toBe(2);
    expect(call).toBeUndefined();
    expect(r.stderr).toContain('no key');
  });

  it('says how to get Node.js when node is missing (exit 1)', async () => {
    const { r, call } = await run('no-node', [KEY, '--base-url', 'https://gw.example.com'], {}, 'missing');
    expect(r.code, r.text).toBe(1);
    expect(call).toBeUndefined();
    expect(r.stderr).toContain('Node.js 20 or newer is needed');
    expect(r.stderr).toContain('https://nodejs.org/en/download');
    expect(`${r.stdout}${r.stderr}`).not.toContain(KEY);
  });

  it('says how to get Node.js when node is too old (exit 1)', async () => {
    const { r, call } = await run('old-node', [KEY, '--base-url', 'https://gw.example.com'], {}, '18.19.1');
    expect(r.code, r.text).toBe(1);
    expect(call).toBeUndefined();
    expect(r.stderr).toContain('this is 18.19.1');
  });

  it('with no key on a terminal: opens the interactive mode, reading the keyboard from /dev/tty', async () => {
    const tools = await fakeTools(`${shell}-tty`);
    const home = join(tmp, `${shell}-tty-home`);
    await mkdir(home, { recursive: true });
    // script(1) gives the run a terminal; inside, the script still arrives on a pipe, as from curl.
    const inner = `cat '${script}' | ${sh} -s`;
    const r = spawnSync('script', ['-qec', inner, '/dev/null'], { env: { PATH: `${tools.bin}${delimiter}/usr/bin${delimiter}/bin`, HOME: home }, encoding: 'utf8', timeout: 30_000 });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    const call = readCall(tools.log);
    expect(call?.args).toEqual(['--yes', '--package', `setup-gateway@${version}`, '--', 'setup-gateway']);
    expect(call?.tty).toBe(true);
    expect(call?.key).toBe('<unset>');
  });
});

// ------------------------------------------------------------------------ end to end, with the tarball

describe('install.sh end to end: the packed tarball, the mock gateway, a temp HOME, offline', () => {
  let packed: Packed;
  let mock: MockGateway;
  beforeAll(async () => {
    packed = await packRepo();
    mock = await startMockGateway({ models: ['auto', 'gw-model-2'], requireKey: KEY });
  }, 60_000);
  afterAll(async () => {
    await mock?.close();
    await packed?.cleanup();
  });

  const env = (home: string, extra: Record<string, string> = {}) => ({
    // node and npx from the Node running the tests; the script's env holds no gateway setting.
    ...npmEnv(home),
    PATH: [dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter),
    SETUP_GATEWAY_PACKAGE: packed.tarball,
    ...extra,
  });

  /** Every file under `dir` whose bytes contain `needle`, relative to `dir`. */
  async function filesContaining(dir: string, needle: string): Promise<string[]> {
    const hits: string[] = [];
    for (const rel of await readdir(dir, { recursive: true })) {
      const file = join(dir, rel);
      if (!statSync(file).isFile()) continue;
      if ((await readFile(file)).includes(needle)) hits.push(rel);
    }
    return hits.sort();
  }

  /** Command lines holding the key that are not the script's own shell (which `exec` replaces). */
  const leaks = (r: ScriptRun, shell: string) => r.cmdlines.filter((argv) => argv.join(' ').includes(KEY_TAIL) && argv[0] !== shell);

  it.each(SHELLS)('%s -s -- KEY --base-url URL --agent aider --model m writes ~/.aider.conf.yml', async (shell) => {
    const home = await mkdtemp(join(tmp, `e2e-${shell}-`));
    const r = await runScript(shellPath(shell), [KEY, '--base-url', `${mock.url}/v1`, '--agent', 'aider', '--model', 'm'], env(home), home);
    expect(r.code, r.text).toBe(0);
    expect(r.stdout).toContain('aider');

    const conf = join(home, '.aider.conf.yml');
    expect(readFileSync(conf, 'utf8')).toBe(`openai-api-base: ${mock.url}/v1\nopenai-api-key: ${JSON.stringify(KEY)}\nmodel: openai/m\nweak-model: openai/m\neditor-model: openai/m\n`);
    expect(statSync(conf).mode & 0o777).toBe(0o600);

    // The key: in no output, in no file but the agent's config, in no long-lived command line.
    expect(`${r.stdout}${r.stderr}`).not.toContain(KEY_TAIL);
    expect(await filesContaining(home, KEY_TAIL)).toEqual(['.aider.conf.yml']);
    expect(r.cmdlines.some((argv) => argv.join(' ').includes('setup-gateway apply')), r.cmdlines.map((a) => a.join(' ')).join('\n')).toBe(true);
    expect(leaks(r, shellPath(shell))).toEqual([]);
  }, 120_000);

  it('with the key and URL in the environment, no process ever carries the key; the gateway picks the model', async () => {
    const home = await mkdtemp(join(tmp, 'e2e-env-'));
    mock.reset();
    const r = await runScript('/bin/sh', ['--agent', 'aider'], env(home, { SETUP_GATEWAY_KEY: KEY, SETUP_GATEWAY_BASE_URL: mock.url }), home);
    expect(r.code, r.text).toBe(0);
    expect(readFileSync(join(home, '.aider.conf.yml'), 'utf8')).toContain('model: openai/auto\n');
    // setup-gateway asked the gateway for its models, with the key.
    const models = mock.requestsTo('/v1/models');
    expect(models.length).toBeGreaterThan(0);
    expect(models[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(r.cmdlines.length).toBeGreaterThan(1);
    expect(r.cmdlines.filter((argv) => argv.join(' ').includes(KEY_TAIL))).toEqual([]);
    expect(`${r.stdout}${r.stderr}`).not.toContain(KEY_TAIL);
    expect(await filesContaining(home, KEY_TAIL)).toEqual(['.aider.conf.yml']);
  }, 120_000);
});

// ------------------------------------------------------------------------ shellcheck

/**
 * shellcheck from Debian's package: installed here when missing and apt-get can (CI runs as root
 * with apt reachable). Elsewhere the test is skipped with the reason, except under CI, where a
 * missing shellcheck fails.
 */
function ensureShellcheck(): string | undefined {
  const has = () => spawnSync('shellcheck', ['--version'], { encoding: 'utf8' }).status === 0;
  if (has()) return undefined;
  const root = process.getuid?.() === 0;
  const apt = spawnSync('apt-get', ['--version'], { encoding: 'utf8' }).status === 0;
  if (!root || !apt) return `shellcheck is not installed and apt-get ${apt ? 'needs root' : 'is not available'}: install shellcheck`;
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '-q', '-o', 'DPkg::Lock::Timeout=180', 'shellcheck'], {
      encoding: 'utf8',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 240_000,
    });
  let r = install();
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-q', '-o', 'DPkg::Lock::Timeout=180'], { encoding: 'utf8', timeout: 240_000 });
    r = install();
  }
  return has() ? undefined : `apt-get install shellcheck failed (exit ${r.status}): ${`${r.stderr}`.trim().split('\n').slice(-3).join(' ')}`;
}

describe('install.sh is shellcheck-clean', () => {
  it('as POSIX sh and as bash', (ctx) => {
    const missing = ensureShellcheck();
    if (missing) {
      if (process.env.CI) throw new Error(missing);
      ctx.skip(missing);
      return;
    }
    for (const dialect of ['sh', 'bash']) {
      const r = spawnSync('shellcheck', ['--shell', dialect, '--format', 'gcc', script], { encoding: 'utf8' });
      expect(r.stdout, `shellcheck --shell ${dialect}`).toBe('');
      expect(r.status).toBe(0);
    }
  }, 600_000);
});

#!/usr/bin/env node
// Installs the coding-agent CLIs pinned in test/agents/package.json into
// <repo>/.cache/agents (git-ignored) for the end-to-end tests.
//
//   node test/agents/install.mjs      prints the bin dir on stdout, nothing else
//
// Idempotent: a stamp file records a hash of the manifest (plus platform and
// arch: the agents ship native binaries); when it matches and the binaries are
// there, nothing runs. Concurrent runs (several vitest runs in one tree) are
// serialised with a lock directory. On failure it prints npm's output and
// exits 1.
//
// Notes:
// - @anthropic-ai/claude-code >= 2.1.2xx declares engines.node >= 22 but its
//   bin is a native executable that does not use Node at run time; plain
//   `npm install` on Node 20 resolves an older release, so the pin is exact
//   and the install passes --engine-strict=false.
// - claude-code's postinstall (install.cjs) copies the platform binary over a
//   500-byte placeholder. If npm skipped install scripts, we run it ourselves.
// - openclaw needs Node >= 24 (its preinstall refuses anything older) and is run
//   with it; so are Qwen Code and Pi (engines.node >= 22). The manifest's `runtimes.node` pins that Node, installed from the
//   npm registry (the `node` package) into <cache>/runtime first; the agents
//   are then installed with it first on PATH, so npm and every install script
//   run on it. Nothing expects Node 24 on the machine.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
export const manifestPath = join(here, 'package.json');
export const cacheDir = join(repoRoot, '.cache', 'agents');
export const binDir = join(cacheDir, 'node_modules', '.bin');
const stampPath = join(cacheDir, '.install-stamp');
const lockDir = join(repoRoot, '.cache', 'agents.lock');
export const runtimeDir = join(cacheDir, 'runtime');
/** The pinned Node runtime (manifest `runtimes.node`), for agents that need a newer Node. */
export const runtimeNode = join(runtimeDir, 'node_modules', 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');

const isWindows = process.platform === 'win32';

/**
 * Agents in the manifest: package name -> bin name and how to check its version.
 * `entry` (relative to node_modules) is run with the pinned Node runtime instead of the bin.
 */
const AGENTS = {
  '@anthropic-ai/claude-code': { bin: 'claude' },
  '@openai/codex': { bin: 'codex' },
  'opencode-ai': { bin: 'opencode' },
  '@continuedev/cli': { bin: 'cn' },
  '@google/gemini-cli': { bin: 'gemini' },
  openclaw: { bin: 'openclaw', entry: join('openclaw', 'openclaw.mjs') },
  '@qwen-code/qwen-code': { bin: 'qwen', entry: join('@qwen-code', 'qwen-code', 'cli-entry.js') },
  '@kilocode/cli': { bin: 'kilo' },
  '@earendil-works/pi-coding-agent': { bin: 'pi', entry: join('@earendil-works', 'pi-coding-agent', 'dist', 'bundle', 'cli.js') },
  droid: { bin: 'droid' },
  '@github/copilot': { bin: 'copilot' },
};

export function binPath(name) {
  return join(binDir, isWindows ? `${name}.cmd` : name);
}

function readManifest() {
  const text = readFileSync(manifestPath, 'utf8');
  return { text, json: JSON.parse(text) };
}

function manifestHash(text) {
  return createHash('sha256')
    .update(text)
    .update(`\0${process.platform}\0${process.arch}`)
    .digest('hex');
}

// timing: the pause between two looks at the install lock; acquireLock has a deadline. This script
// runs synchronously (vitest's global setup waits for it), so there is no event to wait on.
function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function acquireLock() {
  mkdirSync(dirname(lockDir), { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      return;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    // Somebody holds it: break it if its owner is gone or it is very old.
    let stale = false;
    try {
      const pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
      const age = Date.now() - statSync(lockDir).mtimeMs;
      stale = (Number.isInteger(pid) && pid > 0 && !pidAlive(pid)) || age > 10 * 60_000;
    } catch {
      // pid file not written yet, or lock just released: retry
    }
    if (stale) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for the install lock ${lockDir}`);
    sleep(250); // timing: poll interval, see sleep()
  }
}

function releaseLock() {
  rmSync(lockDir, { recursive: true, force: true });
}

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    shell: isWindows && cmd.endsWith('.cmd'),
    ...opts,
  });
}

/** Checks every agent bin runs and reports the pinned version. Returns problems. */
function verify(deps) {
  const problems = [];
  for (const [pkg, { bin, entry }] of Object.entries(AGENTS)) {
    const want = deps[pkg];
    const path = entry ? join(cacheDir, 'node_modules', entry) : binPath(bin);
    if (!existsSync(path)) {
      problems.push(`${bin}: ${path} is missing`);
      continue;
    }
    const [cmd, args] = entry ? [runtimeNode, [path, '--version']] : [path, ['--version']];
    const r = run(cmd, args, { timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
    if (r.status !== 0 || (want && !out.includes(want))) {
      problems.push(`${bin} --version: exit ${r.status}${r.error ? ` (${r.error.message})` : ''}, expected ${want}, got: ${out || '(no output)'}`);
    }
  }
  return problems;
}

function npmEnv() {
  const env = { ...process.env };
  // When started from `npm test`, npm exports its config as npm_config_*;
  // some of it (prefix, global, omit, ignore-scripts...) would redirect or
  // cripple this install.
  for (const key of Object.keys(env)) {
    if (/^npm_config_(prefix|global|location|omit|include|ignore_scripts|dry_run|production|only|save.*|package_lock.*|engine_strict|workspaces?|install_strategy)$/i.test(key)) {
      delete env[key];
    }
  }
  return env;
}

/** Installs the manifest's `runtimes.node` (the npm `node` package) into runtimeDir. */
function installRuntime(version, npm) {
  if (existsSync(runtimeNode) && (run(runtimeNode, ['--version'], { timeout: 60_000 }).stdout ?? '').trim() === `v${version}`) return;
  rmSync(runtimeDir, { recursive: true, force: true });
  mkdirSync(runtimeDir, { recursive: true });
  writeFileSync(
    join(runtimeDir, 'package.json'),
    `${JSON.stringify({ name: 'setup-gateway-e2e-runtime', version: '0.0.0', private: true, dependencies: { node: version } }, null, 2)}\n`,
  );
  const args = ['install', '--prefix', runtimeDir, '--no-audit', '--no-fund', '--no-update-notifier', '--ignore-scripts=false', '--loglevel=warn'];
  const r = run(npm, args, { cwd: runtimeDir, env: npmEnv(), timeout: 10 * 60_000 });
  const output = `$ ${npm} ${args.join(' ')}\n${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`;
  if (r.status !== 0) fail(`npm install of the Node ${version} runtime failed (exit ${r.status})`, output);
  const v = run(runtimeNode, ['--version'], { timeout: 60_000 });
  if (v.status !== 0 || (v.stdout ?? '').trim() !== `v${version}`) {
    fail(`the installed Node runtime does not run: ${runtimeNode} --version gave exit ${v.status}: ${(v.stdout ?? '') + (v.stderr ?? '')}`, output);
  }
}

function fail(message, output) {
  process.stderr.write(`\n[test/agents/install.mjs] ${message}\n`);
  if (output) process.stderr.write(`${output.trim()}\n`);
  const err = new Error(message);
  err.output = output;
  throw err;
}

/**
 * Makes sure the pinned agents are installed. Returns their locations.
 * Throws (after printing npm's output to stderr) when the install fails.
 */
export function ensureAgents() {
  const { text, json } = readManifest();
  const deps = json.dependencies ?? {};
  const hash = manifestHash(text);
  const runtimeVersion = json.runtimes?.node;
  const result = {
    binDir,
    claudeBin: binPath('claude'),
    codexBin: binPath('codex'),
    versions: deps,
    installed: false,
  };

  const upToDate = () =>
    existsSync(stampPath) &&
    readFileSync(stampPath, 'utf8').trim() === hash &&
    Object.values(AGENTS).every(({ bin }) => existsSync(binPath(bin))) &&
    (!runtimeVersion || existsSync(runtimeNode));

  if (upToDate()) return result;

  acquireLock();
  try {
    if (upToDate()) return result; // another process installed while we waited

    mkdirSync(cacheDir, { recursive: true });
    rmSync(stampPath, { force: true });
    copyFileSync(manifestPath, join(cacheDir, 'package.json'));

    const npm = isWindows ? 'npm.cmd' : 'npm';
    const env = npmEnv();
    if (runtimeVersion) {
      installRuntime(runtimeVersion, npm);
      env.PATH = `${dirname(runtimeNode)}${isWindows ? ';' : ':'}${env.PATH ?? ''}`;
    }
    const args = [
      'install',
      '--prefix',
      cacheDir,
      '--no-audit',
      '--no-fund',
      '--no-update-notifier',
      '--engine-strict=false',
      '--ignore-scripts=false',
      '--include=optional',
      '--loglevel=warn',
    ];
    const r = run(npm, args, { cwd: cacheDir, env, timeout: 15 * 60_000 });
    const npmOutput = `$ ${npm} ${args.join(' ')}\n${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`;
    if (r.status !== 0) fail(`npm install of the test agents failed (exit ${r.status})`, npmOutput);

    let problems = verify(deps);
    if (problems.length > 0) {
      // Install scripts skipped? Run claude-code's postinstall by hand.
      const claudeInstall = join(cacheDir, 'node_modules', '@anthropic-ai', 'claude-code', 'install.cjs');
      if (existsSync(claudeInstall)) {
        run(process.execPath, [claudeInstall], { cwd: dirname(claudeInstall), env: npmEnv() });
        problems = verify(deps);
      }
    }
    if (problems.length > 0) {
      fail(`installed agents do not run:\n  ${problems.join('\n  ')}`, npmOutput);
    }
    writeFileSync(stampPath, `${hash}\n`);
    result.installed = true;
    return result;
  } finally {
    releaseLock();
  }
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  try {
    const { binDir: dir } = ensureAgents();
    process.stdout.write(`${dir}\n`);
  } catch (err) {
    if (!err.output) process.stderr.write(`[test/agents/install.mjs] ${err.stack ?? err}\n`);
    process.exit(1);
  }
}

/**
 * Runs the real agent CLIs (and the built setup-gateway CLI) as child processes for the e2e
 * tests, in throwaway homes, with an environment built from scratch.
 *
 * The child environment never inherits the outer one: no ANTHROPIC_*, OPENAI_*, CLAUDE_*,
 * CODEX_*, XDG_* or proxy variables leak in, so a gateway route can only come from the files
 * in the temp HOME. `agentEnv()` is the single place that builds it.
 *
 * Findings behind the hand-written configs (Claude Code 2.1.330, Codex 0.169.0, 2026-11-23):
 * - Claude Code `-p` routes with `~/.claude/settings.json` `env.ANTHROPIC_BASE_URL` (root, no /v1)
 *   and `env.ANTHROPIC_AUTH_TOKEN` (sent as `Authorization: Bearer`). `~/.claude.json` with
 *   `hasCompletedOnboarding` is NOT needed for `-p`. It resolves api.anthropic.com (DNS only,
 *   no connection) and needs no CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC offline.
 * - Codex `exec` routes with `$CODEX_HOME/config.toml` (default ~/.codex): `model`,
 *   `model_provider`, `[model_providers.<id>]` `base_url` (…/v1), `wire_api = "responses"`, and
 *   either `experimental_bearer_token` (no env var needed) or `env_key` + that variable. It needs
 *   no auth.json or login, and `--skip-git-repo-check` outside a trusted (git) directory.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { agentsBinDir, claudeBin, codexBin, repoRoot } from '../agents/paths.js';
import type { MockGateway, RecordedRequest } from './mock-gateway.js';

export interface ProcessRun {
  /** The command line, for messages. */
  command: string[];
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the run hit its timeout and the process group was killed. */
  timedOut: boolean;
  durationMs: number;
}

export interface RunOptions {
  cwd: string;
  env: Record<string, string>;
  /** Default DEFAULT_AGENT_TIMEOUT_MS. On timeout the whole process group gets SIGKILL. */
  timeoutMs?: number;
  /** Written to stdin, then closed. Default: stdin is /dev/null. */
  input?: string;
}

// The limit stops a hung agent; it does not time one. Agents take 3-40 s on a quiet 2-core
// machine, but CI shares its cores: at a load average of 15-20 Kilo took 62 s and a 60 s limit
// failed a run that was only slow.
export const DEFAULT_AGENT_TIMEOUT_MS = 150_000;

/** Path of the built CLI; SETUP_GATEWAY_CLI overrides it (e.g. a build outside dist/). */
export const cliPath = process.env.SETUP_GATEWAY_CLI ?? join(repoRoot, 'dist', 'cli.js');

/**
 * Spawns `command` in its own process group, collects its output, and kills the group on
 * timeout (and shortly after exit, so stray grandchildren cannot hold the pipes open).
 */
export function runProcess(command: string, args: string[], opts: RunOptions): Promise<ProcessRun> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_AGENT_TIMEOUT_MS;
  const started = Date.now();
  return new Promise<ProcessRun>((resolve) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    if (opts.input !== undefined) child.stdin?.end(opts.input);

    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        if (process.platform === 'win32') child.kill('SIGKILL');
        else process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    // timing: a deadline that stops a hung process; cleared when it closes.
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    let graceTimer: NodeJS.Timeout | undefined;
    const finish = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (graceTimer) clearTimeout(graceTimer);
      killGroup();
      if (error) stderr += `\n[runProcess] spawn error: ${error.message}`;
      resolve({
        command: [command, ...args],
        code,
        signal,
        stdout,
        stderr,
        timedOut,
        durationMs: Date.now() - started,
      });
    };
    child.on('error', (err) => finish(null, null, err));
    child.on('exit', (code, signal) => {
      // Give the pipes a moment to drain, then stop waiting for grandchildren.
      // timing: a deadline: 'close' (the pipes drained) ends the run sooner, as it does unless a
      // grandchild holds the pipes open.
      graceTimer = setTimeout(() => finish(code, signal), 3_000);
    });
    child.on('close', (code, signal) => finish(code, signal));
  });
}

/** Whether `shell` (zsh, fish, …) is installed here: `shell -c 'exit 0'` runs. */
export function hasShell(shell: string): boolean {
  try {
    execFileSync(shell, ['-c', 'exit 0'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A readable account of a run, for assertion messages. */
export function describeRun(run: ProcessRun): string {
  const status = run.timedOut
    ? `TIMED OUT after ${run.durationMs} ms (process group killed)`
    : `exit ${run.code}${run.signal ? ` (signal ${run.signal})` : ''} in ${run.durationMs} ms`;
  return [
    `$ ${run.command.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}`,
    status,
    `--- stdout ---\n${run.stdout.trimEnd()}`,
    `--- stderr ---\n${run.stderr.trimEnd()}`,
  ].join('\n');
}

/** The directory holding the node running the tests (Codex's launcher is a Node script). */
export const nodeBinDir = dirname(process.execPath);

/**
 * The whole environment of an agent (or CLI) child: PATH (agents, node, system), HOME, TERM,
 * NO_COLOR, LANG, plus `extra`. Nothing else from the outer environment.
 */
export function agentEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  const path = [...new Set([agentsBinDir, nodeBinDir, '/usr/local/bin', '/usr/bin', '/bin'])].join(delimiter);
  return {
    PATH: path,
    HOME: home,
    TERM: 'dumb',
    NO_COLOR: '1',
    LANG: 'C.UTF-8',
    ...(process.platform === 'win32' ? { USERPROFILE: home, SystemRoot: process.env.SystemRoot ?? 'C:\\Windows' } : {}),
    ...extra,
  };
}

/** Env names that would route an agent without our files; none may reach an agent child. */
export const GATEWAY_ENV_PATTERN = /^(ANTHROPIC_|OPENAI_|CLAUDE_|CODEX_|AZURE_OPENAI|HTTPS?_PROXY|ALL_PROXY|XDG_)/i;

export interface TempWorld {
  /** The child's HOME. */
  home: string;
  /** An empty working directory (not a git repo) inside it. */
  cwd: string;
  cleanup(): Promise<void>;
}

/** A throwaway HOME with an empty project directory inside. */
export async function makeAgentHome(prefix = 'sg-e2e-'): Promise<TempWorld> {
  const home = await mkdtemp(join(tmpdir(), prefix));
  const cwd = join(home, 'project');
  await mkdir(cwd, { recursive: true });
  return {
    home,
    cwd,
    cleanup: () => rm(home, { recursive: true, force: true, maxRetries: 3 }),
  };
}

// ------------------------------------------------------------------------------------ agents

export interface AgentRunOptions {
  /** Extra variables for the child, on top of agentEnv(home). */
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** `claude -p <prompt>`: one headless turn. */
export function runClaude(home: string, cwd: string, prompt: string, opts: AgentRunOptions = {}): Promise<ProcessRun> {
  return runProcess(claudeBin, ['-p', prompt], {
    cwd,
    env: agentEnv(home, opts.env),
    timeoutMs: opts.timeoutMs ?? DEFAULT_AGENT_TIMEOUT_MS,
  });
}

/**
 * `codex exec --skip-git-repo-check <prompt>`: one headless turn (defaults: approval never,
 * sandbox read-only). The flag is required outside a trusted/git directory.
 */
export function runCodex(home: string, cwd: string, prompt: string, opts: AgentRunOptions = {}): Promise<ProcessRun> {
  return runProcess(codexBin, ['exec', '--skip-git-repo-check', prompt], {
    cwd,
    env: agentEnv(home, opts.env),
    timeoutMs: opts.timeoutMs ?? DEFAULT_AGENT_TIMEOUT_MS,
  });
}

/** `node dist/cli.js <args>` with the same scrubbed environment. */
export function runSetupGateway(home: string, cwd: string, args: string[], opts: AgentRunOptions = {}): Promise<ProcessRun> {
  return runProcess(process.execPath, [cliPath, ...args], {
    cwd,
    env: agentEnv(home, opts.env),
    timeoutMs: opts.timeoutMs ?? 60_000,
  });
}

// -------------------------------------------------------------- hand-written configurations

export interface GatewayRoute {
  /** Gateway root, e.g. http://127.0.0.1:PORT (no /v1). */
  baseUrl: string;
  key: string;
  model: string;
}

/**
 * Claude Code's gateway settings as a user would write them by hand:
 * `~/.claude/settings.json` env block (+ `~/.claude.json` onboarding flag unless disabled).
 */
export async function writeClaudeConfig(
  home: string,
  route: GatewayRoute,
  opts: { onboarding?: boolean; disableBetas?: boolean } = {},
): Promise<void> {
  const env: Record<string, string> = {
    ANTHROPIC_BASE_URL: route.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, ''),
    ANTHROPIC_AUTH_TOKEN: route.key,
    ANTHROPIC_MODEL: route.model,
    ANTHROPIC_DEFAULT_OPUS_MODEL: route.model,
    ANTHROPIC_DEFAULT_SONNET_MODEL: route.model,
    ANTHROPIC_DEFAULT_HAIKU_MODEL: route.model,
  };
  if (opts.disableBetas ?? true) env.CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS = '1';
  await mkdir(join(home, '.claude'), { recursive: true });
  await writeFile(join(home, '.claude', 'settings.json'), `${JSON.stringify({ env }, null, 2)}\n`);
  if (opts.onboarding ?? true) {
    await writeFile(join(home, '.claude.json'), `${JSON.stringify({ hasCompletedOnboarding: true }, null, 2)}\n`);
  }
}

/** A TOML basic string: JSON's escapes (\" \\ \n \uXXXX …) are all valid TOML escapes. */
export function tomlString(value: string): string {
  return JSON.stringify(value);
}

export type CodexKeyDelivery =
  /** `experimental_bearer_token = "<key>"` in the provider table; no env var. */
  | { kind: 'bearer-token' }
  /** `env_key = "<name>"`; the caller must put <name>=<key> in the child env. */
  | { kind: 'env-key'; envVar: string };

/** Codex's gateway provider as a user would write it by hand in ~/.codex/config.toml. */
export async function writeCodexConfig(
  home: string,
  route: GatewayRoute,
  delivery: CodexKeyDelivery = { kind: 'bearer-token' },
  providerId = 'gateway',
): Promise<string> {
  const base = route.baseUrl.replace(/\/+$/, '');
  const lines = [
    `model = ${tomlString(route.model)}`,
    `model_provider = ${tomlString(providerId)}`,
    '',
    `[model_providers.${providerId}]`,
    `name = "Gateway"`,
    `base_url = ${tomlString(base.endsWith('/v1') ? base : `${base}/v1`)}`,
    `wire_api = "responses"`,
    delivery.kind === 'bearer-token'
      ? `experimental_bearer_token = ${tomlString(route.key)}`
      : `env_key = ${tomlString(delivery.envVar)}`,
    '',
  ];
  const dir = join(home, '.codex');
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'config.toml');
  await writeFile(file, lines.join('\n'), { mode: 0o600 });
  return file;
}

// ------------------------------------------------------------------------------- assertions

/** Throws a clear error when a file the e2e tests run (an agent binary, a runtime) is missing (install step not run or failed). */
export function assertInstalled(files: readonly string[]): void {
  for (const file of files) {
    if (!existsSync(file)) {
      throw new Error(`${file} is missing: run \`node test/agents/install.mjs\` (vitest's globalSetup does it unless SETUP_GATEWAY_SKIP_AGENT_INSTALL=1)`);
    }
  }
}

/** assertInstalled() for Claude Code and Codex. */
export function assertAgentsInstalled(): void {
  assertInstalled([claudeBin, codexBin]);
}

/** Throws a clear error when the built CLI is missing, instead of a confusing spawn failure. */
export function assertCliBuilt(): void {
  if (!existsSync(cliPath)) {
    throw new Error(`${cliPath} does not exist: run \`npm run build\` before the agent e2e tests`);
  }
}

export interface RouteExpectation {
  /** Pathname the agent must have called, e.g. /v1/messages or /v1/responses. */
  path: string;
  key: string;
  model: string;
}

/**
 * What is wrong with the traffic the mock saw, as readable lines (empty = routed correctly):
 * at least one request to `path`, and every one of them with `Authorization: Bearer <key>`
 * and the model in its JSON body.
 */
export function routeProblems(mock: MockGateway, want: RouteExpectation): string[] {
  const hits = mock.requestsTo(want.path);
  const summary = (r: RecordedRequest) => {
    const model = typeof r.body === 'object' && r.body !== null ? (r.body as { model?: unknown }).model : undefined;
    return `${r.method} ${r.url} -> ${r.status} authorization=${JSON.stringify(r.headers.authorization)} x-api-key=${JSON.stringify(r.headers['x-api-key'])} model=${JSON.stringify(model)}`;
  };
  const seen = mock.requests.length ? mock.requests.map(summary).join('\n    ') : '(nothing)';
  if (hits.length === 0) return [`the mock received no request at ${want.path}; it saw:\n    ${seen}`];
  const problems: string[] = [];
  for (const r of hits) {
    if (r.headers.authorization !== `Bearer ${want.key}`) {
      problems.push(`expected authorization ${JSON.stringify(`Bearer ${want.key}`)}: ${summary(r)}`);
    }
    const model = typeof r.body === 'object' && r.body !== null ? (r.body as { model?: unknown }).model : undefined;
    if (model !== want.model) problems.push(`expected model ${JSON.stringify(want.model)}: ${summary(r)}`);
    if (r.status !== 200) problems.push(`mock answered ${r.status}: ${summary(r)}`);
  }
  return problems;
}

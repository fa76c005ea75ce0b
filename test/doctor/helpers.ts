// Shared by the doctor tests (test/doctor and recipes/<id>/doctor.test.ts): a temp home, the CLI
// in-process, findings by code.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import type { Environment } from '../../src/core/environment.js';
import type { Finding } from '../../src/doctor/types.js';
import { runCli, type CliRun, type FakeWorld } from '../support/run-cli.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';

export const KEY = `sk-test-"q'#$x\\y-doctor-1234`;
export const MODEL = 'gw-model';
export const ALL_AGENTS = ['--agent', 'claude-code', '--agent', 'codex', '--agent', 'aider'];
export const GW = 'https://gw.example.com';
/** doctor's arguments for the gateway GW and KEY, without the network. */
export const OFFLINE = ['--base-url', GW, '--key', KEY, '--offline'];

export interface DoctorRun extends CliRun {
  doc: { ok: boolean; findings: Finding[]; summary: Record<string, number>; gateway: Record<string, unknown>; fix?: Record<string, unknown> };
}

/** `doctor … --json`, parsed. */
export async function doctorJson(args: string[], world: FakeWorld): Promise<DoctorRun> {
  const run = await runCli(['doctor', ...args, '--json'], world);
  let doc: DoctorRun['doc'];
  try {
    doc = JSON.parse(run.stdout) as DoctorRun['doc'];
  } catch {
    throw new Error(`doctor did not print JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  return { ...run, doc };
}

export function codes(findings: readonly Finding[], level?: Finding['level'] | Array<Finding['level']>): string[] {
  const levels = level === undefined ? undefined : Array.isArray(level) ? level : [level];
  return findings.filter((f) => !levels || levels.includes(f.level)).map((f) => f.code);
}

/** Problems only (warn, error, crash), as `agent:CODE`. */
export function problems(findings: readonly Finding[]): string[] {
  return findings.filter((f) => f.level !== 'ok').map((f) => `${f.agent ?? '-'}:${f.code}`);
}

export function find(findings: readonly Finding[], code: string, agent?: string): Finding {
  const f = findings.find((x) => x.code === code && (agent === undefined || x.agent === agent) && x.level !== 'ok');
  if (!f) throw new Error(`no ${code}${agent ? ` for ${agent}` : ''} among: ${problems(findings).join(', ') || '(none)'}`);
  return f;
}

export async function applyAll(world: FakeWorld, baseUrl: string, extra: string[] = []): Promise<CliRun> {
  const run = await runCli(['apply', '--base-url', baseUrl, '--key', KEY, ...ALL_AGENTS, '--model', MODEL, '--json', ...extra], world);
  if (run.code !== 0) throw new Error(`apply failed: ${run.stdout}${run.stderr}`);
  return run;
}

/** A fresh temp home per test (made in beforeEach, removed in afterEach) and ways to edit files in it. */
export interface DoctorHome {
  /** The absolute path of `rel` in the home. */
  file(rel: string): string;
  read(rel: string): Promise<string>;
  write(rel: string, text: string): Promise<void>;
  edit(rel: string, fn: (text: string) => string): Promise<void>;
  /** The home's world, with more environment variables or a current folder. */
  world(extraEnv?: Record<string, string>, more?: Partial<FakeWorld>): FakeWorld & { env: Environment };
  /** `apply` at GW with KEY and MODEL for `agents` (all three by default); must succeed. */
  applied(agents?: readonly string[]): Promise<void>;
}

export function useDoctorHome(): DoctorHome {
  let current: TempHome | undefined;
  beforeEach(async () => {
    current = await makeTempHome();
  });
  afterEach(() => current?.cleanup());
  const t = (): TempHome => {
    if (!current) throw new Error('useDoctorHome: used outside a test');
    return current;
  };
  const home: DoctorHome = {
    file: (rel) => path.join(t().home, rel),
    read: (rel) => readFile(home.file(rel), 'utf8'),
    async write(rel, text) {
      await mkdir(path.dirname(home.file(rel)), { recursive: true });
      await writeFile(home.file(rel), text);
    },
    async edit(rel, fn) {
      await writeFile(home.file(rel), fn(await home.read(rel)));
    },
    world: (extraEnv = {}, more = {}) => ({ ...more, env: { ...t().env, env: { ...t().env.env, ...extraEnv } } }),
    async applied(agents = ALL_AGENTS) {
      const run = await runCli(['apply', '--base-url', GW, '--key', KEY, ...agents, '--model', MODEL], home.world());
      expect(run.code, run.stdout + run.stderr).toBe(0);
    },
  };
  return home;
}

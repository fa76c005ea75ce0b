// Shared by the doctor tests: a temp home, the CLI in-process, findings by code.
import type { Finding } from '../../src/doctor/types.js';
import { runCli, type CliRun, type FakeWorld } from '../support/run-cli.js';

export const KEY = `sk-test-"q'#$x\\y-doctor-1234`;
export const MODEL = 'gw-model';
export const ALL_AGENTS = ['--agent', 'claude-code', '--agent', 'codex', '--agent', 'aider'];

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

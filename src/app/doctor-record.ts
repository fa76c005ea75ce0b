// What doctor found last, per agent, so that `status` can say whether each agent's routing was
// proven and when. Written after every doctor run (the report after a --fix when there was
// one) and after the interactive mode's checks of what it wrote; an agent not checked in a run
// keeps its earlier result. Kept in the state folder beside
// the record of applies; an absent or unreadable record means "never checked", nothing worse:
// the agents' files stay the truth.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ensureDir, writeFileAtomic } from '../core/atomic.js';
import { pathFor, stateDir, type Environment } from '../core/environment.js';
import type { DoctorReport } from '../doctor/run.js';

const AgentResultSchema = z.object({
  at: z.string(),
  errors: z.number().int().nonnegative(),
  warnings: z.number().int().nonnegative(),
  /** The codes of its errors and warnings, for `status` to name the first. */
  codes: z.array(z.string()),
  /** The run asked the gateway nothing (--offline): the routing itself was not proven. */
  offline: z.boolean(),
});
export type DoctorAgentResult = z.infer<typeof AgentResultSchema>;

const DoctorRecordSchema = z.object({ agents: z.record(z.string(), AgentResultSchema).default({}) });
type DoctorRecord = z.infer<typeof DoctorRecordSchema>;

const RECORD_FILE = 'doctor-last.json';

function recordFile(env: Environment): string {
  return pathFor(env).join(stateDir(env), RECORD_FILE);
}

export async function readDoctorRecord(env: Environment): Promise<DoctorRecord> {
  try {
    const parsed = DoctorRecordSchema.safeParse(JSON.parse(await readFile(recordFile(env), 'utf8')));
    return parsed.success ? parsed.data : { agents: {} };
  } catch {
    return { agents: {} };
  }
}

/**
 * Each agent's result in this report: its own findings, the gateway's (an unreachable gateway
 * fails every agent's routing) and, for an agent doctor checked against the local relay (its read
 * step's `viaRelay`), the relay's. Agents doctor could not look at (set up by hand in an app) get
 * no result.
 */
export function agentResults(report: DoctorReport, offline: boolean, now: Date): Record<string, DoctorAgentResult> {
  const shared = report.findings.filter((f) => f.agent === undefined && !f.code.startsWith('RELAY_'));
  const relay = report.findings.filter((f) => f.agent === undefined && f.code.startsWith('RELAY_'));
  const out: Record<string, DoctorAgentResult> = {};
  for (const a of report.ctx.agents) {
    const own = report.findings.filter((f) => f.agent === a.recipe.id);
    if (own.length > 0 && own.every((f) => f.unchecked)) continue;
    const findings = [...own, ...shared, ...(a.viaRelay ? relay : [])];
    const errors = findings.filter((f) => f.level === 'error' || f.level === 'crash');
    const warnings = findings.filter((f) => f.level === 'warn');
    out[a.recipe.id] = {
      at: now.toISOString(),
      errors: errors.length,
      warnings: warnings.length,
      codes: [...new Set([...errors, ...warnings].map((f) => f.code))],
      offline,
    };
  }
  return out;
}

/** Merges this run's results into the record (agents not checked now keep theirs). */
export async function recordDoctorRun(env: Environment, report: DoctorReport, offline: boolean, now = new Date()): Promise<void> {
  const record = await readDoctorRecord(env);
  Object.assign(record.agents, agentResults(report, offline, now));
  const file = recordFile(env);
  await ensureDir(pathFor(env).dirname(file));
  await writeFileAtomic(file, Buffer.from(`${JSON.stringify(record, null, 2)}\n`), 0o644);
}

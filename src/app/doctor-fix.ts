// `doctor --fix`: from doctor's report, the agents whose files drifted re-planned with the
// gateway and key doctor used (doctor's planFixes), each shown as a diff, and written by the one
// applier (journal, backups, undo) once the user agrees.
import { applyChanges } from '../core/apply.js';
import { stateDir, type Environment } from '../core/environment.js';
import type { AgentPlan } from '../core/plan.js';
import type { Profile } from '../core/profile.js';
import { planFixes, type DoctorReport } from '../doctor/run.js';
import { changeMessages, changesDiff } from './report.js';

/** One agent's fix as shown before it is written. */
export interface FixAgent {
  id: string;
  files: string[];
  /** Unmasked: the printer masks. */
  diff: string;
  messages: string[];
}

export type FixPlan =
  /** Nothing can be planned: doctor found no gateway or no key to write. */
  | { kind: 'unknown-gateway'; why: string }
  | {
      kind: 'planned';
      profile: Profile;
      /** Agents that cannot be fixed automatically, with why (`error`). */
      failed: AgentPlan[];
      /** Agents with files to change, and their diffs. */
      changing: AgentPlan[];
      agents: FixAgent[];
    };

export function planDoctorFix(report: DoctorReport): FixPlan {
  const { ctx } = report;
  if (!ctx.profile) return { kind: 'unknown-gateway', why: !ctx.gateway.urls ? 'no gateway is known (pass --base-url)' : 'no key is known (pass --key-env VAR)' };
  const plans = planFixes(report);
  const changing = plans.filter((p) => !p.error && p.changes.length > 0);
  return {
    kind: 'planned',
    profile: ctx.profile,
    failed: plans.filter((p) => p.error),
    changing,
    agents: changing.map((p) => ({ id: p.recipe.id, files: p.changes.map((c) => c.path), diff: changesDiff(p.changes, ctx.env), messages: changeMessages(p, ctx.env, false) })),
  };
}

/** Writes the planned fixes; per agent, the applier's error when its files could not be written. */
export async function writeDoctorFix(
  plan: Extract<FixPlan, { kind: 'planned' }>,
  world: { env: Environment; version: string },
): Promise<{ runId: string | null; failed: Record<string, string> }> {
  return applyChanges(
    plan.changing.map((p) => ({ agent: p.recipe.id, changes: p.changes, model: p.model })),
    { stateDir: stateDir(world.env), toolVersion: world.version, baseUrl: plan.profile.urls.openai, by: { command: 'doctor --fix' } },
  );
}

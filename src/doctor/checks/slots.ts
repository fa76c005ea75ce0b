// The agent's secondary model slots (a weak or small model, an editor, a subagent, a fallback, a
// lead or planner, an autocomplete or embedding model, another provider the user keeps): one that
// sends requests elsewhere than the gateway is a leak, found by re-planning the recipe on the
// files as they are (the plan marks each slot it routes with where it goes now).
import { snapshotReader } from '../../core/plan.js';
import { smallModelOf, modelFor } from '../../core/profile.js';
import { formatPath } from '../../formats/ops.js';
import { lineOfPath } from '../lines.js';
import type { AgentCheck, Finding } from '../types.js';
import { applyCommand, base, doctorFixCommand, isConfigured, shown } from './shared.js';

export const modelSlots: AgentCheck = (agent, ctx) => {
  const profile = ctx.profile;
  if (!profile || !isConfigured(agent)) return [];
  const plan = agent.recipe.plan({
    profile,
    model: modelFor(profile, agent.recipe.id),
    smallModel: smallModelOf(profile, agent.recipe.id),
    env: ctx.env,
    evidence: agent.evidence,
    read: snapshotReader(ctx.snapshot),
  });
  const fix = doctorFixCommand(ctx, agent.recipe.id);
  const out: Finding[] = [];
  for (const intent of plan.files) {
    if (intent.kind !== 'structured') continue;
    const view = agent.files.find((f) => f.intent.path === intent.path && f.intent.kind === 'structured');
    if (!view?.text || view.data === undefined) continue;
    for (const op of intent.ops) {
      if (!op.slot || !op.elsewhere) continue;
      const kept = op.consent !== undefined;
      const line = lineOfPath(view.text, intent.format, op.path);
      out.push({
        ...base(agent),
        code: kept ? 'PROFILE_ELSEWHERE' : 'MODEL_SLOT_ELSEWHERE',
        level: kept ? 'warn' : 'error',
        file: view.path,
        ...(line !== undefined ? { line } : {}),
        message: `${formatPath(op.path)} in ${shown(ctx, view.path)} (the ${op.slot} model slot) sends ${agent.recipe.name}'s requests to ${op.elsewhere}, not to the gateway.`,
        why: kept
          ? 'Kept as you set it, but whatever uses it bypasses the gateway (its policy, audit and billing), or fails without that provider\'s key.'
          : 'Those requests bypass the gateway (its policy, audit and billing), or fail without that provider\'s key.',
        // Without a doctor --fix that has a key to write with: the interactive mode, which asks for it.
        fix: fix ? `${fix} --yes` : applyCommand(ctx, agent.recipe.id),
      });
    }
  }
  return out;
};

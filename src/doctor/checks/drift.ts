// The agent's files against what setup-gateway would write for this gateway now: every
// difference named by key path (drift), and the settings left in place for want of consent.
import { editorFor } from '../../formats/index.js';
import { deepEqual, formatPath, isPlainObject } from '../../formats/ops.js';
import type { KeyPath } from '../../formats/types.js';
import { consentReason } from '../../core/plan.js';
import { lineOfPath, lineOfVar } from '../lines.js';
import { pointsAt } from '../relay.js';
import type { AgentCheck, AgentState, Finding } from '../types.js';
import { applyCommand, base, doctorFixCommand, isConfigured, shown, where } from './shared.js';

/** Key paths where two parsed documents differ (leaves, or whole subtrees when types differ). */
export function differingPaths(a: unknown, b: unknown, path: KeyPath = []): KeyPath[] {
  if (deepEqual(a, b)) return [];
  if (isPlainObject(a) && isPlainObject(b)) {
    const keysAll = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keysAll.flatMap((k) => differingPaths(a[k], b[k], [...path, k]));
  }
  return [path];
}

export const drift: AgentCheck = (agent, ctx) => {
  const plan = agent.replan;
  if (!plan || !isConfigured(agent)) return [];
  if (plan.error) {
    if (agent.files.some((f) => f.parseError) || ctx.unreadable.size) return [];
    return [
      {
        ...base(agent),
        code: 'PLAN_FAILED',
        level: 'warn',
        message: `setup-gateway could not re-plan ${agent.recipe.name}: ${plan.error}`,
        why: 'Drift cannot be measured and --fix cannot repair this agent until that is resolved.',
        fix: 'Resolve the problem above by hand.',
      },
    ];
  }
  const out: Finding[] = [];
  for (const change of plan.changes) {
    if (change.before && change.before.equals(change.after)) continue; // mode only: FILE_MODE says it
    const intent = agent.files.find((f) => f.state.path === change.path)?.intent;
    let what: string;
    let line: number | undefined;
    if (!change.before) {
      what = 'the file is missing';
    } else if (intent?.kind === 'structured') {
      const editor = editorFor(intent.format);
      const before = change.before.toString('utf8');
      const paths = differingPaths(editor.parse(before), editor.parse(change.after.toString('utf8')));
      const first = paths[0];
      line = first ? lineOfPath(before, intent.format, first) : undefined;
      what = paths.length ? paths.slice(0, 8).map(formatPath).join(', ') + (paths.length > 8 ? `, and ${paths.length - 8} more` : '') : 'formatting';
    } else {
      what = 'the setup-gateway block';
      const v = intent?.kind === 'block' ? intent.block?.vars[0]?.name : undefined;
      line = v ? lineOfVar(change.before.toString('utf8'), v) : undefined;
    }
    out.push({
      ...base(agent),
      code: 'DRIFT',
      level: 'warn',
      file: change.path,
      ...(line !== undefined ? { line } : {}),
      message: `${shown(ctx, change.path)} differs from what setup-gateway writes for this gateway: ${what}.`,
      why: 'Someone (or another tool) changed these settings since; the agent may not route through the gateway as configured.',
      fix: `${doctorFixCommand(ctx, agent.recipe.id) ?? 'setup-gateway doctor --fix'} (shows the diff first)`,
    });
  }
  if (!out.length && !plan.consents.some((c) => !c.granted)) {
    out.push({ ...base(agent), code: 'DRIFT', level: 'ok', message: 'Its files hold exactly what setup-gateway writes for this gateway.', why: 'No drift since the last apply.', fix: '' });
  }
  return out;
};

/**
 * The agent's model differs from the one setup-gateway last applied for it (the record): changed
 * since by hand or by another tool. Drift above re-plans with the model the files hold, so it
 * never sees this; `--fix` puts the applied model back (doctor's planFixes).
 */
export function modelDrifted(agent: AgentState): boolean {
  const recorded = agent.recordedModel;
  if (recorded === undefined || !isConfigured(agent) || agent.model === recorded) return false;
  // Pointed elsewhere since (by hand, another tool): the model applied for that gateway says nothing here.
  if (!agent.viaRelay && agent.recordedUrl !== undefined && !pointsAt(agent, agent.recordedUrl)) return false;
  if (!agent.slots.some((s) => s.slot === 'model' && !s.file.parseError)) return false;
  // An agent that needs a model and holds none: MODEL_MISSING says so.
  return agent.model !== undefined || agent.recipe.model !== 'required';
}

export const modelDrift: AgentCheck = (agent, ctx) => {
  if (!modelDrifted(agent)) return [];
  const recorded = agent.recordedModel as string;
  const slot = agent.slots.find((s) => s.slot === 'model' && typeof s.value === 'string' && s.value !== '') ?? agent.slots.find((s) => s.slot === 'model');
  const at = slot ? ` (${slot.label} in ${shown(ctx, slot.file.path)})` : '';
  const apply = applyCommand(ctx, agent.recipe.id);
  const putBack = doctorFixCommand(ctx, agent.recipe.id) ?? (apply === 'setup-gateway' ? apply : `${apply} --model ${recorded}`);
  // Keeping the new model is an apply with it (not through the relay: apply would pick the route anew).
  const keep = agent.model !== undefined && apply !== 'setup-gateway' && !agent.viaRelay ? ` (or: ${apply} --model ${agent.model} (keeps ${agent.model}))` : '';
  return [
    {
      ...base(agent),
      ...(slot ? where(slot) : {}),
      code: 'MODEL_DRIFT',
      level: 'warn',
      message: `${agent.recipe.name} ${agent.model !== undefined ? `uses model ${agent.model}` : 'holds no model'}${at}; setup-gateway applied ${recorded}.`,
      why: 'The model was changed since the last apply (by hand or by another tool): the agent asks the gateway for another model than the one applied.',
      fix: `${putBack} (puts ${recorded} back)${keep}`,
    },
  ];
};

export const consents: AgentCheck = (agent, ctx) =>
  (agent.replan?.consents ?? [])
    .filter((c) => !c.granted)
    .map((c) => ({
      ...base(agent),
      code: 'SETTING_CONFLICT',
      level: 'warn' as const,
      file: c.file,
      message: `${shown(ctx, c.file)}: ${consentReason(c.question)}`,
      why: 'setup-gateway leaves it in place without your consent.',
      fix: 'setup-gateway doctor --fix (asks before removing it), or remove it by hand.',
    }));

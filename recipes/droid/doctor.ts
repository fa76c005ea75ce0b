// Factory Droid's traps, beyond the generic checks. The facts and their sources: recipe.ts.
import { displayPath, pathFor, type Environment } from '../../src/core/environment.js';
import { getAt } from '../../src/formats/ops.js';
import { isConfigured } from '../../src/doctor/checks/shared.js';
import type { AgentCheck, AgentDoctor, DoctorContext } from '../../src/doctor/types.js';
import { DROID_MODEL_ID, factoryDir } from './facts.js';

function userLocal(env: Environment): string {
  return pathFor(env).join(factoryDir(env), 'settings.local.json');
}

/** The files that can set the start-up model after ours, in the order Droid merges them (later wins). */
function laterFiles(ctx: DoctorContext): string[] {
  const p = pathFor(ctx.env);
  const projects = [...new Set([ctx.gitRoot, ctx.cwd].filter((d): d is string => Boolean(d)))];
  const ours = p.join(factoryDir(ctx.env), 'settings.json');
  const files = [userLocal(ctx.env), ...projects.flatMap((d) => [p.join(d, '.factory', 'settings.json'), p.join(d, '.factory', 'settings.local.json')])];
  return [...new Set(files)].filter((f) => f !== ours);
}

/** `sessionDefaultSettings.model` set to another model by a file Droid merges over ours. */
const defaultModel: AgentCheck = (agent, ctx) => {
  if (!isConfigured(agent)) return [];
  let winner: { path: string; value: unknown } | undefined;
  for (const path of laterFiles(ctx)) {
    const data = agent.extra.get(path)?.data;
    const value = data === undefined ? undefined : getAt(data, ['sessionDefaultSettings', 'model']);
    if (value !== undefined) winner = { path, value };
  }
  if (!winner || winner.value === DROID_MODEL_ID) return [];
  return [
    {
      agent: agent.recipe.id,
      code: 'DROID_DEFAULT_MODEL',
      level: 'error',
      file: winner.path,
      message: `sessionDefaultSettings.model in ${displayPath(ctx.env, winner.path)} is ${JSON.stringify(winner.value)}, not the gateway model (${DROID_MODEL_ID}).`,
      why: 'Droid merges that file over ~/.factory/settings.json, so sessions and `droid exec` start with that model, which does not go to the gateway (a Factory model asks for a Factory login).',
      fix: `Set it to "${DROID_MODEL_ID}" or remove it from ${displayPath(ctx.env, winner.path)}.`,
    },
  ];
};

export const doctor: AgentDoctor = {
  files: (env) => [userLocal(env)],
  checks: [defaultModel],
};

// Pi's traps, beyond the generic checks. The facts and their sources: recipe.ts.
import { displayPath, pathFor, type Environment } from '../../src/core/environment.js';
import { getAt, isPlainObject } from '../../src/formats/ops.js';
import { isConfigured } from '../../src/doctor/checks/shared.js';
import type { AgentCheck, AgentDoctor } from '../../src/doctor/types.js';
import { PI_PROVIDER_ID, piAgentDir } from './facts.js';

function authFile(env: Environment): string {
  return pathFor(env).join(piAgentDir(env), 'auth.json');
}

/** A credential stored with /login for our provider id wins over the apiKey in models.json. */
const storedKey: AgentCheck = (agent, ctx) => {
  if (!isConfigured(agent)) return [];
  const path = authFile(ctx.env);
  const text = agent.extra.get(path)?.text;
  if (!text) return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [];
  }
  if (!isPlainObject(data) || data[PI_PROVIDER_ID] === undefined) return [];
  const type = getAt(data, [PI_PROVIDER_ID, 'type']);
  return [
    {
      agent: agent.recipe.id,
      code: 'PI_STORED_KEY',
      level: 'warn',
      file: path,
      message: `${displayPath(ctx.env, path)} holds a stored ${typeof type === 'string' ? `${type} ` : ''}credential for the "${PI_PROVIDER_ID}" provider.`,
      why: 'Pi uses a credential stored with /login before the apiKey in models.json, so requests carry that one instead of the gateway key.',
      fix: `Run /logout in Pi and choose "${PI_PROVIDER_ID}", or remove that entry from ${displayPath(ctx.env, path)}.`,
    },
  ];
};

/** The apiKey Pi finds is a `$NAME` reference or a `!command`: the key it sends comes from elsewhere. */
const keyReference: AgentCheck = (agent, ctx) => {
  if (!isConfigured(agent)) return [];
  const models = agent.files.find((f) => f.intent.kind === 'structured' && pathFor(ctx.env).basename(f.path) === 'models.json');
  const raw = models?.data === undefined ? undefined : getAt(models.data, ['providers', PI_PROVIDER_ID, 'apiKey']);
  if (typeof raw !== 'string' || raw === '' || agent.recipe.readKey?.(raw) !== undefined) return [];
  return [
    {
      agent: agent.recipe.id,
      code: 'PI_KEY_REFERENCE',
      level: 'warn',
      file: models?.path ?? '',
      message: `providers.${PI_PROVIDER_ID}.apiKey in ${displayPath(ctx.env, models?.path ?? '')} is ${raw.startsWith('!') ? 'a shell command' : 'an environment reference'}, not the key itself.`,
      why: 'Pi runs a value starting with "!" and replaces $NAME with that environment variable; doctor cannot tell which key that gives. A literal "$" in a key must be written "$$".',
      fix: 'setup-gateway doctor --fix (writes the gateway key there, escaped)',
    },
  ];
};

/**
 * Whether one `enabledModels` pattern names our model: a glob (minimatch: `*` stays within a
 * `/` segment, `**` crosses them) against `provider/id` or `id`, else the exact reference. Other
 * plain patterns are fuzzy searches in Pi (resolveModelScopeFromModels): not counted.
 */
function patternTakes(pattern: string, model: string): boolean {
  const bare = pattern.replace(/:(off|minimal|low|medium|high|xhigh|max)$/i, '');
  const refs = [`${PI_PROVIDER_ID}/${model}`.toLowerCase(), model.toLowerCase()];
  if (!/[*?[]/.test(bare)) return refs.includes(bare.toLowerCase());
  const source = bare.replace(/\*\*|\*|\?|[.+^${}()|[\]\\]/g, (t) => (t === '**' ? '.*' : t === '*' ? '[^/]*' : t === '?' ? '[^/]' : `\\${t}`));
  const re = new RegExp(`^${source}$`, 'i');
  return refs.some((r) => re.test(r));
}

/**
 * `enabledModels` limits the models a session starts with: when our default model is not among
 * them, `pi` starts with the first one that is (buildSessionOptions in dist/main.js).
 */
const enabledModels: AgentCheck = (agent, ctx) => {
  if (!isConfigured(agent) || !agent.model) return [];
  const settings = agent.files.find((f) => f.intent.kind === 'structured' && f.intent.ops.some((op) => op.path[0] === 'defaultProvider'));
  const patterns = settings?.data === undefined ? undefined : getAt(settings.data, ['enabledModels']);
  if (!settings || !Array.isArray(patterns) || patterns.length === 0) return [];
  const model = agent.model;
  if (patterns.some((p) => typeof p === 'string' && patternTakes(p, model))) return [];
  return [
    {
      agent: agent.recipe.id,
      code: 'PI_ENABLED_MODELS',
      level: 'warn',
      file: settings.path,
      message: `enabledModels in ${displayPath(ctx.env, settings.path)} has no pattern for ${PI_PROVIDER_ID}/${model}.`,
      why: 'Pi starts a session with the default model only when enabledModels takes it in; otherwise it starts with the first model the list matches, which does not go to the gateway.',
      fix: `Add "${PI_PROVIDER_ID}/${model}" to enabledModels, or remove that setting.`,
    },
  ];
};

export const doctor: AgentDoctor = {
  files: (env) => [authFile(env)],
  checks: [storedKey, keyReference, enabledModels],
};

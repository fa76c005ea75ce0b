// OpenClaw (npm `openclaw`, needs Node >= 24). Facts checked 2026-11-23 against the docs shipped
// in openclaw 2026.9.6 (docs.openclaw.ai) and its code:
// - https://docs.openclaw.ai/gateway/configuration: `~/.openclaw/openclaw.json` is JSON5
//   (comments, trailing commas; the examples use unquoted keys); validation is strict (the JSON
//   schema from `openclaw config schema` has additionalProperties: false); the Gateway watches the
//   file and reloads it.
// - https://docs.openclaw.ai/help/environment: OPENCLAW_CONFIG_PATH (the file), OPENCLAW_STATE_DIR
//   (its folder), OPENCLAW_HOME (replaces the home for both). src/config/paths.ts: with no
//   override the first existing of `~/.openclaw/{openclaw,clawdbot}.json` and
//   `~/.clawdbot/{openclaw,clawdbot}.json` is read (OPENCLAW_STATE_DIR's pair first when set),
//   else `<state dir>/openclaw.json` is created.
// - https://docs.openclaw.ai/concepts/model-providers/custom-providers: `models.mode: "merge"`,
//   `models.providers.<id>` with `baseUrl` (…/v1), `apiKey`, `api: "openai-completions"`,
//   `models: [{id, name}]` (both required by the schema); `agents.defaults.model.primary` is
//   `<provider>/<model>` (the provider is the first segment, so model ids may hold `/`).
// - https://docs.openclaw.ai/concepts/models: `agents.defaults.models` holds aliases and per-model
//   settings and is not an allowlist; `agents.defaults.modelPolicy.allow` (and, until `doctor
//   --fix` migrates it, a legacy `agents.defaults.models` map) restricts /model, session overrides
//   and --model only. Checked with `openclaw agent exec`: a primary outside either list still runs,
//   so neither is touched; the notes say how to allow switching to ours.
// - https://docs.openclaw.ai/gateway/config-secrets-env: `${VAR}` (uppercase names) in any config
//   string is replaced from the environment; `$${VAR}` is a literal `${VAR}`. The key is escaped
//   that way, so a key containing `${…}` is sent as written.
// - `agents.defaults.model` may also be a plain string; we then stop with a conflict rather than
//   replace the user's value (and its fallbacks).
//
// JSON5 files: the JSON editor keeps comments and trailing commas; unquoted keys, single quotes and
// other JSON5-only syntax stop the edit with the line and column (src/formats/json5.ts), never a
// rewrite that would drop the user's comments (the trap in openclaw/openclaw#105683).
// - Model slots (docs shipped in the pinned 2026.9.6: docs/gateway/config-agents/models.md and
//   entries-and-multi-agent.md, checked 2026-12-04): `agents.defaults.utilityModel` serves titles,
//   progress narration and recaps (unset: the primary provider's small default);
//   `agents.defaults.model.fallbacks` are tried in order when the primary fails;
//   `agents.entries.<id>.model` (and `.utilityModel`) override them per agent. A ref on another
//   provider (not one whose baseUrl is on this machine) is pointed at the gateway with consent.
import { pathFor, type Environment } from '../../src/core/environment.js';
import type { PlannedOp, Recipe } from '../../src/core/recipe.js';
import { entriesAt, leavesMachine, providerOf, stringAt, valueAt } from '../../src/core/slots.js';

/** Our provider id: `<id>/<model>` selects it. */
export const OPENCLAW_PROVIDER_ID = 'setup-gateway';

export const openclaw: Recipe = {
  id: 'openclaw',
  name: 'OpenClaw',
  protocol: 'openai-chat',
  model: 'required',
  checked: '2026-11-23',
  sources: [
    'https://docs.openclaw.ai/gateway/configuration',
    'https://docs.openclaw.ai/help/environment',
    'https://docs.openclaw.ai/concepts/model-providers/custom-providers',
    'https://docs.openclaw.ai/concepts/models',
    'https://docs.openclaw.ai/gateway/config-secrets-env',
  ],
  slots: [
    { role: 'main', keys: ['agents.defaults.model.primary'], routable: true, writes: 'main' },
    { role: 'small', keys: ['agents.defaults.utilityModel'], routable: true, writes: 'small', note: 'titles, progress narration, recaps' },
    { role: 'fallback', keys: ['agents.defaults.model.fallbacks'], routable: true, writes: 'none', note: 'entries on other providers are dropped with consent, else a doctor warning' },
    { role: 'subagent', keys: ['agents.entries.<id>.model', 'agents.entries.<id>.utilityModel'], routable: true, writes: 'main', note: 'an agent on another provider: rewritten with consent, else a doctor warning' },
  ],
  detect: {
    binaries: ['openclaw'],
    paths: (env) => [openclawStateDir(env), ...(configOverride(env) ? [configOverride(env) as string] : [])],
  },
  plan({ profile, model, smallModel, env, read }) {
    const provider = ['models', 'providers', OPENCLAW_PROVIDER_ID];
    const id = model ?? '';
    const small = smallModel ?? id;
    const { path, preferExisting } = openclawConfigFile(env);
    const current = [...preferExisting, path].map((p) => read?.(p, 'json')).find((d) => d !== undefined);
    // A ref on another provider that leaves this machine (a local LM Studio or Ollama is no leak).
    const elsewhere = (ref: string) => {
      const p = providerOf(ref);
      if (p === OPENCLAW_PROVIDER_ID) return false;
      const url = p === undefined ? undefined : stringAt(current, ['models', 'providers', p, 'baseUrl']);
      return url === undefined || leavesMachine(url);
    };
    // Fallbacks on other providers take over when the primary fails: with consent only ours stay.
    const fallbacks = valueAt(current, ['agents', 'defaults', 'model', 'fallbacks']);
    const refs = Array.isArray(fallbacks) ? fallbacks.filter((f): f is string => typeof f === 'string') : [];
    const others = refs.filter(elsewhere);
    const fallbackOps: PlannedOp[] = others.length
      ? [
          {
            op: 'set',
            path: ['agents', 'defaults', 'model', 'fallbacks'],
            value: refs.filter((f) => !elsewhere(f)),
            slot: 'fallback',
            elsewhere: [...new Set(others.map((f) => providerOf(f) ?? f))].join(', '),
            consent: `agents.defaults.model.fallbacks lists ${others.join(', ')}, on other providers than the gateway. Remove them?`,
          },
        ]
      : [];
    // An agent with a model of its own (a ref, or `{ primary }`) on another provider sends its turns there.
    const agentOps = entriesAt(current, ['agents', 'entries']).flatMap(([name]): PlannedOp[] =>
      (['model', 'utilityModel'] as const).flatMap((key): PlannedOp[] => {
        const at = ['agents', 'entries', name, key];
        const target = stringAt(current, at) !== undefined ? at : stringAt(current, [...at, 'primary']) !== undefined ? [...at, 'primary'] : undefined;
        const ref = target && stringAt(current, target);
        if (!target || !ref || !id || !elsewhere(ref)) return [];
        const value = `${OPENCLAW_PROVIDER_ID}/${key === 'utilityModel' ? small : id}`;
        const consent = `The OpenClaw agent "${name}" uses ${ref} (${key}), on another provider than the gateway. Point it at the gateway's ${value}?`;
        return [{ op: 'set', path: target, value, slot: 'subagent', elsewhere: providerOf(ref) ?? ref, consent }];
      }),
    );
    return {
      files: [
        {
          kind: 'structured',
          path,
          ...(preferExisting.length > 0 ? { preferExisting } : {}),
          format: 'json',
          ops: [
            // "replace" (only configured providers) keeps working with ours: left as the user set it.
            { op: 'setDefault', path: ['models', 'mode'], value: 'merge' },
            { op: 'set', path: [...provider, 'baseUrl'], value: profile.urls.openai },
            { op: 'set', path: [...provider, 'apiKey'], value: escapeEnvRefs(profile.key) },
            { op: 'set', path: [...provider, 'api'], value: 'openai-completions' },
            // Other models the user listed under our provider stay; the model of a gateway we switch away from goes.
            { op: 'upsert', path: [...provider, 'models'], match: { key: 'id', value: id }, value: { id, name: id }, adds: { list: [...provider, 'models'], match: { key: 'id', value: id } } },
            { op: 'upsert', path: [...provider, 'models'], match: { key: 'id', value: small }, value: { id: small, name: small }, adds: { list: [...provider, 'models'], match: { key: 'id', value: small } } },
            { op: 'set', path: ['agents', 'defaults', 'model', 'primary'], value: `${OPENCLAW_PROVIDER_ID}/${id}` },
            // Titles, progress narration and recaps: unset, OpenClaw may pick its provider's small default.
            { op: 'set', path: ['agents', 'defaults', 'utilityModel'], value: `${OPENCLAW_PROVIDER_ID}/${small}`, slot: 'small' },
            ...fallbackOps,
            ...agentOps,
          ],
          holdsSecret: true,
          purpose: `models.providers.${OPENCLAW_PROVIDER_ID} (baseUrl, apiKey, openai-completions, the models), agents.defaults.model.primary and utilityModel`,
        },
      ],
      notes: [
        'A running OpenClaw Gateway reloads openclaw.json by itself; sessions pinned to another model keep it until /new or /model.',
        `If agents.defaults.modelPolicy.allow (or a per-agent policy) restricts models, add "${OPENCLAW_PROVIDER_ID}/*" to it to switch back to this model with /model.`,
        'An agent with its own model under agents.entries on another provider keeps it unless you agree (--yes); doctor warns about it.',
      ],
    };
  },
};

/** `${NAME}` → `$${NAME}`, which OpenClaw reads back as the literal `${NAME}`. */
export function escapeEnvRefs(value: string): string {
  return value.replace(/\$\{[A-Z_][A-Z0-9_]*\}/g, (ref) => `$${ref}`);
}

/** OPENCLAW_CONFIG_PATH, when set. */
function configOverride(env: Environment): string | undefined {
  return userPath(env, env.env.OPENCLAW_CONFIG_PATH);
}

/** The file OpenClaw reads, and the candidates it prefers when they exist (src/config/paths.ts). */
export function openclawConfigFile(env: Environment): { path: string; preferExisting: string[] } {
  const override = configOverride(env);
  if (override) return { path: override, preferExisting: [] };
  const join = pathFor(env).join;
  const home = openclawHome(env);
  const stateOverride = userPath(env, env.env.OPENCLAW_STATE_DIR);
  const dirs = [...(stateOverride ? [stateOverride] : []), join(home, '.openclaw'), join(home, '.clawdbot')];
  return {
    path: join(openclawStateDir(env), 'openclaw.json'),
    preferExisting: dirs.flatMap((dir) => [join(dir, 'openclaw.json'), join(dir, 'clawdbot.json')]),
  };
}

/** OPENCLAW_STATE_DIR, else `<home>/.openclaw`. */
export function openclawStateDir(env: Environment): string {
  return userPath(env, env.env.OPENCLAW_STATE_DIR) ?? pathFor(env).join(openclawHome(env), '.openclaw');
}

/** OPENCLAW_HOME replaces the home for every OpenClaw default path. */
function openclawHome(env: Environment): string {
  return userPath(env, env.env.OPENCLAW_HOME) ?? env.home;
}

/** An absolute path or one starting with `~` (expanded like OpenClaw does); blank means unset. */
function userPath(env: Environment, value: string | undefined): string | undefined {
  const p = pathFor(env);
  const v = value?.trim();
  if (!v || v === 'undefined' || v === 'null') return undefined;
  if (/^~(?=$|[\\/])/.test(v)) return p.join(env.home, v.slice(1));
  return p.isAbsolute(v) ? v : undefined;
}

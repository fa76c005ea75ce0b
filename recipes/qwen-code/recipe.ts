// Qwen Code (npm `@qwen-code/qwen-code`, `qwen`; Node >= 22). Facts checked 2026-12-04 against
// the docs and the code of the pinned 0.24.4 (its bundled chunks under the package):
// - https://qwenlm.github.io/qwen-code-docs/en/users/configuration/settings/: the user file is
//   `~/.qwen/settings.json` on every OS (QWEN_HOME replaces `~/.qwen`; a leading `~` is expanded);
//   JSON with comments; `.qwen/settings.json` in the project wins over it and system files
//   (/etc/qwen-code/settings.json, QWEN_CODE_SYSTEM_SETTINGS_PATH) over both. String values may
//   reference `$NAME` / `${NAME}`, replaced from the environment when NAME is set; there is no
//   escape, so a key holding such a reference is noted (below).
// - https://qwenlm.github.io/qwen-code-docs/en/users/configuration/model-providers/:
//   `modelProviders.openai` is a list of `{id, name, baseUrl, envKey}`; `id` is the model sent;
//   the key is read from `process.env[envKey]`, never from the entry. `security.auth.selectedType`
//   `openai` and `model.name` pick the entry (`model.baseUrl` tells apart entries sharing an id).
// - The settings schema's `env` object sets variables as the lowest-priority fallback (the process
//   environment and .env files win), so the key goes there under a name of our own that no
//   shell or .env sets: OPENAI_API_KEY / OPENAI_BASE_URL in the environment do not win over a
//   modelProviders entry's envKey and baseUrl (modelConfigResolver: the entry comes first).
// - A file without `"$version": 4` is rewritten by Qwen Code on every start to add it (settings
//   loader): we set it when absent so the file stays as written (and `undo` can restore it).
//   `modelProviders` is replaced, not merged, by a project file that has its own.
// - Model slots (the pinned 0.24.4's settings schema, chunks/chunk-D2H63VR2.js, checked 2026-12-04):
//   besides `model.name`, `fastModel` (prompt suggestions, speculative execution),
//   `compactionModel` (chat compression), `advisorModel` (/advisor, "even when it uses another
//   provider") and `visionModel` each name a model id of a `modelProviders` entry (Config.getFastModel
//   and getCompactionModel only accept configured ids; unset, the main model or a same-provider
//   pick). An id whose entries all point elsewhere sends there: the fast and compaction models
//   are rewritten to the small model (in an entry of ours), the advisor and vision models removed
//   with consent.
import { pathFor, type Environment } from '../../src/core/environment.js';
import type { PlannedOp, Recipe } from '../../src/core/recipe.js';
import { entriesAt, leavesMachine, stringAt, valueAt } from '../../src/core/slots.js';

/** The variable (in settings.json's `env`) our modelProviders entry takes its key from. */
export const QWEN_KEY_VAR = 'SETUP_GATEWAY_QWEN_API_KEY';
/** The settings version Qwen Code 0.24 stamps on a file it loads. */
export const QWEN_SETTINGS_VERSION = 4;

export const qwenCode: Recipe = {
  id: 'qwen-code',
  name: 'Qwen Code',
  protocol: 'openai-chat',
  model: 'required',
  checked: '2026-12-04',
  sources: [
    'https://qwenlm.github.io/qwen-code-docs/en/users/configuration/settings/',
    'https://qwenlm.github.io/qwen-code-docs/en/users/configuration/model-providers/',
    'https://github.com/QwenLM/qwen-code (packages/core/src/models/modelConfigResolver.ts, packages/cli/src/config/settings.ts)',
  ],
  checks: {
    env: [
      // settings.json's `env` is the last fallback: the same name in the environment wins.
      { name: QWEN_KEY_VAR, slot: 'key', wins: true },
      // Only used when our entry gives none: read, but they lose to it.
      { name: 'OPENAI_API_KEY', slot: 'key', wins: false },
      { name: 'OPENAI_BASE_URL', slot: 'url', wins: false },
    ],
    dotenv: [{ path: '.qwen/.env', in: ['cwd', 'home'] }],
    projectFiles: [{ path: '.qwen/settings.json', in: ['cwd'], mirrors: 'settings.json' }],
  },
  slots: [
    { role: 'main', keys: ['model.name'], routable: true, writes: 'main' },
    { role: 'small', keys: ['fastModel', 'compactionModel'], routable: true, writes: 'small', note: 'rewritten when its modelProviders entry is elsewhere; unset, the main model' },
    {
      role: 'subagent',
      keys: ['advisorModel', 'visionModel'],
      routable: true,
      writes: 'none',
      note: 'one whose modelProviders entry is elsewhere is removed with consent (unset: the main model, a same-provider vision model), else a doctor warning',
    },
  ],
  detect: {
    binaries: ['qwen'],
    paths: (env) => [qwenDir(env)],
  },
  plan({ profile, model, smallModel, env, read }) {
    const id = model ?? '';
    const small = smallModel ?? id;
    const url = profile.urls.openai;
    const dollar = /\$(\w+|\{[^}]+\})/.exec(profile.key);
    const path = pathFor(env).join(qwenDir(env), 'settings.json');
    const secondary = id ? secondaryOps(read?.(path, 'json'), url, id, small) : [];
    return {
      files: [
        {
          kind: 'structured',
          path,
          format: 'json',
          ops: [
            { op: 'setDefault', path: ['$version'], value: QWEN_SETTINGS_VERSION },
            { op: 'set', path: ['security', 'auth', 'selectedType'], value: 'openai' },
            // Other models the user listed stay; ours is matched by its id (and goes when we switch to another).
            {
              op: 'upsert',
              path: ['modelProviders', 'openai'],
              match: { key: 'id', value: id },
              value: { id, name: id, baseUrl: url, envKey: QWEN_KEY_VAR },
              adds: { list: ['modelProviders', 'openai'], match: { key: 'id', value: id } },
            },
            { op: 'set', path: ['model', 'name'], value: id },
            { op: 'set', path: ['model', 'baseUrl'], value: url },
            { op: 'set', path: ['env', QWEN_KEY_VAR], value: profile.key },
            ...secondary,
          ],
          holdsSecret: true,
          purpose: `the model in modelProviders.openai (the gateway URL), its key in env.${QWEN_KEY_VAR}, auth type openai`,
        },
      ],
      notes: [
        'Qwen Code started with --model, --auth-type or --openai-base-url uses those instead.',
        ...(dollar
          ? [`The key contains "${dollar[0]}": Qwen Code replaces $NAME in settings.json from the environment when NAME is set, which would change the key it sends.`]
          : []),
      ],
    };
  },
};

/** QWEN_HOME (absolute, or `~`-relative), else `~/.qwen`. */
export function qwenDir(env: Environment): string {
  const p = pathFor(env);
  const v = env.env.QWEN_HOME?.trim();
  if (v) {
    if (/^~(?=$|[\\/])/.test(v)) return p.join(env.home, v.slice(1));
    if (p.isAbsolute(v)) return v;
  }
  return p.join(env.home, '.qwen');
}

/** Qwen Code's secondary model settings: each a modelProviders id, optionally `authType:id`. */
const SECONDARY = [
  { key: 'fastModel', quick: true },
  { key: 'compactionModel', quick: true },
  { key: 'advisorModel', quick: false },
  { key: 'visionModel', quick: false },
] as const;

/**
 * A secondary model whose modelProviders entries (by id, within its auth type when it names one)
 * all send elsewhere than the gateway and off this machine goes there. The quick ones get the
 * small model (added to our entries); the advisor and vision models, chosen on purpose, are
 * removed with consent (unset, they use the main model and a vision model of the same provider).
 */
function secondaryOps(current: unknown, url: string, id: string, small: string): PlannedOp[] {
  let smallEntry = false;
  const ops = SECONDARY.flatMap(({ key, quick }): PlannedOp[] => {
    const value = stringAt(current, [key]);
    if (!value) return [];
    // Routed by an earlier apply: its entry stays ours.
    if (quick && value === small) smallEntry = true;
    const colon = value.indexOf(':');
    const types = entriesAt(current, ['modelProviders']).map(([t]) => t);
    const authType = colon > 0 && types.includes(value.slice(0, colon)) ? value.slice(0, colon) : undefined;
    const modelId = authType ? value.slice(colon + 1) : value;
    const urls = (authType ? [authType] : types).flatMap((t) => {
      const list = valueAt(current, ['modelProviders', t]);
      return Array.isArray(list) ? list.filter((e) => stringAt(e, ['id']) === modelId).map((e) => stringAt(e, ['baseUrl']) ?? '') : [];
    });
    const away = urls.filter((u) => u !== url && leavesMachine(u));
    if (urls.length === 0 || away.length < urls.length) return [];
    const elsewhere = [...new Set(away)].join(', ');
    if (!quick) {
      const consent = `${key} ${value} sends its requests to ${elsewhere}, not to the gateway. Remove it?`;
      return [{ op: 'delete', path: [key], slot: 'subagent', elsewhere, consent }];
    }
    smallEntry = true;
    return [{ op: 'set', path: [key], value: small, slot: 'small', elsewhere }];
  });
  if (!smallEntry || small === id) return ops;
  const entry: PlannedOp = {
    op: 'upsert',
    path: ['modelProviders', 'openai'],
    match: { key: 'id', value: small },
    value: { id: small, name: small, baseUrl: url, envKey: QWEN_KEY_VAR },
    adds: { list: ['modelProviders', 'openai'], match: { key: 'id', value: small } },
  };
  return [entry, ...ops];
}


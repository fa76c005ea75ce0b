// Kilo Code CLI (npm `@kilocode/cli`, `kilo` / `kilocode`; 7.x is built on opencode). Facts checked
// 2026-12-04 against the docs and the pinned 7.7.7 binary (`kilo debug paths`, its bundled code):
// - https://kilo.ai/docs/cli and the CLI's config loader: the global folder is
//   `$XDG_CONFIG_HOME/kilo`, else `~/.config/kilo` on every platform (`kilo debug paths`);
//   KILO_CONFIG_DIR replaces it. JSON with comments and trailing commas. Files there are merged in
//   the order config.json, kilo.json, kilo.jsonc, opencode.json, opencode.jsonc (later wins).
// - The CLI itself writes its global settings to the first existing of kilo.jsonc, kilo.json,
//   opencode.jsonc, opencode.json, config.json, else kilo.jsonc (`globalTarget` in its config
//   code): we edit the same file.
// - Providers have opencode's shape (https://kilo.ai/docs/providers/openai-compatible,
//   Kilo-Org/kilocode discussion #15441): `provider.<id>` with `npm: "@ai-sdk/openai-compatible"`
//   (Chat Completions), `name`, `options.baseURL` (…/v1), `options.apiKey`, `models.<id>.name`;
//   `model: "<provider>/<model>"` picks it (split at the first `/`).
// - Project files (`kilo.json(c)`, `opencode.json(c)`, `.kilo/`, `.kilocode/` up to the git root)
//   and KILO_CONFIG / KILO_CONFIG_CONTENT are merged after the global file, so their keys win;
//   KILO_DISABLE_PROJECT_CONFIG turns the project files off.
// - Observed with 7.7.7: like opencode, a loaded file without `$schema` gets one written into it;
//   we set `https://app.kilo.ai/config.json` (the value it writes) so the file stays as written.
// - Observed with 7.7.7: the first start of Kilo 7 on a machine (no `.bash-permission-migrated` in
//   the config folder) adds `permission.bash: "allow"` to every existing global file, ours too, to
//   keep what older versions allowed. After that first run `undo` finds the file changed.
// - Model slots (the pinned 7.7.7 binary's config schema, checked 2026-12-04): `small_model`,
//   "for tasks like title generation", in `provider/model` form; unset, a small model of the main
//   provider is used. One set to another provider is rewritten to ours (the small model).
import { configHome, pathFor, type Environment } from '../../src/core/environment.js';
import type { PlannedOp, Recipe } from '../../src/core/recipe.js';
import { providerOf, stringAt } from '../../src/core/slots.js';

/** Our provider id: `<id>/<model>` selects it. */
export const KILO_PROVIDER_ID = 'setup-gateway';
/** What Kilo writes into a config without `$schema`. */
export const KILO_SCHEMA = 'https://app.kilo.ai/config.json';

/** Kilo's global files, in the order it picks the one it writes (`globalTarget`). */
const GLOBAL_FILES = ['kilo.jsonc', 'kilo.json', 'opencode.jsonc', 'opencode.json', 'config.json'];

export const kiloCode: Recipe = {
  id: 'kilo-code',
  name: 'Kilo Code CLI',
  protocol: 'openai-chat',
  model: 'required',
  checked: '2026-12-04',
  sources: [
    'https://kilo.ai/docs/cli',
    'https://kilo.ai/docs/providers/openai-compatible',
    'https://github.com/Kilo-Org/kilocode/discussions/15441',
    'https://github.com/Kilo-Org/kilocode (packages/opencode/src/config, packages/opencode/src/global)',
  ],
  checks: {
    env: [
      { name: 'KILO_CONFIG', wins: true },
      { name: 'KILO_CONFIG_CONTENT', wins: true },
    ],
    projectFiles: [
      { path: 'kilo.json', in: ['cwd', 'git-root'], mirrors: 'kilo.jsonc' },
      { path: 'kilo.jsonc', in: ['cwd', 'git-root'], mirrors: 'kilo.jsonc' },
      { path: '.kilo/kilo.jsonc', in: ['cwd', 'git-root'], mirrors: 'kilo.jsonc' },
      { path: '.kilo/kilo.json', in: ['cwd', 'git-root'], mirrors: 'kilo.jsonc' },
      { path: 'opencode.json', in: ['cwd', 'git-root'], mirrors: 'kilo.jsonc' },
    ],
  },
  slots: [
    { role: 'main', keys: ['model'], routable: true, writes: 'main' },
    { role: 'small', keys: ['small_model'], routable: true, writes: 'small', note: 'rewritten when set to another provider; unset, Kilo picks a small model of the main provider' },
  ],
  detect: {
    binaries: ['kilo', 'kilocode'],
    paths: (env) => [kiloConfigDir(env)],
  },
  plan({ profile, model, smallModel, env, read }) {
    const join = pathFor(env).join;
    const dir = kiloConfigDir(env);
    const provider = ['provider', KILO_PROVIDER_ID];
    const id = model ?? '';
    const small = smallModel ?? id;
    const files = GLOBAL_FILES.map((f) => join(dir, f));
    // The first global file Kilo has, as it is: a small_model on another provider sends titles there.
    const current = files.map((f) => read?.(f, 'json')).find((d) => d !== undefined);
    const smallNow = stringAt(current, ['small_model']);
    const routeSmall = Boolean(smallNow && providerOf(smallNow) !== KILO_PROVIDER_ID && id);
    // The small model's entry, while small_model uses it (routed now or by an earlier apply).
    const smallEntry = small !== id && (routeSmall || smallNow === `${KILO_PROVIDER_ID}/${small}`);
    const smallOps: PlannedOp[] = [
      ...(smallEntry ? [{ op: 'set' as const, path: [...provider, 'models', small, 'name'], value: small, adds: { map: [...provider, 'models'], key: small } }] : []),
      ...(routeSmall && smallNow
        ? [{ op: 'set' as const, path: ['small_model'], value: `${KILO_PROVIDER_ID}/${small}`, slot: 'small' as const, elsewhere: providerOf(smallNow) ?? smallNow }]
        : []),
    ];
    return {
      files: [
        {
          kind: 'structured',
          path: join(dir, 'kilo.jsonc'),
          preferExisting: files,
          format: 'json',
          ops: [
            { op: 'setDefault', path: ['$schema'], value: KILO_SCHEMA },
            { op: 'set', path: [...provider, 'npm'], value: '@ai-sdk/openai-compatible' },
            { op: 'set', path: [...provider, 'name'], value: 'AI gateway (setup-gateway)' },
            { op: 'set', path: [...provider, 'options', 'baseURL'], value: profile.urls.openai },
            { op: 'set', path: [...provider, 'options', 'apiKey'], value: profile.key },
            // Other models the user added under our provider stay; the model of a gateway we switch away from goes.
            { op: 'set', path: [...provider, 'models', id, 'name'], value: id, adds: { map: [...provider, 'models'], key: id } },
            { op: 'set', path: ['model'], value: `${KILO_PROVIDER_ID}/${id}` },
            ...smallOps,
          ],
          holdsSecret: true,
          purpose: `provider.${KILO_PROVIDER_ID} (openai-compatible, baseURL, apiKey, the model) and model`,
        },
      ],
      notes: [
        'A project kilo.json(c) or opencode.json, KILO_CONFIG or KILO_CONFIG_CONTENT overrides `model` here.',
        `If your config lists enabled_providers, add "${KILO_PROVIDER_ID}" to it.`,
      ],
    };
  },
};

/** KILO_CONFIG_DIR, else `$XDG_CONFIG_HOME/kilo` (`~/.config/kilo`, Windows too). */
export function kiloConfigDir(env: Environment): string {
  const p = pathFor(env);
  const override = env.env.KILO_CONFIG_DIR;
  if (override && p.isAbsolute(override)) return override;
  return p.join(configHome(env), 'kilo');
}

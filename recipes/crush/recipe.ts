// Crush (Charm; npm `@charmland/crush`, `crush`). Facts checked 2026-12-04 against the docs shipped
// with 0.96.1 (its npm README) and charmbracelet/crush's docs/config/README.md and
// internal/config (load.go, resolve.go):
// - The npm package holds no binary: its postinstall (GoReleaser's install.js) downloads the
//   release archive from github.com. Where only the npm registry is reachable it cannot install,
//   so this recipe is checked against the documented format and the loader's rules, not run.
// - Since 0.85 the documented format is `crushrc` (Bash with Crush builtins); `crush.json` is
//   "deprecated, supported for the foreseeable future" and read from the same folders:
//   `$XDG_CONFIG_HOME/crush`, else `~/.config/crush` (`%USERPROFILE%\.config\crush` on Windows);
//   CRUSH_GLOBAL_CONFIG names another folder. Project `crush.json` / `.crush.json` (and crushrc)
//   are merged over the global file; a crushrc wins over the JSON in the same folder.
// - schema.json: a custom provider is `providers.<id>` with `type` (`openai-compat` = Chat Completions),
//   `base_url` (…/v1), `api_key`, `models: [{id, name, context_window, default_max_tokens}]`;
//   `models.large` / `models.small` are `{provider, model}`. Without `models.small`, Crush picks the
//   small model (titles, summaries) of the first built-in provider it finds configured, e.g. from
//   OPENAI_API_KEY, so we set both.
// - Crush keeps a model picked in its UI in the data file (`~/.local/share/crush/crush.json`,
//   `%LOCALAPPDATA%\crush\crush.json`), merged after the global file: it wins over `models` here.
// - `api_key` and `base_url` are shell-expanded when loaded (`$VAR`, `${VAR}`, `$(command)`), with
//   no escape: a key holding `$` is noted.
// - Model slots (charmbracelet/crush internal/config/config.go, SelectedModelTypeLarge and
//   SelectedModelTypeSmall, checked 2026-12-04): `models.large` is the main model and
//   `models.small` the one for titles and summaries, each `{provider, model}`; both are written.
import { configHome, pathFor, type Environment } from '../../src/core/environment.js';
import type { PlannedOp, Recipe } from '../../src/core/recipe.js';

/** Our provider id: `models.large.provider` names it. */
export const CRUSH_PROVIDER_ID = 'setup-gateway';
export const CRUSH_SCHEMA = 'https://charm.land/crush.json';
/** Crush has no catalog entry for a gateway's model to take these from; the user may change them. */
export const CRUSH_MODEL_LIMITS = { context_window: 128000, default_max_tokens: 8192 } as const;

export const crush: Recipe = {
  id: 'crush',
  name: 'Crush',
  protocol: 'openai-chat',
  model: 'required',
  checked: '2026-12-04',
  sources: [
    'https://github.com/charmbracelet/crush/blob/main/docs/config/README.md',
    'https://github.com/charmbracelet/crush/blob/main/README.md',
    'https://github.com/charmbracelet/crush/blob/main/internal/config/load.go',
    'https://github.com/charmbracelet/crush/blob/main/schema.json (https://charm.land/crush.json)',
  ],
  checks: {
    env: [{ name: 'CRUSH_GLOBAL_CONFIG', wins: true }],
    projectFiles: [
      { path: 'crush.json', in: ['cwd'], mirrors: 'crush.json' },
      { path: '.crush.json', in: ['cwd'], mirrors: 'crush.json' },
    ],
  },
  slots: [
    { role: 'main', keys: ['models.large'], routable: true, writes: 'main' },
    { role: 'small', keys: ['models.small'], routable: true, writes: 'small' },
  ],
  detect: {
    binaries: ['crush'],
    paths: (env) => [crushConfigDir(env)],
  },
  plan({ profile, model, smallModel, env }) {
    const id = model ?? '';
    const small = smallModel ?? id;
    const provider = ['providers', CRUSH_PROVIDER_ID];
    const selected = { provider: CRUSH_PROVIDER_ID, model: id };
    const dollar = profile.key.includes('$');
    const ops: PlannedOp[] = [
      { op: 'setDefault', path: ['$schema'], value: CRUSH_SCHEMA },
      { op: 'set', path: [...provider, 'name'], value: 'AI gateway (setup-gateway)' },
      { op: 'set', path: [...provider, 'type'], value: 'openai-compat' },
      { op: 'set', path: [...provider, 'base_url'], value: profile.urls.openai },
      { op: 'set', path: [...provider, 'api_key'], value: profile.key },
      // Other models the user listed under our provider stay; the model of a gateway we switch away from goes.
      { op: 'upsert', path: [...provider, 'models'], match: { key: 'id', value: id }, value: { id, name: id, ...CRUSH_MODEL_LIMITS }, adds: { list: [...provider, 'models'], match: { key: 'id', value: id } } },
      { op: 'set', path: ['models', 'large'], value: selected },
      ...(small !== id
        ? [{ op: 'upsert' as const, path: [...provider, 'models'], match: { key: 'id', value: small }, value: { id: small, name: small, ...CRUSH_MODEL_LIMITS }, adds: { list: [...provider, 'models'], match: { key: 'id', value: small } } }]
        : []),
      { op: 'set', path: ['models', 'small'], value: { provider: CRUSH_PROVIDER_ID, model: small }, slot: 'small' },
    ];
    return {
      files: [
        {
          kind: 'structured',
          path: pathFor(env).join(crushConfigDir(env), 'crush.json'),
          format: 'json',
          ops,
          holdsSecret: true,
          purpose: `providers.${CRUSH_PROVIDER_ID} (openai-compat, base_url, api_key, the model) and models.large / models.small`,
        },
      ],
      notes: [
        'A model picked in Crush (ctrl+p, Switch Model) is saved in its data file (~/.local/share/crush/crush.json) and wins over this one; pick the setup-gateway model there, or remove `models` from that file.',
        'A crushrc next to crush.json, or a crush.json / .crush.json / crushrc in the project, wins over this file.',
        ...(dollar ? ['The key contains "$": Crush expands $NAME and $(…) in api_key when it loads the file, which would change the key it sends.'] : []),
      ],
    };
  },
};

/** CRUSH_GLOBAL_CONFIG (a folder), else `$XDG_CONFIG_HOME/crush` (`~/.config/crush`, Windows too). */
export function crushConfigDir(env: Environment): string {
  const p = pathFor(env);
  const override = env.env.CRUSH_GLOBAL_CONFIG;
  if (override && p.isAbsolute(override)) return override;
  return p.join(configHome(env), 'crush');
}

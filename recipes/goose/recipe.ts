// Goose (Block / AAIF). Facts checked 2026-11-23 against the source (aaif-goose/goose, formerly
// block/goose):
// - crates/goose/src/config/paths.rs: the config folder is etcetera's `choose_app_strategy`
//   ("Block", "goose"): XDG on Linux and macOS (`$XDG_CONFIG_HOME/goose`, default
//   `~/.config/goose`), `%APPDATA%\Block\goose\config` on Windows; `GOOSE_PATH_ROOT` (absolute)
//   moves it to `<root>/config`. (etcetera docs: Windows strategy on Windows, XDG everywhere else.)
// - crates/goose/src/config/declarative_providers.rs: custom providers are
//   `<config>/custom_providers/<id>.json`, read with serde: `name`, `engine` ("openai"),
//   `display_name` (required, not optional), `api_key_env`, `base_url`, `models`
//   (required; each `{name, context_limit}`, providers/base.rs `ModelInfo`), optional
//   `requires_auth` (default true), `supports_streaming`, `headers`, `base_path`. One file that
//   fails to parse makes Goose drop every custom provider, so ours always carries every field.
// - crates/goose/src/providers/openai.rs `from_custom_config`: the key is
//   `get_secret(api_key_env)`; `base_url`'s path `/v1` (or `…/v1`) becomes
//   `v1/chat/completions` (`…/v1/chat/completions`), so the gateway's `…/v1` URL is right.
// - crates/goose/src/config/providers.rs and migrations.rs (PR aaif-goose/goose#8977, Goose
//   1.43): the active provider is `active_provider` and its model `providers.<id>.model` in
//   config.yaml; the flat `GOOSE_PROVIDER` / `GOOSE_MODEL` keys are what older Goose reads, are
//   migrated into that block when it is absent and dropped when it exists. Both are written:
//   current Goose reads the block, older Goose the flat keys. (Current Goose removes the flat keys
//   the next time it saves config.yaml, so a later `apply` rewrites them: harmless.)
//   `GOOSE_PROVIDER` / `GOOSE_MODEL` in the environment override the file.
// - crates/goose/src/config/base.rs `get_secret`: a secret is read from the environment variable
//   of that exact name first, then the OS keyring, or `secrets.yaml` only when
//   `GOOSE_DISABLE_KEYRING` is set. Environment values are parsed as JSON first (a key that is
//   valid JSON, e.g. all digits, would not read back as a string; gateway keys are not).
//
// How the key reaches Goose: the environment variable named by `api_key_env`, exported from
// the shell startup files through src/core/shell.ts (a private 0600 file per recipe). Not
// `secrets.yaml`: Goose reads it only when the keyring is disabled, which we cannot know, and
// turning the keyring off would hide every secret the user already keeps there. Not the OS
// keyring: that needs native code, and Goose stores all its secrets as one JSON blob we would
// have to rewrite. The cost: Goose Desktop started from the Dock or Start menu does not see
// shell variables (said in the notes).
// - Model slots (block.github.io/goose/docs/guides/config-files and docs/tutorials/lead-worker,
//   checked 2026-12-04): GOOSE_LEAD_PROVIDER/GOOSE_LEAD_MODEL (lead/worker mode, the worker is
//   GOOSE_MODEL) and GOOSE_PLANNER_PROVIDER/GOOSE_PLANNER_MODEL (the /plan model) are root keys of
//   config.yaml, each falling back to GOOSE_PROVIDER. Newer goose removed lead/worker mode in favour
//   of the planner (aaif-goose/goose#8471); the lead keys are rewritten only when set. Telemetry:
//   anonymous usage data when opted in, `GOOSE_TELEMETRY_ENABLED: false` in config.yaml
//   (documentation/docs/guides/usage-data.md, kortex-hub/kortex-cli#182, checked 2026-12-04).
import { appData, configHome, pathFor, type Environment } from '../../src/core/environment.js';
import type { PlannedOp, Recipe } from '../../src/core/recipe.js';
import { shellEnvIntents } from '../../src/core/shell.js';
import { stringAt } from '../../src/core/slots.js';

/** Our provider id (file name and `active_provider`): lowercase, digits and `_`, as Goose's ids. */
export const GOOSE_PROVIDER_ID = 'setup_gateway';
/**
 * The variable holding the key. Goose names the ones it creates `<ID>_API_KEY`, but any name
 * works; this one differs from what other recipes export (Zed reads SETUP_GATEWAY_API_KEY), so
 * two agents configured for different gateways never read each other's key.
 */
export const GOOSE_KEY_VAR = 'SETUP_GATEWAY_GOOSE_API_KEY';
/** What Goose itself assumes for a custom provider's model when it knows nothing better. */
const CONTEXT_LIMIT = 128_000;

export const goose: Recipe = {
  id: 'goose',
  name: 'Goose',
  protocol: 'openai-chat',
  model: 'required',
  checked: '2026-11-23',
  sources: [
    'https://github.com/aaif-goose/goose/blob/main/crates/goose/src/config/declarative_providers.rs',
    'https://github.com/aaif-goose/goose/blob/main/crates/goose/src/config/providers.rs',
    'https://github.com/aaif-goose/goose/blob/main/crates/goose/src/config/base.rs',
    'https://github.com/aaif-goose/goose/pull/8977',
    'https://block.github.io/goose/docs/getting-started/providers#configure-custom-provider',
  ],
  // For `doctor`: these environment variables win over config.yaml (providers.rs).
  checks: {
    env: [
      { name: 'GOOSE_PROVIDER', wins: true },
      { name: 'GOOSE_MODEL', slot: 'model', wins: true },
    ],
  },
  slots: [
    { role: 'main', keys: ['providers.<id>.model', 'GOOSE_MODEL'], routable: true, writes: 'main' },
    { role: 'lead', keys: ['GOOSE_LEAD_PROVIDER', 'GOOSE_LEAD_MODEL'], routable: true, writes: 'main', note: 'lead/worker mode: rewritten when set; the worker is the main model' },
    { role: 'planner', keys: ['GOOSE_PLANNER_PROVIDER', 'GOOSE_PLANNER_MODEL'], routable: true, writes: 'main', note: 'the /plan model: rewritten when set' },
  ],
  telemetry: { hosts: ['us.i.posthog.com'], off: 'GOOSE_TELEMETRY_ENABLED: false in config.yaml' },
  detect: {
    binaries: ['goose'],
    paths: (env) => [gooseConfigDir(env)],
  },
  plan({ profile, model, env, read }) {
    const join = pathFor(env).join;
    const dir = gooseConfigDir(env);
    const current = read?.(join(dir, 'config.yaml'), 'yaml');
    // Lead/worker mode and the planner name a provider of their own: one elsewhere sends those
    // turns there. They are moved to ours with the main model (the worker is GOOSE_MODEL).
    const secondary = (providerKey: string, modelKey: string, role: 'lead' | 'planner'): PlannedOp[] => {
      const now = stringAt(current, [providerKey]);
      if (!now || now === GOOSE_PROVIDER_ID || !model) return [];
      return [
        { op: 'set', path: [providerKey], value: GOOSE_PROVIDER_ID, slot: role, elsewhere: now },
        // Part of the same move (use --vendor leaves both alone: they are the user's until moved).
        { op: 'set', path: [modelKey], value: model, elsewhere: now },
      ];
    };
    const providerOps: PlannedOp[] = [
      { op: 'set', path: ['name'], value: GOOSE_PROVIDER_ID },
      { op: 'set', path: ['engine'], value: 'openai' },
      { op: 'set', path: ['display_name'], value: 'AI gateway (setup-gateway)' },
      { op: 'set', path: ['description'], value: 'Written by setup-gateway' },
      { op: 'set', path: ['api_key_env'], value: GOOSE_KEY_VAR },
      { op: 'set', path: ['base_url'], value: profile.urls.openai },
      { op: 'set', path: ['requires_auth'], value: true },
      { op: 'set', path: ['supports_streaming'], value: true },
      // Models the user added in Goose stay; ours is added or refreshed (and goes when we switch to another).
      { op: 'setDefault', path: ['models'], value: [] },
      ...(model
        ? [
            {
              op: 'upsert' as const,
              path: ['models'],
              match: { key: 'name', value: model },
              value: { name: model, context_limit: CONTEXT_LIMIT },
              adds: { list: ['models'], match: { key: 'name', value: model } },
            },
          ]
        : []),
    ];
    const entry = ['providers', GOOSE_PROVIDER_ID];
    const configOps: PlannedOp[] = [
      { op: 'set', path: ['active_provider'], value: GOOSE_PROVIDER_ID },
      { op: 'set', path: [...entry, 'enabled'], value: true },
      { op: 'set', path: [...entry, 'configured'], value: true },
      ...(model ? [{ op: 'set' as const, path: [...entry, 'model'], value: model }] : []),
      { op: 'set', path: ['GOOSE_PROVIDER'], value: GOOSE_PROVIDER_ID },
      ...(model ? [{ op: 'set' as const, path: ['GOOSE_MODEL'], value: model }] : []),
      ...secondary('GOOSE_LEAD_PROVIDER', 'GOOSE_LEAD_MODEL', 'lead'),
      ...secondary('GOOSE_PLANNER_PROVIDER', 'GOOSE_PLANNER_MODEL', 'planner'),
    ];
    return {
      files: [
        {
          kind: 'structured',
          path: join(dir, 'custom_providers', `${GOOSE_PROVIDER_ID}.json`),
          format: 'json',
          ops: providerOps,
          holdsSecret: false,
          purpose: `custom provider "${GOOSE_PROVIDER_ID}": engine openai, base_url (…/v1), api_key_env ${GOOSE_KEY_VAR}, the model`,
        },
        {
          kind: 'structured',
          path: join(dir, 'config.yaml'),
          format: 'yaml',
          ops: configOps,
          holdsSecret: false,
          purpose: `active_provider and providers.${GOOSE_PROVIDER_ID}.model (and the older GOOSE_PROVIDER / GOOSE_MODEL)`,
        },
        ...shellEnvIntents(env, 'goose', [{ name: GOOSE_KEY_VAR, value: profile.key }], true),
      ],
      notes: [
        `Goose reads the key from ${GOOSE_KEY_VAR}, loaded by your shell's startup file: open a new terminal before running goose.`,
        'Goose Desktop started from the Dock or Start menu does not see shell variables: start it from a terminal, or enter the key in its provider settings.',
        'GOOSE_PROVIDER or GOOSE_MODEL set in your environment override config.yaml.',
      ],
    };
  },
};

/** Goose's config folder (paths.rs): GOOSE_PATH_ROOT/config, %APPDATA%\Block\goose\config, or XDG. */
export function gooseConfigDir(env: Environment): string {
  const p = pathFor(env);
  const root = env.env.GOOSE_PATH_ROOT;
  if (root && p.isAbsolute(root)) return p.join(root, 'config');
  if (env.platform === 'win32') return p.join(appData(env), 'Block', 'goose', 'config');
  return p.join(configHome(env), 'goose');
}

// Zed. Facts checked 2026-11-23 against:
// - zed-industries/zed crates/paths/src/paths.rs: the user settings file is `<config>/settings.json`
//   where <config> is `~/.config/zed` on macOS, `$FLATPAK_XDG_CONFIG_HOME/zed` or
//   `$XDG_CONFIG_HOME/zed` (default `~/.config/zed`) on Linux, `%APPDATA%\Zed` on Windows.
// - https://zed.dev/docs/ai/use-api-access (docs/src/ai/use-api-access.md): settings.json takes
//   `language_models.openai_compatible.<provider id>` with `api_url` (…/v1) and
//   `available_models: [{name, display_name?, max_tokens}]` (max_tokens = context window); the key
//   is never in settings.json: the keychain, or the environment variable made of the provider id
//   in upper snake case plus `_API_KEY` (`my-gateway` → `MY_GATEWAY_API_KEY`), which wins and is
//   read from the Zed process's own environment (crates/language_models/src/provider/
//   open_ai_compatible.rs: `format!("{}_API_KEY", id).to_case(Case::Constant)`).
// - https://zed.dev/docs/ai/agent-settings: `agent.default_model: {provider, model}`.
// - A Zed started from the Dock or a desktop launcher does not see variables exported by shell
//   startup files (docs.opper.ai/integrations/editors/zed troubleshooting).
// - Model slots (zed.dev/docs/ai/agent-settings, checked 2026-12-04): agent.inline_assistant_model,
//   agent.commit_message_model, agent.thread_summary_model (and agent.subagent_model) each take a
//   `{provider, model}` and fall back to agent.default_model when unset; one set to another
//   provider is rewritten to ours (commit messages and summaries take the small model). Edit
//   predictions have their own provider (`edit_predictions.provider`, formerly
//   `features.edit_prediction_provider`; zed.dev/docs/ai/edit-prediction): Zeta on Zed's service
//   by default, and an OpenAI-compatible or Ollama provider can serve them (zed-industries/zed
//   discussion #30855); left as set.
//   Telemetry: `telemetry.diagnostics` and `telemetry.metrics` (zed.dev/docs/telemetry, checked
//   2026-12-04), sent to Zed's servers.
import type { Environment } from '../../src/core/environment.js';
import { appData, inHome, pathFor } from '../../src/core/environment.js';
import type { PlannedOp, Recipe } from '../../src/core/recipe.js';
import { stringAt } from '../../src/core/slots.js';
import { shellEnvIntents } from '../../src/core/shell.js';

/**
 * Zed's feature models (zed.dev/docs/ai/agent-settings): each `{provider, model}`, unset meaning
 * agent.default_model. The quick ones take the small model.
 */
const FEATURE_MODELS = [
  { key: 'commit_message_model', role: 'small', size: 'small' },
  { key: 'thread_summary_model', role: 'small', size: 'small' },
  { key: 'inline_assistant_model', role: 'editor', size: 'main' },
  { key: 'subagent_model', role: 'subagent', size: 'main' },
] as const;

/** Our provider id under `language_models.openai_compatible`. */
export const ZED_PROVIDER_ID = 'setup-gateway';
/** Zed's variable for that provider: upper snake case of the id, plus `_API_KEY`. */
export const ZED_KEY_VAR = 'SETUP_GATEWAY_API_KEY';

export const zed: Recipe = {
  id: 'zed',
  name: 'Zed',
  protocol: 'openai-chat',
  model: 'required',
  checked: '2026-11-23',
  sources: [
    'https://github.com/zed-industries/zed/blob/main/crates/paths/src/paths.rs',
    'https://zed.dev/docs/ai/use-api-access',
    'https://zed.dev/docs/ai/agent-settings',
  ],
  slots: [
    { role: 'main', keys: ['agent.default_model'], routable: true, writes: 'main' },
    {
      role: 'small',
      keys: ['agent.commit_message_model', 'agent.thread_summary_model'],
      routable: true,
      writes: 'small',
      note: 'rewritten when set to another provider; unset, they use agent.default_model',
    },
    { role: 'editor', keys: ['agent.inline_assistant_model'], routable: true, writes: 'main', note: 'rewritten when set to another provider' },
    { role: 'subagent', keys: ['agent.subagent_model'], routable: true, writes: 'main', note: 'rewritten when set to another provider' },
    {
      role: 'autocomplete',
      keys: ['edit_predictions.provider', 'features.edit_prediction_provider'],
      routable: true,
      writes: 'none',
      note: "Zed's own Zeta service by default; an OpenAI-compatible or Ollama provider can serve edit predictions",
    },
  ],
  telemetry: { hosts: ['zed.dev'], off: 'telemetry.diagnostics: false and telemetry.metrics: false in settings.json' },
  detect: {
    binaries: ['zed', 'zeditor'],
    paths: (env) => [zedConfigDir(env), ...(env.platform === 'darwin' ? ['/Applications/Zed.app', inHome(env, 'Applications', 'Zed.app')] : [])],
  },
  plan({ profile, model, smallModel, env, read }) {
    const name = model ?? '';
    const small = smallModel ?? name;
    const provider = ['language_models', 'openai_compatible', ZED_PROVIDER_ID];
    const path = pathFor(env).join(zedConfigDir(env), 'settings.json');
    const current = read?.(path, 'json');
    // A feature model the user set to another provider sends that feature's requests there.
    const elsewhere = FEATURE_MODELS.flatMap(({ key, role, size }) => {
      const now = stringAt(current, ['agent', key, 'provider']);
      return now && now !== ZED_PROVIDER_ID && name ? [{ key, role, now, model: size === 'small' ? small : name }] : [];
    });
    const ops: PlannedOp[] = [
      { op: 'set', path: [...provider, 'api_url'], value: profile.urls.openai },
      // One model of ours; models the user added to this provider stay (ours goes when we switch to another).
      {
        op: 'upsert',
        path: [...provider, 'available_models'],
        match: { key: 'name', value: name },
        value: { name, display_name: `${name} (gateway)`, max_tokens: 128000 },
        adds: { list: [...provider, 'available_models'], match: { key: 'name', value: name } },
      },
      { op: 'set', path: ['agent', 'default_model'], value: { provider: ZED_PROVIDER_ID, model: name } },
      // The small model's entry, while a feature model uses it (routed now or by an earlier apply).
      ...(small !== name &&
      (elsewhere.some((f) => f.model === small) ||
        FEATURE_MODELS.some((f) => f.size === 'small' && stringAt(current, ['agent', f.key, 'provider']) === ZED_PROVIDER_ID && stringAt(current, ['agent', f.key, 'model']) === small))
        ? [
            {
              op: 'upsert' as const,
              path: [...provider, 'available_models'],
              match: { key: 'name', value: small },
              value: { name: small, display_name: `${small} (gateway)`, max_tokens: 128000 },
              adds: { list: [...provider, 'available_models'], match: { key: 'name', value: small } },
            },
          ]
        : []),
      ...elsewhere.map(
        (f): PlannedOp => ({ op: 'set', path: ['agent', f.key], value: { provider: ZED_PROVIDER_ID, model: f.model }, slot: f.role, elsewhere: f.now }),
      ),
    ];
    return {
      files: [
        {
          kind: 'structured',
          path,
          format: 'json',
          ops,
          holdsSecret: false,
          purpose: `language_models.openai_compatible.${ZED_PROVIDER_ID} (api_url …/v1, the model) and agent.default_model; no key`,
        },
        ...shellEnvIntents(env, 'zed', [{ name: ZED_KEY_VAR, value: profile.key }], true),
      ],
      notes: [
        `Zed reads the key from ${ZED_KEY_VAR} in its own environment: start Zed from a new terminal (\`zed\`), or restart your session. A Zed opened from the Dock (macOS) or a desktop launcher does not see shell variables; there, paste the key once under Agent Settings → LLM Providers → ${ZED_PROVIDER_ID} (kept in the system keychain).`,
        'The context window is set to 128k tokens (max_tokens); change it in settings.json if your model differs.',
      ],
    };
  },
};

/** `~/.config/zed` (macOS), `$FLATPAK_XDG_CONFIG_HOME/zed` or `$XDG_CONFIG_HOME/zed` (Linux), `%APPDATA%\Zed` (Windows). */
export function zedConfigDir(env: Environment): string {
  const p = pathFor(env);
  if (env.platform === 'win32') return p.join(appData(env), 'Zed');
  if (env.platform === 'darwin') return inHome(env, '.config', 'zed');
  for (const name of ['FLATPAK_XDG_CONFIG_HOME', 'XDG_CONFIG_HOME']) {
    const dir = env.env[name];
    if (dir && p.isAbsolute(dir)) return p.join(dir, 'zed');
  }
  return inHome(env, '.config', 'zed');
}

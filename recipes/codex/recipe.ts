// OpenAI Codex CLI. Every fact this folder relies on (recipe.ts and doctor.ts), checked
// 2026-11-23 against:
// - https://developers.openai.com/codex/config-reference and /codex/config-sample
//   (`model`, `model_provider` selecting `[model_providers.<id>]` with `name`, `base_url`,
//   `wire_api`, `env_key` (a variable Codex requires when set), `experimental_bearer_token`; ids
//   openai/ollama/lmstudio are reserved; `wire_api = "chat"` was removed in 2026, "responses" is
//   the only accepted value)
// - https://developers.openai.com/codex/config-advanced: since Codex 0.134.0 the top-level
//   `profile = "…"` selector and `[profiles.<name>]` tables are gone (profiles are
//   `<name>.config.toml` files chosen with --profile).
// - The pinned Codex 0.169.0 (test/agents/package.json), run against a temp CODEX_HOME: a
//   top-level `profile` stops it ("legacy `profile = "x"` config is no longer supported"), and so
//   does `wire_api = "chat"` ("`wire_api = "chat"` is no longer supported").
// - CODEX_HOME moves ~/.codex.
//
// How the key reaches Codex: `experimental_bearer_token` in the provider table, in a config.toml
// we make 0600. The alternative, `env_key` naming a variable exported from the shell profile,
// fails wherever Codex is not started from an interactive shell (the IDE extension and the
// desktop app launched from a dock, cron, CI), and an unset `env_key` variable is a hard error.
// The token in a private file works for every surface; the end-to-end test proves Codex sends it.
// - Model slots (0.169.0 binary and config-reference, checked 2026-12-04): `model` with
//   `model_provider`; `review_model` goes to the same provider; a profile is `<name>.config.toml`
//   layered on config.toml (--profile) and may select another `[model_providers.<id>]`.
// - Telemetry, seen by the e2e suite's recording proxy (2026-12-04): ab.chatgpt.com (OTLP metrics;
//   `[analytics] enabled = false`, openai/codex#8350) and chatgpt.com, github.com, api.github.com
//   (the curated plugin sync; `[features] plugins = false`, openai/codex#39682, #29005).
import { pathFor } from '../../src/core/environment.js';
import type { PlannedOp } from '../../src/core/recipe.js';
import { entriesAt, leavesMachine, stringAt } from '../../src/core/slots.js';
import type { DoctorRecipe } from '../../src/doctor/types.js';
import { CODEX_PROVIDER_ID, codexHome } from './facts.js';

export const codex: DoctorRecipe = {
  id: 'codex',
  name: 'Codex CLI',
  protocol: 'openai-responses',
  model: 'required',
  checked: '2026-11-23',
  sources: [
    'https://developers.openai.com/codex/config-reference',
    'https://developers.openai.com/codex/config-sample',
  ],
  slots: [
    { role: 'main', keys: ['model', 'model_provider'], routable: true, writes: 'main' },
    { role: 'subagent', keys: ['review_model'], routable: true, writes: 'none', note: 'the /review model: sent to the same provider as model' },
    {
      role: 'main',
      keys: ['model_providers.<id>.base_url'],
      routable: true,
      writes: 'none',
      note: 'another provider the user keeps, used by a profile (<name>.config.toml, --profile) or -c model_provider=<id>: pointed at the gateway with consent, else a doctor warning',
    },
    {
      role: 'main',
      keys: ['<name>.config.toml: model_provider', '<name>.config.toml: model_providers.<id>.base_url'],
      routable: true,
      writes: 'none',
      note: 'a profile file (codex --profile <name>) that selects OpenAI itself or a provider of its own elsewhere: a doctor warning (PROFILE_ELSEWHERE) with the -c override that sends its runs through the gateway; apply leaves profile files as they are',
    },
  ],
  telemetry: {
    hosts: ['ab.chatgpt.com', 'chatgpt.com', 'github.com', 'api.github.com'],
    off: '[analytics] enabled = false (usage metrics) and [features] plugins = false (the curated plugin sync) in config.toml',
  },
  detect: {
    binaries: ['codex'],
    paths: (env) => [codexHome(env)],
  },
  // Its own checks, beyond the generic ones: loaded only when doctor runs.
  doctor: () => import('./doctor.js').then((m) => m.doctor),
  plan({ profile, model, env, read }) {
    const provider = ['model_providers', CODEX_PROVIDER_ID];
    const path = pathFor(env).join(codexHome(env), 'config.toml');
    const current = read?.(path, 'toml');
    // Another provider the user keeps (for a profile, `<name>.config.toml` chosen with --profile,
    // or `-c model_provider=…`) sends its requests elsewhere: with consent it is pointed at the
    // gateway with the gateway's key; a local server (ollama, LM Studio) is no leak and stays.
    const otherProviders = entriesAt(current, ['model_providers']).flatMap(([id]): PlannedOp[] => {
      const url = stringAt(current, ['model_providers', id, 'base_url']);
      if (id === CODEX_PROVIDER_ID || !url || url === profile.urls.openai || !leavesMachine(url)) return [];
      const consent = `[model_providers.${id}] sends requests to ${url}, not to the gateway (a profile or -c model_provider=${id} selects it). Point it at the gateway?`;
      const at = ['model_providers', id];
      return [
        { op: 'set', path: [...at, 'base_url'], value: profile.urls.openai, slot: 'main', elsewhere: `${id} (${url})`, consent },
        { op: 'set', path: [...at, 'experimental_bearer_token'], value: profile.key, consent },
        { op: 'delete', path: [...at, 'env_key'], consent },
      ];
    });
    return {
      files: [
        {
          kind: 'structured',
          path,
          format: 'toml',
          ops: [
            ...(model ? [{ op: 'set' as const, path: ['model'], value: model }] : []),
            { op: 'set', path: ['model_provider'], value: CODEX_PROVIDER_ID },
            { op: 'set', path: [...provider, 'name'], value: 'AI gateway (setup-gateway)' },
            { op: 'set', path: [...provider, 'base_url'], value: profile.urls.openai },
            { op: 'set', path: [...provider, 'wire_api'], value: 'responses' },
            { op: 'set', path: [...provider, 'experimental_bearer_token'], value: profile.key },
            // A leftover env_key would make Codex demand that variable instead of using the token.
            { op: 'delete', path: [...provider, 'env_key'] },
            ...otherProviders,
          ],
          holdsSecret: true,
          purpose: `model, model_provider and [model_providers.${CODEX_PROVIDER_ID}] (base_url, wire_api, key)`,
        },
      ],
      notes: [
        'OPENAI_BASE_URL in your environment overrides only the built-in openai provider, not this one.',
        // Measured with codex 0.169.0: a session keeps the provider it was made with (its rollout
        // file and state_5.sqlite); resume refuses another ("Cannot change this thread's model
        // provider") and one no longer configured ("modelProviderNotConfigured"), and `resume --last`
        // lists only the current provider's sessions. One provider id for every profile keeps them.
        `Codex sessions: gateway ones resume across \`use\` (one provider id); earlier ones show in \`codex resume\` only after \`undo\`.`,
      ],
    };
  },
};

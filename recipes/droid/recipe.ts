// Factory Droid (npm `droid` and `@factory/cli`, binary `droid`: a launcher for the native binary of
// `@factory/cli-<platform>`). Facts checked 2026-12-04 against Factory's docs and the pinned
// 0.215.0 binary (test/agents/package.json; the code below is read from its embedded bundle):
// - https://docs.factory.ai/cli/byok/overview: custom models go in `~/.factory/settings.json`
//   (`%USERPROFILE%\.factory` on Windows), array `customModels` of `{model, displayName, baseUrl,
//   apiKey, provider, maxOutputTokens}`; provider `generic-chat-completion-api` is Chat
//   Completions (baseUrl …/v1), `openai` the Responses API, `anthropic` Messages. No login is
//   needed for a custom model. The legacy `~/.factory/config.json` (`custom_models`, snake_case)
//   is merged under it.
// - An entry may carry its own `id` (the loader keeps a string `id`, else makes
//   `custom:<displayName with spaces as ->-<index>`); a model is looked up by that id. We set
//   `custom:setup-gateway-0`, which the loader counts as the current id format, so nothing is
//   migrated.
// - `sessionDefaultSettings.model` is the model a session (and `droid exec`) starts with. Without
//   it `droid exec` uses a Factory model and stops at "Authentication failed. Please log in"
//   (tried with 0.215.0): hence we set it to our id.
// - `settings.local.json` next to `settings.json` (in `~/.factory` and in a project's `.factory`)
//   is merged over it; a project's `.factory/settings.json` wins over the user's.
// - `apiKey` has `${NAME}` replaced by that environment variable when it is set.
// - FACTORY_HOME_OVERRIDE replaces HOME as the folder holding `.factory` (undocumented).
// - Observed with 0.215.0: `droid exec` leaves settings.json as written.
// - Model slots (docs.factory.ai/cli/byok/overview above, checked 2026-12-04): the session's model
//   is `sessionDefaultSettings.model`; no second model setting is documented.
import { pathFor } from '../../src/core/environment.js';
import type { DoctorRecipe } from '../../src/doctor/types.js';
import { DROID_MODEL_ID, factoryDir } from './facts.js';

export const droid: DoctorRecipe = {
  id: 'droid',
  name: 'Factory Droid',
  protocol: 'openai-chat',
  model: 'required',
  checked: '2026-12-04',
  sources: [
    'https://docs.factory.ai/cli/byok/overview',
    'https://docs.factory.ai/cli/configuration/settings',
    'npm droid 0.215.0 (@factory/cli-linux-x64 0.215.0): the custom-model loader and settings code in its binary',
  ],
  checks: {
    projectFiles: [
      { path: '.factory/settings.json', in: ['cwd', 'git-root'], mirrors: 'settings.json' },
      { path: '.factory/settings.local.json', in: ['cwd', 'git-root'], mirrors: 'settings.json' },
    ],
  },
  slots: [
    { role: 'main', keys: ['sessionDefaultSettings.model'], routable: true, writes: 'main', note: 'a customModels entry at the gateway' },
  ],
  detect: {
    binaries: ['droid'],
    paths: (env) => [factoryDir(env)],
  },
  doctor: () => import('./doctor.js').then((m) => m.doctor),
  plan({ profile, model, env }) {
    const id = model ?? '';
    const expands = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/.test(profile.key);
    return {
      files: [
        {
          kind: 'structured',
          path: pathFor(env).join(factoryDir(env), 'settings.json'),
          format: 'json',
          ops: [
            // Our one entry, found by its id; the user's other custom models stay.
            {
              op: 'upsert',
              path: ['customModels'],
              match: { key: 'id', value: DROID_MODEL_ID },
              value: {
                id: DROID_MODEL_ID,
                model: id,
                displayName: `${id} (setup-gateway)`,
                baseUrl: profile.urls.openai,
                apiKey: profile.key,
                provider: 'generic-chat-completion-api',
              },
            },
            { op: 'set', path: ['sessionDefaultSettings', 'model'], value: DROID_MODEL_ID },
          ],
          holdsSecret: true,
          purpose: `customModels[id=${DROID_MODEL_ID}] (generic-chat-completion-api, baseUrl, apiKey, the model) and sessionDefaultSettings.model`,
        },
      ],
      notes: [
        'A settings.local.json next to it, or a project\'s .factory/settings.json, can start Droid with another model; /model in Droid changes it too.',
        ...(expands ? ['The key contains "${NAME}": Droid replaces it with that environment variable when it is set, which would change the key it sends.'] : []),
      ],
    };
  },
};

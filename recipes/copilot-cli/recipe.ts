// GitHub Copilot CLI (npm `@github/copilot`, binary `copilot`: a Node launcher for the native
// `@github/copilot-<platform>`). Not the Copilot Chat extension of VS Code (recipe `copilot`).
// Facts checked 2026-12-04 against GitHub's docs and the pinned 1.0.102's own help
// (`copilot help providers`, `copilot help environment`):
// - https://docs.github.com/en/copilot/how-tos/copilot-cli/customize-copilot/use-byok-models:
//   a custom provider (BYOK) is configured with environment variables only, no settings key:
//   COPILOT_PROVIDER_BASE_URL (required; turns BYOK on), COPILOT_PROVIDER_TYPE (`openai`, the
//   default, is Chat Completions; `azure`, `anthropic`), COPILOT_PROVIDER_API_KEY (sent as
//   `Authorization: Bearer` for `openai`), COPILOT_MODEL (required). With a custom provider
//   "GitHub authentication is not required" (its help), and `copilot -p` ran here without a login.
// - What wins over them: COPILOT_PROVIDER_BEARER_TOKEN and COPILOT_PROVIDER_API_KEY_COMMAND over
//   the key; `--model` and /model over COPILOT_MODEL; COPILOT_PROVIDER_WIRE_MODEL is the model
//   sent; COPILOT_PROVIDER_WIRE_API=responses switches to the Responses API.
// - The model must do tool calls and streaming; an id outside Copilot's catalog gets default
//   token limits (a warning, COPILOT_PROVIDER_MAX_PROMPT_TOKENS / _MAX_OUTPUT_TOKENS set them).
// - Observed with 1.0.102 on a machine without internet: a BYOK run still calls GitHub services
//   (telemetry, policy) and can wait ~30 s on them; COPILOT_OFFLINE=true (documented: no network but
//   the provider) removes that wait, at the cost of GitHub's MCP server and web tools, so it is not
//   written here.
// - State and settings: `~/.copilot` (COPILOT_HOME). Detection: `copilot`, that folder.
// The variables reach new shells the way `shell-env`'s do: src/core/shell.ts.
// - Model slots (`copilot help environment` of 1.0.102, checked 2026-12-04): with
//   COPILOT_PROVIDER_BASE_URL the CLI "uses this provider instead of GitHub Copilot's model
//   routing", so COPILOT_MODEL is its one model slot; telemetry and other GitHub calls stay (see
//   above), COPILOT_OFFLINE=true stops them.
import { inHome, dirFromEnv, type Environment } from '../../src/core/environment.js';
import type { Recipe } from '../../src/core/recipe.js';
import { envFile, shellEnvIntents } from '../../src/core/shell.js';

export const copilotCli: Recipe = {
  id: 'copilot-cli',
  name: 'GitHub Copilot CLI',
  protocol: 'openai-chat',
  model: 'required',
  checked: '2026-12-04',
  sources: [
    'https://docs.github.com/en/copilot/how-tos/copilot-cli/customize-copilot/use-byok-models',
    'npm @github/copilot 1.0.102: copilot help providers, copilot help environment',
  ],
  checks: {
    env: [
      // Ours: set in the environment by hand, or by an older apply, they decide.
      { name: 'COPILOT_PROVIDER_BASE_URL', slot: 'url', wins: true },
      { name: 'COPILOT_PROVIDER_API_KEY', slot: 'key', wins: true },
      { name: 'COPILOT_MODEL', slot: 'model', wins: true },
      { name: 'COPILOT_PROVIDER_TYPE', wins: true },
      // Not ours, and each wins over what we set.
      { name: 'COPILOT_PROVIDER_BEARER_TOKEN', wins: true },
      { name: 'COPILOT_PROVIDER_API_KEY_COMMAND', wins: true },
      { name: 'COPILOT_PROVIDER_WIRE_MODEL', slot: 'model', wins: true },
      { name: 'COPILOT_PROVIDER_WIRE_API', wins: true },
    ],
  },
  slots: [
    { role: 'main', keys: ['COPILOT_MODEL'], routable: true, writes: 'main', note: 'with COPILOT_PROVIDER_* (bring your own key)' },
  ],
  detect: {
    binaries: ['copilot'],
    paths: (env) => [copilotHome(env), envFile(env, 'copilot-cli', env.platform === 'win32' ? 'powershell' : 'posix')],
  },
  plan({ profile, model, env }) {
    return {
      files: shellEnvIntents(
        env,
        'copilot-cli',
        [
          { name: 'COPILOT_PROVIDER_BASE_URL', value: profile.urls.openai },
          { name: 'COPILOT_PROVIDER_TYPE', value: 'openai' },
          { name: 'COPILOT_PROVIDER_API_KEY', value: profile.key },
          { name: 'COPILOT_MODEL', value: model ?? '' },
        ],
        true,
      ),
      notes: [
        'Open a new terminal: Copilot CLI reads these variables when it starts, and shells already running keep their old environment.',
        'A copilot started outside your shells (an IDE, a desktop launcher) does not see them and uses your GitHub account instead.',
        'Copilot CLI needs a model with tool calls and streaming.',
      ],
    };
  },
};

/** `~/.copilot`, or COPILOT_HOME. */
export function copilotHome(env: Environment): string {
  return dirFromEnv(env, 'COPILOT_HOME', inHome(env, '.copilot'));
}

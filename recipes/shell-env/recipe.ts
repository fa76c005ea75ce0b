// `shell-env`: the OpenAI variables in every new shell, for tools without a config file of their
// own (scripts, SDKs, smaller CLIs). Only when asked for (`--agent shell-env`): it changes what
// every program started from a shell talks to, so detection never selects it. Facts checked
// 2026-11-23 against:
// - openai/openai-python src/openai/_client.py: `base_url` defaults to `OPENAI_BASE_URL`, the key
//   to `OPENAI_API_KEY`; openai-node reads the same two (its README).
// - `OPENAI_API_BASE` is the pre-1.0 openai-python name, still read by LiteLLM and Aider
//   (aider/args.py maps `--openai-api-base` to it).
// - Both take the URL with `/v1` (the SDKs append `/chat/completions`).
// How the variables reach the shells (bash, zsh, fish, PowerShell): src/core/shell.ts.
// - Model slots (checked 2026-12-04): none; the variables name an endpoint and a key, and each
//   tool that reads them picks its own model.
import { envFile, shellEnvIntents } from '../../src/core/shell.js';
import type { Recipe } from '../../src/core/recipe.js';

export const shellEnv: Recipe = {
  id: 'shell-env',
  name: 'Shell environment (OPENAI_BASE_URL, OPENAI_API_KEY)',
  protocol: 'openai-chat',
  model: 'optional',
  checked: '2026-11-23',
  explicitOnly: true,
  sources: [
    'https://github.com/openai/openai-python/blob/main/src/openai/_client.py',
    'https://github.com/openai/openai-node#readme',
    'https://aider.chat/docs/llms/openai-compat.html',
  ],
  slots: [
    { role: 'main', keys: ['OPENAI_BASE_URL', 'OPENAI_API_BASE'], routable: true, writes: 'none', note: 'any tool that reads these variables; no model is named' },
  ],
  detect: {
    binaries: [],
    // Found = already set up by an earlier apply.
    paths: (env) => [envFile(env, 'shell-env', env.platform === 'win32' ? 'powershell' : 'posix')],
  },
  plan({ profile, env }) {
    return {
      files: shellEnvIntents(
        env,
        'shell-env',
        [
          { name: 'OPENAI_BASE_URL', value: profile.urls.openai },
          { name: 'OPENAI_API_BASE', value: profile.urls.openai },
          { name: 'OPENAI_API_KEY', value: profile.key },
        ],
        true,
      ),
      notes: [
        'Open a new terminal: shells already running keep their old environment.',
        'Every program started from your shells now sends OpenAI requests to the gateway with this key.',
        'Apps started from the desktop (Dock, Start menu, launcher) do not read shell startup files.',
      ],
    };
  },
};

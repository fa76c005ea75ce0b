// Aider. Facts checked 2026-11-23 against:
// - https://aider.chat/docs/config/aider_conf.html: `.aider.conf.yml` is read from home, then the
//   git root, then cwd (later wins); only `.yml` is discovered (Aider-AI/aider#3974)
// - https://aider.chat/docs/llms/openai-compat.html: `openai-api-base`, `openai-api-key`, and the
//   model needs the `openai/` prefix or LiteLLM fails with "LLM Provider NOT provided" (#4638)
// - For `doctor`: Aider parses options with configargparse (aider/args.py, `auto_env_var_prefix
//   "AIDER_"`; command line > environment > config files), so AIDER_OPENAI_API_BASE,
//   AIDER_OPENAI_API_KEY and AIDER_MODEL win over the file; aider/main.py copies
//   `openai-api-base` into OPENAI_API_BASE (and the key into OPENAI_API_KEY), so the shell's
//   own OPENAI_* lose to the file. `.env` files load from home, git root, cwd, later winning
//   (https://aider.chat/docs/config/dotenv.html), before the options are parsed.
import { inHome } from '../../src/core/environment.js';
import type { DoctorRecipe } from '../../src/doctor/types.js';

export const aider: DoctorRecipe = {
  id: 'aider',
  name: 'Aider',
  protocol: 'openai-chat',
  model: 'required',
  checked: '2026-11-23',
  sources: [
    'https://aider.chat/docs/config/aider_conf.html',
    'https://aider.chat/docs/llms/openai-compat.html',
    'https://aider.chat/docs/config/dotenv.html',
    'https://github.com/Aider-AI/aider/blob/main/aider/args.py',
  ],
  checks: {
    env: [
      { name: 'AIDER_OPENAI_API_BASE', slot: 'url', wins: true },
      { name: 'AIDER_OPENAI_API_KEY', slot: 'key', wins: true },
      { name: 'AIDER_MODEL', slot: 'model', wins: true },
      { name: 'OPENAI_API_BASE', slot: 'url', wins: false },
      { name: 'OPENAI_API_KEY', slot: 'key', wins: false },
    ],
    dotenv: [{ path: '.env', in: ['home', 'git-root', 'cwd'] }],
    projectFiles: [{ path: '.aider.conf.yml', in: ['git-root', 'cwd'], mirrors: '.aider.conf.yml' }],
  },
  detect: {
    binaries: ['aider'],
    paths: (env) => [inHome(env, '.aider'), inHome(env, '.aider.conf.yml')],
  },
  // Its own checks, beyond the generic ones: loaded only when doctor runs.
  doctor: () => import('./doctor.js').then((m) => m.doctor),
  plan({ profile, model, env }) {
    return {
      files: [
        {
          kind: 'structured',
          path: inHome(env, '.aider.conf.yml'),
          format: 'yaml',
          ops: [
            { op: 'set', path: ['openai-api-base'], value: profile.urls.openai },
            { op: 'set', path: ['openai-api-key'], value: profile.key },
            ...(model ? [{ op: 'set' as const, path: ['model'], value: aiderModel(model) }] : []),
          ],
          holdsSecret: true,
          purpose: 'openai-api-base, openai-api-key, model (with the openai/ prefix)',
        },
      ],
      notes: [
        'A .aider.conf.yml in a git root or the current folder overrides these values.',
        'Aider may warn that it does not know the model\'s context size; add it to ~/.aider.model.metadata.json or set show-model-warnings: false.',
      ],
    };
  },
};

/** `openai/` routes through openai-api-base whatever the gateway's model is called. */
export function aiderModel(model: string): string {
  return model.startsWith('openai/') ? model : `openai/${model}`;
}

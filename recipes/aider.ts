// Aider. Facts checked 2026-11-23 against:
// - https://aider.chat/docs/config/aider_conf.html: `.aider.conf.yml` is read from home, then the
//   git root, then cwd (later wins); only `.yml` is discovered (Aider-AI/aider#3974)
// - https://aider.chat/docs/llms/openai-compat.html: `openai-api-base`, `openai-api-key`, and the
//   model needs the `openai/` prefix or LiteLLM fails with "LLM Provider NOT provided" (#4638)
import { inHome } from '../src/core/environment.js';
import type { Recipe } from '../src/core/recipe.js';

export const aider: Recipe = {
  id: 'aider',
  name: 'Aider',
  protocol: 'openai-chat',
  model: 'required',
  checked: '2026-11-23',
  sources: ['https://aider.chat/docs/config/aider_conf.html', 'https://aider.chat/docs/llms/openai-compat.html'],
  detect: {
    binaries: ['aider'],
    paths: (env) => [inHome(env, '.aider'), inHome(env, '.aider.conf.yml')],
  },
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

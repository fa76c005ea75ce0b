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
// - Model slots (aider.chat/docs/config/aider_conf.html and /docs/config/options.html, checked
//   2026-12-04): `weak-model` writes commit messages and chat summaries, `editor-model` edits in
//   architect mode; each is a LiteLLM id, so `openrouter/…` goes to OpenRouter whatever
//   openai-api-base says. Analytics are opt-in (`analytics-disable`); `check-update` asks pypi.org.
import { inHome } from '../../src/core/environment.js';
import type { PlannedOp, SlotRole } from '../../src/core/recipe.js';
import { providerOf, stringAt } from '../../src/core/slots.js';
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
  slots: [
    { role: 'main', keys: ['model'], routable: true, writes: 'main' },
    { role: 'small', keys: ['weak-model'], routable: true, writes: 'small', note: 'commit messages and chat summaries' },
    { role: 'editor', keys: ['editor-model'], routable: true, writes: 'main', note: 'the editor model of architect mode' },
  ],
  telemetry: { hosts: ['pypi.org', 'us.i.posthog.com'], off: 'check-update: false and analytics-disable: true in .aider.conf.yml (analytics are opt-in)' },
  detect: {
    binaries: ['aider'],
    paths: (env) => [inHome(env, '.aider'), inHome(env, '.aider.conf.yml')],
  },
  // Its own checks, beyond the generic ones: loaded only when doctor runs.
  doctor: () => import('./doctor.js').then((m) => m.doctor),
  plan({ profile, model, smallModel, env, read }) {
    const path = inHome(env, '.aider.conf.yml');
    const current = read?.(path, 'yaml');
    // Every model Aider sends requests with: its weak model writes commit messages and summarises
    // the chat, the editor model edits in architect mode. One left on `openrouter/…` goes there.
    const slot = (key: string, role: SlotRole, id: string): PlannedOp => {
      const now = stringAt(current, [key]);
      const elsewhere = now && now !== aiderModel(id) ? providerOf(now) : undefined;
      return { op: 'set', path: [key], value: aiderModel(id), slot: role, ...(elsewhere && elsewhere !== 'openai' ? { elsewhere } : {}) };
    };
    return {
      files: [
        {
          kind: 'structured',
          path,
          format: 'yaml',
          ops: [
            { op: 'set', path: ['openai-api-base'], value: profile.urls.openai },
            { op: 'set', path: ['openai-api-key'], value: profile.key },
            ...(model
              ? [{ op: 'set' as const, path: ['model'], value: aiderModel(model) }, slot('weak-model', 'small', smallModel ?? model), slot('editor-model', 'editor', model)]
              : []),
          ],
          holdsSecret: true,
          purpose: 'openai-api-base, openai-api-key, model, weak-model and editor-model (with the openai/ prefix)',
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

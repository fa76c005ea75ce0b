// Pi, the pi coding agent (npm `@earendil-works/pi-coding-agent`, formerly
// `@mariozechner/pi-coding-agent`; binary `pi`). Facts checked 2026-12-04 against the docs shipped
// in the pinned 1.6.0 (docs/models.md, models-configuration.md, configuration.md, settings.md,
// environment-variables.md) and its code (dist/core/resolve-config-value.js, model-config.js,
// settings-manager.js, auth-storage.js):
// - The agent folder is `~/.pi/agent`, or PI_CODING_AGENT_DIR. `models.json` there adds
//   providers: `providers.<id>` with `baseUrl` (…/v1), `api` (`openai-completions` = Chat
//   Completions), `apiKey`, `models: [{id}]` (only `id` is required). It is read with comments
//   allowed (stripJsonComments); `settings.json` is strict JSON.
// - `settings.json` `defaultProvider` + `defaultModel` pick the model a new session (and `pi -p`)
//   starts with. A trusted project's `.pi/settings.json` overrides them.
// - `apiKey` is not a plain string: a leading `!` runs a shell command, `$NAME` / `${NAME}` read
//   the environment, and `$$` / `$!` stand for a literal `$` / `!` (resolveConfigValue). The key is
//   written escaped so Pi sends it byte for byte.
// - Credential order: `--api-key`, then a credential stored for the provider in `auth.json`
//   (`/login`), then `apiKey` in models.json, then provider environment variables: a stored
//   credential for our provider id wins over the key written here (doctor: PI_STORED_KEY).
// - Observed with 1.6.0: `pi -p` against a provider from models.json needs no login and leaves
//   models.json and settings.json as written (it adds auth.json, models-store.json, sessions/).
// - Model slots (the pinned 1.6.0's docs above, checked 2026-12-04): one model per session,
//   `defaultProvider` + `defaultModel`; no second model setting.
import { pathFor } from '../../src/core/environment.js';
import type { DoctorRecipe } from '../../src/doctor/types.js';
import { PI_PROVIDER_ID, piAgentDir } from './facts.js';

export const pi: DoctorRecipe = {
  id: 'pi',
  name: 'Pi',
  protocol: 'openai-chat',
  model: 'required',
  checked: '2026-12-04',
  sources: [
    'https://github.com/earendil-works/pi/blob/main/packages/coding-agent/docs/models.md',
    'https://github.com/earendil-works/pi/blob/main/packages/coding-agent/docs/models-configuration.md',
    'https://github.com/earendil-works/pi/blob/main/packages/coding-agent/docs/settings.md',
    'npm @earendil-works/pi-coding-agent 1.6.0: dist/core/resolve-config-value.js, model-config.js, auth-storage.js',
  ],
  checks: {
    projectFiles: [{ path: '.pi/settings.json', in: ['cwd'], mirrors: 'settings.json' }],
  },
  slots: [
    { role: 'main', keys: ['defaultProvider', 'defaultModel'], routable: true, writes: 'main' },
  ],
  detect: {
    binaries: ['pi'],
    paths: (env) => [piAgentDir(env)],
  },
  doctor: () => import('./doctor.js').then((m) => m.doctor),
  readKey: (stored) => piResolvedLiteral(stored),
  plan({ profile, model, env }) {
    const join = pathFor(env).join;
    const dir = piAgentDir(env);
    const id = model ?? '';
    const provider = ['providers', PI_PROVIDER_ID];
    return {
      files: [
        {
          kind: 'structured',
          path: join(dir, 'models.json'),
          format: 'json',
          ops: [
            { op: 'set', path: [...provider, 'name'], value: 'AI gateway (setup-gateway)' },
            { op: 'set', path: [...provider, 'baseUrl'], value: profile.urls.openai },
            { op: 'set', path: [...provider, 'api'], value: 'openai-completions' },
            { op: 'set', path: [...provider, 'apiKey'], value: piLiteral(profile.key) },
            // Other models the user listed under our provider stay; the model of a gateway we switch away from goes.
            { op: 'upsert', path: [...provider, 'models'], match: { key: 'id', value: id }, value: { id }, adds: { list: [...provider, 'models'], match: { key: 'id', value: id } } },
          ],
          holdsSecret: true,
          purpose: `providers.${PI_PROVIDER_ID} (openai-completions, baseUrl, apiKey, the model)`,
        },
        {
          kind: 'structured',
          path: join(dir, 'settings.json'),
          format: 'json',
          ops: [
            { op: 'set', path: ['defaultProvider'], value: PI_PROVIDER_ID },
            { op: 'set', path: ['defaultModel'], value: id },
          ],
          holdsSecret: false,
          purpose: 'defaultProvider and defaultModel (the rest of the file is yours)',
        },
      ],
      notes: [
        'A trusted project\'s .pi/settings.json can pick another defaultProvider / defaultModel; `pi --model` and /model (Ctrl+S) change it too.',
      ],
    };
  },
};

/**
 * A value Pi's config resolver gives back unchanged: `$` doubled (no `$NAME` reference), and a
 * leading `!` written `$!` (no shell command).
 */
export function piLiteral(value: string): string {
  const escaped = value.replaceAll('$', () => '$$');
  return escaped.startsWith('!') ? `$${escaped}` : escaped;
}

/** What Pi makes of a literal value in models.json (no environment, no command): the inverse of piLiteral. */
export function piResolvedLiteral(value: string): string | undefined {
  if (value.startsWith('!')) return undefined;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c !== '$') {
      out += c;
      continue;
    }
    const next = value[i + 1];
    if (next === '$' || next === '!') {
      out += next;
      i++;
      continue;
    }
    // `$NAME`, `${NAME}`: an environment reference, not a literal.
    if (next !== undefined && /[A-Za-z_{]/.test(next)) return undefined;
    out += '$';
  }
  return out;
}

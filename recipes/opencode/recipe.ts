// opencode (sst / anomalyco, npm `opencode-ai`). Facts checked 2026-11-23 against:
// - https://opencode.ai/docs/config: JSON or JSONC; the global config is
//   `~/.config/opencode/opencode.json`; sources merge (later wins per key): remote
//   `.well-known/opencode`, global, OPENCODE_CONFIG, project `opencode.json`, `.opencode/`,
//   OPENCODE_CONFIG_CONTENT, managed config.
// - anomalyco/opencode packages/opencode/src/global (paths from xdg-basedir: XDG_CONFIG_HOME, else
//   `<home>/.config`, on every platform); opencode 1.18.33 logs loading `config.json`,
//   `opencode.json` then `opencode.jsonc` from that folder, merged in that order.
// - https://opencode.ai/docs/providers#custom-provider: a custom provider is
//   `provider.<id>` with `npm: "@ai-sdk/openai-compatible"` (Chat Completions), `name`,
//   `options.baseURL` (…/v1), optional `options.apiKey`, `models.<id>.name`; the model is chosen
//   as `model: "<provider>/<model>"`.
// - https://opencode.ai/docs/migrate-v1: opencode 2 reads the same files and this V1 shape.
// - Observed with opencode 1.18.33: when the loaded config file has no `$schema`, opencode writes
//   `"$schema": "https://opencode.ai/config.json"` into it; setting it ourselves keeps the file
//   exactly as apply wrote it (so undo still recognises it). `opencode debug config` validates
//   the merged config against its schema (a wrong type is an error; unknown keys are dropped).
//
// How the key reaches opencode: `options.apiKey` in the config file, made 0600. The documented
// alternatives need something a headless run or a desktop launch may not have: `{env:VAR}`
// substitution needs the variable in every environment opencode starts from, and auth.json
// (`opencode auth login`) is a second file in the data folder for one value.
// - Model slots (the pinned 1.18.33 binary, checked 2026-12-04): `small_model` is what
//   Provider.getSmallModel returns for session titles and summaries (unset: a small model of the
//   main provider); `agent.<name>.model` overrides the model per agent. Seen by the e2e suite:
//   `opencode run` sends the title request with small_model.
// - Other hosts (recording proxy, 2026-12-04): models.opencode.ai (OPENCODE_DISABLE_MODELS_FETCH=1),
//   registry.npmjs.org (provider packages and plugins on first use).
import { configHome, pathFor, type Environment } from '../../src/core/environment.js';
import type { PlannedOp, Recipe } from '../../src/core/recipe.js';
import { entriesAt, providerOf, stringAt } from '../../src/core/slots.js';

/** Our provider id: `<id>/<model>` selects it. */
export const OPENCODE_PROVIDER_ID = 'setup-gateway';

export const opencode: Recipe = {
  id: 'opencode',
  name: 'opencode',
  protocol: 'openai-chat',
  model: 'required',
  checked: '2026-11-23',
  sources: [
    'https://opencode.ai/docs/config',
    'https://opencode.ai/docs/providers#custom-provider',
    'https://opencode.ai/docs/migrate-v1',
    'https://github.com/anomalyco/opencode/blob/dev/packages/opencode/src/global/index.ts',
  ],
  checks: {
    // Both are merged after the global file, so their keys win.
    env: [
      { name: 'OPENCODE_CONFIG', wins: true },
      { name: 'OPENCODE_CONFIG_CONTENT', wins: true },
    ],
    projectFiles: [
      { path: 'opencode.json', in: ['cwd', 'git-root'], mirrors: 'opencode.json' },
      { path: 'opencode.jsonc', in: ['cwd', 'git-root'], mirrors: 'opencode.json' },
      { path: '.opencode/opencode.json', in: ['cwd', 'git-root'], mirrors: 'opencode.json' },
    ],
  },
  slots: [
    { role: 'main', keys: ['model'], routable: true, writes: 'main' },
    { role: 'small', keys: ['small_model'], routable: true, writes: 'small', note: 'session titles and summaries' },
    { role: 'subagent', keys: ['agent.<name>.model'], routable: true, writes: 'main', note: 'an agent on another provider: rewritten with consent, else a doctor warning' },
  ],
  telemetry: {
    hosts: ['models.opencode.ai', 'registry.npmjs.org'],
    off: 'OPENCODE_DISABLE_MODELS_FETCH=1 in the environment (the model catalogue); provider packages and plugins come from registry.npmjs.org on first use (OPENCODE_DISABLE_DEFAULT_PLUGINS=1 skips the default plugins)',
  },
  detect: {
    binaries: ['opencode'],
    paths: (env) => [opencodeConfigDir(env), opencodeDataDir(env)],
  },
  plan({ profile, model, smallModel, env, read }) {
    const join = pathFor(env).join;
    const dir = opencodeConfigDir(env);
    const provider = ['provider', OPENCODE_PROVIDER_ID];
    const id = model ?? '';
    const small = smallModel ?? id;
    // The file opencode reads (the .jsonc wins where both exist), for the slots the user added.
    const current = read?.(join(dir, 'opencode.jsonc'), 'json') ?? read?.(join(dir, 'opencode.json'), 'json');
    const ours = (ref: string | undefined) => ref !== undefined && providerOf(ref) === OPENCODE_PROVIDER_ID;
    const smallNow = stringAt(current, ['small_model']);
    // An agent (build, plan, a custom one) with its own model on another provider sends its requests there.
    const agentOps = entriesAt(current, ['agent']).flatMap(([name]): PlannedOp[] => {
      const ref = stringAt(current, ['agent', name, 'model']);
      if (!ref || ours(ref)) return [];
      return [
        {
          op: 'set',
          path: ['agent', name, 'model'],
          value: `${OPENCODE_PROVIDER_ID}/${id}`,
          slot: 'subagent',
          elsewhere: providerOf(ref) ?? ref,
          consent: `The opencode agent "${name}" uses ${ref}, on another provider than the gateway. Point it at the gateway's ${id}?`,
        },
      ];
    });
    return {
      files: [
        {
          kind: 'structured',
          path: join(dir, 'opencode.json'),
          // Loaded after opencode.json, so it wins where both exist.
          preferExisting: [join(dir, 'opencode.jsonc')],
          format: 'json',
          ops: [
            { op: 'setDefault', path: ['$schema'], value: 'https://opencode.ai/config.json' },
            { op: 'set', path: [...provider, 'npm'], value: '@ai-sdk/openai-compatible' },
            { op: 'set', path: [...provider, 'name'], value: 'AI gateway (setup-gateway)' },
            { op: 'set', path: [...provider, 'options', 'baseURL'], value: profile.urls.openai },
            { op: 'set', path: [...provider, 'options', 'apiKey'], value: profile.key },
            // Other models the user added under our provider stay; the model of a gateway we switch away from goes.
            { op: 'set', path: [...provider, 'models', id, 'name'], value: id, adds: { map: [...provider, 'models'], key: id } },
            { op: 'set', path: [...provider, 'models', small, 'name'], value: small, adds: { map: [...provider, 'models'], key: small } },
            { op: 'set', path: ['model'], value: `${OPENCODE_PROVIDER_ID}/${id}` },
            // Session titles and summaries: without it opencode picks a small model of the main provider.
            {
              op: 'set',
              path: ['small_model'],
              value: `${OPENCODE_PROVIDER_ID}/${small}`,
              slot: 'small',
              ...(smallNow && !ours(smallNow) ? { elsewhere: providerOf(smallNow) ?? smallNow } : {}),
            },
            ...agentOps,
          ],
          holdsSecret: true,
          purpose: `provider.${OPENCODE_PROVIDER_ID} (openai-compatible, baseURL, apiKey, the models), model and small_model`,
        },
      ],
      notes: [
        'A project opencode.json, OPENCODE_CONFIG or OPENCODE_CONFIG_CONTENT overrides `model` here.',
        `If your config lists enabled_providers, add "${OPENCODE_PROVIDER_ID}" to it.`,
      ],
    };
  },
};

export function opencodeConfigDir(env: Environment): string {
  return pathFor(env).join(configHome(env), 'opencode');
}

/** `$XDG_DATA_HOME/opencode` (auth.json, sessions), also created by a first run. */
function opencodeDataDir(env: Environment): string {
  const p = pathFor(env);
  const xdg = env.env.XDG_DATA_HOME;
  return p.join(xdg && p.isAbsolute(xdg) ? xdg : p.join(env.home, '.local', 'share'), 'opencode');
}

// Continue (the VS Code / JetBrains extension `continue.continue` and the `cn` CLI). Facts checked
// 2026-11-23 against:
// - https://docs.continue.dev/reference: config.yaml's top-level `name`, `version` and `schema`
//   are required (`schema: v1`); `models[]` entries carry `name`, `provider`, `model`, `apiBase`,
//   `apiKey`, `roles`.
// - https://docs.continue.dev/customize/model-providers/top-level/openai: an OpenAI-compatible
//   server is `provider: openai` with `apiBase` (…/v1); without `apiBase` the key goes to OpenAI.
// - https://docs.continue.dev/yaml-migration: `~/.continue/config.yaml` (`%USERPROFILE%\.continue`)
//   is loaded instead of `config.json` when present; roles are chat, autocomplete, embed, rerank,
//   edit, apply, summarize.
// - https://docs.continue.dev/json-reference (deprecated): config.json `models[]` entries are
//   `title`, `provider`, `model`, `apiKey`, `apiBase`.
// - continuedev/continue core/util/paths.ts: CONTINUE_GLOBAL_DIR moves ~/.continue; the primary
//   config is config.yaml when it exists, else config.json; an absent config.yaml is created (0600)
//   only when config.json is absent too. The newest core drops config.json altogether.
// - @continuedev/cli 1.5.47 (src/env.ts, src/configLoader.ts, src/config.ts): `cn` honours
//   CONTINUE_GLOBAL_DIR, reads only `<dir>/config.yaml`, and uses the first model whose roles
//   include chat (or that has no roles) unless a model was picked before.
// - `${{ secrets.X }}` in config.yaml resolves from `.continue/.env`, workspace `.env`, hub secrets
//   and, since continuedev/continue#5961 (closing #5902), the process environment. An editor
//   started from the Dock or Start menu does not see shell variables, and placeholders still
//   fail to resolve in some setups (#12842), so the key is written as a literal, in a 0600 file.
// - Model slots (docs.continue.dev/customize/model-roles and docs.continue.dev/reference, checked
//   2026-12-04): every `models[]` entry has its own provider and apiBase and a `roles` list (chat,
//   edit, apply, autocomplete, embed, rerank; chat, edit, apply and summarize when absent), so an
//   autocomplete, embed or rerank entry on another provider sends those requests there.
//   Telemetry: `allowAnonymousTelemetry` (read by the pinned cn 1.5.47's config schema; true when
//   absent in continuedev/continue's config loader); the PostHog host is the extension's, not seen
//   here (cn itself has no PostHog client).
import { extensionSites } from '../../src/core/editors.js';
import { dirFromEnv, inHome, pathFor, type Environment } from '../../src/core/environment.js';
import type { FileIntent, PlannedOp, Recipe } from '../../src/core/recipe.js';
import type { Profile } from '../../src/core/profile.js';
import { leavesMachine, stringAt, valueAt } from '../../src/core/slots.js';
import type { StructuredFormat } from '../../src/formats/types.js';

/** The one model entry setup-gateway owns, found again by this name (config.json: title). */
export const CONTINUE_MODEL_NAME = 'setup-gateway';
export const CONTINUE_EXTENSION = 'continue.continue';

export const continueDev: Recipe = {
  id: 'continue',
  name: 'Continue',
  protocol: 'openai-chat',
  model: 'required',
  checked: '2026-11-23',
  sources: [
    'https://docs.continue.dev/reference',
    'https://docs.continue.dev/customize/model-providers/top-level/openai',
    'https://docs.continue.dev/yaml-migration',
    'https://docs.continue.dev/json-reference',
    'https://github.com/continuedev/continue/blob/main/core/util/paths.ts',
    'https://github.com/continuedev/continue/blob/main/extensions/cli/src/configLoader.ts',
  ],
  slots: [
    { role: 'main', keys: ['models[] with roles chat, edit, apply'], routable: true, writes: 'main' },
    { role: 'autocomplete', keys: ['models[] with role autocomplete'], routable: true, writes: 'none', note: 'another provider: pointed at the gateway with consent (its model kept), else a doctor warning' },
    { role: 'embed', keys: ['models[] with role embed'], routable: true, writes: 'none', note: 'as autocomplete; the gateway must serve /v1/embeddings' },
    { role: 'rerank', keys: ['models[] with role rerank'], routable: true, writes: 'none', note: 'as autocomplete' },
  ],
  telemetry: { hosts: ['us.i.posthog.com'], off: 'allowAnonymousTelemetry: false in config.yaml' },
  detect: {
    binaries: ['cn'],
    paths: (env) => [continueDir(env)],
    extensions: [CONTINUE_EXTENSION],
  },
  plan({ profile, model, env, evidence, read }) {
    const sites = extensionSites(env, evidence);
    // The CLI, the folder, the extension here or in VS Code Server, or nothing detected (the user
    // named Continue): this machine's folder.
    const local = evidence.length === 0 || evidence.some((e) => e.kind !== 'extension') || sites.some((s) => s.side !== 'windows');
    // The extension in a Windows editor, seen from WSL, reads the Windows user's folder.
    const windows = env.windowsHome !== undefined && sites.some((s) => s.side === 'windows');
    const dirs = [
      ...(local ? [continueDir(env)] : []),
      ...(windows && env.windowsHome ? [pathFor(env).join(env.windowsHome, '.continue')] : []),
    ];
    return {
      files: dirs.flatMap((dir) => configFiles(dir, env, profile, model ?? '', read)),
      notes: [
        `Continue uses the first chat model in config.yaml, or the one you picked last: pick "${CONTINUE_MODEL_NAME}" in the model list (\`/model\` in cn).`,
        'The deprecated config.json is edited only while no config.yaml exists; newer Continue releases read config.yaml only (docs.continue.dev/yaml-migration).',
      ],
    };
  },
};

/** The three ways one Continue folder is handled; exactly one applies, by which files exist. */
function configFiles(dir: string, env: Environment, profile: Profile, model: string, read?: (path: string, format: StructuredFormat) => unknown): FileIntent[] {
  const join = pathFor(env).join;
  const yaml = join(dir, 'config.yaml');
  const json = join(dir, 'config.json');
  const roleOps = otherRoleOps(read?.(yaml, 'yaml'), profile);
  const yamlOps: PlannedOp[] = [
    // What Continue's own default config.yaml carries; an existing file keeps its values.
    { op: 'setDefault', path: ['name'], value: 'Local Config' },
    { op: 'setDefault', path: ['version'], value: '1.0.0' },
    { op: 'setDefault', path: ['schema'], value: 'v1' },
    {
      op: 'upsert',
      path: ['models'],
      match: { key: 'name', value: CONTINUE_MODEL_NAME },
      value: {
        name: CONTINUE_MODEL_NAME,
        provider: 'openai',
        model,
        apiBase: profile.urls.openai,
        apiKey: profile.key,
        roles: ['chat', 'edit', 'apply'],
      },
    },
    ...roleOps,
  ];
  return [
    {
      kind: 'structured',
      path: yaml,
      onlyIfExists: true,
      format: 'yaml',
      ops: yamlOps,
      holdsSecret: true,
      purpose: `when it exists: the "${CONTINUE_MODEL_NAME}" entry in models (openai provider, apiBase, apiKey, roles chat/edit/apply); your other models stay`,
    },
    {
      kind: 'structured',
      path: yaml,
      // Created only when Continue has no config at all: a new config.yaml would hide a config.json.
      unlessExists: [yaml, json],
      format: 'yaml',
      ops: yamlOps,
      holdsSecret: true,
      purpose: 'created (name, version, schema: v1, models) when neither config.yaml nor config.json exists',
    },
    {
      kind: 'structured',
      path: json,
      onlyIfExists: true,
      unlessExists: [yaml],
      format: 'json',
      ops: [
        {
          op: 'upsert',
          path: ['models'],
          match: { key: 'title', value: CONTINUE_MODEL_NAME },
          value: { title: CONTINUE_MODEL_NAME, provider: 'openai', model, apiBase: profile.urls.openai, apiKey: profile.key },
        },
      ],
      holdsSecret: true,
      purpose: `legacy config.json, only while no config.yaml exists: the "${CONTINUE_MODEL_NAME}" entry in models (by title)`,
    },
  ];
}

export function continueDir(env: Environment): string {
  return dirFromEnv(env, 'CONTINUE_GLOBAL_DIR', inHome(env, '.continue'));
}

/** The roles of Continue's secondary models, each on its own model entry. */
const SECONDARY_ROLES = ['autocomplete', 'embed', 'rerank'] as const;

/** Providers that run on this machine: their requests never leave it. */
const LOCAL_PROVIDERS = new Set(['ollama', 'lmstudio', 'llama.cpp', 'llamafile', 'transformers.js']);

/**
 * A model entry with an autocomplete, embed or rerank role on another provider sends those
 * requests there. With consent it is pointed at the gateway (provider openai, apiBase, apiKey),
 * its model kept: the user chose a completion or embedding model for that role.
 */
function otherRoleOps(current: unknown, profile: Profile): PlannedOp[] {
  const models = valueAt(current, ['models']);
  if (!Array.isArray(models)) return [];
  return models.flatMap((_, i): PlannedOp[] => {
    const roles = valueAt(models, [i, 'roles']);
    const role = Array.isArray(roles) ? SECONDARY_ROLES.find((r) => roles.includes(r)) : undefined;
    const name = stringAt(models, [i, 'name']);
    if (!role || name === CONTINUE_MODEL_NAME) return [];
    const provider = stringAt(models, [i, 'provider']) ?? '';
    const apiBase = stringAt(models, [i, 'apiBase']);
    if (apiBase === profile.urls.openai) return [];
    const remote = apiBase ? leavesMachine(apiBase) : !LOCAL_PROVIDERS.has(provider);
    if (!remote) return [];
    const elsewhere = apiBase ? `${provider || 'a provider'} (${apiBase})` : provider;
    const consent = `The Continue model "${name ?? stringAt(models, [i, 'model']) ?? i}" (${role}) sends its requests to ${elsewhere}, not to the gateway. Point it at the gateway?`;
    return [
      { op: 'set', path: ['models', i, 'provider'], value: 'openai', slot: role, elsewhere, consent },
      { op: 'set', path: ['models', i, 'apiBase'], value: profile.urls.openai, consent },
      { op: 'set', path: ['models', i, 'apiKey'], value: profile.key, consent },
    ];
  });
}

// Cline (VS Code extension `saoudrizwan.claude-dev`, the `cline` CLI, JetBrains). Facts checked
// 2026-11-23 against:
// - cline/cline PR #9227 (merged 2026-02-10): VS Code, CLI and JetBrains share file-backed stores
//   `<data>/globalState.json` and `<data>/secrets.json` (0600); on its first start a VS Code build
//   with it copies its old VS Code state in but never overwrites a value already in those files
//   (src/hosts/vscode/__tests__/vscode-to-file-migration.test.ts).
// - apps/vscode/src/shared/storage/data-dir.ts and storage-context.ts: the data folder is
//   CLINE_DATA_DIR, else `${CLINE_DIR}/data`, else `~/.cline/data`; both files are one flat JSON
//   object read with JSON.parse (ClineFileStorage.ts); the extension reads them once at start and
//   rewrites them whole from memory (StateManager.ts "MULTI-INSTANCE BEHAVIOR").
// - src/shared/storage/state-keys.ts: `actModeApiProvider` / `planModeApiProvider` (`"openai"` is
//   "OpenAI Compatible"), `openAiBaseUrl`, `actModeOpenAiModelId` / `planModeOpenAiModelId`,
//   `welcomeViewCompleted`; secret `openAiApiKey`. The SDK-based 4.x extension still resolves the
//   key and base URL from these stores before `settings/providers.json`
//   (apps/vscode/src/sdk/model-catalog/effective-config.ts) and reads `welcomeViewCompleted` from
//   the file store (cline/cline PR #12639).
// - src/core/api/providers/openai.ts: the base URL goes to the OpenAI SDK, which appends
//   `/chat/completions`, so it carries `/v1`; a URL containing azure.com/azure.us selects the Azure
//   client; the model id is sent as given (an empty one fails).
// - Version cutoff: 3.55.0 shipped on 2026-01-30 and 3.59.0 by 2026-02-13 (cline/cline #8973,
//   #9296), so #9227 landed in 3.56–3.59 but in which one is not recorded; builds older than
//   3.60.0 are treated as keeping their settings in VS Code's own storage, which no file can reach.
// - Model slots (docs.cline.bot/features/plan-and-act and src/shared/storage/state-keys.ts above,
//   checked 2026-12-04): Plan mode and Act mode each keep their own model
//   (planModeOpenAiModelId, actModeOpenAiModelId); both are written. Telemetry: anonymous usage
//   events, off with the "Cline Telemetry" switch (docs.cline.bot/more-info/telemetry, checked
//   2026-12-04); the PostHog host is not seen here (the extension does not run in the tests).
import { EDITORS, extensionSites, versionAtLeast } from '../../src/core/editors.js';
import type { Environment } from '../../src/core/environment.js';
import { dirFromEnv, inHome, pathFor } from '../../src/core/environment.js';
import type { FileIntent, Recipe, RecipePlan } from '../../src/core/recipe.js';

export const CLINE_EXTENSION = 'saoudrizwan.claude-dev';
/** The first version assumed to read `~/.cline/data` (see the header). */
export const CLINE_FILE_STORAGE_SINCE = '3.60.0';

export const cline: Recipe = {
  id: 'cline',
  name: 'Cline',
  protocol: 'openai-chat',
  model: 'required',
  checked: '2026-11-23',
  sources: [
    'https://github.com/cline/cline/pull/9227',
    'https://github.com/cline/cline/blob/main/apps/vscode/src/shared/storage/data-dir.ts',
    'https://github.com/cline/cline/blob/main/src/shared/storage/state-keys.ts',
    'https://github.com/cline/cline/pull/12639',
  ],
  slots: [
    { role: 'main', keys: ['actModeOpenAiModelId'], routable: true, writes: 'main' },
    { role: 'planner', keys: ['planModeOpenAiModelId'], routable: true, writes: 'main', note: 'Plan mode' },
  ],
  telemetry: { hosts: ['us.i.posthog.com'], off: 'telemetrySetting: "disabled" in globalState.json (Settings > Allow anonymous error and usage reporting)' },
  detect: {
    binaries: ['cline'],
    paths: (env) => [clineDataDir(env)],
    extensions: [CLINE_EXTENSION],
  },
  plan({ profile, model, env, evidence }) {
    const sites = extensionSites(env, evidence);
    const isNew = (version: string | undefined) => version === undefined || versionAtLeast(version, CLINE_FILE_STORAGE_SINCE);
    const old = sites.filter((s) => !isNew(s.version));
    // The CLI, the data folder itself, a current extension here or in VS Code Server, or nothing
    // detected at all (the user named Cline): this machine's files.
    const local =
      evidence.length === 0 ||
      evidence.some((e) => e.kind !== 'extension') ||
      sites.some((s) => s.side !== 'windows' && isNew(s.version));
    // A current extension in a Windows editor, seen from WSL: the Windows user's files.
    const windows = env.windowsHome !== undefined && sites.some((s) => s.side === 'windows' && isNew(s.version));

    const values = { baseUrl: profile.urls.openai, key: profile.key, model: model ?? '' };
    const files: FileIntent[] = [
      ...(local ? stateFiles(clineDataDir(env), env, values) : []),
      ...(windows && env.windowsHome ? stateFiles(pathFor(env).join(env.windowsHome, '.cline', 'data'), env, values) : []),
    ];
    const plan: RecipePlan = {
      files,
      notes: [
        'Reload VS Code (Developer: Reload Window) and restart any running Cline CLI: a running Cline keeps its settings in memory and writes them back over these files.',
        'The Cline CLI 3.x keeps its own provider list in settings/providers.json next to these files; if it still uses another provider, select OpenAI Compatible once with `cline auth`.',
        ...(profile.urls.openai.toLowerCase().includes('azure.') ? ['Cline switches to its Azure OpenAI client for base URLs containing azure.com or azure.us.'] : []),
      ],
    };
    if (old.length) plan.manual = manualSteps(old.map((s) => `${editorName(s.editor.id)} ${s.version ?? ''}`.trim()), values);
    return plan;
  },
};

interface Values {
  baseUrl: string;
  key: string;
  model: string;
}

function stateFiles(dataDir: string, env: Environment, { baseUrl, key, model }: Values): FileIntent[] {
  const join = pathFor(env).join;
  return [
    {
      kind: 'structured',
      path: join(dataDir, 'globalState.json'),
      format: 'json',
      ops: [
        { op: 'set', path: ['actModeApiProvider'], value: 'openai' },
        { op: 'set', path: ['planModeApiProvider'], value: 'openai' },
        { op: 'set', path: ['openAiBaseUrl'], value: baseUrl },
        { op: 'set', path: ['actModeOpenAiModelId'], value: model },
        { op: 'set', path: ['planModeOpenAiModelId'], value: model },
        // A provider is configured: skip the sign-in/onboarding screen.
        { op: 'set', path: ['welcomeViewCompleted'], value: true },
      ],
      holdsSecret: false,
      purpose: 'act/plan provider "openai" (OpenAI Compatible), openAiBaseUrl (…/v1), act/plan model ids',
    },
    {
      kind: 'structured',
      path: join(dataDir, 'secrets.json'),
      format: 'json',
      ops: [{ op: 'set', path: ['openAiApiKey'], value: key }],
      holdsSecret: true,
      purpose: 'openAiApiKey (the gateway key)',
    },
  ];
}

function manualSteps(editors: string[], { baseUrl, model }: Values): NonNullable<RecipePlan['manual']> {
  return {
    why: `This Cline build (${editors.join(', ')}) keeps its settings in the editor's own storage, which no file can safely reach. Update Cline to ${CLINE_FILE_STORAGE_SINCE} or later and run setup-gateway again, or set it by hand:`,
    steps: [
      'Open the Cline panel and select the settings (gear) icon.',
      'API Provider: OpenAI Compatible.',
      `Base URL: ${baseUrl}`,
      'API Key: your gateway key.',
      `Model ID: ${model}`,
      'Select Done (with separate Plan/Act models, set both).',
    ],
  };
}

/** `CLINE_DATA_DIR`, else `$CLINE_DIR/data`, else `~/.cline/data`. */
export function clineDataDir(env: Environment): string {
  const data = dirFromEnv(env, 'CLINE_DATA_DIR', '');
  if (data) return data;
  return pathFor(env).join(dirFromEnv(env, 'CLINE_DIR', inHome(env, '.cline')), 'data');
}

function editorName(id: string): string {
  return EDITORS.find((e) => e.id === id)?.name ?? id;
}

// Roo Code (VS Code extension `RooVeterinaryInc.roo-cline`). Facts checked 2026-11-23 against:
// - RooCodeInc/Roo-Code src/utils/autoImportSettings.ts: on every activation the extension reads
//   the VS Code setting `roo-cline.autoImportSettingsPath` and, when that file exists, imports it;
//   `~/` is expanded, a relative path is taken from the home folder.
// - src/core/config/importExport.ts: the file is parsed with JSON.parse against
//   `{providerProfiles, globalSettings?}`; imported `apiConfigs` and `modeApiConfigs` are merged
//   over the existing ones (other profiles survive) and `currentApiConfigName` becomes active.
// - src/core/config/ProviderSettingsManager.ts (`providerProfilesSchema`: currentApiConfigName,
//   apiConfigs, modeApiConfigs) and packages/types/src/provider-settings.ts (`apiProvider: "openai"`
//   with `openAiBaseUrl`, `openAiApiKey`, `openAiModelId`, optional `id`).
// - https://docs.roocode.com/basic-usage/using-modes: each mode remembers its own profile ("sticky
//   models"), so the built-in modes (code, architect, ask, debug, orchestrator) are pointed at ours.
// - VS Code: user settings.json is JSONC; in a remote window, Remote settings
//   (`~/.vscode-server/data/Machine/settings.json`) override user settings for the extension running
//   on the remote (microsoft/vscode machine-scope notes; remote settings docs).
//
// Which settings files: those of the editors where detection found the extension (a Windows
// editor seen from WSL gets a Windows path to a file on the Windows side; VS Code Server gets its
// Remote settings). With no evidence (Roo named explicitly), every VS Code-family settings.json
// that already exists on this machine: an editor the user does not have is not created.
// - Model slots (docs.roocode.com/features/codebase-indexing and RooCodeInc/Roo-Code#12366,
//   checked 2026-12-04): one API profile's model serves every mode; codebase indexing has an
//   embedding provider of its own (`codebaseIndexConfig`: codebaseIndexEmbedderProvider,
//   …BaseUrl, …ModelId), set in the extension and left as set.
import { EDITORS, editorUserDir, extensionSites, windowsPathFromWsl } from '../../src/core/editors.js';
import type { Environment } from '../../src/core/environment.js';
import { configHome, inHome, pathFor } from '../../src/core/environment.js';
import type { FileIntent, Recipe } from '../../src/core/recipe.js';
import type { JsonValue } from '../../src/formats/types.js';

export const ROO_EXTENSION = 'rooveterinaryinc.roo-cline';
/** Our profile's name and id in Roo's provider profiles. */
export const ROO_PROFILE = 'setup-gateway';
const SETTING = 'roo-cline.autoImportSettingsPath';
const BUILT_IN_MODES = ['code', 'architect', 'ask', 'debug', 'orchestrator'] as const;

export const rooCode: Recipe = {
  id: 'roo-code',
  name: 'Roo Code',
  protocol: 'openai-chat',
  model: 'required',
  checked: '2026-11-23',
  sources: [
    'https://github.com/RooCodeInc/Roo-Code/blob/main/src/utils/autoImportSettings.ts',
    'https://github.com/RooCodeInc/Roo-Code/blob/main/src/core/config/importExport.ts',
    'https://github.com/RooCodeInc/Roo-Code/blob/main/packages/types/src/provider-settings.ts',
    'https://docs.roocode.com/basic-usage/using-modes',
  ],
  slots: [
    { role: 'main', keys: ['apiConfigs.setup-gateway.openAiModelId'], routable: true, writes: 'main', note: 'used by every built-in mode' },
    { role: 'embed', keys: ['codebaseIndexConfig (codebase indexing)'], routable: true, writes: 'none', note: 'an embedding provider set in the extension' },
  ],
  detect: {
    binaries: [],
    paths: () => [],
    extensions: [ROO_EXTENSION],
  },
  plan({ profile, model, env, evidence }) {
    const p = pathFor(env);
    const sites = extensionSites(env, evidence);
    const local = importFile(env);
    const windowsImport = env.windowsHome ? p.join(env.windowsHome, '.config', 'setup-gateway', 'roo-code.json') : undefined;

    const settings: FileIntent[] = [];
    const add = (path: string | undefined, value: string, onlyIfExists: boolean) => {
      if (!path || settings.some((f) => f.path === path)) return;
      settings.push({
        kind: 'structured',
        path,
        ...(onlyIfExists ? { onlyIfExists } : {}),
        format: 'json',
        ops: [{ op: 'set', path: [SETTING], value }],
        holdsSecret: false,
        purpose: `${SETTING}: the file Roo Code imports its provider profile from at start`,
      });
    };
    if (sites.length === 0) {
      for (const editor of EDITORS) add(settingsFile(env, editorUserDir(env, editor.id, false)), local, true);
    }
    const windowsValue = windowsImport ? windowsPathFromWsl(windowsImport) : undefined;
    const notes: string[] = [];
    for (const site of sites) {
      if (site.side === 'windows') {
        if (windowsValue) add(settingsFile(env, editorUserDir(env, site.editor.id, true)), windowsValue, false);
        else if (!notes.length) notes.push(`Roo Code in ${site.editor.name} on Windows was left alone: the Windows home (${env.windowsHome ?? 'unknown'}) is not under /mnt/<drive>, so its Windows path is unknown.`);
      } else if (site.side === 'server') add(inHome(env, '.vscode-server', 'data', 'Machine', 'settings.json'), local, false);
      else add(settingsFile(env, editorUserDir(env, site.editor.id, false)), local, false);
    }

    const content = importOps(profile.urls.openai, profile.key, model ?? '');
    const needLocal = sites.length === 0 || sites.some((s) => s.side !== 'windows');
    const needWindows = windowsValue !== undefined && sites.some((s) => s.side === 'windows');
    const imports: FileIntent[] = [
      ...(needLocal ? [importIntent(local, content)] : []),
      ...(windowsImport && needWindows ? [importIntent(windowsImport, content)] : []),
    ];
    return {
      files: [...imports, ...settings],
      notes: [
        'Restart VS Code (or run Developer: Reload Window): Roo Code imports the profile when it starts.',
        `Roo Code re-imports the file at every start, so edits to the "${ROO_PROFILE}" profile in its UI are reset; change them by running setup-gateway again, or remove ${SETTING} from your settings to stop the import.`,
        ...notes,
      ],
    };
  },
};

/** `~/.config/setup-gateway/roo-code.json` (XDG_CONFIG_HOME honoured). */
export function importFile(env: Environment): string {
  return pathFor(env).join(configHome(env), 'setup-gateway', 'roo-code.json');
}

function settingsFile(env: Environment, userDir: string | undefined): string | undefined {
  return userDir ? pathFor(env).join(userDir, 'settings.json') : undefined;
}

function importOps(baseUrl: string, key: string, model: string): Array<{ path: string[]; value: JsonValue }> {
  const profiles = ['providerProfiles'];
  return [
    { path: [...profiles, 'currentApiConfigName'], value: ROO_PROFILE },
    {
      path: [...profiles, 'apiConfigs', ROO_PROFILE],
      value: { id: ROO_PROFILE, apiProvider: 'openai', openAiBaseUrl: baseUrl, openAiApiKey: key, openAiModelId: model },
    },
    ...BUILT_IN_MODES.map((mode) => ({ path: [...profiles, 'modeApiConfigs', mode], value: ROO_PROFILE })),
  ];
}

function importIntent(path: string, content: Array<{ path: string[]; value: JsonValue }>): FileIntent {
  return {
    kind: 'structured',
    path,
    format: 'json',
    ops: content.map(({ path: key, value }) => ({ op: 'set', path: key, value })),
    holdsSecret: true,
    purpose: `providerProfiles: profile "${ROO_PROFILE}" (OpenAI Compatible, base URL …/v1, key, model), active and used by the built-in modes`,
  };
}

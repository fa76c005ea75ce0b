// Cursor (the editor). Facts checked 2026-11-23 against:
// - https://cursor.com/help/models-and-usage/api-keys: keys are entered in Cursor Settings >
//   Models; custom keys only drive chat models, Tab keeps Cursor's own models.
// - https://ngrok.com/docs/ai-gateway/agents/cursor and https://docs.merge.dev/merge-gateway/coding-agents/cursor
//   (gateway vendors' Cursor guides): Models > API Keys > "OpenAI API Key" + "Override OpenAI
//   Base URL" with the `/v1` suffix kept (Cursor appends `/chat/completions`), then "+ Add model"
//   for each gateway model id and "Verify"; the override is global to OpenAI models; Agent mode
//   and Tab do not use the custom key; the requests come from Cursor's servers.
// - cursor/cursor#1380, askalf/dario#190 ("Access to private networks is forbidden"): Cursor's
//   backend makes the call, so localhost and private-network addresses cannot be reached.
// - https://cursor.com/docs/cli/installation: the Cursor CLI is `agent` (older name
//   `cursor-agent`), with its settings in `~/.cursor/cli-config.json`.
// - Where Cursor keeps the override: `User/globalStorage/state.vscdb` (SQLite, key encrypted
//   with Electron safeStorage in newer builds): undocumented and unstable, so nothing is
//   written; the user gets the exact steps instead (status `manual`).
//
// The key appears in the steps and is masked like every output line (`sk-…1234`): enough to
// recognise which key to paste, which the user already holds. No `--show-key`: printing a key in
// clear text would break the one rule every command keeps.
// - Model slots (docs.merge.dev/merge-gateway/coding-agents/cursor, ngrok.com/docs/ai-gateway/
//   agents/cursor, docs.opper.ai/integrations/editors/cursor, checked 2026-12-04): the base URL
//   override serves chat; Tab completion (and Agent mode) always use Cursor's own models.
import { editorAppPaths, editorUserDirs } from '../../src/core/editors.js';
import { inHome, pathFor, type Environment } from '../../src/core/environment.js';
import type { Profile } from '../../src/core/profile.js';
import type { Recipe } from '../../src/core/recipe.js';

export const cursor: Recipe = {
  id: 'cursor',
  name: 'Cursor',
  protocol: 'openai-chat',
  model: 'optional',
  checked: '2026-11-23',
  sources: [
    'https://cursor.com/help/models-and-usage/api-keys',
    'https://ngrok.com/docs/ai-gateway/agents/cursor',
    'https://docs.merge.dev/merge-gateway/coding-agents/cursor',
    'https://github.com/cursor/cursor/issues/1380',
    'https://cursor.com/docs/cli/installation',
  ],
  // For `doctor`: Cursor's servers make the calls, so a loopback gateway is an error there too.
  checks: { callsFromCloud: true },
  slots: [
    { role: 'main', keys: ['Settings > Models (chat)'], routable: true, writes: 'none', note: 'set by hand: the steps are printed' },
    { role: 'autocomplete', keys: ['Cursor Tab'], routable: false, writes: 'none', note: "Tab and Agent mode always use Cursor's own models" },
  ],
  detect: {
    binaries: ['cursor', 'agent', 'cursor-agent'],
    paths: (env) => editorAppPaths(env, 'cursor', 'Cursor.app'),
  },
  plan({ profile, model }) {
    const unreachable = unreachableFromCloud(profile);
    const steps = [
      ...(unreachable
        ? [
            `WARNING: ${profile.urls.openai} is ${unreachable}. Cursor sends these requests from Cursor's own servers, not from this computer, so they cannot reach it. Use the gateway's public HTTPS address (or a public tunnel to it) in the steps below.`,
          ]
        : []),
      'Open Cursor Settings (Ctrl+Shift+P, or Cmd+Shift+P on macOS, then "Cursor Settings") > Models, and expand API Keys.',
      `Turn on "OpenAI API Key" and paste your gateway key (${profile.key}).`,
      `Turn on "Override OpenAI Base URL" and enter ${profile.urls.openai} (keep /v1: Cursor appends /chat/completions).`,
      'Click "Verify".',
      model
        ? `Under Models, click "+ Add model", enter ${model}, turn it on, and pick it in the chat's model menu.`
        : `Under Models, click "+ Add model" for each gateway model id you want (the gateway lists them at ${profile.urls.openai}/models), turn them on, and pick one in the chat's model menu.`,
      'Only chat uses this key: Tab, and Agent mode, keep using Cursor\'s own models. The override applies to every OpenAI model in Cursor: turn it off to go back.',
    ];
    return {
      files: [],
      notes: [],
      manual: {
        why: 'Cursor keeps its base URL and key in its internal database, not in a file setup-gateway can safely edit.',
        steps,
      },
    };
  },
};

/**
 * Why a cloud service cannot call this gateway (loopback or private-network address), or
 * undefined when it can. Cursor's requests come from its servers.
 */
export function unreachableFromCloud(profile: Profile): string | undefined {
  if (profile.urls.isLoopback) return 'a loopback address (this computer only)';
  const host = new URL(profile.urls.openai).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(host);
  const [a, b] = v4 ? [Number(v4[1]), Number(v4[2])] : [NaN, NaN];
  const privateV4 = a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || a === 0;
  const privateV6 = /^f[cd][0-9a-f]{2}:/.test(host) || /^fe[89ab][0-9a-f]:/.test(host);
  const privateName = host.endsWith('.local') || host.endsWith('.internal') || host.endsWith('.lan') || (!host.includes('.') && !host.includes(':'));
  if (privateV4 || privateV6 || privateName) return 'a private-network address';
  return undefined;
}


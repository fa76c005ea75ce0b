// Windsurf (Codeium / Cognition). Facts checked 2026-11-23 against:
// - https://docs.windsurf.com/windsurf/models and https://docs.windsurf.com/plugins/cascade/models:
//   Cascade's models run through Windsurf's servers; "bring your own key" takes only an
//   Anthropic key, for a few Claude models, entered in the web subscription settings. No setting
//   takes a custom (OpenAI-compatible) base URL.
// - Some gateway guides (e.g. the CodeRouter guide this product was born from) describe a
//   "Custom OpenAI" provider under Settings > Cascade; Windsurf's own docs do not, so the
//   recipe does not rely on it.
// - Paths: `~/.codeium/windsurf/` (MCP config, global rules; `%USERPROFILE%\.codeium\windsurf` on
//   Windows, per Windsurf's MCP docs), `~/.windsurf/extensions`, the editor user folder
//   `<config>/Windsurf` (src/core/editors.ts), `/Applications/Windsurf.app`; CLI `windsurf`.
//
// So Windsurf itself cannot be pointed at the gateway. What works inside Windsurf: an extension
// with an OpenAI-compatible provider (Cline, Roo Code, Continue), configured with the same
// gateway values. The steps say so, with the values filled in.
// - Model slots (docs.windsurf.com/windsurf/models, checked 2026-12-04): Cascade's models are
//   served by Windsurf (bring-your-own-key only for a few Anthropic models, still through
//   Windsurf, no endpoint setting); Windsurf Tab runs on its own SWE-1-mini. Neither can be routed.
import { editorAppPaths } from '../../src/core/editors.js';
import { inHome, pathFor } from '../../src/core/environment.js';
import type { Recipe } from '../../src/core/recipe.js';

/** Recipes that configure an extension running inside Windsurf (ids in recipes/index.ts). */
export const EXTENSION_RECIPES = ['cline', 'roo-code'] as const;

export const windsurf: Recipe = {
  id: 'windsurf',
  name: 'Windsurf',
  protocol: 'openai-chat',
  model: 'none',
  checked: '2026-11-23',
  sources: ['https://docs.windsurf.com/windsurf/models', 'https://docs.windsurf.com/plugins/cascade/models', 'https://docs.windsurf.com/windsurf/cascade/mcp'],
  slots: [
    { role: 'main', keys: ['Cascade model'], routable: false, writes: 'none', note: 'no custom endpoint: use Cline, Roo Code or Continue inside Windsurf' },
    { role: 'autocomplete', keys: ['Windsurf Tab'], routable: false, writes: 'none' },
  ],
  detect: {
    binaries: ['windsurf'],
    paths: (env) => [
      inHome(env, '.codeium', 'windsurf'),
      ...(env.wsl && env.windowsHome ? [pathFor(env).join(env.windowsHome, '.codeium', 'windsurf')] : []),
      ...editorAppPaths(env, 'windsurf', 'Windsurf.app'),
    ],
  },
  plan({ profile, model }) {
    return {
      files: [],
      notes: [],
      manual: {
        why: "Windsurf's own AI (Cascade) has no setting for a custom base URL: it runs through Windsurf's servers, and its bring-your-own-key option only takes Anthropic keys. An extension inside Windsurf can use the gateway instead.",
        steps: [
          'In Windsurf, open Extensions and install one of: Cline (saoudrizwan.claude-dev), Roo Code (RooVeterinaryInc.roo-cline) or Continue (Continue.continue).',
          `In the extension's settings choose the "OpenAI Compatible" provider (Continue: provider openai with apiBase) and enter the base URL ${profile.urls.openai}, your gateway key (${profile.key}) and the model ${model ?? 'id your gateway offers'}.`,
          `Or, once Cline or Roo Code is installed, let setup-gateway write those settings: setup-gateway apply --base-url ${profile.urls.openai} --agent ${EXTENSION_RECIPES.join(' (or --agent ')}) with the same key.`,
        ],
      },
    };
  },
};

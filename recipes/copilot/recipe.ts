// GitHub Copilot Chat in VS Code, through its "Custom Endpoint" (BYOK) model provider. Facts
// checked 2026-11-23 against:
// - https://code.visualstudio.com/docs/agent-customization/language-models (vscode-docs
//   docs/agent-customization/language-models.md): `chatLanguageModels.json` in the user folder is
//   a JSON list of providers; Custom Endpoint is `vendor: "customendpoint"` with `name`, `apiKey`
//   (kept out of the file with an input variable such as `${input:myApiKey}`), `apiType`
//   (`chat-completions` default, `responses`, `messages`) and `models[]` with `id`, `name`, `url`
//   (the full endpoint URL is recommended), `toolCalling` (a model without it is not offered to
//   agents), `vision`, `maxInputTokens`, `maxOutputTokens` (their sum is the context window). It
//   replaces the deprecated OpenAI Compatible provider and `github.copilot.chat.customOAIModels`.
//   Copilot Business/Enterprise admins can disable BYOK by policy; BYOK covers chat, not inline
//   suggestions. A new model may need a restart to appear.
// - microsoft/vscode #316916 (Custom Endpoint test plan, vendor `customendpoint`, list at the top
//   level) and microsoft/vscode PR #302778 (Copilot ships as a built-in extension, so a current
//   VS Code may have no `github.copilot-chat-*` folder at all).
//
// The key: `${input:…}` makes VS Code ask for it once and keep it in its secret storage. The
// engine has no way to carry a per-recipe "store the key in the file" option, so the key is never
// written here; the notes say so. We own exactly one provider entry, found by `name`.
// - Model slots (code.visualstudio.com/docs/agent-customization/model-providers, checked
//   2026-12-04): a BYOK model serves chat and agent mode and can also be picked for the utility
//   tasks (title generation, intent detection: left as the user sets them); inline suggestions,
//   semantic search and embeddings keep using GitHub's service and cannot be routed.
import { editorUserDir, extensionSites } from '../../src/core/editors.js';
import type { EditorProduct } from '../../src/core/editors.js';
import { editorUserDirs } from '../../src/core/editors.js';
import { pathFor } from '../../src/core/environment.js';
import type { FileIntent, Recipe } from '../../src/core/recipe.js';

export const COPILOT_EXTENSIONS = ['github.copilot-chat', 'github.copilot'] as const;
export const COPILOT_PROVIDER_NAME = 'AI gateway (setup-gateway)';
export const COPILOT_KEY_INPUT = '${input:setup-gateway-key}';
const FILE = 'chatLanguageModels.json';
/** Editors whose chat has the Custom Endpoint provider. */
const CHAT_EDITORS: ReadonlyArray<EditorProduct['id']> = ['code', 'code-insiders'];

export const copilot: Recipe = {
  id: 'copilot',
  name: 'GitHub Copilot Chat (VS Code)',
  protocol: 'openai-chat',
  model: 'required',
  checked: '2026-11-23',
  sources: [
    'https://code.visualstudio.com/docs/agent-customization/language-models',
    'https://github.com/microsoft/vscode/issues/316916',
    'https://github.com/microsoft/vscode/pull/302778',
  ],
  slots: [
    { role: 'main', keys: ['chatLanguageModels.json (Custom Endpoint)'], routable: true, writes: 'main', note: 'chat and agent mode' },
    { role: 'small', keys: ['(utility tasks: titles, intent detection)'], routable: true, writes: 'none', note: 'Copilot\'s own model unless a BYOK model is picked for them in the settings' },
    { role: 'autocomplete', keys: ['inline suggestions'], routable: false, writes: 'none', note: "inline completions always go to GitHub's service" },
    { role: 'embed', keys: ['(semantic search, embeddings)'], routable: false, writes: 'none', note: "GitHub's service, with a GitHub account" },
  ],
  detect: {
    binaries: [],
    // A chatLanguageModels.json already in use, wherever the extension lives (built in or not).
    paths: (env) => editorUserDirs(env).map((d) => pathFor(env).join(d.dir, FILE)),
    extensions: COPILOT_EXTENSIONS,
  },
  plan({ profile, model, env, evidence }) {
    const p = pathFor(env);
    const dirs: string[] = [];
    const notes: string[] = [];
    const add = (dir: string | undefined) => {
      if (dir && !dirs.includes(dir)) dirs.push(dir);
    };
    for (const e of evidence) if (e.kind === 'path' && p.basename(e.path) === FILE) add(p.dirname(e.path));
    for (const site of extensionSites(env, evidence)) {
      if (!CHAT_EDITORS.includes(site.editor.id)) {
        const note = `Copilot in ${site.editor.name} was left alone: the Custom Endpoint provider is part of VS Code's chat.`;
        if (!notes.includes(note)) notes.push(note);
        continue;
      }
      if (site.side === 'server') {
        // The model list belongs to the VS Code window (the client), not to the server.
        if (env.windowsHome) add(editorUserDir(env, site.editor.id, true));
        else notes.push('Copilot was found in VS Code Server: run setup-gateway on the machine whose VS Code window connects to it.');
      } else {
        add(editorUserDir(env, site.editor.id, site.side === 'windows'));
      }
    }
    // Named explicitly, nothing found (Copilot is built into current VS Code): VS Code's own folder.
    if (evidence.length === 0) add(editorUserDir(env, 'code', false));

    const entry = {
      name: COPILOT_PROVIDER_NAME,
      vendor: 'customendpoint',
      apiKey: COPILOT_KEY_INPUT,
      apiType: 'chat-completions',
      models: [
        {
          id: model ?? '',
          name: `${model ?? ''} (gateway)`,
          url: `${profile.urls.openai}/chat/completions`,
          toolCalling: true,
          vision: false,
          maxInputTokens: 112000,
          maxOutputTokens: 16000,
        },
      ],
    };
    const files: FileIntent[] = dirs.map((dir) => ({
      kind: 'structured',
      path: p.join(dir, FILE),
      format: 'json',
      ops: [{ op: 'upsert', path: [], match: { key: 'name', value: COPILOT_PROVIDER_NAME }, value: entry }],
      holdsSecret: false,
      purpose: `Custom Endpoint provider "${COPILOT_PROVIDER_NAME}": chat completions at …/v1/chat/completions; the key is asked for by VS Code`,
    }));
    return {
      files,
      notes: [
        'VS Code asks for the gateway key the first time the model is used and keeps it in its secret storage; paste the same key.',
        `Pick "${model ?? ''} (gateway)" in the chat model picker; restart VS Code if it is not listed yet. This covers chat and agents, not inline suggestions.`,
        'The context window is set to 128k tokens (112k in, 16k out); change maxInputTokens/maxOutputTokens in chatLanguageModels.json if your model differs.',
        'Copilot Business/Enterprise: an administrator must allow "Bring Your Own Language Model Key in VS Code".',
        ...notes,
      ],
    };
  },
};

// Antigravity CLI (Google, binary `agy`), the successor Gemini CLI's docs point to ("Migrating to
// Antigravity CLI"). Facts checked 2026-12-04:
// - It is not on npm: Google ships a native binary through its install script
//   (https://antigravity.google/docs/cli/install, `curl -fsSL https://antigravity.google/cli/install.sh`;
//   the npm names `antigravity` and `@artsy/antigravity` are unrelated placeholders). Where only the
//   npm registry is reachable it cannot be installed, so nothing here runs it.
// - It has no documented setting for a custom endpoint or an API key: it signs in with a Google
//   account (OAuth, kept in the OS keyring) and talks to Google's Antigravity service. Google's
//   plans page says bring-your-own-key and bring-your-own-endpoint are not supported, and its
//   settings reference lists no endpoint, key or provider key (summarised with links in
//   stacklok/toolhive#6143); google-antigravity/antigravity-cli#514 (open) asks for a base URL
//   and reports GEMINI_API_KEY, GOOGLE_API_KEY and ADC ignored by 1.0.12-1.1.0.
// - One user reports agy 1.1.17 following GOOGLE_GEMINI_BASE_URL to a Gemini-compatible proxy
//   (router-for-me/EasyCLIProxyAPI#150). Google does not document it and it could not be tried
//   here, so this recipe does not rely on it.
// - Its files live under `~/.gemini` next to Gemini CLI's (MCP servers in
//   `~/.gemini/antigravity-cli/mcp_config.json`, github/github-mcp-server#2529).
// So: status `manual`, saying why, and pointing at Gemini CLI, which still takes a key and a base
// URL (recipe `gemini-cli`, through the relay's Gemini face when the gateway has none).
// - Model slots (the sources above, checked 2026-12-04): one, behind the Google sign-in; no
//   setting sends it elsewhere.
import { inHome } from '../../src/core/environment.js';
import type { Recipe } from '../../src/core/recipe.js';

export const antigravityCli: Recipe = {
  id: 'antigravity-cli',
  name: 'Antigravity CLI',
  // Nothing is sent anywhere by this recipe; chat keeps apply from starting a relay for it.
  protocol: 'openai-chat',
  model: 'optional',
  checked: '2026-12-04',
  sources: [
    'https://antigravity.google/docs/cli/install',
    'https://antigravity.google/docs/plans',
    'https://github.com/google-antigravity/antigravity-cli/issues/514',
    'https://github.com/stacklok/toolhive/issues/6143',
    'https://github.com/router-for-me/EasyCLIProxyAPI/issues/150',
  ],
  slots: [
    { role: 'main', keys: ['(Google sign-in)'], routable: false, writes: 'none', note: "no custom endpoint or key: every model request goes to Google's Antigravity service" },
  ],
  detect: {
    binaries: ['agy'],
    paths: (env) => [inHome(env, '.gemini', 'antigravity-cli')],
  },
  plan({ profile, model }) {
    return {
      files: [],
      notes: [],
      manual: {
        why: "Antigravity CLI has no setting for a custom endpoint or an API key: it signs in with your Google account and sends every request to Google's Antigravity service (Google documents no bring-your-own-key or endpoint; google-antigravity/antigravity-cli#514 asks for one). Nothing was written.",
        steps: [
          `Gemini CLI still takes an API key and a base URL: install it (npm install -g @google/gemini-cli) and run setup-gateway apply --base-url ${profile.urls.anthropic} --agent gemini-cli${model ? ` --model ${model}` : ''} with the same key; a gateway without a Gemini API is reached through the local relay.`,
          'Or use another terminal agent setup-gateway configures for this gateway: setup-gateway recipes lists them.',
        ],
      },
    };
  },
};

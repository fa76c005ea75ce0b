// Gemini CLI (Google). Facts checked 2026-11-23 against:
// - https://github.com/google-gemini/gemini-cli/blob/main/docs/reference/configuration.md and
//   its environment-variables reference: the CLI talks Google's Gemini API only
//   (`generateContent` via @google/genai); `GEMINI_API_KEY`, `GEMINI_MODEL`, and
//   `GOOGLE_GEMINI_BASE_URL` points it at another server that speaks that same API; `.env` is
//   read from the current folder up, then `~/.gemini/.env`; `GEMINI_CLI_HOME` moves the folder
//   that holds `.gemini`.
// - google-gemini/gemini-cli#27550: some versions reject an API key not starting with `AIza`
//   when a custom base URL is set.
// - Detection: `gemini` (npm `@google/gemini-cli`), `~/.gemini/`.
//
// A gateway that speaks OpenAI or Anthropic cannot serve it: it needs a relay that speaks the
// Gemini API, which setup-gateway does not have yet. Status `manual` with that explanation.
import { inHome, pathFor, type Environment } from '../../src/core/environment.js';
import type { Recipe } from '../../src/core/recipe.js';

export const geminiCli: Recipe = {
  id: 'gemini-cli',
  name: 'Gemini CLI',
  protocol: 'gemini',
  model: 'optional',
  checked: '2026-11-23',
  sources: [
    'https://github.com/google-gemini/gemini-cli/blob/main/docs/reference/configuration.md',
    'https://github.com/google-gemini/gemini-cli/issues/27550',
  ],
  detect: {
    binaries: ['gemini'],
    paths: (env) => [geminiDir(env)],
  },
  plan({ profile }) {
    return {
      files: [],
      notes: [],
      manual: {
        why: "Gemini CLI speaks only Google's Gemini API, not the OpenAI or Anthropic protocols your gateway serves. It needs a relay that translates the Gemini API, which setup-gateway does not have yet; nothing was written.",
        steps: [
          'For now, use an agent setup-gateway can configure with this gateway (`setup-gateway recipes` lists them).',
          `Only if your gateway also offers a Gemini-API endpoint: put GOOGLE_GEMINI_BASE_URL=<that endpoint> and GEMINI_API_KEY=<your gateway key, ${profile.key}> in ~/.gemini/.env and choose "Use Gemini API key" in /auth. Some versions refuse keys that do not start with AIza there.`,
        ],
      },
    };
  },
};

/** `~/.gemini`, or `$GEMINI_CLI_HOME/.gemini`. */
function geminiDir(env: Environment): string {
  const root = env.env.GEMINI_CLI_HOME;
  return root && pathFor(env).isAbsolute(root) ? pathFor(env).join(root, '.gemini') : inHome(env, '.gemini');
}

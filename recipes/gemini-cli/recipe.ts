// Gemini CLI (Google, npm `@google/gemini-cli`). It speaks only Google's Gemini API, so a gateway
// without a Gemini face is reached through the local relay (its Gemini face translates to the
// gateway's chat or Anthropic endpoint; src/app/route.ts decides). Facts checked 2026-12-04
// against the pinned 0.61.0's own bundle (test/agents/package.json) and its docs:
// - Auth: `security.auth.selectedType` in ~/.gemini/settings.json (its settings schema;
//   bundle/chunk-2YTYPKEZ.js "Selected Auth Type"). `gemini-api-key` takes the key from
//   `GEMINI_API_KEY` (chunk-JDPZ4CE3.js createContentGeneratorConfig, line 311895) and the base
//   URL from `GOOGLE_GEMINI_BASE_URL` for every auth type but Vertex (line 313525 area:
//   `envBaseUrl = … process.env.GOOGLE_GEMINI_BASE_URL`, checked only to be a URL,
//   validateBaseUrl line 311871). No key prefix is checked: a local token works (tried: a
//   non-`AIza` key reaches a custom base URL as `x-goog-api-key`), unlike what
//   google-gemini/gemini-cli#27550 reports for some older versions.
// - Without a selected type, `GOOGLE_GEMINI_BASE_URL` alone selects the newer `gateway` type
//   (getAuthTypeFromEnv, line 311849), which headless `gemini -p` refuses ("Invalid auth method
//   selected.", validateAuthMethod in chunk-HPLZM7PQ.js line 60844): hence `gemini-api-key`.
//   `GOOGLE_GENAI_USE_GCA=true` / `GOOGLE_GENAI_USE_VERTEXAI=true` pick a Google login or
//   Vertex when no type is selected.
// - `GEMINI_MODEL` is the default model (gemini-*.js line 8456: `--model`, then GEMINI_MODEL,
//   then settings `model.name`).
// - `.env`: loadEnvironment/findEnvFile (chunk-2YTYPKEZ.js line 16416) loads ONE file, the first
//   found walking up from the working folder (`.gemini/.env`, then `.env`, in each folder), else
//   `~/.gemini/.env`, else `~/.env`; variables already in the environment win. In an untrusted
//   folder (folder trust is on by default) `.gemini/.env` files, the home one included, are not
//   read at all and other `.env` files only give GEMINI_API_KEY / GOOGLE_API_KEY /
//   GOOGLE_CLOUD_*. `GEMINI_CLI_HOME` moves the folder that holds `.gemini`.
// - Detection: `gemini`, `~/.gemini/`.
// - Model slots (the pinned 0.61.0's bundle, chunk-5FZXKDXH.js: the `classifier` and
//   `summarizer-default` model configs, checked 2026-12-04): Gemini CLI picks flash-lite models for
//   routing and summaries itself and sends them through the same content generator, so to the same
//   base URL. Telemetry: `privacy.usageStatisticsEnabled` (settings schema, chunk-2YTYPKEZ.js),
//   sent to play.googleapis.com/log.
import { pathFor, type Environment } from '../../src/core/environment.js';
import type { DoctorRecipe } from '../../src/doctor/types.js';
import { geminiDir } from './facts.js';

export const geminiCli: DoctorRecipe = {
  id: 'gemini-cli',
  name: 'Gemini CLI',
  protocol: 'gemini',
  model: 'optional',
  checked: '2026-12-04',
  sources: [
    'https://github.com/google-gemini/gemini-cli/blob/main/docs/reference/configuration.md',
    'https://github.com/google-gemini/gemini-cli/issues/27550',
    'npm @google/gemini-cli 0.61.0: bundle/chunk-JDPZ4CE3.js, chunk-2YTYPKEZ.js, chunk-HPLZM7PQ.js',
  ],
  // For `doctor`: the process environment wins over every .env file; a project's .env replaces
  // the home one (only one file is loaded). Its own traps: doctor.ts.
  checks: {
    env: [
      { name: 'GOOGLE_GEMINI_BASE_URL', slot: 'url', wins: true },
      { name: 'GEMINI_API_KEY', slot: 'key', wins: true },
      { name: 'GEMINI_MODEL', slot: 'model', wins: true },
    ],
    // Read so doctor can say a project's .env replaces the home one (GEMINI_PROJECT_ENV).
    dotenv: [
      { path: '.gemini/.env', in: ['cwd', 'git-root'] },
      { path: '.env', in: ['cwd', 'git-root'] },
    ],
  },
  slots: [
    { role: 'main', keys: ['GEMINI_MODEL'], routable: true, writes: 'main' },
    { role: 'small', keys: ['(internal: flash-lite for routing and summaries)'], routable: true, writes: 'none', note: 'chosen by Gemini CLI itself and sent to the same base URL' },
  ],
  telemetry: { hosts: ['play.googleapis.com'], off: 'privacy.usageStatisticsEnabled: false in settings.json' },
  detect: {
    binaries: ['gemini'],
    paths: (env) => [geminiDir(env)],
  },
  doctor: () => import('./doctor.js').then((m) => m.doctor),
  plan({ profile, model, env }) {
    const dir = geminiDir(env);
    const join = pathFor(env).join;
    const vars = [
      // The root: the SDK appends /v1beta/models/….
      { name: 'GOOGLE_GEMINI_BASE_URL', value: profile.urls.anthropic },
      { name: 'GEMINI_API_KEY', value: profile.key },
      ...(model ? [{ name: 'GEMINI_MODEL', value: model }] : []),
    ];
    return {
      files: [
        {
          kind: 'block',
          path: join(dir, '.env'),
          block: { dialect: 'dotenv', vars },
          holdsSecret: true,
          purpose: `GOOGLE_GEMINI_BASE_URL, GEMINI_API_KEY${model ? ', GEMINI_MODEL' : ''} (a managed block; the rest of the file is yours)`,
        },
        {
          kind: 'structured',
          path: join(dir, 'settings.json'),
          format: 'json',
          ops: [{ op: 'set', path: ['security', 'auth', 'selectedType'], value: 'gemini-api-key' }],
          holdsSecret: false,
          purpose: 'security.auth.selectedType: "gemini-api-key", that one key only (Gemini CLI owns the rest of this file)',
        },
      ],
      notes: [
        `Gemini CLI reads ${displayDir(env)}/.env only in folders you trust (it asks the first time it starts in one); in an untrusted folder \`gemini -p\` ignores it. Trust your project folders, or export these variables in your shell.`,
        'A .env or .gemini/.env in your project (or a folder above it) replaces this one: Gemini CLI loads a single .env file.',
      ],
    };
  },
};

function displayDir(env: Environment): string {
  return env.env.GEMINI_CLI_HOME ? '$GEMINI_CLI_HOME/.gemini' : '~/.gemini';
}

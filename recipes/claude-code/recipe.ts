// Claude Code (Anthropic's CLI). Every fact this folder relies on (recipe.ts and doctor.ts),
// checked 2026-11-23 against:
// - https://docs.anthropic.com/en/docs/claude-code/settings (settings.json `env` block, precedence, CLAUDE_CONFIG_DIR):
//   managed > command line > .claude/settings.local.json > .claude/settings.json >
//   ~/.claude/settings.json; a settings `env` value wins over the shell's.
// - https://docs.anthropic.com/en/docs/claude-code/llm-gateway (ANTHROPIC_BASE_URL without /v1, ANTHROPIC_AUTH_TOKEN as Bearer)
// - anthropics/claude-code#4714, #28438: a fresh install forces a login until `hasCompletedOnboarding` is true
// - anthropics/claude-code#1983: Claude Code rewrites ~/.claude.json itself, so we only ever set that one key
// - anthropics/claude-code#20031, #22893: experimental betas break gateways
// - The 2.1.x binary resolves its global file as `<config dir>/.config.json` when that exists, else
//   `${CLAUDE_CONFIG_DIR || home}/.claude.json` (read from the shipped code).
// - Authentication precedence (code.claude.com/docs/en/iam, restated by
//   answerqa.com/ai/authentication-methods and recombobulate.dev): cloud-provider variables
//   (CLAUDE_CODE_USE_BEDROCK/_VERTEX/_FOUNDRY) > ANTHROPIC_AUTH_TOKEN > ANTHROPIC_API_KEY >
//   apiKeyHelper > CLAUDE_CODE_OAUTH_TOKEN > the claude.ai login; an ANTHROPIC_API_KEY must be
//   approved once in interactive sessions, and is sent as x-api-key.
// - Credential storage: `<config dir>/.credentials.json` on Linux and Windows (CLAUDE_CONFIG_DIR
//   moves it), the login Keychain item "Claude Code-credentials" on macOS
//   (anthropics/claude-code#29816); `~/.claude.json` keeps `oauthAccount` (emailAddress,
//   accountUuid) after a claude.ai login (Dicklesworthstone/coding_agent_account_manager#85), the
//   one file-based hint of a Keychain login.
// - Model slots, read from the pinned 2.1.330 binary (2026-12-04): the small/fast model of its
//   background calls is ANTHROPIC_SMALL_FAST_MODEL when set (deprecated, still read first), else
//   ANTHROPIC_DEFAULT_HAIKU_MODEL; CLAUDE_CODE_SUBAGENT_MODEL forces the subagents' model;
//   CLAUDE_CODE_USE_BEDROCK/_VERTEX/_FOUNDRY send every request to that cloud
//   (code.claude.com/docs/en/model-config, checked 2026-12-04).
// - Telemetry, seen by the e2e suite's recording proxy (2026-12-04): `claude -p` connects to
//   api.anthropic.com (no model request) unless CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1;
//   DISABLE_TELEMETRY=1 alone leaves one connection.
import { inHome, pathFor } from '../../src/core/environment.js';
import type { PlannedOp } from '../../src/core/recipe.js';
import { stringAt } from '../../src/core/slots.js';
import type { DoctorRecipe } from '../../src/doctor/types.js';
import { configDir } from './facts.js';

/** The variables that take the main model: the model itself and the aliases `opus` and `sonnet` resolve to. */
const MAIN_MODEL_VARS = ['ANTHROPIC_MODEL', 'ANTHROPIC_DEFAULT_OPUS_MODEL', 'ANTHROPIC_DEFAULT_SONNET_MODEL'] as const;

/**
 * Variables that send every request to a cloud provider instead of ANTHROPIC_BASE_URL (the
 * pinned 2.1.330 picks the provider from them before it reads the base URL).
 */
const CLOUD_PROVIDER_VARS = { CLAUDE_CODE_USE_BEDROCK: 'Amazon Bedrock', CLAUDE_CODE_USE_VERTEX: 'Google Vertex AI', CLAUDE_CODE_USE_FOUNDRY: 'Microsoft Foundry' } as const;

export const claudeCode: DoctorRecipe = {
  id: 'claude-code',
  name: 'Claude Code',
  protocol: 'anthropic-messages',
  model: 'optional',
  checked: '2026-11-23',
  sources: [
    'https://docs.anthropic.com/en/docs/claude-code/settings',
    'https://docs.anthropic.com/en/docs/claude-code/llm-gateway',
    'https://github.com/anthropics/claude-code/issues/4714',
  ],
  // For `doctor`: the settings env block wins over the shell's variables; the project's
  // .claude/settings.json, then .claude/settings.local.json, win over the user's (settings docs).
  checks: {
    env: [
      { name: 'ANTHROPIC_BASE_URL', slot: 'url', wins: false },
      { name: 'ANTHROPIC_AUTH_TOKEN', slot: 'key', wins: false },
      { name: 'ANTHROPIC_MODEL', slot: 'model', wins: false },
    ],
    projectFiles: [
      { path: '.claude/settings.json', in: ['cwd'], mirrors: 'settings.json' },
      { path: '.claude/settings.local.json', in: ['cwd'], mirrors: 'settings.json' },
    ],
  },
  slots: [
    { role: 'main', keys: ['env.ANTHROPIC_MODEL', 'env.ANTHROPIC_DEFAULT_SONNET_MODEL', 'env.ANTHROPIC_DEFAULT_OPUS_MODEL'], routable: true, writes: 'main' },
    {
      role: 'small',
      keys: ['env.ANTHROPIC_DEFAULT_HAIKU_MODEL', 'env.ANTHROPIC_SMALL_FAST_MODEL'],
      routable: true,
      writes: 'small',
      note: 'background calls (titles, summaries); ANTHROPIC_SMALL_FAST_MODEL is deprecated but still read first, so it is rewritten when set',
    },
    { role: 'subagent', keys: ['env.CLAUDE_CODE_SUBAGENT_MODEL'], routable: true, writes: 'main', note: 'rewritten when set; unset, subagents use the models above' },
    { role: 'fallback', keys: ['--fallback-model'], routable: true, writes: 'none', note: 'a command-line flag only; its model goes to the same gateway' },
  ],
  telemetry: { hosts: ['api.anthropic.com'], off: 'CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 (in the settings env block or the environment)' },
  detect: {
    binaries: ['claude'],
    paths: (env) => [configDir(env), inHome(env, '.claude.json'), inHome(env, '.claude', 'local', 'claude')],
  },
  // Its own checks, beyond the generic ones: loaded only when doctor runs.
  doctor: () => import('./doctor.js').then((m) => m.doctor),
  plan({ profile, model, smallModel, env, read }) {
    const dir = configDir(env);
    const join = pathFor(env).join;
    const settingsPath = join(dir, 'settings.json');
    const current = read?.(settingsPath, 'json');
    const has = (name: string) => stringAt(current, ['env', name]) !== undefined;
    const settingsOps: PlannedOp[] = [
      { op: 'set', path: ['env', 'ANTHROPIC_BASE_URL'], value: profile.urls.anthropic },
      // Sent as `Authorization: Bearer`; ANTHROPIC_API_KEY goes out as x-api-key and loses to a login.
      { op: 'set', path: ['env', 'ANTHROPIC_AUTH_TOKEN'], value: profile.key },
      {
        op: 'delete',
        path: ['env', 'ANTHROPIC_API_KEY'],
        consent: 'ANTHROPIC_API_KEY in the settings env block is sent as x-api-key and conflicts with ANTHROPIC_AUTH_TOKEN at a gateway. Remove it?',
      },
      { op: 'set', path: ['env', 'CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS'], value: '1' },
      ...Object.entries(CLOUD_PROVIDER_VARS)
        .filter(([name]) => !['', '0', 'false'].includes((stringAt(current, ['env', name]) ?? '').toLowerCase()))
        .map(([name, cloud]): PlannedOp => ({
          op: 'delete',
          path: ['env', name],
          slot: 'main',
          elsewhere: cloud,
          consent: `${name} in the settings env block sends every request to ${cloud}, not to the gateway. Remove it?`,
        })),
      ...(model ? modelOps(model, smallModel ?? model, has) : []),
    ];
    const globalFile = join(env.env.CLAUDE_CONFIG_DIR ? dir : env.home, '.claude.json');
    return {
      files: [
        {
          kind: 'structured',
          path: settingsPath,
          format: 'json',
          ops: settingsOps,
          holdsSecret: true,
          purpose: 'env block: ANTHROPIC_BASE_URL, ANTHROPIC_AUTH_TOKEN, models, CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS',
        },
        {
          kind: 'structured',
          path: globalFile,
          preferExisting: [join(dir, '.config.json')],
          format: 'json',
          ops: [{ op: 'set', path: ['hasCompletedOnboarding'], value: true }],
          holdsSecret: false,
          purpose: 'hasCompletedOnboarding: true, that one key only (Claude Code owns the rest of this file)',
        },
      ],
      notes: [
        'If Claude Code still shows a subscription plan instead of API usage, a login is winning over the token: run `claude logout`.',
        'The VS Code extension does not read these settings: set `claudeCode.environmentVariables` there too.',
      ],
    };
  },
};

/**
 * Every model variable Claude Code 2.1.330 reads: the main ones, the small/fast model of its
 * background calls (ANTHROPIC_DEFAULT_HAIKU_MODEL; the deprecated ANTHROPIC_SMALL_FAST_MODEL is
 * still read first, so it is rewritten when the user has it) and the subagent model (rewritten
 * when set: unset, subagents use the aliases above). All go to ANTHROPIC_BASE_URL; a model the
 * gateway does not serve would fail there.
 */
function modelOps(model: string, small: string, has: (name: string) => boolean): PlannedOp[] {
  return [
    ...MAIN_MODEL_VARS.map((name): PlannedOp => ({ op: 'set', path: ['env', name], value: model })),
    { op: 'set', path: ['env', 'ANTHROPIC_DEFAULT_HAIKU_MODEL'], value: small, slot: 'small' },
    ...(has('ANTHROPIC_SMALL_FAST_MODEL') ? [{ op: 'set' as const, path: ['env', 'ANTHROPIC_SMALL_FAST_MODEL'], value: small, slot: 'small' as const }] : []),
    ...(has('CLAUDE_CODE_SUBAGENT_MODEL') ? [{ op: 'set' as const, path: ['env', 'CLAUDE_CODE_SUBAGENT_MODEL'], value: model, slot: 'subagent' as const }] : []),
  ];
}

// Claude Code's traps, beyond the generic checks. The facts and their sources: recipe.ts.
import { displayPath, pathFor, type Environment } from '../../src/core/environment.js';
import { getAt, isPlainObject } from '../../src/formats/ops.js';
import { projectFiles } from '../../src/doctor/checks/overrides.js';
import { isConfigured } from '../../src/doctor/checks/shared.js';
import { lineOfPath } from '../../src/doctor/lines.js';
import type { AgentCheck, AgentDoctor, AgentState, DoctorContext, FileView, Finding } from '../../src/doctor/types.js';
import { configDir } from './facts.js';

function credentialsFile(env: Environment): string {
  return pathFor(env).join(configDir(env), '.credentials.json');
}

function fileWithOp(agent: AgentState, path: string): FileView | undefined {
  return agent.files.find((f) => f.intent.kind === 'structured' && f.intent.ops.some((op) => op.path.join('.') === path));
}

interface Setting {
  value: string;
  /** A settings file, or undefined for the process environment. */
  file?: string;
  line?: number;
}

/**
 * Where each variable Claude Code sees comes from: the process environment, overridden by the
 * user settings' env block, overridden by the project files (local last).
 */
function claudeEnv(agent: AgentState, ctx: DoctorContext): Map<string, Setting> {
  const out = new Map<string, Setting>();
  for (const [k, v] of Object.entries(ctx.env.env)) if (typeof v === 'string') out.set(k, { value: v });
  const layer = (data: unknown, file: string, text: string | undefined) => {
    const env = getAt(data, ['env']);
    if (!isPlainObject(env)) return;
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined || v === null) continue;
      const line = text ? lineOfPath(text, 'json', ['env', k]) : undefined;
      out.set(k, { value: String(v), file, ...(line !== undefined ? { line } : {}) });
    }
  };
  const settings = fileWithOp(agent, 'env.ANTHROPIC_BASE_URL');
  if (settings?.data !== undefined) layer(settings.data, settings.path, settings.text);
  for (const pf of projectFiles(agent, ctx)) if (pf.file.data !== undefined) layer(pf.file.data, pf.path, pf.file.text);
  return out;
}

function from(ctx: DoctorContext, s: Setting): string {
  return s.file ? displayPath(ctx.env, s.file) : 'your environment';
}

function at(s: Setting): Pick<Finding, 'file' | 'line'> {
  return s.file ? { file: s.file, ...(s.line !== undefined ? { line: s.line } : {}) } : {};
}

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());

const apiKeyConflict: AgentCheck = (agent, ctx) => {
  const env = claudeEnv(agent, ctx);
  const apiKey = env.get('ANTHROPIC_API_KEY');
  if (!apiKey || apiKey.value === '') return [];
  const token = env.get('ANTHROPIC_AUTH_TOKEN');
  const hasToken = Boolean(token && token.value !== '');
  return [
    {
      agent: agent.recipe.id,
      code: 'CLAUDE_API_KEY_CONFLICT',
      level: hasToken ? 'warn' : 'error',
      ...at(apiKey),
      message: `ANTHROPIC_API_KEY is set in ${from(ctx, apiKey)}${hasToken ? ' next to ANTHROPIC_AUTH_TOKEN' : ', and ANTHROPIC_AUTH_TOKEN is not set'}.`,
      why: hasToken
        ? 'The token wins, but Claude Code warns of an auth conflict at every start, and other tools reading the variable send the key as x-api-key.'
        : 'At a gateway Claude Code needs ANTHROPIC_AUTH_TOKEN (sent as Authorization: Bearer). ANTHROPIC_API_KEY goes out as x-api-key, must be approved once in interactive sessions, and loses to a claude.ai login.',
      fix: apiKey.file
        ? `Remove ANTHROPIC_API_KEY from ${from(ctx, apiKey)}${apiKey.file === fileWithOp(agent, 'env.ANTHROPIC_BASE_URL')?.path ? ' (setup-gateway doctor --fix does it, after asking)' : ''}.`
        : 'unset ANTHROPIC_API_KEY, and remove it from your shell profile.',
    },
  ];
};

const cloudProvider: AgentCheck = (agent, ctx) => {
  const env = claudeEnv(agent, ctx);
  return ['CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX', 'CLAUDE_CODE_USE_FOUNDRY'].flatMap((name): Finding[] => {
    const s = env.get(name);
    if (!s || !truthy(s.value)) return [];
    return [
      {
        agent: agent.recipe.id,
        code: 'CLAUDE_CLOUD_PROVIDER',
        level: 'error',
        ...at(s),
        message: `${name} is set in ${from(ctx, s)}.`,
        why: 'A cloud-provider setting comes first in Claude Code\'s authentication order: requests go to that provider, not to the gateway.',
        fix: s.file ? `Remove ${name} from ${from(ctx, s)}.` : `unset ${name}, and remove it from your shell profile.`,
      },
    ];
  });
};

const subscriptionLogin: AgentCheck = (agent, ctx) => {
  if (!isConfigured(agent)) return [];
  const creds = agent.extra.get(credentialsFile(ctx.env));
  const global = fileWithOp(agent, 'hasCompletedOnboarding');
  const account = global?.data !== undefined ? getAt(global.data, ['oauthAccount']) : undefined;
  if (!creds?.state.exists && !isPlainObject(account)) return [];
  const where = creds?.state.exists
    ? displayPath(ctx.env, creds.path)
    : `${global ? displayPath(ctx.env, global.path) : '~/.claude.json'} (oauthAccount${ctx.env.platform === 'darwin' ? '; the login itself is in the macOS Keychain' : ''})`;
  return [
    {
      agent: agent.recipe.id,
      code: 'CLAUDE_SUBSCRIPTION_LOGIN',
      level: 'warn',
      file: creds?.state.exists ? creds.path : (global?.path ?? ''),
      message: `A claude.ai login is stored: ${where}.`,
      why: 'ANTHROPIC_AUTH_TOKEN comes before the login, but if Claude Code\'s header shows your plan instead of API usage billing, the login is winning and requests bypass the gateway.',
      fix: 'If that happens: claude logout (or /logout inside Claude Code), then start it again.',
    },
  ];
};

const betas: AgentCheck = (agent, ctx) => {
  if (!isConfigured(agent)) return [];
  const s = claudeEnv(agent, ctx).get('CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS');
  if (s && truthy(s.value)) return [];
  const settings = fileWithOp(agent, 'env.ANTHROPIC_BASE_URL');
  return [
    {
      agent: agent.recipe.id,
      code: 'CLAUDE_BETAS_ENABLED',
      level: 'warn',
      ...(s ? at(s) : settings ? { file: settings.path } : {}),
      message: s ? `CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS is ${JSON.stringify(s.value)} in ${from(ctx, s)}.` : 'CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS is not set.',
      why: 'Claude Code then sends experimental anthropic-beta headers and fields, which third-party gateways reject with 400 errors.',
      fix: 'setup-gateway doctor --fix (sets it to 1 in the settings env block)',
    },
  ];
};

const onboarding: AgentCheck = (agent, ctx) => {
  if (!isConfigured(agent)) return [];
  const global = fileWithOp(agent, 'hasCompletedOnboarding');
  if (!global || global.parseError) return [];
  if (global.data !== undefined && getAt(global.data, ['hasCompletedOnboarding']) === true) return [];
  const line = global.text ? lineOfPath(global.text, 'json', ['hasCompletedOnboarding']) : undefined;
  return [
    {
      agent: agent.recipe.id,
      code: 'CLAUDE_ONBOARDING',
      level: 'error',
      file: global.path,
      ...(line !== undefined ? { line } : {}),
      message: `${displayPath(ctx.env, global.path)} does not have "hasCompletedOnboarding": true.`,
      why: 'A fresh Claude Code ignores the token and insists on a claude.ai login until onboarding is marked complete.',
      fix: 'setup-gateway doctor --fix (sets that one key)',
    },
  ];
};

export const doctor: AgentDoctor = {
  files: (env) => [credentialsFile(env)],
  checks: [apiKeyConflict, cloudProvider, subscriptionLogin, betas, onboarding],
  // The consent-gated ANTHROPIC_API_KEY removal is reported as CLAUDE_API_KEY_CONFLICT.
  supersedes: ['SETTING_CONFLICT'],
};

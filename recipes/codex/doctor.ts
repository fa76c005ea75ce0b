// Codex CLI's traps, beyond the generic checks. The facts and their sources: recipe.ts.
import { CODEX_PROVIDER_ID } from './facts.js';
import { displayPath } from '../../src/core/environment.js';
import { getAt, isPlainObject } from '../../src/formats/ops.js';
import { isConfigured } from '../../src/doctor/checks/shared.js';
import { lineOfPath } from '../../src/doctor/lines.js';
import type { AgentCheck, AgentDoctor, AgentState, FileView, Finding } from '../../src/doctor/types.js';

function config(agent: AgentState): FileView | undefined {
  const f = agent.files.find((v) => v.intent.kind === 'structured' && v.intent.format === 'toml');
  return f && !f.parseError && f.data !== undefined ? f : undefined;
}

function located(f: FileView, path: string[]): Pick<Finding, 'file' | 'line'> {
  const line = f.text ? lineOfPath(f.text, 'toml', path) : undefined;
  return { file: f.path, ...(line !== undefined ? { line } : {}) };
}

const legacyProfile: AgentCheck = (agent, ctx) => {
  const f = config(agent);
  const profile = f ? getAt(f.data, ['profile']) : undefined;
  if (!f || profile === undefined) return [];
  return [
    {
      agent: agent.recipe.id,
      code: 'CODEX_LEGACY_PROFILE',
      level: 'error',
      ...located(f, ['profile']),
      message: `${displayPath(ctx.env, f.path)} selects a profile with the top-level profile = ${JSON.stringify(profile)}.`,
      why: 'Codex 0.134 and later refuse to start with it ("legacy `profile` config is no longer supported").',
      fix: `Remove the profile line; to keep that profile, move its settings to ${JSON.stringify(`${String(profile)}.config.toml`)} next to config.toml and run codex --profile ${String(profile)}.`,
    },
  ];
};

const providerSelected: AgentCheck = (agent, ctx) => {
  const f = config(agent);
  if (!f || !isConfigured(agent)) return [];
  const selected = getAt(f.data, ['model_provider']);
  if (selected === CODEX_PROVIDER_ID) return [];
  return [
    {
      agent: agent.recipe.id,
      code: 'CODEX_PROVIDER_NOT_SELECTED',
      level: 'error',
      ...located(f, ['model_provider']),
      message: `${displayPath(ctx.env, f.path)} has the gateway's provider table, but model_provider is ${selected === undefined ? 'not set' : JSON.stringify(selected)}.`,
      why: `Codex uses the provider model_provider names (OpenAI's own by default), so [model_providers.${CODEX_PROVIDER_ID}] is ignored.`,
      fix: `setup-gateway doctor --fix (sets model_provider = "${CODEX_PROVIDER_ID}")`,
    },
  ];
};

const wireApi: AgentCheck = (agent, ctx) => {
  const f = config(agent);
  const table = f ? getAt(f.data, ['model_providers', CODEX_PROVIDER_ID]) : undefined;
  if (!f || !isPlainObject(table)) return [];
  const out: Finding[] = [];
  const wire = table.wire_api;
  if (wire !== undefined && wire !== 'responses') {
    out.push({
      agent: agent.recipe.id,
      code: 'CODEX_WIRE_API',
      level: 'error',
      ...located(f, ['model_providers', CODEX_PROVIDER_ID, 'wire_api']),
      message: `${displayPath(ctx.env, f.path)}: wire_api = ${JSON.stringify(wire)}.`,
      why: 'Current Codex accepts only "responses" and refuses to start otherwise.',
      fix: 'setup-gateway doctor --fix (sets wire_api = "responses")',
    });
  }
  const envKey = table.env_key;
  if (typeof envKey === 'string') {
    const set = Boolean(ctx.env.env[envKey]);
    out.push({
      agent: agent.recipe.id,
      code: 'CODEX_ENV_KEY',
      level: set ? 'warn' : 'error',
      ...located(f, ['model_providers', CODEX_PROVIDER_ID, 'env_key']),
      message: `[model_providers.${CODEX_PROVIDER_ID}] has env_key = ${JSON.stringify(envKey)}${set ? '' : ', and that variable is not set here'}.`,
      why: 'Codex then reads the key from that variable instead of the token in the file, and stops when it is unset (as it is when Codex starts from an IDE or the desktop app).',
      fix: 'setup-gateway doctor --fix (removes env_key; the key stays in the private config file)',
    });
  }
  return out;
};

export const doctor: AgentDoctor = {
  checks: [legacyProfile, providerSelected, wireApi],
};

// Codex CLI's traps, beyond the generic checks. The facts and their sources: recipe.ts.
import { readdir } from 'node:fs/promises';
import { CODEX_PROVIDER_ID, codexHome, PROFILE_FILE } from './facts.js';
import { displayPath, pathFor, type Environment } from '../../src/core/environment.js';
import { leavesMachine } from '../../src/core/slots.js';
import { editorFor } from '../../src/formats/index.js';
import { getAt, isPlainObject } from '../../src/formats/ops.js';
import { isConfigured, isGatewayUrl } from '../../src/doctor/checks/shared.js';
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

/** Codex's built-in providers that need no table: where each sends its requests. */
const BUILT_IN: Readonly<Record<string, string>> = {
  openai: 'https://api.openai.com/v1',
  ollama: 'http://localhost:11434/v1',
  lmstudio: 'http://localhost:1234/v1',
};

/** The profile files beside config.toml (listing Codex's folder is this read step's only I/O). */
async function profileFiles(env: Environment): Promise<string[]> {
  const dir = codexHome(env);
  try {
    return (await readdir(dir))
      .filter((name) => PROFILE_FILE.test(name))
      .sort()
      .map((name) => pathFor(env).join(dir, name));
  } catch {
    return [];
  }
}

/**
 * A profile file whose runs leave the gateway: `codex --profile <name>` takes its model_provider
 * (else config.toml's, ours), with that provider's base_url from the profile file, else Codex's
 * built-in one. A provider table of config.toml that points elsewhere is reported (and routed,
 * with consent) by the generic checks, not again here; a provider on this machine (Ollama, LM
 * Studio) is no leak. A warning: the user may keep that profile on purpose, and each run of it
 * can be sent through the gateway.
 */
const profileElsewhere: AgentCheck = (agent, ctx) => {
  const f = config(agent);
  if (!f || !isConfigured(agent)) return [];
  const out: Finding[] = [];
  for (const [path, extra] of agent.extra) {
    const name = PROFILE_FILE.exec(pathFor(ctx.env).basename(path))?.[1];
    if (name === undefined || extra.text === undefined) continue;
    let data: unknown;
    try {
      data = editorFor('toml').parse(extra.text);
    } catch {
      continue; // Codex itself refuses an unparseable profile, and says where.
    }
    const chosen = getAt(data, ['model_provider']);
    const id = typeof chosen === 'string' ? chosen : getAt(f.data, ['model_provider']);
    if (typeof id !== 'string') continue;
    const own = getAt(data, ['model_providers', id, 'base_url']);
    const inConfig = getAt(f.data, ['model_providers', id]) !== undefined;
    const url = typeof own === 'string' ? own : inConfig ? undefined : BUILT_IN[id];
    if (url === undefined || !leavesMachine(url) || isGatewayUrl(url, ctx.gateway.urls)) continue;
    const at = typeof chosen === 'string' ? ['model_provider'] : ['model_providers', id, 'base_url'];
    const shown = displayPath(ctx.env, path);
    out.push({
      agent: agent.recipe.id,
      code: 'PROFILE_ELSEWHERE',
      level: 'warn',
      ...located({ ...f, path, text: extra.text }, at),
      message: `Codex's profile ${name} (${shown}) sends its requests to ${url} (provider ${id}), not to the gateway.`,
      why: `codex --profile ${name} takes the provider from that file, so its runs bypass the gateway (its policy, audit and key).`,
      fix:
        id === CODEX_PROVIDER_ID
          ? `Delete [model_providers.${id}] from ${shown}: it replaces the gateway's provider from config.toml.`
          : `Run it through the gateway with codex --profile ${name} -c model_provider=${CODEX_PROVIDER_ID}, or delete ${typeof chosen === 'string' ? 'model_provider' : `[model_providers.${id}]`} from ${shown} so that config.toml's gateway provider applies.`,
    });
  }
  return out;
};

export const doctor: AgentDoctor = {
  files: profileFiles,
  checks: [legacyProfile, providerSelected, wireApi, profileElsewhere],
};

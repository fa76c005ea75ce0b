// The doctor's runner: read everything once (the journal, detection, then each agent's files and
// overrides: read.ts), ask the gateway everything at once (each request with its own deadline),
// then run the checks, each in isolation: a check that throws becomes one `crash` finding, never
// a stack trace.
import { collectSecretValues } from '../core/secrets.js';
import { detectAll } from '../core/detect.js';
import type { Environment } from '../core/environment.js';
import { displayPath, stateDir } from '../core/environment.js';
import type { Fetch } from '../core/gateway.js';
import { listJournals } from '../core/journal.js';
import { readApplied } from '../core/profiles.js';
import { expectedModel } from '../core/model.js';
import { planAgent, planAgents, type AgentPlan } from '../core/plan.js';
import { normalizeBaseUrl, type GatewayUrls, type Profile } from '../core/profile.js';
import { gatewayFindings, isProbeProtocol, neededProtocols, PROTOCOLS } from './gateway.js';
import { GENERIC_CHECKS } from './checks/index.js';
import { effectiveEnv } from './checks/overrides.js';
import { isConfigured } from './checks/shared.js';
import { modelDrifted } from './checks/drift.js';
import { gatherNet } from './net.js';
import { findGitRoot, readAgents } from './read.js';
import { pointsAt, relayFindings, type RelayStatus, type RelayStatusReader } from './relay.js';
import { relayProfile } from '../core/relay-target.js';
import { readRelayToken } from '../core/relay-token.js';
import { proxySecrets, proxySettings } from '../relay/proxy.js';
import type { AgentCheck, AgentDoctor, AgentState, DoctorContext, DoctorRecipe, Finding, GatewayInfo, KeySource, ProbeProtocol } from './types.js';

export interface DoctorOptions {
  /** Agents named with --agent (already validated); empty: every detected or applied agent. */
  agents: readonly string[];
  baseUrl?: string;
  key?: { value: string; from: string; source: Exclude<KeySource, 'agent' | 'none'> };
  offline: boolean;
  probeCompletion: boolean;
  timeoutMs: number;
}

export interface DoctorDeps {
  env: Environment;
  /** The current folder, for project-level files; none are checked without it. */
  cwd?: string;
  fetch: Fetch;
  version: string;
  /** The agents doctor knows (the registry, recipes/index.ts, passed in by the command). */
  recipes: readonly DoctorRecipe[];
  relay?: RelayStatusReader;
}

export interface DoctorReport {
  ctx: DoctorContext;
  findings: Finding[];
  /** Every key seen (the gateway's and the agents'), for the printer to mask. */
  secrets: string[];
}

export const DEFAULT_TIMEOUT_MS = 5000;

export async function runDoctor(options: DoctorOptions, deps: DoctorDeps): Promise<DoctorReport> {
  const { env, recipes } = deps;
  const findings: Finding[] = [];

  const journals = (await listJournals(stateDir(env)).catch(() => [])).filter((j) => !j.undoneAt);
  const applied = new Set(journals.flatMap((j) => j.agents));
  const detections = new Map((await detectAll(recipes, env)).map((d) => [d.recipe.id, d]));
  const named = new Set(options.agents);
  const selected = recipes.filter((r) =>
    named.size ? named.has(r.id) : applied.has(r.id) || (!r.explicitOnly && detections.get(r.id)?.found),
  );
  const modules = await loadDoctors(selected, findings);
  const gitRoot = deps.cwd ? await findGitRoot(deps.cwd, env) : undefined;
  const where = { env, ...(deps.cwd ? { cwd: deps.cwd } : {}), ...(gitRoot ? { gitRoot } : {}) };

  // Everything each agent's checks will look at, read once.
  const { agents, snapshot, unreadable } = await readAgents(
    await Promise.all(
      selected.map(async (recipe) => ({
        recipe,
        evidence: detections.get(recipe.id)?.evidence ?? [],
        detected: Boolean(detections.get(recipe.id)?.found),
        expected: named.has(recipe.id) || applied.has(recipe.id),
        applied: applied.has(recipe.id),
        moduleFiles: (await modules.get(recipe.id)?.files?.(env)) ?? [],
      })),
    ),
    where,
  );

  // The model each agent was last applied with: a model changed since is drift (MODEL_DRIFT), and --fix puts it back.
  const record = await readApplied(env);
  for (const a of agents) {
    const last = record.agents[a.recipe.id];
    if (last?.model !== undefined && a.recipe.model !== 'none') {
      a.recordedModel = last.model;
      a.recordedUrl = last.baseUrl;
    }
  }

  // Agents apply pointed at the local relay are checked against the relay, not the gateway.
  let relayStatus: RelayStatus | undefined;
  try {
    relayStatus = deps.relay ? await deps.relay(env) : undefined;
  } catch (error) {
    findings.push(crashed('relay', error));
  }
  if (relayStatus?.url) {
    const relayUrl = relayStatus.url;
    for (const a of agents) if (pointsAt(a, relayUrl)) a.viaRelay = relayUrl;
  }

  const gateway = resolveGateway(options, journals[0]?.baseUrl, journals[0]?.id, agents.filter((a) => !a.viaRelay), env);
  const relayToken = await readRelayToken(env);
  const ctx: DoctorContext = { ...where, gateway, agents, snapshot, unreadable, timeoutMs: options.timeoutMs, ...(relayToken ? { relayToken } : {}) };

  if (gateway.urls && !options.offline) {
    const urls = gateway.urls;
    try {
      ctx.net = await gatherNet(deps.fetch, netPlan(ctx, urls, options));
    } catch (error) {
      findings.push(crashed('gateway requests', error));
    }
  }

  if (gateway.urls && gateway.key) {
    const profile: Profile = { urls: gateway.urls, key: gateway.key, models: {} };
    for (const a of agents) {
      const model = expectedModel(a.recipe, a.model, ctx.net?.modelIds);
      if (model) profile.models[a.recipe.id] = model;
      if (a.smallModel && a.smallModel !== model) (profile.smallModels ??= {})[a.recipe.id] = a.smallModel;
    }
    ctx.profile = profile;
    for (const a of agents) {
      if (a.files.some((f) => unreadable.has(f.path))) continue;
      // Without a relay token yet, an agent at the relay is not re-planned: its key check says what to run.
      if (a.viaRelay && !relayToken) continue;
      try {
        const own = a.viaRelay && relayToken ? relayProfile(profile, a.viaRelay, relayToken) : profile;
        a.replan = planAgent({ recipe: a.recipe, profile: own, env, snapshot, evidence: a.evidence, consent: false });
      } catch (error) {
        findings.push(crashed('re-plan', error, a.recipe.id));
      }
    }
  }

  findings.push(...isolate('gateway', () => gatewayFindings(ctx, options.offline)));
  if (!agents.length) {
    findings.push({
      code: 'NO_AGENTS',
      level: 'warn',
      message: options.agents.length ? 'None of the named agents is known.' : 'No supported agent was detected on this machine.',
      why: 'There is nothing to check besides the gateway.',
      fix: 'Name one with --agent (see `setup-gateway recipes`).',
    });
  }
  for (const agent of agents) {
    const module = modules.get(agent.recipe.id);
    const checks: Array<[string, AgentCheck]> = [...GENERIC_CHECKS, ...(module?.checks ?? []).map((c, i): [string, AgentCheck] => [`${agent.recipe.id} #${i + 1}`, c])];
    const superseded = new Set(module?.supersedes ?? []);
    for (const [name, check] of checks) {
      findings.push(...isolate(name, () => check(agent, ctx), agent.recipe.id).filter((f) => !superseded.has(f.code)));
    }
  }
  if (relayStatus) {
    try {
      findings.push(...(await relayFindings(ctx, relayStatus, { fetch: deps.fetch, version: deps.version, offline: options.offline })));
    } catch (error) {
      findings.push(crashed('relay', error));
    }
  }
  return { ctx, findings, secrets: secretsOf(ctx) };
}

/** Each selected agent's own checks, loaded now; one that fails to load is a crash finding, and its agent gets the generic checks. */
async function loadDoctors(selected: readonly DoctorRecipe[], findings: Finding[]): Promise<Map<string, AgentDoctor>> {
  const loaded = new Map<string, AgentDoctor>();
  await Promise.all(
    selected.map(async (recipe) => {
      if (!recipe.doctor) return;
      try {
        loaded.set(recipe.id, await recipe.doctor());
      } catch (error) {
        findings.push(crashed(`${recipe.id} checks`, error, recipe.id));
      }
    }),
  );
  return loaded;
}

function netPlan(ctx: DoctorContext, urls: GatewayUrls, options: DoctorOptions) {
  const gwKey = ctx.gateway.key;
  const agentKeys = new Map<string, { protocol: ProbeProtocol; key: string }>();
  for (const a of ctx.agents) {
    const p = a.recipe.protocol;
    if (a.key && a.key !== gwKey && isProbeProtocol(p)) agentKeys.set(`${p} ${a.key}`, { protocol: p, key: a.key });
  }
  const modelOf = (p?: ProbeProtocol) => ctx.agents.find((a) => a.model && (!p || a.recipe.protocol === p))?.model;
  const needed = [...neededProtocols(ctx).keys()];
  const completions = options.probeCompletion ? (needed.length ? needed : (['openai-chat'] as ProbeProtocol[])) : [];
  return {
    urls,
    ...(gwKey ? { key: gwKey } : {}),
    model: modelOf() ?? 'auto',
    protocols: PROTOCOLS,
    completions: completions.map((protocol) => ({ protocol, model: modelOf(protocol) ?? modelOf() ?? 'auto' })),
    agentKeys: [...agentKeys.values()],
    timeoutMs: options.timeoutMs,
  };
}

/** The gateway: --base-url, else the last apply, else the first agent that points somewhere. The key likewise. */
function resolveGateway(
  options: DoctorOptions,
  journalUrl: string | undefined,
  journalId: string | undefined,
  agents: readonly AgentState[],
  env: Environment,
): GatewayInfo {
  let urls: GatewayUrls | undefined;
  let urlSource = '';
  if (options.baseUrl) {
    urls = normalizeBaseUrl(options.baseUrl);
    urlSource = '--base-url';
  } else if (journalUrl) {
    try {
      urls = normalizeBaseUrl(journalUrl);
      urlSource = `the last apply, ${journalId}`;
    } catch {
      urls = undefined;
    }
  }
  if (!urls) {
    for (const a of agents) {
      const slot = a.slots.find((s) => s.slot === 'url' && typeof s.value === 'string' && s.value !== '');
      if (!slot) continue;
      try {
        urls = normalizeBaseUrl(slot.value as string);
        urlSource = `${displayPath(env, slot.file.path)}, ${slot.label}`;
        break;
      } catch {
        /* not a URL: that agent's check says so */
      }
    }
  }
  const info: GatewayInfo = { urlSource, keySource: 'none', keyFrom: '' };
  if (urls) info.urls = urls;
  if (options.key) return { ...info, key: options.key.value, keySource: options.key.source, keyFrom: options.key.from };
  for (const a of agents) {
    if (!a.key) continue;
    const slot = a.slots.find((s) => s.slot === 'key' && typeof s.value === 'string' && s.value !== '');
    return { ...info, key: a.key, keySource: 'agent', keyFrom: slot ? `${displayPath(env, slot.file.path)}, ${slot.label}` : a.recipe.name };
  }
  return info;
}

function isolate(name: string, fn: () => Finding[], agent?: string): Finding[] {
  try {
    return fn();
  } catch (error) {
    return [crashed(name, error, agent)];
  }
}

export function crashed(name: string, error: unknown, agent?: string): Finding {
  const message = error instanceof Error ? error.message : String(error);
  return {
    code: 'CHECK_CRASHED',
    level: 'crash',
    ...(agent ? { agent } : {}),
    message: `The ${name} check crashed: ${message}`,
    why: 'A bug in setup-gateway doctor, not a problem with your setup; the other checks ran.',
    fix: 'Please report it, with this line.',
  };
}

function secretsOf(ctx: DoctorContext): string[] {
  const secrets = new Set<string>();
  if (ctx.gateway.key) secrets.add(ctx.gateway.key);
  if (ctx.relayToken) secrets.add(ctx.relayToken);
  // Proxy URLs are printed masked already; their credentials must not show up any other way either.
  for (const s of proxySecrets(proxySettings(ctx.env.env))) secrets.add(s);
  for (const a of ctx.agents) {
    for (const f of a.files) collectSecretValues(f.data, secrets);
    for (const f of a.extra.values()) collectSecretValues(f.data, secrets);
    if (a.key) secrets.add(a.key);
    for (const s of a.slots) if (s.slot === 'key' && typeof s.value === 'string' && s.value) secrets.add(s.value);
    const keyVars = (a.recipe.checks?.env ?? []).filter((e) => e.slot === 'key').map((e) => e.name);
    if (keyVars.length) {
      const env = effectiveEnv(a, ctx);
      for (const name of keyVars) {
        const v = env.get(name)?.value;
        if (v) secrets.add(v);
      }
    }
  }
  return [...secrets];
}

/**
 * What `--fix` would write: every configured (or expected) agent re-planned for the gateway,
 * consent included (the diff is shown and confirmed before anything is written).
 */
export function planFixes(report: DoctorReport): AgentPlan[] {
  const { ctx } = report;
  if (!ctx.profile) return [];
  const token = ctx.relayToken;
  // An agent at the relay is fixed with the relay's token; before one exists, `relay rotate-token` makes it and writes it there.
  const fixable = ctx.agents.filter((a) => (isConfigured(a) || a.expected) && !a.files.some((f) => ctx.unreadable.has(f.path)) && (!a.viaRelay || token));
  const evidence = new Map(fixable.map((a) => [a.recipe.id, a.evidence]));
  const profile = ctx.profile;
  const relayUrl = new Map(fixable.flatMap((a) => (a.viaRelay ? [[a.recipe.id, a.viaRelay] as const] : [])));
  // A model changed since the last apply (MODEL_DRIFT) goes back to the one applied.
  const applied = new Map(fixable.flatMap((a) => (modelDrifted(a) ? [[a.recipe.id, a.recordedModel as string] as const] : [])));
  return planAgents(
    fixable.map((a) => a.recipe),
    {
      profile,
      // An agent routed through the relay stays there: --fix repairs it for the relay.
      profileFor: (id) => {
        const model = applied.get(id);
        const own = model !== undefined ? { ...profile, models: { ...profile.models, [id]: model } } : profile;
        const url = relayUrl.get(id);
        return url && token ? relayProfile(own, url, token) : own;
      },
      env: ctx.env,
      snapshot: ctx.snapshot,
      consent: () => true,
      evidence: (id) => evidence.get(id) ?? [],
    },
  );
}

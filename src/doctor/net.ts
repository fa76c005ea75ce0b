// Doctor's network round: every request at once, each with its own deadline.
import type { Fetch } from '../core/gateway.js';
import { modelsRequest, probeRequest, type HttpOutcome, type ProbeProtocol } from '../core/http.js';
import type { GatewayUrls } from '../core/profile.js';
import type { NetResults } from './types.js';

export interface NetPlan {
  urls: GatewayUrls;
  key?: string;
  /** The model used in probe bodies. */
  model: string;
  /** Protocols to probe cheaply (all three by default). */
  protocols: readonly ProbeProtocol[];
  /** Protocols to send a 1-token completion to (--probe-completion), each with its agent's model. */
  completions: ReadonlyArray<{ protocol: ProbeProtocol; model: string }>;
  /** Other keys held by agents, each with the protocol that agent speaks. */
  agentKeys: ReadonlyArray<{ protocol: ProbeProtocol; key: string }>;
  timeoutMs: number;
}

export function agentKeyId(protocol: ProbeProtocol, key: string): string {
  return `${protocol} ${key}`;
}

/** Every request at once; each has its own deadline. */
export async function gatherNet(fetchFn: Fetch, plan: NetPlan): Promise<NetResults> {
  const { urls, key, model, timeoutMs } = plan;
  const [models, probes, completions, agentKeys] = await Promise.all([
    modelsRequest(fetchFn, urls, key, timeoutMs),
    Promise.all(plan.protocols.map(async (p) => [p, await probeRequest(fetchFn, urls, p, key, model, timeoutMs)] as const)),
    Promise.all(plan.completions.map(async (c) => [c.protocol, await probeRequest(fetchFn, urls, c.protocol, key, c.model, timeoutMs, true)] as const)),
    Promise.all(plan.agentKeys.map(async (a) => [agentKeyId(a.protocol, a.key), await probeRequest(fetchFn, urls, a.protocol, a.key, model, timeoutMs)] as const)),
  ]);
  return {
    models,
    ...(modelIdsOf(models) ? { modelIds: modelIdsOf(models) } : {}),
    probes: Object.fromEntries(probes),
    completions: Object.fromEntries(completions),
    agentKeys: new Map(agentKeys),
  };
}

function modelIdsOf(outcome: HttpOutcome): string[] | undefined {
  if (outcome.status === undefined || outcome.status < 200 || outcome.status >= 300) return undefined;
  const data = (outcome.body as { data?: unknown } | undefined)?.data;
  if (!Array.isArray(data)) return undefined;
  return data.flatMap((m) => (m && typeof (m as { id?: unknown }).id === 'string' ? [(m as { id: string }).id] : []));
}

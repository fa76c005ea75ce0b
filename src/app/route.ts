// Which agents reach the gateway directly and which through the local relay: an agent whose
// protocol the gateway does not serve (a 404 on its endpoint) goes through the relay, which
// translates to a protocol the gateway does serve. `apply` probes once per protocol it needs.
import { probeRequest } from '../core/http.js';
import type { Fetch } from '../core/gateway.js';
import { modelFor, type Profile } from '../core/profile.js';
import type { Protocol, Recipe } from '../core/recipe.js';
import type { Environment } from '../core/environment.js';
import { defaultRelayUrl, relayProfile } from '../core/relay-target.js';
import { tokenForPlan, type PlannedToken } from '../core/relay-token.js';
import { runningRelay, type RelayState } from '../core/relay-state.js';

export type RelayMode = 'auto' | 'never' | 'always';

/** What the relay serves to agents. */
const RELAYABLE: ReadonlySet<Protocol> = new Set(['anthropic-messages', 'openai-chat', 'openai-responses', 'gemini']);
/** What the relay can send to a gateway (it never writes Gemini requests). */
const RELAY_TARGETS: readonly Protocol[] = ['anthropic-messages', 'openai-chat', 'openai-responses'];

const PROTOCOL_NAMES: Record<Protocol, string> = {
  'anthropic-messages': 'Anthropic messages',
  'openai-chat': 'OpenAI chat completions',
  'openai-responses': 'OpenAI responses',
  gemini: 'the Gemini API',
};

/** Per protocol: true served, false not served (404/405), undefined unknown (no answer, other errors). */
export type Served = Partial<Record<Protocol, boolean>>;

export interface RelayRoute {
  agent: string;
  /** Why the agent goes through the relay. */
  reason: string;
}

/** Pure: the agents that must go through the relay, given what the gateway serves. */
export function decideRoutes(recipes: readonly Recipe[], served: Served, mode: RelayMode): RelayRoute[] {
  if (mode === 'never') return [];
  const alternatives = RELAY_TARGETS.filter((p) => served[p] === true);
  return recipes.flatMap((recipe): RelayRoute[] => {
    if (!RELAYABLE.has(recipe.protocol)) return [];
    const name = PROTOCOL_NAMES[recipe.protocol];
    if (mode === 'always') return [{ agent: recipe.id, reason: `--relay always: ${recipe.name} speaks ${name} to the local relay.` }];
    // Only a clear "not served" moves an agent, and only when the relay has something to translate to.
    if (served[recipe.protocol] !== false || alternatives.length === 0) return [];
    return [
      {
        agent: recipe.id,
        reason: `the gateway does not serve ${name} (404), so ${recipe.name} goes through the local relay, which translates to ${alternatives.map((p) => PROTOCOL_NAMES[p]).join(' / ')}.`,
      },
    ];
  });
}

/** Probes the gateway for each relayable protocol the agents need, plus chat as the fallback target. */
export async function probeServed(recipes: readonly Recipe[], profile: Profile, fetchFn: Fetch, timeoutMs = 5000): Promise<Served> {
  const needed = new Set(recipes.map((r) => r.protocol).filter((p) => RELAYABLE.has(p)));
  if (needed.size === 0) return {};
  const protocols = [...new Set([...needed, 'openai-chat' as const, 'anthropic-messages' as const])] as Array<'anthropic-messages' | 'openai-chat' | 'openai-responses' | 'gemini'>;
  const model = recipes.map((r) => modelFor(profile, r.id)).find(Boolean) ?? 'auto';
  const outcomes = await Promise.all(protocols.map((p) => probeRequest(fetchFn, profile.urls, p, profile.key, model, timeoutMs)));
  const served: Served = {};
  protocols.forEach((p, i) => {
    const status = outcomes[i]?.status;
    if (status === undefined) return;
    served[p] = !(status === 404 || status === 405 || status === 501);
  });
  return served;
}

/** Which agents go through the relay, where the relay is (the running one, else the default port), and each agent's profile. */
export interface RelayRouting {
  routes: RelayRoute[];
  url: string;
  /** The background relay running when the routes were decided. */
  running: RelayState | undefined;
  /** The local token relayed agents are planned with (none when no agent goes through the relay). */
  token: PlannedToken | undefined;
  profileFor: (agentId: string) => Profile;
}

/** Shared by `apply` and the interactive mode: routes from what the gateway serves, and the profiles to plan with. */
export async function routeAgents(recipes: readonly Recipe[], profile: Profile, served: Served, mode: RelayMode, env: Environment, port?: number): Promise<RelayRouting> {
  const routes = decideRoutes(recipes, served, mode);
  if (routes.length === 0) return { routes, url: defaultRelayUrl(port), running: undefined, token: undefined, profileFor: () => profile };
  const running = await runningRelay(env);
  const url = running?.url ?? defaultRelayUrl(port);
  const token = await tokenForPlan(env);
  const viaRelay = new Set(routes.map((r) => r.agent));
  const local = relayProfile(profile, url, token.value);
  return { routes, url, running, token, profileFor: (id: string) => (viaRelay.has(id) ? local : profile) };
}

/**
 * The relay's protocols, one adapter each, and the routes between them. A request's route is a
 * pair (the client's adapter, the adapter of what the gateway speaks): pass-through when they are
 * the same, else a translation through the common form (chat completions, see adapter.ts). The
 * handler only asks this table; it knows no protocol by name.
 *
 * Adding a protocol (Gemini, say):
 *  1. Write `adapters/<protocol>.ts` exporting an `Adapter`: the client paths it answers
 *     (`endpoint`), where gateways serve it (`upstreamPath`, also what `auto` probes), its error
 *     and ping frames, `client.accept` (its request -> a chat request, plus how to answer: a chat
 *     reply -> its JSON, and its stream encoder fed chat chunks) and, if the relay should reach
 *     gateways that speak only it, `upstream.send` (a chat request -> its body, plus its reply and
 *     its stream decoder back to chat).
 *  2. Add its id to `ProtocolId` (adapter.ts) and the adapter to `ADAPTERS` below. `auto`
 *     upstreams then probe its `upstreamPath` like the others' (for a configured protocol name,
 *     say what it serves in `CONFIGURED`, upstreams.ts).
 *  3. Test its functions directly (test/relay/adapters.test.ts) and through the Relay with a
 *     scripted gateway (test/relay/handler.test.ts, streams.test.ts). The route table test then
 *     covers its pairs with every other protocol.
 */
import type { Adapter, EndpointMatch, UpstreamSide } from './adapter.js';
import { anthropic } from './anthropic.js';
import { chat } from './chat.js';
import { completions } from './completions.js';
import { gemini } from './gemini.js';
import { responses } from './responses.js';

export type { Adapter, ClientContext, ClientSide, ClientTurn, EndpointMatch, LocalSide, ProtocolId, UpstreamSide, UpstreamTurn } from './adapter.js';
export { anthropic, chat, completions, gemini, responses };

/**
 * Every protocol. The order is the preference among translations: chat first, being the common
 * form (one translation instead of two).
 */
export const ADAPTERS: readonly Adapter[] = [chat, anthropic, responses, completions, gemini];

export type Route =
  /** The gateway speaks the client's protocol: bytes go through (the model may be rewritten). */
  | { kind: 'pass'; adapter: Adapter }
  /** Client -> common form -> the gateway's protocol, and back. */
  | { kind: 'translate'; client: Adapter; upstream: Adapter; send: UpstreamSide };

/** The route from a client speaking `client` to a gateway speaking `upstream`, if there is one. */
export function routeBetween(client: Adapter, upstream: Adapter): Route | undefined {
  if (client === upstream) return client.passThrough === false ? undefined : { kind: 'pass', adapter: client };
  return upstream.upstream ? { kind: 'translate', client, upstream, send: upstream.upstream } : undefined;
}

const ROUTES = new Map<Adapter, readonly Route[]>(
  ADAPTERS.map((client) => [client, ADAPTERS.map((upstream) => routeBetween(client, upstream)).filter((r) => r !== undefined).sort((a, b) => (a.kind === 'pass' ? -1 : b.kind === 'pass' ? 1 : 0))]),
);

/** The routes a client's requests may take, best first: pass-through, then each translation. */
export function routesFor(client: Adapter): readonly Route[] {
  return ROUTES.get(client) ?? [];
}

/** The adapter answering a client-side path (without `/v1`), and what the path says. */
export function adapterFor(path: string): { adapter: Adapter; model: string | undefined; side: EndpointMatch['side'] } | undefined {
  for (const adapter of ADAPTERS) {
    const match = adapter.endpoint(path);
    if (match) return { adapter, model: match.model, side: match.side };
  }
  return undefined;
}

/** The upstream side of a route (where the request goes and how it is authenticated). */
export function upstreamOf(route: Route): Adapter {
  return route.kind === 'pass' ? route.adapter : route.upstream;
}

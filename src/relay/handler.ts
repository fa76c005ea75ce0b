// The relay's logic, free of node:http: a request (method, URL, headers, body bytes) and a sink
// to answer into. It finds the client's protocol by the path, picks the route to the gateway (the
// pair of adapters: pass-through or a translation, see adapters/), walks the fallback chain before
// the first byte, and pipes the reply back. server.ts is the thin node:http shell around it; tests
// drive it directly with an injected fetch.
import { type Adapter, adapterFor, type ClientTurn, type Route, routesFor, upstreamOf, type UpstreamTurn } from './adapters/index.js';
import { chatResponseToChunks } from './adapters/chat.js';
import { ClientError, type ClientProtocol, type ErrorInfo, parseErrorBody } from './errors.js';
import { addDropped, checkFields, type UpstreamId } from './fields.js';
import { headerValue, type IncomingHeaders, passthroughHeaders, translatedHeaders } from './headers.js';
import { http1Client } from './http1.js';
import { describeFetchError } from './net.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_PING_INTERVAL_MS, modelChooser, type RelayOptions, type RelayRequest } from './options.js';
import { PingClock } from './ping-clock.js';
import { endpointPath, forwards, routeOf } from './routes.js';
import { DROPPED_HEADER, passReply, type RelaySink, sendError, sendJson, sendStream, translateStream } from './replies.js';
import { countTokens, listModels } from './side-routes.js';
import { TokenGate, withoutKeyParam } from './token.js';
import { fetchClient, type HeaderBag, type UpstreamClient, type UpstreamReply } from './upstream-client.js';
import { Gateways, type Upstream } from './upstreams.js';
import { isRecord, tryParseJson } from './util.js';

export { DEFAULT_MAX_BODY_BYTES, DEFAULT_PING_INTERVAL_MS } from './options.js';
export type { Fetch, ModelMap, RelayOptions, RelayRequest } from './options.js';
export type { RelaySink } from './replies.js';
export type { UpstreamOptions, UpstreamProtocol } from './upstreams.js';
export { chatResponseToChunks };

/** One attempt's request, by the kind of its route. */
type Prepared =
  | { kind: 'pass'; adapter: Adapter; path: string; body: string | Uint8Array }
  | { kind: 'translate'; upstream: Adapter; path: string; body: string; client: ClientTurn; gateway: UpstreamTurn; dropped: string };

/** An inference request, parsed once for all its attempts. */
interface Inference {
  req: RelayRequest;
  sink: RelaySink;
  adapter: Adapter;
  body: Record<string, unknown>;
  /** The model the client asked for (its body's, or its path's). */
  requested: string;
  /** The model the path named (`/engines/{model}/completions`). */
  pathModel: string | undefined;
  started: number;
}

/** Why an attempt before the first byte failed, answered if no later attempt does better. */
interface Failure {
  status: number;
  info: ErrorInfo;
  headers?: HeaderBag;
}

/** Where a relay sends from now on: `Relay.retarget`. */
export interface RelayTarget {
  upstream: RelayOptions['upstream'];
  key: string;
  protocol?: RelayOptions['protocol'];
}

export class Relay {
  /** Replaced whole by `retarget`; a request in flight keeps the gateways it started with. */
  private gateways: Gateways;
  /** The upstream models a client's model name maps to, in the order to try them. */
  readonly modelChain: (model: string) => string[];
  /** Keep-alive pings for silent streams; none when the interval is 0. */
  private readonly pings: PingClock | undefined;
  readonly maxBodyBytes: number;
  private readonly log: (line: string) => void;
  private readonly logging: boolean;
  /** Requires the local token on every request the relay forwards; none when the embedder gave no token. */
  private readonly gate: TokenGate | undefined;

  constructor(private readonly options: RelayOptions) {
    this.gate = options.token !== undefined ? new TokenGate(options.token) : undefined;
    this.log = options.log ?? (() => {});
    this.logging = options.log !== undefined;
    this.client = options.client ?? (options.fetch ? fetchClient(options.fetch) : http1Client());
    this.gateways = this.gatewaysFor(options);
    this.modelChain = modelChooser(options.models);
    const pingMs = options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS;
    this.pings = pingMs > 0 ? new PingClock(pingMs) : undefined;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  }

  private readonly client: UpstreamClient;

  private gatewaysFor(target: RelayTarget): Gateways {
    return new Gateways({
      upstream: target.upstream,
      key: target.key,
      protocol: target.protocol,
      client: this.client,
      anthropicAuth: this.options.anthropicAuth ?? 'both',
      anthropicVersion: this.options.anthropicVersion ?? '2023-06-01',
      log: this.log,
    });
  }

  /**
   * Sends every request that starts from now on to other gateways with another key (`use NAME`
   * switching the relayed agents without touching their files); requests in flight finish where
   * they started. What each gateway serves is probed afresh. Throws, changing nothing, on an empty list.
   */
  retarget(target: RelayTarget): void {
    this.gateways = this.gatewaysFor(target);
  }

  /** The roots requests go to now, the first one first. */
  get upstreams(): string[] {
    return this.gateways.list.map((u) => u.root);
  }

  /** The error shape a request on this path gets (also for 413s and refused hosts). */
  clientProtocolFor(path: string, headers: IncomingHeaders): ClientProtocol {
    const p = endpointPath(path);
    if (p === '/messages/count_tokens') return 'anthropic';
    return adapterFor(p)?.adapter.errors ?? (headerValue(headers, 'anthropic-version') !== undefined ? 'anthropic' : 'openai');
  }

  async handle(req: RelayRequest, sink: RelaySink): Promise<void> {
    // Timed only for the log line: reading the clock costs a relay that does not log, and its
    // first read would load perf_hooks and eight internal modules into a process that never uses them.
    const started = this.logging ? performance.now() : 0;
    const q = req.url.indexOf('?');
    const path = q === -1 ? req.url : req.url.slice(0, q);
    const client = this.clientProtocolFor(path, req.headers);
    try {
      const route = routeOf(req.method, path);
      if (this.gate && forwards(route) && !this.gate.admits(req.headers, req.url) && !(await this.gate.admitsAfterReload(req.headers, req.url))) {
        this.log(`${req.method} ${path}: 401, the local token is missing or wrong`);
        sendError(sink, client, 401, { message: TOKEN_REFUSED, ...(client === 'openai' ? { code: 'invalid_api_key' } : {}) });
        return;
      }
      // A token sent as `?key=` is the relay's, never the gateway's: it is not passed on.
      if (this.gate && q !== -1 && req.url.includes('key=', q)) req = { ...req, url: withoutKeyParam(req.url) };
      switch (route.kind) {
        case 'probe':
          sink.head(200, { 'content-type': 'text/plain; charset=utf-8' });
          sink.end(req.method === 'HEAD' ? undefined : 'setup-gateway relay\n');
          return;
        case 'not_found':
          sendError(sink, client, 404, { message: `The relay has no route for ${req.method} ${path}.` });
          return;
        case 'method_not_allowed':
          sendError(sink, client, 405, { message: `${req.method} is not allowed on ${path}.` }, { allow: route.allow });
          return;
        case 'models':
          await listModels(this.gateways, req, sink, client);
          return;
        case 'count_tokens':
          await countTokens(this.gateways, req, parseBody(req.body), (m) => this.modelChain(m)[0] ?? m, sink);
          return;
        case 'local':
          await this.local(req, sink, route.adapter, route.side, route.model);
          return;
        case 'inference':
          await this.inference(req, sink, route.adapter, route.model, started);
          return;
      }
    } catch (error) {
      if (sink.aborted) return;
      if (error instanceof ClientError) {
        sendError(sink, client, error.status, { message: error.message });
        return;
      }
      this.log(`${req.method} ${path}: relay error: ${(error as Error).message}`);
      try {
        sendError(sink, client, 500, { message: `relay error: ${(error as Error).message}` });
      } catch {
        sink.end();
      }
    }
  }

  /** What an adapter answers itself: a token count, or the first gateway's models in its shape. */
  private async local(req: RelayRequest, sink: RelaySink, adapter: Adapter, side: 'models' | 'count', model: string | undefined): Promise<void> {
    const local = adapter.local;
    if (!local) throw new ClientError(404, `The relay has no route for ${req.method} ${req.url.split('?')[0]}.`);
    if (side === 'count') {
      sendJson(sink, 200, JSON.stringify(local.countTokens(parseBody(req.body))));
      return;
    }
    await listModels(this.gateways, req, sink, adapter.errors, (models) => {
      // A name the model map sends elsewhere is served, listed or not.
      if (model !== undefined && !models.some((m) => m.id === model) && this.modelChain(model)[0] !== model) models.push({ id: model });
      return local.models(models, model);
    });
  }

  private async inference(req: RelayRequest, sink: RelaySink, adapter: Adapter, pathModel: string | undefined, started: number): Promise<void> {
    const body = parseBody(req.body);
    const invalid = adapter.client.invalid(body);
    if (invalid) throw new ClientError(400, invalid);
    const requested = typeof body.model === 'string' && body.model ? body.model : pathModel;
    if (!requested) throw new ClientError(400, 'model: required');
    if (this.options.logBodies) this.log(`request body: ${new TextDecoder().decode(req.body)}`);
    const x: Inference = { req, sink, adapter, body, requested, pathModel, started };
    const chain = this.modelChain(requested);
    const attempts = this.gateways.list.length * chain.length;
    let n = 0;
    let failure: Failure | undefined;
    for (const upstream of this.gateways.list) {
      for (const model of chain) {
        failure = await this.attempt(x, upstream, model, ++n === attempts);
        if (!failure) return;
      }
    }
    failure ??= { status: 502, info: { message: 'no upstream could be reached' } };
    sendError(sink, adapter.errors, failure.status, failure.info, translatedHeaders(failure.headers));
  }

  /** One try with one gateway and one model: answered (undefined), or why the next one should be tried. */
  private async attempt(x: Inference, upstream: Upstream, model: string, last: boolean): Promise<Failure | undefined> {
    const { req, sink } = x;
    let p: Prepared;
    try {
      p = await this.prepare(x, upstream, model);
    } catch (error) {
      if (error instanceof ClientError || sink.aborted) throw error;
      return this.unreachable(x, upstream, error, '');
    }
    let response: UpstreamReply;
    const gatewaySide = p.kind === 'pass' ? p.adapter : p.upstream;
    try {
      response = await this.gateways.request(upstream, p.path, { method: 'POST', incoming: req.headers, anthropic: gatewaySide.anthropicHeaders, body: p.body, abort: sink });
    } catch (error) {
      if (sink.aborted) throw error;
      return this.unreachable(x, upstream, error, ` ${p.path} ${model}`);
    }
    const status = response.status;
    // Every drop is announced: one log line, and a header on the reply (below).
    if (p.kind === 'translate' && p.dropped !== '') this.log(`${req.method} ${req.url} -> ${upstream.name} (${x.adapter.id} -> ${p.upstream.id}): dropped ${p.dropped}, which the route cannot carry (see the relay's field rules)`);
    if (this.logging) this.log(`${req.method} ${req.url} -> ${upstream.name} ${p.path} ${model} ${status} ${(performance.now() - x.started).toFixed(1)} ms${p.kind === 'pass' ? '' : ` (${x.adapter.id} -> ${p.upstream.id})`}`);
    if ((status === 429 || status >= 500) && !last) {
      // Before the first byte: the next model or upstream may do better.
      const text = await response.text().catch(() => '');
      return { status, info: parseErrorBody(status, text, x.adapter.errors), headers: response.headers };
    }
    const ok = status >= 200 && status < 300;
    if (p.kind === 'translate') {
      if (ok) await this.translated(x, response, p.client, p.gateway, p.dropped);
      else sendError(sink, x.adapter.errors, status, parseErrorBody(status, await response.text().catch(() => ''), x.adapter.errors), announced(translatedHeaders(response.headers), p.dropped));
    } else if (ok) await passReply(sink, response, p.adapter, this.pings);
    else {
      const text = await response.text().catch(() => '');
      sink.head(status, passthroughHeaders(response.headers));
      sink.end(text);
    }
    return undefined;
  }

  private unreachable(x: Inference, upstream: Upstream, error: unknown, detail: string): Failure {
    const info = { message: `${upstream.name} ${upstream.root} is unreachable: ${describeFetchError(error)}` };
    this.log(`${x.req.method} ${x.req.url} -> ${upstream.name}${detail}: ${info.message}`);
    return { status: 502, info };
  }

  /** The best route whose gateway side this upstream serves, and the request to send it. */
  private async prepare(x: Inference, upstream: Upstream, model: string): Promise<Prepared> {
    let route: Route | undefined;
    const routes = routesFor(x.adapter);
    for (const r of routes) {
      if (await this.gateways.serves(upstream, upstreamOf(r))) {
        route = r;
        break;
      }
    }
    if (!route) throw new ClientError(502, `${upstream.name} ${upstream.root} serves none of ${routes.map((r) => upstreamOf(r).upstreamPath).join(', ')}.`);
    if (route.kind === 'pass') {
      const { url } = x.req;
      const q = url.indexOf('?');
      // A path that named the model is sent as the plain endpoint, the model in the body.
      const path = x.pathModel !== undefined ? route.adapter.upstreamPath + (q === -1 ? '' : url.slice(q)) : url.startsWith('/v1/') ? url : `/v1${url}`;
      return { kind: 'pass', adapter: route.adapter, path, body: x.body.model === model ? x.req.body : JSON.stringify({ ...x.body, model }) };
    }
    const side = route.client.client;
    const ctx = { model, requested: x.requested, upstreamName: upstream.name, upstream: route.upstream.id, url: x.req.url, options: this.options };
    // Refused fields end here (a 400 naming them); dropped ones are gathered to be announced.
    let dropped = checkFields(side.fields, x.body, route.upstream.id as UpstreamId, ctx);
    const client = side.accept(x.body, ctx);
    const gateway = route.send.send(client.request, this.options, model);
    if (client.dropped !== '') dropped = addDropped(dropped, client.dropped);
    if (gateway.dropped !== '') dropped = addDropped(dropped, side.commonNames ? renamed(gateway.dropped, side.commonNames) : gateway.dropped);
    return { kind: 'translate', upstream: route.upstream, path: route.upstream.upstreamPath, body: gateway.body, client, gateway, dropped };
  }

  /** A successful translated reply: a stream re-encoded as it comes, or a JSON body. */
  private async translated(x: Inference, response: UpstreamReply, client: ClientTurn, gateway: UpstreamTurn, dropped: string): Promise<void> {
    const sink = x.sink;
    if ((response.headers.get('content-type') ?? '').includes('text/event-stream')) {
      await translateStream(sink, response, gateway.decoder(client.encoder(), client.usage), this.pings, client.contentType, dropped);
      return;
    }
    const text = await response.text();
    const json = tryParseJson(text);
    if (!isRecord(json)) {
      sendError(sink, x.adapter.errors, 502, { message: `the upstream answered HTTP ${response.status} with a body that is not JSON` });
      return;
    }
    const common = gateway.reply(json);
    if (client.request.stream === true) {
      // The upstream ignored `stream`: replay its reply as a stream in the client's format.
      const encoder = client.encoder();
      let out = '';
      for (const c of chatResponseToChunks(common)) out += encoder.chunk(c);
      sendStream(sink, response, out + encoder.done(), client.contentType, dropped);
      return;
    }
    sendJson(sink, response.status, JSON.stringify(client.reply(common)), announced(translatedHeaders(response.headers), dropped));
  }
}

/** `headers` with the dropped fields announced, when there are any. */
function announced(headers: Record<string, string>, dropped: string): Record<string, string> {
  if (dropped !== '') headers[DROPPED_HEADER] = dropped;
  return headers;
}

/** Common-form names in a dropped list as the client's protocol names them. */
function renamed(list: string, names: Readonly<Record<string, string>>): string {
  return list
    .split(',')
    .map((name) => names[name] ?? name)
    .join(',');
}

const TOKEN_REFUSED =
  "This relay serves only the agents setup-gateway configured: send its local token as the API key. `setup-gateway relay token` prints it; `setup-gateway relay rotate-token` makes a new one and writes it into every agent that uses the relay.";

function parseBody(bytes: Uint8Array): Record<string, unknown> {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const json = tryParseJson(text);
  if (!isRecord(json)) throw new ClientError(400, text.trim() ? 'the request body is not a JSON object' : 'the request body is empty');
  return json;
}

// The relay's logic, free of node:http: a request (method, URL, headers, body bytes) and a sink
// to answer into. It routes the request, finds what the upstream speaks, translates or passes
// through, walks the fallback chain before the first byte, and streams the reply back with
// keep-alive pings. server.ts is the thin node:http shell around it; tests drive it directly
// with an injected fetch.
import { anthropicToChatRequest, chatToAnthropicResponse } from './anthropic-to-chat.js';
import { anthropicToChatResponse, chatToAnthropicRequest } from './chat-to-anthropic.js';
import { type TranslateOptions } from './common.js';
import { chatToCompletionResponse, completionsToChatRequest } from './completions.js';
import { type ClientProtocol, type ErrorInfo, errorBody, parseErrorBody } from './errors.js';
import {
  type AnthropicAuth,
  type IncomingHeaders,
  headerValue,
  passthroughHeaders,
  translatedHeaders,
  upstreamHeaders,
} from './headers.js';
import { estimateInputTokens, hybridModelList, parseModelList } from './local.js';
import { chatToResponsesResponse, responsesToChatRequest } from './responses.js';
import { PingClock } from './ping-clock.js';
import { SseParser } from './sse.js';
import {
  ANTHROPIC_PING,
  AnthropicEncoder,
  AnthropicSource,
  ChatEncoder,
  ChatSource,
  CompletionsEncoder,
  ResponsesEncoder,
  type ChatConsumer,
  type StreamTranslator,
} from './streams.js';
import type { ToolNames } from './tool-names.js';
import type { ARequest, AResponse, LRequest, OChunk, ORequest, OResponse, RRequest } from './types.js';
import { http1Client } from './http1.js';
import { fetchClient, type HeaderBag, type UpstreamClient, type UpstreamReply } from './upstream-client.js';
import { isRecord, tryParseJson } from './util.js';

export type Fetch = typeof fetch;

/** What an upstream speaks: configured, or found out once with cheap probes (`auto`). */
export type UpstreamProtocol = 'openai' | 'anthropic' | 'auto';

export interface UpstreamOptions {
  /** The gateway root; a trailing `/v1` or slash is ignored. */
  url: string;
  protocol?: UpstreamProtocol;
  /** This upstream's key, when it differs from the relay's `key`. */
  key?: string;
}

/** Client model names (globs, `*` matches anything, case-insensitive) to upstream models, tried in order. */
export type ModelMap = Record<string, string | readonly string[]>;

export interface RelayOptions extends TranslateOptions {
  /** The gateway, or several: the first is used, the others are fallbacks on 429/5xx. */
  upstream: string | UpstreamOptions | ReadonlyArray<string | UpstreamOptions>;
  /** The gateway key, injected into every upstream request. */
  key: string;
  /** For upstreams that do not say. Default `auto`. */
  protocol?: UpstreamProtocol;
  models?: ModelMap;
  /** Reach the upstream through this fetch (tests, embedding); default: http1.ts, with keep-alive. */
  fetch?: Fetch;
  /** Or through this client (takes precedence over `fetch`). */
  client?: UpstreamClient;
  /** Ping a streaming client after this much upstream silence. Default 15 s. */
  pingIntervalMs?: number;
  /** Default 32 MiB. */
  maxBodyBytes?: number;
  /** How the key reaches an Anthropic-format upstream. Default both `x-api-key` and `Authorization: Bearer`. */
  anthropicAuth?: AnthropicAuth;
  anthropicVersion?: string;
  /** One line per request; never a key. */
  log?: (line: string) => void;
  /** Also log request bodies (prompts). */
  logBodies?: boolean;
}

export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
export const DEFAULT_PING_INTERVAL_MS = 15_000;

export interface RelayRequest {
  method: string;
  /** Path and query, e.g. `/v1/messages?beta=true`. */
  url: string;
  headers: IncomingHeaders;
  body: Uint8Array;
}

/** Where the reply goes. `write` returns a promise only when the client is slow to read. */
export interface RelaySink {
  head(status: number, headers: Record<string, string>): void;
  write(data: string | Uint8Array): Promise<void> | undefined;
  end(data?: string | Uint8Array): void;
  /** Whether the client went away; `onAbort` hears of it (the upstream request is then aborted). */
  readonly aborted: boolean;
  onAbort(listener: () => void): () => void;
}

type Endpoint = 'messages' | 'chat' | 'responses' | 'completions';

type ClientKind = 'anthropic' | 'chat' | 'responses' | 'completions';

type Route =
  | { kind: 'probe' }
  | { kind: 'models' }
  | { kind: 'count_tokens' }
  | { kind: 'inference'; client: ClientKind; engine?: string }
  | { kind: 'not_found' }
  | { kind: 'method_not_allowed'; allow: string };

interface Upstream {
  name: string;
  root: string;
  key: string;
  protocol: UpstreamProtocol;
  caps: Map<Endpoint, Promise<boolean>>;
}

/** How one attempt reaches the upstream. */
type Mode = 'pass' | 'a2o' | 'o2a' | 'r2o' | 'r2a' | 'l2o' | 'l2a';

interface Prepared {
  mode: Mode;
  path: string;
  body: string | Uint8Array;
  anthropicUpstream: boolean;
  toolNames?: ToolNames;
  toolNamesUp?: ToolNames;
  customTools?: Set<string>;
  responsesRequest?: RRequest;
  model: string;
}

const PROBE_PATHS: Record<Endpoint, string> = {
  messages: '/v1/messages',
  chat: '/v1/chat/completions',
  responses: '/v1/responses',
  completions: '/v1/completions',
};

const PREFERENCE: Record<ClientKind, Array<[Endpoint, Mode]>> = {
  anthropic: [
    ['messages', 'pass'],
    ['chat', 'a2o'],
  ],
  chat: [
    ['chat', 'pass'],
    ['messages', 'o2a'],
  ],
  responses: [
    ['responses', 'pass'],
    ['chat', 'r2o'],
    ['messages', 'r2a'],
  ],
  completions: [
    ['completions', 'pass'],
    ['chat', 'l2o'],
    ['messages', 'l2a'],
  ],
};

export function normalizeUpstreamRoot(url: string): string {
  let root = url.trim().replace(/\/+$/, '');
  for (const suffix of ['/chat/completions', '/completions', '/responses', '/messages', '/models']) {
    if (root.endsWith(suffix)) {
      root = root.slice(0, -suffix.length);
      break;
    }
  }
  while (root.endsWith('/v1')) root = root.slice(0, -3);
  return root.replace(/\/+$/, '');
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

/** Everything but the model: what the relay answers when a request is malformed. */
class ClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class Relay {
  private readonly upstreams: Upstream[];
  private readonly modelRoutes: Array<{ re: RegExp; models: string[] }>;
  private readonly client: UpstreamClient;
  /** Keep-alive pings for silent streams; none when the interval is 0. */
  private readonly pings: PingClock | undefined;
  readonly maxBodyBytes: number;
  private readonly anthropicAuth: AnthropicAuth;
  private readonly anthropicVersion: string;
  private readonly log: (line: string) => void;
  private readonly logging: boolean;

  constructor(private readonly options: RelayOptions) {
    const list = Array.isArray(options.upstream) ? options.upstream : [options.upstream];
    if (list.length === 0) throw new Error('relay: no upstream');
    this.upstreams = list.map((u, i) => {
      const o: UpstreamOptions = typeof u === 'string' ? { url: u } : (u as UpstreamOptions);
      const root = normalizeUpstreamRoot(o.url);
      const protocol = o.protocol ?? options.protocol ?? 'auto';
      const caps = new Map<Endpoint, Promise<boolean>>();
      if (protocol === 'anthropic') {
        caps.set('messages', Promise.resolve(true));
        for (const e of ['chat', 'responses', 'completions'] as const) caps.set(e, Promise.resolve(false));
      } else if (protocol === 'openai') {
        caps.set('chat', Promise.resolve(true));
        caps.set('messages', Promise.resolve(false));
      }
      return { name: i === 0 ? 'upstream' : `fallback ${i}`, root, key: o.key ?? options.key, protocol, caps };
    });
    this.modelRoutes = Object.entries(options.models ?? {}).map(([pattern, models]) => ({
      re: globToRegExp(pattern),
      models: (typeof models === 'string' ? [models] : [...models]).filter(Boolean),
    }));
    this.client = options.client ?? (options.fetch ? fetchClient(options.fetch) : http1Client());
    const pingMs = options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS;
    this.pings = pingMs > 0 ? new PingClock(pingMs) : undefined;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.anthropicAuth = options.anthropicAuth ?? 'both';
    this.anthropicVersion = options.anthropicVersion ?? '2023-06-01';
    this.log = options.log ?? (() => {});
    this.logging = options.log !== undefined;
  }

  /** The upstream models a client's model name maps to, in the order to try them. */
  modelChain(model: string): string[] {
    for (const r of this.modelRoutes) if (r.re.test(model) && r.models.length > 0) return r.models;
    return [model];
  }

  /** The error shape a request on this path gets (also for 413s and refused hosts). */
  clientProtocolFor(path: string, headers: IncomingHeaders): ClientProtocol {
    const p = endpointPath(path);
    if (p === '/messages' || p === '/messages/count_tokens') return 'anthropic';
    if (p === '/models' || !isKnownPath(p)) return headerValue(headers, 'anthropic-version') !== undefined ? 'anthropic' : 'openai';
    return 'openai';
  }

  /** Answers an error in the client's shape. */
  sendError(sink: RelaySink, client: ClientProtocol, status: number, info: ErrorInfo, extra: Record<string, string> = {}): void {
    const text = JSON.stringify(errorBody(client, status, info));
    sink.head(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...extra });
    sink.end(text);
  }

  async handle(req: RelayRequest, sink: RelaySink): Promise<void> {
    const started = performance.now();
    const q = req.url.indexOf('?');
    const path = q === -1 ? req.url : req.url.slice(0, q);
    const route = routeOf(req.method, path);
    const client = this.clientProtocolFor(path, req.headers);
    try {
      switch (route.kind) {
        case 'probe':
          sink.head(200, { 'content-type': 'text/plain; charset=utf-8' });
          sink.end(req.method === 'HEAD' ? undefined : 'setup-gateway relay\n');
          return;
        case 'not_found':
          this.sendError(sink, client, 404, { message: `The relay has no route for ${req.method} ${path}.` });
          return;
        case 'method_not_allowed':
          this.sendError(sink, client, 405, { message: `${req.method} is not allowed on ${path}.` }, { allow: route.allow });
          return;
        case 'models':
          await this.models(req, sink, client);
          return;
        case 'count_tokens':
          await this.countTokens(req, sink);
          return;
        case 'inference':
          await this.inference(req, sink, route.client, route.engine, started);
          return;
      }
    } catch (error) {
      if (sink.aborted) return;
      if (error instanceof ClientError) {
        this.sendError(sink, client, error.status, { message: error.message });
        return;
      }
      this.log(`${req.method} ${path}: relay error: ${(error as Error).message}`);
      try {
        this.sendError(sink, client, 500, { message: `relay error: ${(error as Error).message}` });
      } catch {
        sink.end();
      }
    }
  }

  // --------------------------------------------------------------------------- inference

  private async inference(req: RelayRequest, sink: RelaySink, kind: ClientKind, engine: string | undefined, started: number): Promise<void> {
    const body = parseBody(req.body);
    validate(kind, body);
    const requested = typeof body.model === 'string' && body.model ? body.model : engine;
    if (!requested) throw new ClientError(400, 'model: required');
    if (this.options.logBodies) this.log(`request body: ${new TextDecoder().decode(req.body)}`);
    const chain = this.modelChain(requested);
    const client: ClientProtocol = kind === 'anthropic' ? 'anthropic' : 'openai';
    const wantsStream = body.stream === true;

    const attempts: Array<{ upstream: Upstream; model: string }> = [];
    for (const upstream of this.upstreams) for (const model of chain) attempts.push({ upstream, model });

    let lastFailure: { status: number; info: ErrorInfo; headers?: HeaderBag } | undefined;
    for (let i = 0; i < attempts.length; i++) {
      const { upstream, model } = attempts[i] as { upstream: Upstream; model: string };
      const last = i === attempts.length - 1;
      let prepared: Prepared;
      try {
        prepared = await this.prepare(upstream, kind, body, req, model, requested, engine);
      } catch (error) {
        if (error instanceof ClientError) throw error;
        if (sink.aborted) return;
        lastFailure = { status: 502, info: { message: `${upstream.name} ${upstream.root} is unreachable: ${describeFetchError(error)}` } };
        this.log(`${req.method} ${req.url} -> ${upstream.name}: ${lastFailure.info.message}`);
        continue;
      }
      const url = upstream.root + prepared.path;
      let response: UpstreamReply;
      try {
        response = await this.client(url, {
          method: 'POST',
          headers: upstreamHeaders(req.headers, {
            anthropic: prepared.anthropicUpstream,
            key: upstream.key,
            anthropicAuth: this.anthropicAuth,
            anthropicVersion: this.anthropicVersion,
          }),
          body: prepared.body,
          abort: sink,
        });
      } catch (error) {
        if (sink.aborted) return;
        lastFailure = { status: 502, info: { message: `${upstream.name} ${upstream.root} is unreachable: ${describeFetchError(error)}` } };
        this.log(`${req.method} ${req.url} -> ${upstream.name} ${prepared.path} ${model}: ${lastFailure.info.message}`);
        continue;
      }
      const status = response.status;
      if (this.logging) this.log(`${req.method} ${req.url} -> ${upstream.name} ${prepared.path} ${model} ${status} ${(performance.now() - started).toFixed(1)} ms${prepared.mode === 'pass' ? '' : ` (${prepared.mode})`}`);
      if ((status === 429 || status >= 500) && !last) {
        // Before the first byte: the next model or upstream may do better.
        const text = await response.text().catch(() => '');
        lastFailure = { status, info: parseErrorBody(status, text, client), headers: response.headers };
        continue;
      }
      if (status < 200 || status >= 300) {
        await this.upstreamError(sink, response, prepared, client);
        return;
      }
      await this.reply(sink, response, prepared, kind, body, wantsStream, requested);
      return;
    }
    const failure = lastFailure ?? { status: 502, info: { message: 'no upstream could be reached' } };
    this.sendError(sink, client, failure.status, failure.info, translatedHeaders(failure.headers));
  }

  /** What the upstream speaks for this kind of client, and the body to send it. */
  private async prepare(
    upstream: Upstream,
    kind: ClientKind,
    body: Record<string, unknown>,
    req: RelayRequest,
    model: string,
    requested: string,
    engine: string | undefined,
  ): Promise<Prepared> {
    let mode: Mode | undefined;
    let endpoint: Endpoint | undefined;
    for (const [e, m] of PREFERENCE[kind]) {
      if (await this.serves(upstream, e)) {
        endpoint = e;
        mode = m;
        break;
      }
    }
    if (!mode || !endpoint) {
      throw new ClientError(502, `${upstream.name} ${upstream.root} serves none of ${PREFERENCE[kind].map(([e]) => PROBE_PATHS[e]).join(', ')}.`);
    }
    const opts: TranslateOptions = this.options;
    const withModel = { ...body, model };
    switch (mode) {
      case 'pass': {
        const path = kind === 'completions' ? PROBE_PATHS.completions : req.url.startsWith('/v1/') ? req.url : `/v1${req.url}`;
        const unchanged = model === requested && !(kind === 'completions' && engine && body.model === undefined);
        return { mode, path, body: unchanged ? req.body : JSON.stringify(withModel), anthropicUpstream: endpoint === 'messages', model };
      }
      case 'a2o': {
        const r = anthropicToChatRequest(withModel as ARequest, opts);
        return { mode, path: PROBE_PATHS.chat, body: JSON.stringify(r.body), anthropicUpstream: false, toolNames: r.toolNames, model };
      }
      case 'o2a': {
        const r = chatToAnthropicRequest(withModel as ORequest, opts);
        return { mode, path: PROBE_PATHS.messages, body: JSON.stringify(r.body), anthropicUpstream: true, toolNames: r.toolNames, model };
      }
      case 'r2o':
      case 'r2a': {
        if (typeof body.previous_response_id === 'string' && body.previous_response_id) {
          // Chat upstreams keep no conversation state: the earlier turns would be silently lost.
          throw new ClientError(400, `previous_response_id is not supported: ${upstream.name} has no /v1/responses, so the relay keeps no stored responses; send the whole conversation in input.`);
        }
        const r = responsesToChatRequest(withModel as RRequest, opts);
        const base = { toolNames: r.toolNames, customTools: r.customTools, responsesRequest: body as RRequest, model };
        if (mode === 'r2o') return { mode, path: PROBE_PATHS.chat, body: JSON.stringify(r.body), anthropicUpstream: false, ...base };
        const a = chatToAnthropicRequest(r.body, opts);
        return { mode, path: PROBE_PATHS.messages, body: JSON.stringify(a.body), anthropicUpstream: true, ...base, toolNamesUp: a.toolNames };
      }
      case 'l2o':
      case 'l2a': {
        const chat = completionsToChatRequest(body as LRequest, model, opts);
        if (mode === 'l2o') return { mode, path: PROBE_PATHS.chat, body: JSON.stringify(chat), anthropicUpstream: false, model };
        const a = chatToAnthropicRequest(chat, opts);
        return { mode, path: PROBE_PATHS.messages, body: JSON.stringify(a.body), anthropicUpstream: true, toolNamesUp: a.toolNames, model };
      }
    }
  }

  /** Whether the upstream serves an endpoint: configured, or probed once with an empty body (404/405/501 = no). */
  private serves(upstream: Upstream, endpoint: Endpoint): Promise<boolean> {
    const known = upstream.caps.get(endpoint);
    if (known) return known;
    const probe = (async () => {
      const anthropic = endpoint === 'messages';
      const response = await this.client(upstream.root + PROBE_PATHS[endpoint], {
        method: 'POST',
        headers: upstreamHeaders({}, { anthropic, key: upstream.key, anthropicAuth: this.anthropicAuth, anthropicVersion: this.anthropicVersion }),
        body: '{}',
        signal: AbortSignal.timeout(10_000),
      });
      await response.text().catch(() => '');
      const served = response.status !== 404 && response.status !== 405 && response.status !== 501;
      this.log(`probe ${upstream.name} ${PROBE_PATHS[endpoint]}: HTTP ${response.status} (${served ? 'served' : 'not served'})`);
      if (response.status >= 500) upstream.caps.delete(endpoint); // ask again next time
      return served;
    })();
    upstream.caps.set(endpoint, probe);
    probe.catch(() => upstream.caps.delete(endpoint));
    return probe;
  }

  private async upstreamError(sink: RelaySink, response: UpstreamReply, prepared: Prepared, client: ClientProtocol): Promise<void> {
    const text = await response.text().catch(() => '');
    if (prepared.mode === 'pass') {
      const headers = passthroughHeaders(response.headers);
      sink.head(response.status, headers);
      sink.end(text);
      return;
    }
    this.sendError(sink, client, response.status, parseErrorBody(response.status, text, client), translatedHeaders(response.headers));
  }

  // ------------------------------------------------------------------------------ replies

  private async reply(sink: RelaySink, response: UpstreamReply, p: Prepared, kind: ClientKind, body: Record<string, unknown>, wantsStream: boolean, requested: string): Promise<void> {
    const isSse = (response.headers.get('content-type') ?? '').includes('text/event-stream');
    if (p.mode === 'pass') {
      if (isSse) {
        await this.pipe(sink, response, kind === 'anthropic' ? ANTHROPIC_PING : ': ping\n\n');
        return;
      }
      // A JSON reply is small: one write with its length beats a chunked stream.
      const bytes = await response.bytes();
      const headers = passthroughHeaders(response.headers);
      headers['content-length'] = String(bytes.byteLength);
      sink.head(response.status, headers);
      sink.end(bytes);
      return;
    }
    const client: ClientProtocol = kind === 'anthropic' ? 'anthropic' : 'openai';
    if (isSse) {
      await this.translateStream(sink, response, this.streamTranslator(p, kind, body, requested));
      return;
    }
    const text = await response.text();
    const json = tryParseJson(text);
    if (!isRecord(json)) {
      this.sendError(sink, client, 502, { message: `the upstream answered HTTP ${response.status} with a body that is not JSON` });
      return;
    }
    if (wantsStream) {
      // The upstream ignored `stream`: replay its reply as a stream in the client's format.
      const chat = p.mode === 'a2o' || p.mode === 'r2o' || p.mode === 'l2o' ? (json as unknown as OResponse) : anthropicToChatResponse(json as unknown as AResponse, { toolNames: p.toolNamesUp ?? p.toolNames!, model: p.model });
      const consumer = this.consumer(p, kind, body, requested);
      let out = '';
      for (const c of chatResponseToChunks(chat)) out += consumer.chunk(c);
      out += consumer.done();
      sink.head(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...translatedHeaders(response.headers) });
      sink.end(out);
      return;
    }
    const out = this.translateJson(p, json, requested);
    const payload = JSON.stringify(out);
    sink.head(response.status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), ...translatedHeaders(response.headers) });
    sink.end(payload);
  }

  private translateJson(p: Prepared, json: Record<string, unknown>, requested: string): unknown {
    const ctx = { toolNames: p.toolNames!, model: p.model };
    switch (p.mode) {
      case 'a2o':
        return chatToAnthropicResponse(json as unknown as OResponse, ctx);
      case 'o2a':
        return anthropicToChatResponse(json as unknown as AResponse, ctx);
      case 'r2o':
        return chatToResponsesResponse(json as unknown as OResponse, { request: p.responsesRequest!, toolNames: p.toolNames!, customTools: p.customTools! });
      case 'r2a': {
        const chat = anthropicToChatResponse(json as unknown as AResponse, { toolNames: p.toolNamesUp!, model: p.model });
        return chatToResponsesResponse(chat, { request: p.responsesRequest!, toolNames: p.toolNames!, customTools: p.customTools! });
      }
      case 'l2o':
        return chatToCompletionResponse(json as unknown as OResponse, requested);
      case 'l2a':
        return chatToCompletionResponse(anthropicToChatResponse(json as unknown as AResponse, { toolNames: p.toolNamesUp!, model: p.model }), requested);
      default:
        return json;
    }
  }

  /** The client-side encoder for a translated stream. */
  private consumer(p: Prepared, kind: ClientKind, body: Record<string, unknown>, requested: string): ChatConsumer {
    const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
    switch (kind) {
      case 'anthropic':
        return new AnthropicEncoder({ toolNames: p.toolNames!, model: p.model, inputTokens: estimateInputTokens(body as Partial<ARequest>) });
      case 'chat':
        return new ChatEncoder();
      case 'responses':
        return new ResponsesEncoder({ request: p.responsesRequest!, toolNames: p.toolNames!, customTools: p.customTools! });
      case 'completions':
        return new CompletionsEncoder(requested, includeUsage);
    }
  }

  private streamTranslator(p: Prepared, kind: ClientKind, body: Record<string, unknown>, requested: string): StreamTranslator {
    const consumer = this.consumer(p, kind, body, requested);
    const anthropicUpstream = p.mode === 'o2a' || p.mode === 'r2a' || p.mode === 'l2a';
    if (!anthropicUpstream) return new ChatSource(consumer);
    const includeUsage = kind !== 'chat' || (isRecord(body.stream_options) && body.stream_options.include_usage === true);
    return new AnthropicSource(consumer, { toolNames: p.toolNamesUp ?? p.toolNames!, model: p.model, includeUsage });
  }

  /** Streams a translated reply: parse, translate, write; pings while the upstream is silent. */
  private async translateStream(sink: RelaySink, response: UpstreamReply, t: StreamTranslator): Promise<void> {
    sink.head(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no', ...translatedHeaders(response.headers) });
    const parser = new SseParser();
    const watch = this.pings?.watch(() => {
      if (!sink.aborted) void sink.write(t.ping);
    });
    // Once the translator is done, reading stops without destroying the upstream connection:
    // keep-alive reuses it once the rest of the body (usually just its end) is drained.
    try {
      await response.each((value) => {
        watch?.heard();
        let out = '';
        for (const e of parser.push(value)) out += t.event(e);
        const w = out ? sink.write(out) : undefined;
        // Finished: stop reading (the rest, usually just the end, is drained below).
        if (t.finished) return false;
        return w;
      });
      if (!t.finished) {
        let out = '';
        for (const e of parser.end()) out += t.event(e);
        out += t.end();
        if (out) await sink.write(out);
      }
    } catch (error) {
      if (!sink.aborted) {
        const out = t.fail({ message: `the upstream stream failed: ${describeFetchError(error)}` });
        if (out) await sink.write(out);
      }
    } finally {
      if (watch) this.pings?.unwatch(watch);
      sink.end();
      if (t.finished && !sink.aborted) response.drain();
      else response.cancel();
    }
  }

  /** Streams a pass-through reply byte for byte; pings (between frames only) while the upstream is silent. */
  private async pipe(sink: RelaySink, response: UpstreamReply, ping: string | undefined): Promise<void> {
    const headers = passthroughHeaders(response.headers);
    if (ping) headers['x-accel-buffering'] = 'no';
    sink.head(response.status, headers);
    // The last bytes written, to tell whether a ping would land between two frames.
    let tail = '\n\n';
    const atBoundary = () => tail.endsWith('\n\n') || tail.endsWith('\r\r');
    const watch = ping
      ? this.pings?.watch(() => {
          if (!sink.aborted && atBoundary()) void sink.write(ping);
        })
      : undefined;
    try {
      await response.each((value) => {
        watch?.heard();
        if (ping && value.length > 0) {
          let last = '';
          for (let i = Math.max(0, value.length - 4); i < value.length; i++) last += String.fromCharCode(value[i] as number);
          tail = (tail + last).slice(-4);
        }
        return sink.write(value);
      });
    } catch (error) {
      if (!sink.aborted && ping) {
        const info = { message: `the upstream stream failed: ${describeFetchError(error)}` };
        const frame = ping === ANTHROPIC_PING ? `event: error\ndata: ${JSON.stringify(errorBody('anthropic', 502, info))}\n\n` : `data: ${JSON.stringify(errorBody('openai', 502, info))}\n\n`;
        await sink.write((atBoundary() ? '' : '\n\n') + frame);
      }
    } finally {
      if (watch) this.pings?.unwatch(watch);
      response.cancel();
      sink.end();
    }
  }

  // ------------------------------------------------------------------------ other routes

  private async countTokens(req: RelayRequest, sink: RelaySink): Promise<void> {
    const body = parseBody(req.body);
    if (!Array.isArray(body.messages)) throw new ClientError(400, 'messages: required (an array)');
    const requested = typeof body.model === 'string' ? body.model : '';
    const upstream = this.upstreams[0] as Upstream;
    const served = await this.serves(upstream, 'messages').catch(() => false);
    if (served) {
      const model = this.modelChain(requested)[0] ?? requested;
      const response = await this.client(upstream.root + (req.url.startsWith('/v1/') ? req.url : `/v1${req.url}`), {
        method: 'POST',
        headers: upstreamHeaders(req.headers, { anthropic: true, key: upstream.key, anthropicAuth: this.anthropicAuth, anthropicVersion: this.anthropicVersion }),
        body: model === requested ? req.body : JSON.stringify({ ...body, model }),
        abort: sink,
      }).catch(() => undefined);
      if (response && (response.status === 404 || response.status === 405)) await response.text().catch(() => '');
      else if (response) {
        const text = await response.text();
        sink.head(response.status, passthroughHeaders(response.headers));
        sink.end(text);
        return;
      }
    }
    const payload = JSON.stringify({ input_tokens: estimateInputTokens(body as Partial<ARequest>) });
    sink.head(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) });
    sink.end(payload);
  }

  private async models(req: RelayRequest, sink: RelaySink, client: ClientProtocol): Promise<void> {
    const upstream = this.upstreams[0] as Upstream;
    const q = req.url.indexOf('?');
    const anthropic = upstream.protocol === 'anthropic';
    let response: UpstreamReply;
    try {
      response = await this.client(`${upstream.root}/v1/models${q === -1 ? '' : req.url.slice(q)}`, {
        method: 'GET',
        headers: (({ 'content-type': _, ...h }) => h)(upstreamHeaders(req.headers, { anthropic, key: upstream.key, anthropicAuth: this.anthropicAuth, anthropicVersion: this.anthropicVersion })),
        abort: sink,
      });
    } catch (error) {
      if (sink.aborted) return;
      this.sendError(sink, client, 502, { message: `${upstream.name} ${upstream.root} is unreachable: ${describeFetchError(error)}` });
      return;
    }
    const text = await response.text();
    if (response.status < 200 || response.status >= 300) {
      this.sendError(sink, client, response.status, parseErrorBody(response.status, text, client), translatedHeaders(response.headers));
      return;
    }
    const models = parseModelList(tryParseJson(text));
    if (!models) {
      this.sendError(sink, client, 502, { message: 'the upstream model list is not a list' });
      return;
    }
    const payload = JSON.stringify(hybridModelList(models));
    sink.head(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) });
    sink.end(payload);
  }
}

// ------------------------------------------------------------------------------ helpers

/** `/v1/chat/completions` and `/chat/completions` are the same endpoint. */
function endpointPath(path: string): string {
  return path.startsWith('/v1/') ? path.slice(3) : path;
}

function isKnownPath(p: string): boolean {
  return p === '/chat/completions' || p === '/responses' || p === '/completions' || /^\/engines\/[^/]+\/completions$/.test(p);
}

function routeOf(method: string, path: string): Route {
  if (path === '/' || path === '/api/hello') {
    return method === 'GET' || method === 'HEAD' ? { kind: 'probe' } : { kind: 'method_not_allowed', allow: 'GET, HEAD' };
  }
  const p = endpointPath(path);
  const post = (route: Route): Route => (method === 'POST' ? route : { kind: 'method_not_allowed', allow: 'POST' });
  switch (p) {
    case '/models':
      return method === 'GET' ? { kind: 'models' } : { kind: 'method_not_allowed', allow: 'GET' };
    case '/messages':
      return post({ kind: 'inference', client: 'anthropic' });
    case '/messages/count_tokens':
      return post({ kind: 'count_tokens' });
    case '/chat/completions':
      return post({ kind: 'inference', client: 'chat' });
    case '/responses':
      return post({ kind: 'inference', client: 'responses' });
    case '/completions':
      return post({ kind: 'inference', client: 'completions' });
    default: {
      const m = /^\/engines\/([^/]+)\/completions$/.exec(p);
      if (m) return post({ kind: 'inference', client: 'completions', engine: decodeURIComponent(m[1] as string) });
      return { kind: 'not_found' };
    }
  }
}

function parseBody(bytes: Uint8Array): Record<string, unknown> {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const json = tryParseJson(text);
  if (!isRecord(json)) throw new ClientError(400, text.trim() ? 'the request body is not a JSON object' : 'the request body is empty');
  return json;
}

function validate(kind: ClientKind, body: Record<string, unknown>): void {
  switch (kind) {
    case 'anthropic':
    case 'chat':
      if (!Array.isArray(body.messages)) throw new ClientError(400, 'messages: required (an array)');
      if (!body.messages.every(isRecord)) throw new ClientError(400, 'messages: every message must be an object');
      return;
    case 'responses':
      if (typeof body.input !== 'string' && !Array.isArray(body.input)) throw new ClientError(400, 'input: required (a string or an array)');
      return;
    case 'completions':
      if (body.prompt === undefined) throw new ClientError(400, 'prompt: required');
      return;
  }
}

function describeFetchError(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}

/** A whole chat reply as the chunks a stream would have carried (for upstreams that ignore `stream`). */
export function chatResponseToChunks(resp: OResponse): OChunk[] {
  const base = { id: resp.id, object: 'chat.completion.chunk' as const, created: resp.created, model: resp.model };
  const chunks: OChunk[] = [];
  for (const choice of Array.isArray(resp.choices) ? resp.choices : []) {
    const m = choice.message;
    const delta: OChunk['choices'][number]['delta'] = { role: 'assistant' };
    if (m?.reasoning_content) delta.reasoning_content = m.reasoning_content;
    if (typeof m?.content === 'string') delta.content = m.content;
    if (m?.tool_calls) delta.tool_calls = m.tool_calls.map((c, index) => ({ index, id: c.id, type: 'function', function: { name: c.function.name, arguments: c.function.arguments } }));
    chunks.push({ ...base, choices: [{ index: choice.index ?? 0, delta, finish_reason: null }] });
    chunks.push({ ...base, choices: [{ index: choice.index ?? 0, delta: {}, finish_reason: choice.finish_reason ?? 'stop' }] });
  }
  if (resp.usage) chunks.push({ ...base, choices: [], usage: resp.usage });
  return chunks;
}

// Test doubles for the relay: a scripted upstream behind an injected fetch, streams whose network
// reads are split exactly where a test says, and an in-memory sink that records what the client
// would receive.
import { Relay, type Fetch, type RelayOptions, type RelaySink } from '../../src/relay/handler.js';

export interface UpstreamCall {
  url: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  json: unknown;
  signal: AbortSignal | undefined;
}

export type UpstreamHandler = (call: UpstreamCall) => Response | Promise<Response>;

/** A fetch that records every call and answers with `handler`. */
export function scriptedFetch(handler: UpstreamHandler): { fetch: Fetch; calls: UpstreamCall[] } {
  const calls: UpstreamCall[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
    const raw = init?.body;
    const body = typeof raw === 'string' ? raw : raw instanceof Uint8Array ? Buffer.from(raw).toString('utf8') : '';
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const call: UpstreamCall = { url, path: new URL(url).pathname, method: init?.method ?? 'GET', headers, body, json, signal: init?.signal ?? undefined };
    calls.push(call);
    if (init?.signal?.aborted) throw init.signal.reason;
    return handler(call);
  }) as Fetch;
  return { fetch, calls };
}

const enc = new TextEncoder();

/** A body delivered as exactly these reads (strings are UTF-8 encoded; bytes as given). */
export function chunkedBody(pieces: Array<string | Uint8Array>, opts: { signal?: AbortSignal; hang?: boolean; failAfter?: boolean } = {}): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i < pieces.length) {
        const p = pieces[i++] as string | Uint8Array;
        controller.enqueue(typeof p === 'string' ? enc.encode(p) : p);
        return;
      }
      if (opts.failAfter) {
        controller.error(Object.assign(new TypeError('terminated'), { cause: { code: 'ECONNRESET' } }));
        return;
      }
      if (opts.hang) {
        // Silent until the relay gives up on us (client abort).
        if (!opts.signal?.aborted) await new Promise<void>((resolve) => opts.signal?.addEventListener('abort', () => resolve(), { once: true }));
        controller.error(opts.signal?.reason ?? new Error('aborted'));
        return;
      }
      controller.close();
    },
  });
}

export function sseResponse(pieces: Array<string | Uint8Array>, init: { status?: number; headers?: Record<string, string>; signal?: AbortSignal; hang?: boolean; failAfter?: boolean } = {}): Response {
  return new Response(chunkedBody(pieces, init), {
    status: init.status ?? 200,
    headers: { 'content-type': 'text/event-stream', ...(init.headers ?? {}) },
  });
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** `data: <json>\n\n` for each chunk, then `data: [DONE]`. */
export function chatSse(chunks: unknown[], done = true): string[] {
  const out = chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`);
  if (done) out.push('data: [DONE]\n\n');
  return out;
}

export function anthropicSse(events: Array<{ type: string; [k: string]: unknown }>): string[] {
  return events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
}

/** One O chunk with the given delta. */
export function ochunk(delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'chatcmpl-up', object: 'chat.completion.chunk', created: 1, model: 'up-model', choices: [{ index: 0, delta, finish_reason: finish }], ...extra };
}

/** An upstream that serves only `path` (404 elsewhere, as a probe would find). */
export function only(path: string, handler: UpstreamHandler): UpstreamHandler {
  return (c) => (c.path === path ? handler(c) : jsonResponse({ error: { message: `Not found: ${c.path}` } }, 404));
}

export interface SinkResult {
  status: number;
  headers: Record<string, string>;
  /** Every write, in order, as text. */
  writes: string[];
  text: string;
  ended: boolean;
}

export function memorySink(signal: AbortSignal = new AbortController().signal): { sink: RelaySink; result: SinkResult } {
  const result: SinkResult = { status: 0, headers: {}, writes: [], text: '', ended: false };
  const dec = new TextDecoder();
  const add = (d: string | Uint8Array) => {
    const t = typeof d === 'string' ? d : dec.decode(d);
    result.writes.push(t);
    result.text += t;
  };
  const sink: RelaySink = {
    get aborted() {
      return signal.aborted;
    },
    onAbort(listener) {
      if (signal.aborted) {
        listener();
        return () => {};
      }
      signal.addEventListener('abort', listener, { once: true });
      return () => signal.removeEventListener('abort', listener);
    },
    head(status, headers) {
      result.status = status;
      result.headers = headers;
    },
    write(d) {
      add(d);
      return undefined;
    },
    end(d) {
      if (d !== undefined) add(d);
      result.ended = true;
    },
  };
  return { sink, result };
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** Sends one request through a Relay and returns what the client got. */
export async function call(relay: Relay, url: string, body: unknown, opts: CallOptions = {}): Promise<SinkResult> {
  const { sink, result } = memorySink(opts.signal);
  const bytes = body === undefined ? new Uint8Array() : enc.encode(typeof body === 'string' ? body : JSON.stringify(body));
  await relay.handle({ method: opts.method ?? 'POST', url, headers: { host: '127.0.0.1:4850', 'content-type': 'application/json', ...(opts.headers ?? {}) }, body: bytes }, sink);
  return result;
}

export function makeRelay(handler: UpstreamHandler, options: Partial<RelayOptions> = {}): { relay: Relay; calls: UpstreamCall[] } {
  const { fetch, calls } = scriptedFetch(handler);
  const relay = new Relay({ upstream: 'http://gateway.test', key: 'sk-gateway-key-123456', fetch, pingIntervalMs: 0, ...options });
  return { relay, calls };
}

/** Random ids replaced by stable placeholders, so whole streams can be compared exactly. */
export function stableIds(text: string): string {
  return text
    .replace(/\bmsg_[A-Za-z0-9]{24}\b/g, 'msg_ID')
    .replace(/\bchatcmpl-[A-Za-z0-9]{24}\b/g, 'chatcmpl-ID')
    .replace(/\bresp_[A-Za-z0-9]{24}\b/g, 'resp_ID')
    .replace(/\b(rs|fc|ctc|toolu|call)_[A-Za-z0-9]{24}\b/g, '$1_ID')
    .replace(/\bcmpl-[A-Za-z0-9]{24}\b/g, 'cmpl-ID')
    .replace(/"(created|created_at)":\d+/g, '"$1":0');
}

/** Parses an SSE text into [event, data] pairs (data parsed as JSON when it is). */
export function frames(text: string): Array<{ event?: string; data: unknown }> {
  const out: Array<{ event?: string; data: unknown }> = [];
  for (const block of text.split('\n\n')) {
    if (!block.trim()) continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length === 0) continue;
    const d = data.join('\n');
    let parsed: unknown = d;
    try {
      parsed = JSON.parse(d);
    } catch {
      // [DONE] and the like
    }
    out.push(event ? { event, data: parsed } : { data: parsed });
  }
  return out;
}

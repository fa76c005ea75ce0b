// How the relay reaches the gateway. By default node:http/https with keep-alive agents: in
// Node 20 the global fetch (undici) costs several times more CPU per request, which shows in
// the relay's throughput. An injected `fetch` (tests, embedding) is adapted to the same small
// interface, so the handler does not care which one it talks through.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** What the handler reads of a header list: web `Headers` fit, and so does the node adapter. */
export interface HeaderBag {
  get(name: string): string | null;
  forEach(callback: (value: string, name: string) => void): void;
}

export interface UpstreamReply {
  status: number;
  headers: HeaderBag;
  /** The body as it arrives; null when there is none. */
  body: AsyncIterable<Uint8Array> | null;
  text(): Promise<string>;
  bytes(): Promise<Uint8Array>;
  /** Stop reading and release the connection. */
  cancel(): void;
  /** Read and discard what is left, so a keep-alive connection can be reused; cancels after `ms`. */
  drain(ms?: number): void;
  /**
   * Feeds the body to `onChunk` as it arrives and resolves at its end (rejects if it breaks).
   * `onChunk` may return a promise (reading pauses until it settles: backpressure) or `false`
   * (stop reading; then call `drain` or `cancel`). Cheaper than async iteration.
   */
  each(onChunk: (chunk: Uint8Array) => Promise<void> | undefined | false): Promise<void>;
}

/**
 * The client's side of a request: whether it went away, and a way to hear of it. Lighter than
 * an AbortController per request, which costs a measurable share of the relay's throughput.
 */
export interface AbortHook {
  readonly aborted: boolean;
  /** Calls `listener` once when the client goes away; returns a function that unregisters it. */
  onAbort(listener: () => void): () => void;
}

export interface UpstreamInit {
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** Like `signal`, without the cost of an AbortSignal. */
  abort?: AbortHook;
}

export type UpstreamClient = (url: string, init: UpstreamInit) => Promise<UpstreamReply>;

/** Adapts a fetch (injected in tests, or any WHATWG fetch) to the relay's client interface. */
export function fetchClient(fetchFn: typeof fetch): UpstreamClient {
  return async (url, init) => {
    let signal = init.signal;
    if (!signal && init.abort) {
      const controller = new AbortController();
      if (init.abort.aborted) controller.abort();
      else init.abort.onAbort(() => controller.abort());
      signal = controller.signal;
    }
    const response = await fetchFn(url, {
      method: init.method,
      headers: init.headers,
      ...(init.body !== undefined ? { body: init.body } : {}),
      ...(signal ? { signal } : {}),
      redirect: 'manual',
    });
    const stream = response.body;
    return {
      status: response.status,
      headers: response.headers,
      body: stream ? (stream as unknown as AsyncIterable<Uint8Array>) : null,
      text: () => response.text(),
      bytes: async () => new Uint8Array(await response.arrayBuffer()),
      cancel: () => {
        stream?.cancel().catch(() => {});
      },
      drain: () => {
        stream?.cancel().catch(() => {});
      },
      each: async (onChunk) => {
        if (!stream) return;
        const reader = stream.getReader();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return;
            const r = onChunk(value);
            if (r === false) return;
            if (r) await r;
          }
        } finally {
          reader.releaseLock();
        }
      },
    };
  };
}

class NodeHeaders implements HeaderBag {
  constructor(private readonly raw: IncomingMessage['headers']) {}
  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    if (v === undefined) return null;
    return Array.isArray(v) ? v.join(', ') : v;
  }
  forEach(callback: (value: string, name: string) => void): void {
    for (const name in this.raw) {
      const v = this.raw[name];
      if (v === undefined) continue;
      callback(Array.isArray(v) ? v.join(', ') : v, name);
    }
  }
}

function decoded(res: IncomingMessage): Readable {
  switch ((res.headers['content-encoding'] ?? '').toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return res.pipe(createGunzip());
    case 'deflate':
      return res.pipe(createInflate());
    case 'br':
      return res.pipe(createBrotliDecompress());
    default:
      return res;
  }
}

/** node:http(s) with keep-alive; no redirects are followed (a redirect is returned as is). */
export function nodeClient(): UpstreamClient {
  const agents = {
    http: new HttpAgent({ keepAlive: true, keepAliveMsecs: 30_000, scheduling: 'lifo' }),
    https: new HttpsAgent({ keepAlive: true, keepAliveMsecs: 30_000, scheduling: 'lifo' }),
  };
  // Parsed URLs, by string: the relay calls a handful of endpoints over and over.
  const parsed = new Map<string, URL>();
  const parse = (url: string): URL => {
    let u = parsed.get(url);
    if (!u) {
      if (parsed.size > 256) parsed.clear();
      u = new URL(url);
      parsed.set(url, u);
    }
    return u;
  };
  return (url, init) =>
    new Promise<UpstreamReply>((resolve, reject) => {
      const u = parse(url);
      const secure = u.protocol === 'https:';
      // Bodies go out as strings: Node then sends the headers and the body in one write.
      // Bytes pass as latin1, which maps each byte to one character and back unchanged.
      const raw = init.body;
      const encoding: BufferEncoding = typeof raw === 'string' ? 'utf8' : 'latin1';
      const body = raw === undefined ? undefined : typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
      const headers: Record<string, string | number> = init.headers;
      if (raw !== undefined) headers['content-length'] = typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : raw.byteLength;
      const req = (secure ? httpsRequest : httpRequest)(
        {
          protocol: u.protocol,
          hostname: u.hostname.replace(/^\[|\]$/g, ''),
          port: u.port || (secure ? 443 : 80),
          path: u.pathname + u.search,
          method: init.method,
          headers,
          agent: secure ? agents.https : agents.http,
        },
        (res) => {
          // Errors surface to whoever reads the body; an unread body must not crash the process.
          res.on('error', () => {});
          const stream = decoded(res);
          if (stream !== res) stream.on('error', () => {});
          const bytes = () =>
            new Promise<Buffer>((done, fail) => {
              const parts: Buffer[] = [];
              let settled = false;
              stream.on('data', (chunk: Buffer) => parts.push(chunk));
              stream.once('end', () => {
                settled = true;
                done(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts));
              });
              stream.once('error', (error) => {
                settled = true;
                fail(error);
              });
              stream.once('close', () => {
                if (!settled) fail(new Error('the upstream closed the connection mid-body'));
              });
            });
          resolve({
            status: res.statusCode ?? 502,
            headers: new NodeHeaders(res.headers),
            body: stream,
            text: async () => (await bytes()).toString('utf8'),
            bytes,
            cancel: () => {
              if (!res.complete) res.destroy();
            },
            each: (onChunk) =>
              new Promise<void>((resolve, reject) => {
                let done = false;
                const finish = (error?: Error) => {
                  if (done) return;
                  done = true;
                  stream.off('data', onData);
                  stream.off('end', onEnd);
                  stream.off('error', onError);
                  stream.off('close', onClose);
                  if (error) reject(error);
                  else resolve();
                };
                const onData = (chunk: Buffer) => {
                  const r = onChunk(chunk);
                  if (r === false) {
                    stream.pause();
                    finish();
                  } else if (r) {
                    stream.pause();
                    r.then(() => {
                      if (!done) stream.resume();
                    }, finish);
                  }
                };
                const onEnd = () => finish();
                const onError = (error: Error) => finish(error);
                const onClose = () => finish(new Error('the upstream closed the connection mid-body'));
                stream.on('data', onData);
                stream.once('end', onEnd);
                stream.once('error', onError);
                stream.once('close', onClose);
              }),
            drain: (ms = 2000) => {
              if (res.complete) return;
              const timer = setTimeout(() => res.destroy(), ms);
              timer.unref();
              res.once('close', () => clearTimeout(timer));
              stream.on('data', () => {});
              stream.resume();
            },
          });
        },
      );
      const onAbort = () => req.destroy(Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' }));
      const hook = init.abort;
      const signal = init.signal;
      if (hook) {
        if (hook.aborted) return onAbort();
        const off = hook.onAbort(onAbort);
        req.once('close', off);
      } else if (signal) {
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        req.once('close', () => signal.removeEventListener('abort', onAbort));
      }
      req.on('error', (error) => reject(Object.assign(new TypeError('fetch failed'), { cause: error })));
      if (body === undefined) req.end();
      else req.end(body, encoding);
    });
}

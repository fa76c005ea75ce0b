// The fetch setup-gateway's own requests go through (apply's and doctor's probes, the interactive
// mode's, a profile given by URL): Node 20's global fetch ignores HTTPS_PROXY, HTTP_PROXY and
// NO_PROXY, so behind a company proxy every probe would fail while the agents work. This fetch
// runs on the relay's HTTP/1.1 client (src/relay/http1.ts), which honours them (src/relay/proxy.ts
// decides), so the CLI and the relay reach a gateway the same way. It is a WHATWG fetch to its
// callers: a Response, an AbortSignal honoured, redirects followed, refused or returned as asked.
// The CA list is Node's (NODE_EXTRA_CA_CERTS included) unless extra CAs are given.
import { http1Client } from '../relay/http1.js';
import { proxySettings, type ProxyEnv, type ProxySettings } from '../relay/proxy.js';
import type { UpstreamClient } from '../relay/upstream-client.js';
import type { Fetch } from './gateway.js';

export interface NetworkOptions {
  /** PEM text of CAs to trust as well as Node's own. */
  extraCa?: ReadonlyArray<string | Buffer>;
}

/** A fetch over the relay's client that goes through the proxies `env` names. */
export function networkFetch(env: ProxyEnv, options: NetworkOptions = {}): Fetch {
  return networkFetchWith(proxySettings(env), options);
}

export function networkFetchWith(proxy: ProxySettings, options: NetworkOptions = {}): Fetch {
  // No idle sockets: a CLI command would otherwise wait for them to time out before it exits.
  return clientFetch(http1Client({ proxy, keepAliveMs: 0, ...(options.extraCa?.length ? { extraCa: options.extraCa } : {}) }));
}

const NULL_BODY = new Set([101, 204, 205, 304]);
const MAX_REDIRECTS = 20;

function failed(message: string): TypeError {
  return Object.assign(new TypeError('fetch failed'), { cause: new Error(message) });
}

function bodyOf(body: RequestInit['body']): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof URLSearchParams) return body.toString();
  throw new TypeError('setup-gateway fetch: only string and byte bodies are supported');
}

/** Adapts the relay's client to fetch's shape (the reverse of relay/upstream-client.ts's fetchClient). */
export function clientFetch(client: UpstreamClient): Fetch {
  return async (input, init = {}) => {
    let url = input instanceof Request ? input.url : String(input);
    let method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const headers: Record<string, string> = {};
    new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined)).forEach((value, name) => {
      headers[name] = value;
    });
    headers['user-agent'] ??= 'setup-gateway';
    headers.accept ??= '*/*';
    let body = bodyOf(init.body);
    if (body === undefined && input instanceof Request && input.body) body = new Uint8Array(await input.arrayBuffer());
    if (typeof body === 'string' && !headers['content-type']) headers['content-type'] = 'text/plain;charset=UTF-8';
    const signal = init.signal ?? undefined;
    const redirect = init.redirect ?? 'follow';

    for (let hop = 0; ; hop++) {
      signal?.throwIfAborted();
      const reply = await client(url, { method, headers, ...(body !== undefined ? { body } : {}), ...(signal ? { signal } : {}) });
      const location = reply.headers.get('location');
      if (reply.status >= 300 && reply.status < 400 && location !== null && redirect !== 'manual') {
        reply.cancel();
        if (redirect === 'error') throw failed(`redirect to ${location} (HTTP ${reply.status}) refused`);
        if (hop >= MAX_REDIRECTS) throw failed('too many redirects');
        const next = new URL(location, url);
        if (next.protocol !== 'http:' && next.protocol !== 'https:') throw failed(`redirect to ${next.protocol} refused`);
        // As fetch does: 303 (and 301/302 after a POST) become a GET without a body; a key never crosses origins.
        if (reply.status === 303 ? method !== 'HEAD' : (reply.status === 301 || reply.status === 302) && method === 'POST') {
          method = 'GET';
          body = undefined;
          delete headers['content-type'];
        }
        if (next.origin !== new URL(url).origin) {
          delete headers.authorization;
          delete headers['x-api-key'];
          delete headers['x-goog-api-key'];
        }
        url = next.href;
        continue;
      }
      if (reply.status < 200 || reply.status > 599) {
        reply.cancel();
        throw failed(`unexpected HTTP status ${reply.status}`);
      }
      const responseHeaders = new Headers();
      reply.headers.forEach((value, name) => responseHeaders.append(name, value));
      // http1 has decoded any gzip/br body: the length and coding no longer describe it.
      if (responseHeaders.has('content-encoding')) {
        responseHeaders.delete('content-encoding');
        responseHeaders.delete('content-length');
      }
      const stream =
        NULL_BODY.has(reply.status) || method === 'HEAD'
          ? null
          : new ReadableStream<Uint8Array>({
              start(controller) {
                reply.each((chunk) => void controller.enqueue(chunk)).then(
                  () => controller.close(),
                  (error: unknown) => controller.error(error),
                );
              },
              cancel() {
                reply.cancel();
              },
            });
      if (!stream) reply.drain(0).catch(() => {});
      return new Response(stream, { status: reply.status, headers: responseHeaders });
    }
  };
}

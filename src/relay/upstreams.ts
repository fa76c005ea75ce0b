// The gateways the relay sends to, in order (the first, then fallbacks tried on 429/5xx before the
// first byte), and which protocols each serves: configured, or found out once per protocol with a
// cheap probe (`auto`).
import { type Adapter, type ProtocolId } from './adapters/index.js';
import { type AnthropicAuth, type IncomingHeaders, upstreamHeaders } from './headers.js';
import { gatewayRoot } from './net.js';
import type { AbortHook, UpstreamClient, UpstreamReply } from './upstream-client.js';

/** What an upstream speaks: configured, or found out once with cheap probes (`auto`). */
export type UpstreamProtocol = 'openai' | 'anthropic' | 'auto';

export interface UpstreamOptions {
  /** The gateway root; a trailing `/v1` or slash is ignored. */
  url: string;
  protocol?: UpstreamProtocol;
  /** This upstream's key, when it differs from the relay's `key`. */
  key?: string;
}

/** What a configured protocol tells of the endpoints a gateway serves; the others are probed. */
const CONFIGURED: Record<Exclude<UpstreamProtocol, 'auto'>, Partial<Record<ProtocolId, boolean>>> = {
  anthropic: { anthropic: true, chat: false, responses: false, completions: false },
  openai: { chat: true, anthropic: false },
};

export interface Upstream {
  /** `upstream`, `fallback 1`, …: how logs and error messages name it. */
  name: string;
  root: string;
  key: string;
  protocol: UpstreamProtocol;
  serves: Map<ProtocolId, Promise<boolean>>;
}

export interface GatewaysOptions {
  upstream: string | UpstreamOptions | ReadonlyArray<string | UpstreamOptions>;
  key: string;
  protocol?: UpstreamProtocol;
  client: UpstreamClient;
  anthropicAuth: AnthropicAuth;
  anthropicVersion: string;
  log: (line: string) => void;
}

export interface GatewayRequest {
  method: 'POST' | 'GET';
  /** The client's headers (what may pass is decided in headers.ts). */
  incoming: IncomingHeaders;
  /** The gateway is spoken to in Anthropic's protocol (auth and version headers). */
  anthropic: boolean;
  body?: string | Uint8Array;
  abort?: AbortHook;
  signal?: AbortSignal;
}

export class Gateways {
  /** The first gateway (the one that answers the model list and token counts), then the fallbacks. */
  readonly list: readonly [Upstream, ...Upstream[]];

  constructor(private readonly options: GatewaysOptions) {
    const all = Array.isArray(options.upstream) ? options.upstream : [options.upstream];
    const make = (u: string | UpstreamOptions, i: number): Upstream => {
      const o: UpstreamOptions = typeof u === 'string' ? { url: u } : u;
      const protocol = o.protocol ?? options.protocol ?? 'auto';
      const serves = new Map<ProtocolId, Promise<boolean>>();
      if (protocol !== 'auto') for (const [id, yes] of Object.entries(CONFIGURED[protocol])) serves.set(id as ProtocolId, Promise.resolve(yes));
      return { name: i === 0 ? 'upstream' : `fallback ${i}`, root: gatewayRoot(o.url), key: o.key ?? options.key, protocol, serves };
    };
    const [first, ...rest] = all.map(make);
    if (!first) throw new Error('relay: no upstream');
    this.list = [first, ...rest];
  }

  get primary(): Upstream {
    return this.list[0];
  }

  request(upstream: Upstream, path: string, r: GatewayRequest): Promise<UpstreamReply> {
    const headers = upstreamHeaders(r.incoming, { anthropic: r.anthropic, key: upstream.key, anthropicAuth: this.options.anthropicAuth, anthropicVersion: this.options.anthropicVersion });
    if (r.method === 'GET') delete headers['content-type'];
    return this.options.client(upstream.root + path, { method: r.method, headers, body: r.body, abort: r.abort, signal: r.signal });
  }

  /** Whether a gateway serves a protocol: configured, or probed once with an empty body (404/405/501 = no). */
  serves(upstream: Upstream, adapter: Adapter): Promise<boolean> {
    const known = upstream.serves.get(adapter.id);
    if (known) return known;
    const probe = (async () => {
      const response = await this.request(upstream, adapter.upstreamPath, { method: 'POST', incoming: {}, anthropic: adapter.anthropicHeaders, body: '{}', signal: AbortSignal.timeout(10_000) });
      await response.text().catch(() => '');
      const served = response.status !== 404 && response.status !== 405 && response.status !== 501;
      this.options.log(`probe ${upstream.name} ${adapter.upstreamPath}: HTTP ${response.status} (${served ? 'served' : 'not served'})`);
      if (response.status >= 500) upstream.serves.delete(adapter.id); // ask again next time
      return served;
    })();
    upstream.serves.set(adapter.id, probe);
    probe.catch(() => upstream.serves.delete(adapter.id));
    return probe;
  }
}

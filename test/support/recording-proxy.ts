/**
 * A recording HTTP(S) proxy for tests: node:http on 127.0.0.1, random port. Point an agent's
 * HTTPS_PROXY / HTTP_PROXY at `url` and every outbound connection it tries shows up in
 * `connections` as `host:port`: CONNECT tunnels (HTTPS) and absolute-form requests
 * (`GET http://host/path`, plain HTTP through a proxy). It forwards nothing: each attempt is
 * recorded, then refused with 403 and the socket closed, so a request that escapes the gateway
 * fails loudly in the agent and is named here.
 *
 * Requests in origin-form (`GET /path`, someone talking to the proxy as if it were a server) are
 * recorded too, under the Host header they carry, and refused the same way.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface ProxyConnection {
  /** How the client asked: a CONNECT tunnel, an absolute-form request, or an origin-form one. */
  kind: 'connect' | 'absolute' | 'origin';
  /** `host:port` as asked (IPv6 hosts in brackets), the port defaulted from the scheme. */
  target: string;
  host: string;
  port: number;
  /** The request method (CONNECT for a tunnel). */
  method: string;
  /** For absolute-form: the full URL asked; for origin-form: the path. */
  url?: string;
}

export interface RecordingProxy {
  /** http://127.0.0.1:PORT: the value for HTTPS_PROXY / HTTP_PROXY. */
  readonly url: string;
  readonly port: number;
  /** Every connection attempt, in arrival order. */
  readonly connections: readonly ProxyConnection[];
  /** The distinct `host:port` targets seen, sorted. */
  targets(): string[];
  /** The connections whose host is one of `hosts` or a subdomain of one. */
  connectionsTo(hosts: readonly string[]): ProxyConnection[];
  /** Forgets what was recorded. */
  reset(): void;
  close(): Promise<void>;
}

const REFUSAL = 'HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

/** `host:port` split, brackets kept off the host; the port from `fallback` when absent. */
export function splitTarget(authority: string, fallback: number): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(authority);
  if (bracketed) return { host: bracketed[1]!.toLowerCase(), port: bracketed[2] ? Number(bracketed[2]) : fallback };
  const colon = authority.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(authority.slice(colon + 1))) {
    return { host: authority.slice(0, colon).toLowerCase(), port: Number(authority.slice(colon + 1)) };
  }
  return { host: authority.toLowerCase(), port: fallback };
}

const authority = (host: string, port: number) => `${host.includes(':') ? `[${host}]` : host}:${port}`;

/** Whether `host` is `domain` or one of its subdomains. */
export function hostMatches(host: string, domain: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const d = domain.toLowerCase().replace(/\.$/, '');
  return h === d || h.endsWith(`.${d}`);
}

export async function startRecordingProxy(): Promise<RecordingProxy> {
  const connections: ProxyConnection[] = [];
  const sockets = new Set<Socket>();

  const record = (c: Omit<ProxyConnection, 'target'>) => connections.push({ ...c, target: authority(c.host, c.port) });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const raw = req.url ?? '/';
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
      let parsed: URL | undefined;
      try {
        parsed = new URL(raw);
      } catch {
        parsed = undefined;
      }
      if (parsed) {
        const fallback = parsed.protocol === 'https:' ? 443 : 80;
        const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
        record({ kind: 'absolute', host, port: parsed.port ? Number(parsed.port) : fallback, method: req.method ?? 'GET', url: raw });
      }
    } else {
      const { host, port } = splitTarget(req.headers.host ?? '', 80);
      record({ kind: 'origin', host, port, method: req.method ?? 'GET', url: raw });
    }
    res.writeHead(403, { connection: 'close', 'content-type': 'text/plain' });
    res.end('refused by the recording proxy\n');
  });

  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    const { host, port } = splitTarget(req.url ?? '', 443);
    record({ kind: 'connect', host, port, method: 'CONNECT' });
    socket.on('error', () => undefined);
    socket.end(REFUSAL);
  });
  // A client that speaks no HTTP at all gets its socket closed; nothing to record.
  server.on('clientError', (_err, socket: Duplex) => {
    socket.on('error', () => undefined);
    socket.destroy();
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connections,
    targets: () => [...new Set(connections.map((c) => c.target))].sort(),
    connectionsTo: (hosts) => connections.filter((c) => hosts.some((d) => hostMatches(c.host, d))),
    reset: () => {
      connections.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Hosts of model vendors an agent may call instead of the gateway. A connection to any of them
 * (or a subdomain) is a request that escaped the gateway.
 */
export const VENDOR_HOSTS: readonly string[] = [
  'api.anthropic.com',
  'api.openai.com',
  'openrouter.ai',
  'generativelanguage.googleapis.com',
  'api.mistral.ai',
  'api.deepseek.com',
  'api.groq.com',
  'api.x.ai',
  'api.together.xyz',
  'api.fireworks.ai',
  'openai.azure.com',
  'opencode.ai',
  'api.githubcopilot.com',
];

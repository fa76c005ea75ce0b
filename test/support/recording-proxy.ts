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
 *
 * As a company proxy (`forward`): the hosts it is given are forwarded (a CONNECT tunnel, or the
 * absolute-form request passed on) to the loopback address each maps to, as a proxy resolves names
 * the client cannot (so a client reaches `gateway.test` only through it); other hosts are still
 * refused. With `credentials`, a request without the matching `Proxy-Authorization: Basic` gets
 * 407. Each record carries the Proxy-Authorization it came with.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
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
  /** The Proxy-Authorization header it carried, if any. */
  authorization?: string;
  /** Refused with 407: the proxy wants credentials and these were missing or wrong. */
  authRefused?: true;
}

export interface RecordingProxyOptions {
  /** Forward these hosts (`host` or `host:port`) to `127.0.0.1:PORT` instead of refusing them. */
  forward?: Record<string, string>;
  /** Require these credentials (Basic) before anything else; 407 otherwise. */
  credentials?: { user: string; password: string };
}

export interface RecordingProxy {
  /** http://127.0.0.1:PORT: the value for HTTPS_PROXY / HTTP_PROXY. */
  readonly url: string;
  /** The URL with the required credentials in it (the url itself when none are required). */
  readonly authUrl: string;
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
const AUTH_REFUSAL = 'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test proxy"\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

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

export async function startRecordingProxy(options: RecordingProxyOptions = {}): Promise<RecordingProxy> {
  const connections: ProxyConnection[] = [];
  const sockets = new Set<Socket>();
  const expected = options.credentials ? `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString('base64')}` : undefined;

  /** Records the attempt; false when it lacks the credentials the proxy requires. */
  const record = (c: Omit<ProxyConnection, 'target' | 'authorization' | 'authRefused'>, req: IncomingMessage): boolean => {
    const authorization = req.headers['proxy-authorization'];
    const authRefused = expected !== undefined && authorization !== expected;
    connections.push({ ...c, target: authority(c.host, c.port), ...(authorization ? { authorization } : {}), ...(authRefused ? { authRefused: true as const } : {}) });
    return !authRefused;
  };
  /** Where a forwarded host really is (`127.0.0.1:PORT`), or undefined: refuse it. */
  const forwardTo = (host: string, port: number) => {
    const to = options.forward?.[authority(host, port)] ?? options.forward?.[host];
    return to ? splitTarget(to, port) : undefined;
  };

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
        const port = parsed.port ? Number(parsed.port) : fallback;
        if (!record({ kind: 'absolute', host, port, method: req.method ?? 'GET', url: raw }, req)) {
          res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test proxy"', connection: 'close', 'content-length': '0' }).end();
          return;
        }
        const to = parsed.protocol === 'http:' ? forwardTo(host, port) : undefined;
        if (to) {
          const headers = { ...req.headers };
          delete headers['proxy-authorization'];
          delete headers['proxy-connection'];
          const upstream = httpRequest({ host: to.host, port: to.port, method: req.method, path: parsed.pathname + parsed.search, headers }, (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          });
          upstream.on('error', (error) => res.writeHead(502).end(`${error.message}\n`));
          req.pipe(upstream);
          return;
        }
      }
    } else {
      const { host, port } = splitTarget(req.headers.host ?? '', 80);
      record({ kind: 'origin', host, port, method: req.method ?? 'GET', url: raw }, req);
    }
    res.writeHead(403, { connection: 'close', 'content-type': 'text/plain' });
    res.end('refused by the recording proxy\n');
  });

  server.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const { host, port } = splitTarget(req.url ?? '', 443);
    socket.on('error', () => undefined);
    if (!record({ kind: 'connect', host, port, method: 'CONNECT' }, req)) {
      socket.end(AUTH_REFUSAL);
      return;
    }
    const to = forwardTo(host, port);
    if (!to) {
      socket.end(REFUSAL);
      return;
    }
    const upstream = connect(to.port, to.host, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => {
      sockets.delete(upstream);
      socket.destroy();
    });
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
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

  const creds = options.credentials ? `${encodeURIComponent(options.credentials.user)}:${encodeURIComponent(options.credentials.password)}@` : '';
  return {
    url: `http://127.0.0.1:${port}`,
    authUrl: `http://${creds}127.0.0.1:${port}`,
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

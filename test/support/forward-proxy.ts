/**
 * A forwarding HTTP proxy for tests, as a company network has one: node:http on 127.0.0.1, random
 * port. CONNECT opens a tunnel (HTTPS through a proxy); an absolute-form request (`POST
 * http://host/path`) is forwarded (plain HTTP through a proxy). Optionally it requires
 * `Proxy-Authorization: Basic` with given credentials (else 407), and it resolves names from
 * `hosts` (e.g. `gateway.test` -> a loopback test server), as a proxy resolves names the client
 * cannot: so the client's side never connects to the test server itself. Every request is
 * recorded with the Proxy-Authorization it carried.
 *
 * (test/support/recording-proxy.ts, where present, is the refusing kind: it records what an
 * agent tries to reach and forwards nothing.)
 */
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';

export interface ForwardedRequest {
  kind: 'connect' | 'absolute';
  /** `host:port` as asked. */
  target: string;
  /** The Proxy-Authorization header as received (absent when none). */
  authorization?: string;
  /** Refused for missing or wrong credentials (407). */
  refused: boolean;
}

export interface ForwardProxy {
  /** http://127.0.0.1:PORT, without credentials. */
  readonly url: string;
  /** The URL with the credentials the proxy requires, if any: the value for HTTPS_PROXY. */
  readonly authUrl: string;
  readonly port: number;
  readonly requests: readonly ForwardedRequest[];
  close(): Promise<void>;
}

export interface ForwardProxyOptions {
  /** Require these credentials (Basic); others get 407 Proxy Authentication Required. */
  credentials?: { user: string; password: string };
  /** Names the proxy resolves itself: `gateway.test` -> `127.0.0.1:PORT`. Other names are refused (502). */
  hosts?: Record<string, string>;
}

function split(authority: string, fallback: number): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(authority);
  return { host: (m?.[1] ?? authority).toLowerCase(), port: m?.[2] ? Number(m[2]) : fallback };
}

export async function startForwardProxy(options: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  const requests: ForwardedRequest[] = [];
  const sockets = new Set<Duplex>();
  const expected = options.credentials ? `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString('base64')}` : undefined;

  /** Where a `host:port` asked for really is, or undefined when the proxy does not know it. */
  const resolve = (host: string, port: number): { host: string; port: number } | undefined => {
    const mapped = options.hosts?.[`${host}:${port}`] ?? options.hosts?.[host];
    if (!mapped) return undefined;
    return split(mapped, port);
  };

  const allowed = (req: IncomingMessage, kind: ForwardedRequest['kind'], target: string): boolean => {
    const authorization = req.headers['proxy-authorization'];
    const refused = expected !== undefined && authorization !== expected;
    requests.push({ kind, target, ...(authorization ? { authorization } : {}), refused });
    return !refused;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('origin-form request to a proxy\n');
      return;
    }
    const asked = split(url.host, 80);
    if (!allowed(req, 'absolute', `${asked.host}:${asked.port}`)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test proxy"', 'content-length': '0' }).end();
      return;
    }
    const to = resolve(asked.host, asked.port);
    if (!to) {
      res.writeHead(502).end(`the test proxy does not know ${url.host}\n`);
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest({ host: to.host, port: to.port, method: req.method, path: url.pathname + url.search, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (error) => res.writeHead(502).end(`${error.message}\n`));
    req.pipe(upstream);
  });

  server.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const asked = split(req.url ?? '', 443);
    if (!allowed(req, 'connect', `${asked.host}:${asked.port}`)) {
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test proxy"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const to = resolve(asked.host, asked.port);
    if (!to) {
      socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
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
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ready());
  });
  const { port } = server.address() as AddressInfo;
  const creds = options.credentials ? `${encodeURIComponent(options.credentials.user)}:${encodeURIComponent(options.credentials.password)}@` : '';
  return {
    url: `http://127.0.0.1:${port}`,
    authUrl: `http://${creds}127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((done) => {
        for (const s of sockets) s.destroy();
        server.close(() => done());
      }),
  };
}

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'tls');
/** The stand-in company CA (PEM path and text) that signed the TLS front's certificate. */
export const CORP_CA_PATH = join(fixtures, 'corp-ca.pem');
export const CORP_CA = readFileSync(CORP_CA_PATH, 'utf8');

/**
 * `https://gateway.test` in front of a plain-http test server on loopback: TLS with a certificate
 * for gateway.test signed by the stand-in company CA, sent with that CA in the chain (what a
 * TLS-inspecting proxy shows). Reach it through a forward proxy whose `hosts` map gateway.test
 * to `address`.
 */
export async function startTlsFront(targetPort: number): Promise<{ port: number; address: string; close(): Promise<void> }> {
  const cert = readFileSync(join(fixtures, 'corp-gateway-cert.pem'), 'utf8') + CORP_CA;
  const key = readFileSync(join(fixtures, 'corp-gateway-key.pem'), 'utf8');
  const server = createHttpsServer({ cert, key }, (req, res) => {
    const upstream = httpRequest({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (error) => res.writeHead(502).end(`${error.message}\n`));
    req.pipe(upstream);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', () => ready()));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

// The relay's own HTTP/1.1 client against scripted servers on 127.0.0.1 that write exact bytes:
// every body framing split at every byte, keep-alive reuse and its limits, malformed replies,
// header injection, compression, aborts, and TLS with certificate checks.
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { http1Client } from '../../src/relay/http1.js';
import type { UpstreamReply } from '../../src/relay/upstream-client.js';
import { waitUntil } from '../support/wait.js';

const servers: Server[] = [];
/** Server-side sockets: the client keeps its connections alive, so closing a server waits for them. */
const sockets = new Set<Socket>();
afterEach(async () => {
  const closing = servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r())));
  for (const s of sockets) s.destroy();
  sockets.clear();
  await Promise.all(closing);
});

/** In a scripted reply: close the connection here. */
const END = Symbol('end');
/** A promise in a scripted reply holds the rest back until it settles (a test's gate). */
type Piece = string | Buffer | typeof END | Promise<unknown>;

/** A gate for a scripted reply: the server waits at it until the test opens it. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open = () => {};
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}

/** One turn of the event loop: I/O already delivered to a socket is read in it. */
const turn = () => new Promise<void>((r) => setImmediate(r));

/** Resolves once `socket` has closed (at once if it already has). */
function closed(socket: Socket | undefined): Promise<void> {
  if (!socket) throw new Error('no such connection');
  return socket.closed ? Promise.resolve() : new Promise<void>((r) => socket.once('close', () => r()));
}

interface Seen {
  /** What each connection received, in order of connection. */
  connections: string[];
  sockets: Socket[];
}

/**
 * A server that answers each request (a head plus its Content-Length body) with `reply(n)`: pieces
 * written one per write, END closing the connection, a promise holding the rest back. After each
 * piece is flushed the loop turns twice, so the client (in this process) reads it before the next
 * is written: pieces usually arrive apart, and a test that needs them apart uses a gate.
 */
async function scripted(reply: (n: number, request: string) => Piece | Piece[]): Promise<{ url: string; seen: Seen }> {
  const seen: Seen = { connections: [], sockets: [] };
  let n = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true); // pieces go out as written, not merged by Nagle's algorithm
    const index = seen.connections.push('') - 1;
    seen.sockets.push(socket);
    let buf = '';
    socket.on('error', () => {});
    socket.on('data', async (d) => {
      seen.connections[index] += d.toString('latin1');
      buf += d.toString('latin1');
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        const length = Number(/content-length: (\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
        if (buf.length < end + 4 + length) return;
        const request = buf.slice(0, end + 4 + length);
        buf = buf.slice(end + 4 + length);
        const out = reply(n++, request);
        for (const piece of Array.isArray(out) ? out : [out]) {
          if (piece instanceof Promise) {
            await piece;
            continue;
          }
          if (socket.destroyed) return;
          if (typeof piece === 'symbol') socket.end();
          else await new Promise((r) => socket.write(piece, r));
          await turn();
          await turn();
        }
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

async function readAll(reply: UpstreamReply): Promise<string> {
  let text = '';
  await reply.each((chunk) => {
    text += Buffer.from(chunk).toString('latin1');
    return undefined;
  });
  return text;
}

const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' };
const ok = (body: string, extra = '') => `HTTP/1.1 200 OK\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

/** Every way to cut `text` in two. */
function cuts(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 1; i < text.length; i++) out.push([text.slice(0, i), text.slice(i)]);
  return out;
}

describe('http1Client', () => {
  it('sends head and body in one write, with Host and Content-Length, and reads the reply', async () => {
    const { url, seen } = await scripted(() => 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Two: a\r\nx-two: b\r\nContent-Length: 5\r\n\r\nhello');
    const reply = await http1Client()(`${url}/v1/chat/completions?x=1`, { method: 'POST', headers: { authorization: 'Bearer k', 'content-type': 'application/json' }, body: '{"t":"é"}' });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json');
    expect(reply.headers.get('X-Two')).toBe('a, b');
    expect(await reply.text()).toBe('hello');
    expect(seen.connections[0]).toBe(
      `POST /v1/chat/completions?x=1 HTTP/1.1\r\nhost: ${new URL(url).host}\r\nauthorization: Bearer k\r\ncontent-type: application/json\r\ncontent-length: 10\r\n\r\n${Buffer.from('{"t":"é"}').toString('latin1')}`,
    );
  });

  it('reads Content-Length and chunked bodies (extensions, trailers, Transfer-Encoding over Content-Length) split at every byte', async () => {
    const replies = [
      ok('hello world'),
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nB\r\nhello world\r\n0\r\n\r\n',
    ];
    const client = http1Client();
    for (const whole of replies) {
      // One server per reply: the client reuses its connection for every cut.
      const { url, seen } = await scripted((n) => cuts(whole)[n] ?? whole);
      for (const [a] of cuts(whole)) {
        const reply = await client(url, post);
        expect(reply.status, JSON.stringify(a)).toBe(200);
        expect(await readAll(reply), JSON.stringify(a)).toBe('hello world');
      }
      expect(seen.connections).toHaveLength(1);
    }
  });

  it('reads a body framed by the connection close, and does not reuse that connection', async () => {
    const { url, seen } = await scripted(() => ['HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello ', 'world', END]);
    const client = http1Client();
    expect(await readAll(await client(url, post))).toBe('hello world');
    expect(await (await client(url, post)).text()).toBe('hello world');
    expect(seen.connections).toHaveLength(2);
  });

  it('has no body for 204 and 304, and reuses the connection after them', async () => {
    const { url, seen } = await scripted((n) => (n === 0 ? 'HTTP/1.1 204 No Content\r\n\r\n' : n === 1 ? 'HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n' : ok('after')));
    const client = http1Client();
    expect(await (await client(url, post)).text()).toBe('');
    expect(await (await client(url, post)).text()).toBe('');
    expect(await (await client(url, post)).text()).toBe('after');
    expect(seen.connections).toHaveLength(1);
  });

  it('keeps a connection alive for keepAliveMs, or as long as the server says, and honours Connection: close', async () => {
    const { url, seen } = await scripted((n) => (n === 2 ? ok('x', 'Connection: close\r\n') : n === 4 ? ok('x', 'Keep-Alive: timeout=1\r\n') : ok('x')));
    const client = http1Client({ keepAliveMs: 300 });
    await (await client(url, post)).text(); // conn 1
    await (await client(url, post)).text(); // conn 1 again
    await (await client(url, post)).text(); // conn 1, then closed
    expect(seen.connections).toHaveLength(1);
    await (await client(url, post)).text(); // conn 2
    expect(seen.connections).toHaveLength(2);
    await (await client(url, post)).text(); // conn 2, kept ~500 ms at most (timeout=1 less a margin), here capped at 300 ms
    const started = Date.now();
    await closed(seen.sockets[1]); // the client drops it once its time is up
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await (await client(url, post)).text(); // conn 3
    expect(seen.connections).toHaveLength(3);
  });

  it('drops an idle connection the server closed, and the next request opens a new one without error', async () => {
    const { url, seen } = await scripted(() => ok('x'));
    const client = http1Client();
    await (await client(url, post)).text();
    seen.sockets[0]?.end();
    await closed(seen.sockets[0]); // the client heard of it and closed its end
    expect(await (await client(url, post)).text()).toBe('x');
    expect(seen.connections).toHaveLength(2);
  });

  it('fails clearly on malformed replies, with fetch failed and the reason as its cause', async () => {
    const cases: Array<[Piece[], RegExp]> = [
      [['SSH-2.0-OpenSSH\r\n\r\n'], /did not answer in HTTP\/1\.1/],
      [['HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n'], /invalid Content-Length/],
      [['HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n'], /invalid Content-Length/],
      [['HTTP/1.1 200 OK\r\nbad header\r\n\r\n'], /malformed header line/],
      [[`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70 * 1024)}`], /over 64 KiB/],
      [['HTTP/1.1 200 OK\r\n', END], /closed the connection before answering/],
    ];
    for (const [reply, why] of cases) {
      const { url } = await scripted(() => reply);
      const error = await http1Client()(url, post).then(
        () => undefined,
        (e: Error & { cause?: Error }) => e,
      );
      expect(error?.message, String(why)).toBe('fetch failed');
      expect(error?.cause?.message, String(why)).toMatch(why);
    }
    for (const [reply, why] of [
      [['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'], /malformed chunk size/],
      [['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf', END], /closed the connection mid-body/],
      [['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n'], /malformed chunked body/],
    ] as Array<[Piece[], RegExp]>) {
      const { url } = await scripted(() => reply);
      const response = await http1Client()(url, post);
      await expect(readAll(response), String(why)).rejects.toThrow(why);
    }
  });

  it('refuses header values that would inject lines, before connecting', async () => {
    const { url, seen } = await scripted(() => ok('x'));
    const client = http1Client();
    const cases: Array<Record<string, string>> = [{ 'x-a': 'v\r\nx-injected: 1' }, { 'x-a': 'v\nx' }, { 'bad name': 'v' }];
    for (const headers of cases) {
      await expect(client(url, { method: 'POST', headers, body: '{}' })).rejects.toMatchObject({ message: 'fetch failed', cause: { message: /invalid request header/ } });
    }
    expect(seen.connections).toHaveLength(0);
  });

  it('sends bytes and non-ASCII header values exactly (latin1 head, raw body)', async () => {
    const { url, seen } = await scripted(() => ok('x'));
    const body = Uint8Array.of(0, 1, 0xff, 0xc3);
    await (await http1Client()(url, { method: 'POST', headers: { 'x-name': 'café' }, body })).text();
    const received = Buffer.from(seen.connections[0] as string, 'latin1');
    expect(received.includes(Buffer.from('x-name: café\r\n', 'latin1'))).toBe(true);
    expect(received.subarray(-4)).toEqual(Buffer.from(body));
  });

  it('decodes a gzip body, chunked, and reuses the connection', async () => {
    const zipped = gzipSync('unzipped text');
    const head = `HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n${zipped.length.toString(16)}\r\n`;
    const { url, seen } = await scripted(() => [Buffer.concat([Buffer.from(head, 'latin1'), zipped.subarray(0, 7)]), Buffer.concat([zipped.subarray(7), Buffer.from('\r\n0\r\n\r\n')])]);
    const client = http1Client();
    expect(await (await client(url, post)).text()).toBe('unzipped text');
    expect(await readAll(await client(url, post))).toBe('unzipped text');
    expect(seen.connections).toHaveLength(1);
  });

  it('stops reading when asked, drains the rest and reuses the connection; cancel closes it', async () => {
    // The rest of each body waits at a gate: read before `each` stops, the reply would be complete.
    const gates = [gate(), gate()];
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nfirst';
    const { url, seen } = await scripted((n) => {
      const g = gates[n];
      return g ? [head, g.wait, 'rest.'] : [head, 'rest.'];
    });
    const client = http1Client();
    const first = await client(url, post);
    let got = '';
    await first.each((chunk) => {
      got += Buffer.from(chunk).toString();
      return false;
    });
    expect(got).toBe('first');
    const drained = first.drain();
    gates[0]?.open();
    await drained;
    const second = await client(url, post);
    expect(seen.connections).toHaveLength(1);
    await second.each(() => false);
    const gone = closed(seen.sockets[0]);
    second.cancel();
    gates[1]?.open();
    await gone;
    expect(await (await client(url, post)).text()).toBe('firstrest.');
    expect(seen.connections).toHaveLength(2);
  });

  it('waits for a slow reader (backpressure) and keeps the order of the pieces', async () => {
    const pieces = Array.from({ length: 20 }, (_, i) => `piece ${i};`);
    const { url } = await scripted(() => [`HTTP/1.1 200 OK\r\nContent-Length: ${pieces.join('').length}\r\n\r\n`, ...pieces]);
    let text = '';
    await (await http1Client()(url, post)).each((chunk) => {
      text += Buffer.from(chunk).toString();
      return turn(); // a slow reader: the next piece waits for this promise
    });
    expect(text).toBe(pieces.join(''));
  });

  it('aborts: the server sees the connection close, and the caller an AbortError', async () => {
    const { url, seen } = await scripted(() => []);
    const listeners: Array<() => void> = [];
    const hook = { aborted: false, onAbort: (l: () => void) => (listeners.push(l), () => {}) };
    const pending = http1Client()(url, { ...post, abort: hook });
    await waitUntil(() => (seen.connections[0] ?? '').includes('{"a":1}'), () => 'the request to arrive');
    const gone = closed(seen.sockets[0]);
    hook.aborted = true;
    for (const l of listeners) l();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await gone;
    await expect(http1Client()(url, { ...post, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('fails with the connection error as the cause when nothing listens', async () => {
    const { url } = await scripted(() => ok('x'));
    await new Promise<void>((r) => (servers.pop() as Server).close(() => r()));
    await expect(http1Client()(url, post)).rejects.toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
  });

  describe('over TLS', () => {
    const fixtures = join(import.meta.dirname, '..', 'fixtures', 'tls');
    const cert = readFileSync(join(fixtures, 'tls-test-cert.pem'));
    const key = readFileSync(join(fixtures, 'tls-test-key.pem'));

    async function tlsServer(): Promise<{ port: number; connections: () => number }> {
      let count = 0;
      const server = createHttpsServer({ cert, key, keepAliveTimeout: 5000 }, (req, res) => {
        req.resume();
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(`secure ${req.headers.host}`);
        });
      });
      server.on('secureConnection', () => count++);
      server.on('connection', (socket: Socket) => sockets.add(socket));
      servers.push(server as unknown as Server);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return { port: (server.address() as AddressInfo).port, connections: () => count };
    }

    it('talks HTTPS to a trusted server, with SNI and keep-alive', async () => {
      const { port, connections } = await tlsServer();
      const client = http1Client({ ca: cert });
      expect(await (await client(`https://localhost:${port}/v1/x`, post)).text()).toBe(`secure localhost:${port}`);
      expect(await (await client(`https://localhost:${port}/v1/x`, post)).text()).toBe(`secure localhost:${port}`);
      expect(connections()).toBe(1);
    });

    it('refuses a certificate it does not trust', async () => {
      const { port } = await tlsServer();
      await expect(http1Client()(`https://localhost:${port}/v1/x`, post)).rejects.toMatchObject({ message: 'fetch failed', cause: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' } });
    });
  });
});

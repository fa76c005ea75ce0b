// The relay's HTTP/1.1 client for its upstream requests: keep-alive sockets (node:net, node:tls)
// and a small response parser. Why not node:http: its ClientRequest, Agent and IncomingMessage
// cost more CPU per request than all the relay's translation work together (profiled with
// bench/relay: ~50 µs of ~260 µs per translated stream; with this client the translating relay's
// JSON throughput went from ~73% to 81-96% of a bare node:http proxy's, depending on the run).
// The relay needs little of HTTP: one POST or GET with a known body, a status, headers and a body
// framed by Content-Length, chunked encoding or the connection's close.
//
// What it does, and what it refuses:
// - Request head and body go out in one write; header names must be tokens and values may not
//   hold CR, LF or NUL (no header injection through a client's headers).
// - 1xx interim replies are skipped; 204 and 304 have no body; Transfer-Encoding wins over
//   Content-Length (RFC 9112 §6.3); an invalid length, a bad chunk size or a head over 64 KiB is an
//   error; a body read to the connection's close is never followed by reuse.
// - gzip, deflate and br bodies are decoded (the relay asks for identity; some gateways ignore it).
// - Idle sockets are kept per origin (LIFO) for 4 s, or less when the server's `Keep-Alive: timeout`
//   says so, and dropped when the server closes them; `Connection: close` is honoured. Requests are
//   never retried: a POST to a gateway may cost money.
// - Redirects are returned, not followed.
// - Through an HTTP(S) proxy (proxy.ts decides which, per origin): https origins through a CONNECT
//   tunnel, http ones as absolute-form requests to the proxy; the proxy URL's credentials go in
//   Proxy-Authorization, and a refusal (407, 403…) fails the request with a PROXY_* code.
import { createRequire } from 'node:module';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import type { Transform } from 'node:stream';
import type { SecureContext } from 'node:tls';
import { proxyFor, type Proxy, type ProxySettings } from './proxy.js';
import type { AbortHook, HeaderBag, UpstreamClient, UpstreamInit, UpstreamReply } from './upstream-client.js';

export interface Http1Options {
  /** How long an idle socket is kept for reuse. Default 4 s, below the 5 s many servers use. */
  keepAliveMs?: number;
  /** Idle sockets kept per origin. Default 64. */
  maxIdlePerOrigin?: number;
  /** Certificate authorities to trust instead of Node's own (and NODE_EXTRA_CA_CERTS); for tests. */
  ca?: string | Buffer;
  /**
   * Certificate authorities to trust as well as Node's own (a company CA: `--ca-file`). An explicit
   * list replaces Node's default store, NODE_EXTRA_CA_CERTS included, so pass that file's text here
   * too (extraCaCertificates does).
   */
  extraCa?: ReadonlyArray<string | Buffer>;
  /** The proxies to go through (proxy.ts: from HTTPS_PROXY, HTTP_PROXY, NO_PROXY). Default: none. */
  proxy?: ProxySettings;
}

// node:tls and node:zlib are loaded on first use: a relay in front of an http gateway, or one that
// is never sent a compressed body, does without them (importing node:tls alone materialises Node's
// ~140 root certificates: about 2 MiB of a relay's idle memory, measured with bench/relay).
const builtin = createRequire(import.meta.url);
let tlsModule: typeof import('node:tls') | undefined;
const tls = (): typeof import('node:tls') => (tlsModule ??= builtin('node:tls') as typeof import('node:tls'));
let zlibModule: typeof import('node:zlib') | undefined;
const zlib = (): typeof import('node:zlib') => (zlibModule ??= builtin('node:zlib') as typeof import('node:zlib'));

const MAX_HEAD_BYTES = 64 * 1024;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[\r\n\0]/;
const NON_ASCII = /[^\x00-\x7f]/;
/** What is left of a read once it is all consumed (never written to). */
const NOTHING = Buffer.alloc(0);

class Headers1 implements HeaderBag {
  constructor(private readonly map: Map<string, string>) {}
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  forEach(callback: (value: string, name: string) => void): void {
    for (const [name, value] of this.map) callback(value, name);
  }
}

const NO_HEADERS = new Headers1(new Map());

function fetchFailed(cause: unknown): TypeError {
  return Object.assign(new TypeError('fetch failed'), { cause });
}

function abortError(): Error {
  return Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
}

/** Parsed URL parts a request needs, cached by URL string: the relay calls a handful of endpoints. */
interface Target {
  origin: string;
  secure: boolean;
  host: string;
  port: number;
  /** The Host header. */
  authority: string;
  /** The request target: the path, or the absolute URL for an http origin through a proxy. */
  path: string;
  /** Where the TCP connection goes: the origin, or the proxy for an http origin through one. */
  connectHost: string;
  connectPort: number;
  connectSecure: boolean;
  /** An https origin through a proxy: the tunnel's proxy. */
  tunnel?: Proxy;
  /** More request-head lines (Proxy-Authorization for an http origin through a proxy). */
  extraHead: string;
  /** Why no request can go there (an unusable proxy). */
  refusal?: Error;
}

type Framing = { kind: 'none' } | { kind: 'length'; left: number } | { kind: 'chunked' } | { kind: 'close' };

/**
 * One response, parsed from the socket's reads: the head, then the body handed on as it arrives.
 * Bytes after the response's end are ignored: the relay sends one request at a time per socket.
 */
class ResponseParser {
  private head: Buffer | undefined;
  status = 0;
  headers = new Map<string, string>();
  framing: Framing = { kind: 'none' };
  headDone = false;
  complete = false;
  /** An HTTP/1.0 reply: its connection is not reused. */
  http10 = false;
  /** Chunked-body state: bytes left in the current chunk, or where we are between chunks. */
  private chunkLeft = 0;
  private chunkState: 'size' | 'data' | 'data-end' | 'trailer' = 'size';
  private line = '';

  constructor(
    private readonly method: string,
    private readonly onHead: () => void,
    private readonly onData: (chunk: Buffer) => void,
    private readonly onEnd: () => void,
  ) {}

  /** Parses one read; throws on a malformed response. */
  feed(data: Buffer): void {
    let buf = data;
    while (buf.length > 0 && !this.complete) {
      if (!this.headDone) {
        buf = this.feedHead(buf);
        continue;
      }
      buf = this.feedBody(buf);
    }
  }

  /** The connection closed: the end of a close-framed body, or an error. */
  closed(): boolean {
    if (this.complete) return true;
    if (this.headDone && this.framing.kind === 'close') {
      this.finish();
      return true;
    }
    return false;
  }

  private feedHead(data: Buffer): Buffer {
    const buf = this.head ? Buffer.concat([this.head, data]) : data;
    const end = buf.indexOf('\r\n\r\n');
    if (end === -1) {
      if (buf.length > MAX_HEAD_BYTES) throw new Error('the upstream sent a response head over 64 KiB');
      this.head = buf;
      return NOTHING;
    }
    if (end > MAX_HEAD_BYTES) throw new Error('the upstream sent a response head over 64 KiB');
    this.head = undefined;
    const lines = buf.toString('latin1', 0, end).split('\r\n');
    const m = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
    if (!m) throw new Error(`the upstream did not answer in HTTP/1.1: ${JSON.stringify((lines[0] ?? '').slice(0, 40))}`);
    const status = Number(m[2]);
    const headers = new Map<string, string>();
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(':');
      const name = colon <= 0 ? '' : line.slice(0, colon).toLowerCase();
      if (!TOKEN.test(name)) throw new Error(`the upstream sent a malformed header line: ${JSON.stringify(line.slice(0, 40))}`);
      const value = line.slice(colon + 1).trim();
      const prev = headers.get(name);
      headers.set(name, prev === undefined ? value : `${prev}, ${value}`);
    }
    const rest = buf.subarray(end + 4);
    // An interim reply (100 Continue, 103 Early Hints): the real one follows.
    if (status >= 100 && status < 200 && status !== 101) return rest;
    this.status = status;
    this.headers = headers;
    this.http10 = m[1] === '0';
    this.framing = this.framingOf(status, headers);
    this.headDone = true;
    this.onHead();
    if (this.framing.kind === 'none') this.finish();
    return rest;
  }

  private framingOf(status: number, headers: Map<string, string>): Framing {
    if (this.method === 'HEAD' || status === 204 || status === 304 || status < 200) return { kind: 'none' };
    const te = headers.get('transfer-encoding');
    if (te !== undefined) {
      // Only chunked as the last coding frames a response; anything else runs to the close.
      return /(?:^|,)\s*chunked\s*$/i.test(te) ? { kind: 'chunked' } : { kind: 'close' };
    }
    const cl = headers.get('content-length');
    if (cl !== undefined) {
      const values = new Set(cl.split(',').map((v) => v.trim()));
      const only = values.size === 1 ? [...values][0] : undefined;
      if (only === undefined || !/^\d{1,15}$/.test(only)) throw new Error(`the upstream sent an invalid Content-Length: ${JSON.stringify(cl.slice(0, 40))}`);
      const left = Number(only);
      return left === 0 ? { kind: 'none' } : { kind: 'length', left };
    }
    return { kind: 'close' };
  }

  private feedBody(buf: Buffer): Buffer {
    const f = this.framing;
    if (f.kind === 'close') {
      this.onData(buf);
      return NOTHING;
    }
    if (f.kind === 'length') {
      const take = Math.min(f.left, buf.length);
      f.left -= take;
      this.onData(take === buf.length ? buf : buf.subarray(0, take));
      if (f.left === 0) this.finish();
      return buf.subarray(take);
    }
    if (f.kind === 'chunked') return this.feedChunked(buf);
    return NOTHING;
  }

  private feedChunked(buf: Buffer): Buffer {
    let at = 0;
    while (at < buf.length && !this.complete) {
      if (this.chunkState === 'data') {
        const take = Math.min(this.chunkLeft, buf.length - at);
        this.onData(buf.subarray(at, at + take));
        at += take;
        this.chunkLeft -= take;
        if (this.chunkLeft === 0) this.chunkState = 'data-end';
        continue;
      }
      // Size lines, the CRLF after each chunk and trailer lines: read up to a LF.
      const lf = buf.indexOf(10, at);
      if (lf === -1) {
        this.line += buf.toString('latin1', at);
        if (this.line.length > 8192) throw new Error('the upstream sent a malformed chunked body');
        return NOTHING;
      }
      const line = (this.line + buf.toString('latin1', at, lf)).replace(/\r$/, '');
      this.line = '';
      at = lf + 1;
      if (this.chunkState === 'data-end') {
        if (line !== '') throw new Error('the upstream sent a malformed chunked body');
        this.chunkState = 'size';
      } else if (this.chunkState === 'size') {
        const hex = line.split(';', 1)[0]?.trim() ?? '';
        if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new Error(`the upstream sent a malformed chunk size: ${JSON.stringify(line.slice(0, 20))}`);
        const size = parseInt(hex, 16);
        if (size === 0) this.chunkState = 'trailer';
        else {
          this.chunkLeft = size;
          this.chunkState = 'data';
        }
      } else if (line === '') {
        this.finish(); // the blank line after the trailers
      }
    }
    return buf.subarray(at);
  }

  private finish(): void {
    if (this.complete) return;
    this.complete = true;
    this.onEnd();
  }
}

function decoderFor(encoding: string | undefined): Transform | undefined {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib().createGunzip();
    case 'deflate':
      return zlib().createInflate();
    case 'br':
      return zlib().createBrotliDecompress();
    default:
      return undefined;
  }
}

/** Idle keep-alive sockets of one origin, newest last. */
interface IdleSocket {
  socket: Socket;
  until: number;
}

export function http1Client(options: Http1Options = {}): UpstreamClient {
  const keepAliveMs = options.keepAliveMs ?? 4000;
  const maxIdle = options.maxIdlePerOrigin ?? 64;
  const pools = new Map<string, IdleSocket[]>();
  const targets = new Map<string, Target>();
  let sweeper: NodeJS.Timeout | undefined;

  const targetOf = (url: string): Target => {
    let t = targets.get(url);
    if (t) return t;
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw fetchFailed(new Error(`unsupported protocol ${u.protocol}`));
    const secure = u.protocol === 'https:';
    const port = Number(u.port || (secure ? 443 : 80));
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const path = (u.pathname || '/') + u.search;
    t = { origin: `${u.protocol}//${u.host}`, secure, host, port, authority: u.host, path, connectHost: host, connectPort: port, connectSecure: secure, extraHead: '' };
    const route = options.proxy ? proxyFor(options.proxy, u) : undefined;
    if (route?.via === 'proxy') {
      const proxy = route.proxy;
      if (proxy.unusable) t.refusal = proxyError('PROXY_UNSUPPORTED', proxy.unusable);
      else if (secure) t.tunnel = proxy;
      else {
        t.path = `http://${u.host}${path}`;
        t.connectHost = proxy.host;
        t.connectPort = proxy.port;
        t.connectSecure = proxy.secure;
        if (proxy.authorization) t.extraHead = `proxy-authorization: ${proxy.authorization}\r\n`;
      }
    }
    if (targets.size > 256) targets.clear();
    targets.set(url, t);
    return t;
  };

  /** Drops idle sockets past their time; runs while any are kept. */
  const sweep = () => {
    const now = Date.now();
    let kept = 0;
    for (const [origin, idle] of pools) {
      for (let i = idle.length - 1; i >= 0; i--) {
        const entry = idle[i] as IdleSocket;
        if (entry.until <= now) {
          idle.splice(i, 1);
          entry.socket.destroy();
        }
      }
      if (idle.length === 0) pools.delete(origin);
      kept += idle.length;
    }
    if (kept === 0 && sweeper) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };

  const release = (t: Target, socket: Socket, ms: number) => {
    if (socket.destroyed || ms <= 0) {
      socket.destroy();
      return;
    }
    let idle = pools.get(t.origin);
    if (!idle) pools.set(t.origin, (idle = []));
    if (idle.length >= maxIdle) idle.shift()?.socket.destroy();
    idle.push({ socket, until: Date.now() + ms });
    if (!sweeper) {
      sweeper = setInterval(sweep, Math.max(250, Math.min(keepAliveMs, 1000)));
      sweeper.unref();
    }
  };

  // One TLS context for every connection, made once: building one per connection from a long CA
  // list costs milliseconds.
  let context: SecureContext | undefined;
  const trust = (): { secureContext?: SecureContext } => {
    if (!options.ca && !options.extraCa?.length) return {};
    context ??= tls().createSecureContext({ ca: options.ca ?? [...tls().rootCertificates, ...(options.extraCa ?? [])] });
    return { secureContext: context };
  };
  const open = (host: string, port: number, secure: boolean): Socket => {
    const socket = secure
      ? tls().connect({ host, port, servername: isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'], ...trust() })
      : netConnect({ host, port });
    socket.setNoDelay(true);
    return socket;
  };

  /** An idle socket to reuse for this origin, if one is left. */
  const reuse = (t: Target): Socket | undefined => {
    const idle = pools.get(t.origin);
    const now = Date.now();
    while (idle && idle.length > 0) {
      const entry = idle.pop() as IdleSocket;
      if (entry.until > now && !entry.socket.destroyed && entry.socket.readable && entry.socket.writable) return entry.socket;
      entry.socket.destroy();
    }
    return undefined;
  };

  const acquire = (t: Target): Socket => reuse(t) ?? track(t, open(t.connectHost, t.connectPort, t.connectSecure));

  /** A TLS connection to an https origin through a CONNECT tunnel of `proxy`. */
  const tunnel = (t: Target, proxy: Proxy, hook: AbortHook | undefined, signal: AbortSignal | undefined): Promise<Socket> =>
    new Promise<Socket>((resolve, reject) => {
      const raw = open(proxy.host, proxy.port, proxy.secure);
      const target = `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
      let head: Buffer = NOTHING;
      let offAbort: (() => void) | undefined;
      const finish = (error?: Error) => {
        raw.off('data', onData);
        raw.off('error', finish);
        raw.off('close', onClose);
        offAbort?.();
        if (error) {
          raw.destroy();
          reject(error);
        }
      };
      const onClose = () => finish(proxyError('PROXY_CONNECT_FAILED', `the proxy ${proxy.display} closed the connection before answering CONNECT ${target}`));
      const onData = (data: Buffer) => {
        head = head.length ? Buffer.concat([head, data]) : data;
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) {
          if (head.length > MAX_HEAD_BYTES) finish(proxyError('PROXY_CONNECT_FAILED', `the proxy ${proxy.display} sent a response head over 64 KiB`));
          return;
        }
        const status = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(head.toString('latin1', 0, head.indexOf('\r\n')));
        const code = Number(status?.[1] ?? 0);
        if (code < 200 || code > 299 || end + 4 !== head.length) {
          const said = status ? `${code}${status[2] ? ` ${status[2]}` : ''}` : JSON.stringify(head.toString('latin1', 0, Math.min(40, end)));
          finish(
            code === 407
              ? proxyError('PROXY_AUTH_REQUIRED', `the proxy ${proxy.display} ${proxy.authorization ? 'refused the credentials in its URL' : 'asks for credentials (put them in the proxy URL: http://user:password@host:port)'} (${said})`)
              : proxyError('PROXY_CONNECT_FAILED', `the proxy ${proxy.display} answered CONNECT ${target} with ${said}`),
          );
          return;
        }
        finish();
        raw.setNoDelay(true);
        const socket = tls().connect({ socket: raw, servername: isIP(t.host) ? undefined : t.host, ALPNProtocols: ['http/1.1'], ...trust() });
        // The tunnel's own failures (an https proxy's TLS) end the connection inside it.
        raw.on('error', (error) => socket.destroy(error));
        raw.once('close', () => socket.destroy());
        resolve(track(t, socket));
      };
      raw.on('data', onData);
      raw.once('error', finish);
      raw.once('close', onClose);
      const abort = () => finish(abortError());
      if (hook) offAbort = hook.onAbort(abort);
      else if (signal) {
        signal.addEventListener('abort', abort, { once: true });
        offAbort = () => signal.removeEventListener('abort', abort);
      }
      raw.write(`CONNECT ${target} HTTP/1.1\r\nhost: ${target}\r\n${proxy.authorization ? `proxy-authorization: ${proxy.authorization}\r\n` : ''}\r\n`, 'latin1');
    });

  /** Listeners every pooled socket has: it leaves the pool when its server closes it. */
  const track = (t: Target, socket: Socket): Socket => {
    // While idle, a socket may hear of its server closing it: drop it from the pool then.
    const forget = () => {
      const list = pools.get(t.origin);
      const i = list ? list.findIndex((e) => e.socket === socket) : -1;
      if (i !== -1) list?.splice(i, 1);
    };
    socket.on('close', forget);
    socket.on('end', () => {
      forget();
      socket.destroy();
    });
    // Errors reach the request in flight through its own listener; an idle socket just goes.
    socket.on('error', forget);
    return socket;
  };

  const requestHead = (t: Target, init: UpstreamInit, length: number | undefined): string => {
    let head = `${init.method} ${t.path} HTTP/1.1\r\nhost: ${t.authority}\r\n${t.extraHead}`;
    for (const name in init.headers) {
      const value = String(init.headers[name]);
      const lower = name.toLowerCase();
      if (lower === 'host' || lower === 'content-length' || lower === 'connection' || lower === 'transfer-encoding' || lower === 'proxy-authorization') continue;
      if (!TOKEN.test(name) || BAD_VALUE.test(value)) throw fetchFailed(new Error(`invalid request header ${JSON.stringify(name)}`));
      head += `${name}: ${value}\r\n`;
    }
    if (length !== undefined) head += `content-length: ${length}\r\n`;
    return `${head}\r\n`;
  };

  const send = (url: string, init: UpstreamInit, tunnelled?: Socket) =>
    new Promise<UpstreamReply>((resolve, reject) => {
      const hook = init.abort;
      const signal = init.signal;
      if (hook?.aborted || signal?.aborted) {
        reject(abortError());
        return;
      }
      let t: Target;
      let head: string;
      const raw = init.body;
      try {
        t = targetOf(url);
        head = requestHead(t, init, raw === undefined ? (init.method === 'GET' || init.method === 'HEAD' ? undefined : 0) : typeof raw === 'string' ? Buffer.byteLength(raw) : raw.byteLength);
      } catch (error) {
        reject(error);
        return;
      }
      const socket = tunnelled ?? acquire(t);

      // Body delivery: buffered until the reply's reader attaches, then handed on as it arrives.
      let pending: Buffer[] = [];
      let ended = false;
      let failure: Error | undefined;
      let onChunk: ((chunk: Buffer) => void) | undefined;
      let onDone: ((error?: Error) => void) | undefined;
      let settled = false;
      let reusable = true;
      let keepMs = keepAliveMs;
      let decoder: Transform | undefined;

      const deliver = (chunk: Buffer) => {
        if (onChunk) onChunk(chunk);
        else pending.push(chunk);
      };
      const bodyEnded = (error?: Error) => {
        if (ended) return;
        ended = true;
        failure = error;
        onDone?.(error);
      };

      const parser = new ResponseParser(
        init.method,
        () => {
          const connection = (parser.headers.get('connection') ?? '').toLowerCase();
          if (/(?:^|,)\s*close\s*(?:,|$)/.test(connection)) reusable = false;
          const ka = /(?:^|,)\s*timeout=(\d+)/i.exec(parser.headers.get('keep-alive') ?? '');
          if (ka) keepMs = Math.min(keepAliveMs, Number(ka[1]) * 1000 - 500);
          if (parser.framing.kind === 'close' || parser.http10) reusable = false;
          reply.status = parser.status;
          reply.headers = new Headers1(parser.headers);
          decoder = decoderFor(parser.headers.get('content-encoding'));
          if (decoder) {
            decoder.on('data', deliver);
            decoder.once('end', () => bodyEnded());
            decoder.once('error', (error: Error) => {
              bodyEnded(error);
              cleanup(true);
            });
          }
          settled = true;
          resolve(reply);
        },
        (chunk) => {
          if (decoder) decoder.write(chunk);
          else deliver(chunk);
        },
        () => {
          // The whole response is in: the socket is free before the reader is done.
          cleanup(!reusable);
          if (decoder) decoder.end();
          else bodyEnded();
        },
      );

      let done = false;
      const cleanup = (destroy: boolean) => {
        if (done) return;
        done = true;
        socket.off('data', onData);
        socket.off('error', onError);
        socket.off('close', onClose);
        offAbort?.();
        if (destroy) socket.destroy();
        else release(t, socket, keepMs);
      };
      const fail = (error: Error) => {
        cleanup(true);
        if (!settled) {
          settled = true;
          reject(error.name === 'AbortError' ? error : fetchFailed(error));
        } else bodyEnded(error);
      };
      const onData = (data: Buffer) => {
        try {
          parser.feed(data);
        } catch (error) {
          fail(error as Error);
        }
      };
      const onError = (error: Error) => fail(error);
      const onClose = () => {
        if (parser.closed()) {
          cleanup(true);
          return;
        }
        fail(new Error(parser.headDone ? 'the upstream closed the connection mid-body' : 'the upstream closed the connection before answering'));
      };
      const abort = () => fail(abortError());
      let offAbort: (() => void) | undefined;
      if (hook) offAbort = hook.onAbort(abort);
      else if (signal) {
        signal.addEventListener('abort', abort, { once: true });
        offAbort = () => signal.removeEventListener('abort', abort);
      }
      socket.on('data', onData);
      socket.on('error', onError);
      socket.on('close', onClose);
      if (socket.isPaused()) socket.resume();

      // Plain fields, set once the head is in (before the reply is handed over). Not getters:
      // measured, with getters in this literal every request's objects outlived the young
      // generation's collections and the relay's scavenges took 5 to 10 times longer (V8 gives
      // such an object its own map, kept in old space, which holds the getters' closures and
      // through them the whole request).
      const reply: UpstreamReply = {
        status: 0,
        headers: NO_HEADERS,
        each: (fn) =>
          new Promise<void>((res, rej) => {
            let stopped = false;
            onDone = (error) => (error ? rej(error) : res());
            onChunk = (chunk) => {
              if (stopped) return;
              const r = fn(chunk);
              if (r === false) {
                stopped = true;
                onChunk = () => {};
                onDone = undefined;
                res();
              } else if (r) {
                socket.pause();
                decoder?.pause();
                r.then(
                  () => {
                    socket.resume();
                    decoder?.resume();
                  },
                  (error: Error) => {
                    stopped = true;
                    rej(error);
                  },
                );
              }
            };
            const early = pending;
            pending = [];
            for (const chunk of early) onChunk(chunk);
            if (ended && !stopped) onDone(failure);
          }),
        bytes: () =>
          new Promise<Uint8Array>((res, rej) => {
            const parts = pending;
            pending = [];
            onChunk = (chunk) => parts.push(chunk);
            onDone = (error) => (error ? rej(error) : res(parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts)));
            if (ended) onDone(failure);
          }),
        text: async () => Buffer.from(await reply.bytes()).toString('utf8'),
        cancel: () => {
          if (!parser.complete) fail(abortError());
        },
        drain: (ms = 2000) => {
          onChunk = () => {};
          pending = [];
          if (parser.complete || ended) return Promise.resolve();
          return new Promise<void>((res) => {
            const timer = setTimeout(() => {
              cleanup(true);
              res();
            }, ms);
            timer.unref();
            onDone = () => {
              clearTimeout(timer);
              res();
            };
            socket.resume();
          });
        },
      };

      // One write: head and body as one string when the head is ASCII (it nearly always is),
      // else corked, the head in latin1 as HTTP has it.
      socket.cork();
      if (typeof raw === 'string' && !NON_ASCII.test(head)) socket.write(head + raw, 'utf8');
      else {
        socket.write(head, 'latin1');
        if (raw !== undefined) socket.write(typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw);
      }
      socket.uncork();
    });

  return (url, init) => {
    let t: Target;
    try {
      t = targetOf(url);
    } catch (error) {
      return Promise.reject(error);
    }
    if (t.refusal) return Promise.reject(fetchFailed(t.refusal));
    if (!t.tunnel) return send(url, init);
    if (init.abort?.aborted || init.signal?.aborted) return Promise.reject(abortError());
    const idle = reuse(t);
    if (idle) return send(url, init, idle);
    return tunnel(t, t.tunnel, init.abort, init.signal).then(
      (socket) => send(url, init, socket),
      (error: Error) => Promise.reject(error.name === 'AbortError' ? error : fetchFailed(error)),
    );
  };
}

function proxyError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

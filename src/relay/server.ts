// The node:http shell around the relay: loopback only by default, refuses foreign Host headers
// (DNS rebinding) and browser origins (no CORS is ever granted), caps bodies, and aborts the
// upstream request when the client goes away.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type ClientProtocol } from './errors.js';
import { Relay, type RelayOptions } from './handler.js';
import { isLoopbackHost } from './net.js';
import { type RelaySink, sendError } from './replies.js';
import { SlotSet } from './slot-set.js';

import { DEFAULT_RELAY_HOST, DEFAULT_RELAY_PORT } from './defaults.js';

export { DEFAULT_RELAY_HOST, DEFAULT_RELAY_PORT };

export interface StartRelayOptions extends RelayOptions {
  /** Default 127.0.0.1. Anything but a loopback address exposes the gateway key's power to the network. */
  host?: string;
  /** Default 4850; 0 picks a free port. */
  port?: number;
  /** Host names accepted besides loopback names (e.g. the machine's name when `host` is not loopback). */
  allowedHosts?: readonly string[];
}

export interface RunningRelay {
  /** `http://127.0.0.1:PORT`: clients append `/v1/...` (OpenAI clients use `${url}/v1`). */
  url: string;
  host: string;
  port: number;
  relay: Relay;
  server: Server;
  /** Stops accepting, aborts the requests in flight, closes every connection. */
  close(): Promise<void>;
}

/** The host part of a Host header (`[::1]:8080` -> `::1`). */
function hostnameOf(hostHeader: string): string {
  const v = hostHeader.trim();
  if (v.startsWith('[')) {
    const end = v.indexOf(']');
    return end === -1 ? v : v.slice(1, end);
  }
  const colon = v.lastIndexOf(':');
  return colon === -1 ? v : v.slice(0, colon);
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / 1024 / 1024} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/** A ServerResponse as the handler's sink; `abort()` tells it the client went away. */
class ResponseSink implements RelaySink {
  private gone = false;
  private corked = false;
  private listeners: Array<() => void> | undefined;

  constructor(private readonly res: ServerResponse) {}

  get aborted(): boolean {
    return this.gone;
  }

  onAbort(listener: () => void): () => void {
    if (this.gone) {
      listener();
      return () => {};
    }
    (this.listeners ??= []).push(listener);
    return () => {
      const i = this.listeners?.indexOf(listener) ?? -1;
      if (i !== -1) this.listeners?.splice(i, 1);
    };
  }

  abort(): void {
    if (this.gone) return;
    this.gone = true;
    const all = this.listeners ?? [];
    this.listeners = undefined;
    for (const l of all) l();
  }

  head(status: number, headers: Record<string, string>): void {
    if (!this.res.headersSent) this.res.writeHead(status, headers);
  }

  write(data: string | Uint8Array): Promise<void> | undefined {
    const res = this.res;
    if (res.destroyed || res.writableEnded) return undefined;
    this.corkUntilIdle();
    if (res.write(data)) return undefined;
    return new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }

  /**
   * Holds this loop iteration's writes in the socket and sends them in one syscall once the
   * iteration's I/O callbacks are done. Node corks only until the next tick, so a stream's last
   * frames and its end (which arrive in the same read but reach us a few ticks apart, through the
   * upstream's 'end' event and a promise) went out as two writes: a third of the relay's syscalls
   * per streamed request, where a bare proxy makes two. `end()` uncorks fully, so a reply that ends
   * in this iteration leaves in the write that ends it.
   */
  private corkUntilIdle(): void {
    const socket = this.res.socket;
    if (this.corked || !socket || socket.writableCorked) return;
    this.corked = true;
    socket.cork();
    setImmediate(() => {
      this.corked = false;
      // After end() (or once the socket serves another reply) the cork is no longer ours.
      if (!this.res.writableEnded && this.res.socket === socket && socket.writableCorked) socket.uncork();
    });
  }

  end(data?: string | Uint8Array): void {
    const res = this.res;
    if (res.writableEnded) return;
    if (!res.headersSent) res.writeHead(200);
    if (data === undefined) res.end();
    else if (typeof data === 'string') res.end(data);
    // As a latin1 string (one character per byte), Node sends headers and body in one write.
    else res.end(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1'), 'latin1');
  }
}

/** Creates the request listener (for tests and for embedding in another server). */
export function relayListener(relay: Relay, opts: { allowedHosts?: readonly string[]; active?: SlotSet<() => void> } = {}) {
  const allowed = new Set((opts.allowedHosts ?? []).map((h) => h.toLowerCase()));
  return (req: IncomingMessage, res: ServerResponse): void => {
    const sink = new ResponseSink(res);
    const abort = () => sink.abort();
    const slot = opts.active?.add(abort);
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    const client: ClientProtocol = relay.clientProtocolFor(path, req.headers);
    // The client went away before the reply was complete: stop the upstream too.
    res.on('close', () => {
      if (slot !== undefined) opts.active?.delete(slot, abort);
      if (!res.writableFinished) sink.abort();
    });

    const host = req.headers.host ?? '';
    const hostname = hostnameOf(host).toLowerCase();
    if (!isLoopbackHost(hostname) && !allowed.has(hostname)) {
      req.resume();
      sendError(sink, client, 403, { message: `The relay only answers requests addressed to a loopback name (localhost, 127.0.0.1, [::1]); this one was for "${host}".` });
      return;
    }
    if (req.headers.origin !== undefined) {
      req.resume();
      sendError(sink, client, 403, { message: 'The relay does not answer browser (cross-origin) requests.' });
      return;
    }

    const limit = relay.maxBodyBytes;
    const declared = Number(req.headers['content-length'] ?? 0);
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
      else if (size > limit + 64 * 1024 * 1024) req.destroy(); // reading on would only serve a flood
    });
    req.on('error', abort);
    req.on('end', () => {
      if (tooLarge) {
        sendError(sink, client, 413, { message: `The request body is larger than ${formatBytes(limit)}, the most the relay accepts.` }, { connection: 'close' });
        return;
      }
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      void relay.handle({ method: req.method ?? 'GET', url, headers: req.headers, body }, sink);
    });
  };
}

/** Starts the relay on loopback (by default) and resolves once it listens. */
export async function startRelay(options: StartRelayOptions): Promise<RunningRelay> {
  const relay = new Relay(options);
  const host = options.host ?? DEFAULT_RELAY_HOST;
  // Requests in flight and open connections: slot sets, not Sets (slot-set.ts says why).
  const active = new SlotSet<() => void>();
  const allowedHosts = [...(options.allowedHosts ?? [])];
  if (!isLoopbackHost(host) && host !== '0.0.0.0' && host !== '::') allowedHosts.push(host);
  const server = createServer({ keepAliveTimeout: 65_000, headersTimeout: 60_000, requestTimeout: 0 }, relayListener(relay, { allowedHosts, active }));
  const sockets = new SlotSet<Socket>();
  server.on('connection', (s: Socket) => {
    const slot = sockets.add(s);
    s.on('close', () => sockets.delete(slot, s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_RELAY_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}`,
    host: address.address,
    port: address.port,
    relay,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        active.forEach((abort) => abort());
        server.close(() => resolve());
        server.closeIdleConnections();
        // Give aborted streams a moment to end their responses, then cut what is left.
        setTimeout(() => {
          sockets.forEach((s) => s.destroy());
        }, 200).unref();
      }),
  };
}

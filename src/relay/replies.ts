// Writing replies into a sink: whole JSON bodies (one write with their length), errors in the
// client's shape, and the two kinds of streams: a pass-through piped byte for byte, and a
// translated one parsed and re-encoded. Both ping the client while the gateway is silent, from
// the relay's one PingClock.
import type { Adapter } from './adapters/index.js';
import { type ClientProtocol, type ErrorInfo, errorBody } from './errors.js';
import { passthroughHeaders, translatedHeaders } from './headers.js';
import { describeFetchError } from './net.js';
import type { PingClock } from './ping-clock.js';
import { SseParser } from './sse.js';
import type { StreamTranslator } from './streams.js';
import type { AbortHook, UpstreamReply } from './upstream-client.js';

/** Where the reply goes. `write` returns a promise only when the client is slow to read. */
export interface RelaySink extends AbortHook {
  head(status: number, headers: Record<string, string>): void;
  write(data: string | Uint8Array): Promise<void> | undefined;
  end(data?: string | Uint8Array): void;
  /** Whether the client went away; `onAbort` hears of it (the upstream request is then aborted). */
  readonly aborted: boolean;
  onAbort(listener: () => void): () => void;
}

/** A JSON body in one write, with its length. */
export function sendJson(sink: RelaySink, status: number, payload: string, extra: Record<string, string> = {}): void {
  sink.head(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), ...extra });
  sink.end(payload);
}

/** An error in the shape of the client's protocol family. */
export function sendError(sink: RelaySink, client: ClientProtocol, status: number, info: ErrorInfo, extra: Record<string, string> = {}): void {
  sendJson(sink, status, JSON.stringify(errorBody(client, status, info)), extra);
}

// Header objects are written as literals, not spread from a constant: measured, spreading a shared
// object into each reply's headers made V8 keep per-request objects past young collections.
const SSE_TYPE = 'text/event-stream; charset=utf-8';

/** Announces the request fields a translated route dropped by a documented rule (fields.ts), comma-separated. */
export const DROPPED_HEADER = 'x-setup-gateway-dropped';

/** A translated stream written at once (the gateway answered JSON to a streaming request). */
export function sendStream(sink: RelaySink, response: UpstreamReply, frames: string, contentType = SSE_TYPE, dropped = ''): void {
  const headers: Record<string, string> = { 'content-type': contentType, 'cache-control': 'no-cache', ...translatedHeaders(response.headers) };
  if (dropped !== '') headers[DROPPED_HEADER] = dropped;
  sink.head(200, headers);
  sink.end(frames);
}

/** Streams a translated reply: parse, translate, write; pings while the upstream is silent. */
export async function translateStream(sink: RelaySink, response: UpstreamReply, t: StreamTranslator, pings: PingClock | undefined, contentType = SSE_TYPE, dropped = ''): Promise<void> {
  const headers: Record<string, string> = { 'content-type': contentType, 'cache-control': 'no-cache', 'x-accel-buffering': 'no', ...translatedHeaders(response.headers) };
  if (dropped !== '') headers[DROPPED_HEADER] = dropped;
  sink.head(200, headers);
  const parser = new SseParser();
  const watch = pings?.watch(() => {
    if (!sink.aborted) void sink.write(t.ping);
  });
  // Once the translator is done, reading stops without destroying the upstream connection:
  // keep-alive reuses it once the rest of the body (usually just its end) is drained.
  try {
    await response.each((value) => {
      watch?.heard();
      let out = '';
      for (const e of parser.push(value)) out += t.event(e);
      const w = out ? sink.write(out) : undefined;
      // Finished: stop reading (the rest, usually just the end, is drained below).
      if (t.finished) return false;
      return w;
    });
    if (!t.finished) {
      let out = '';
      for (const e of parser.end()) out += t.event(e);
      out += t.end();
      if (out) await sink.write(out);
    }
  } catch (error) {
    if (!sink.aborted) {
      const out = t.fail({ message: `the upstream stream failed: ${describeFetchError(error)}` });
      if (out) await sink.write(out);
    }
  } finally {
    if (watch) pings?.unwatch(watch);
    sink.end();
    if (t.finished && !sink.aborted) void response.drain();
    else response.cancel();
  }
}

/** A pass-through reply: a stream byte for byte, or a JSON body in one write. */
export async function passReply(sink: RelaySink, response: UpstreamReply, adapter: Adapter, pings: PingClock | undefined): Promise<void> {
  if ((response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    await pipe(sink, response, adapter, pings);
    return;
  }
  // A JSON reply is small: one write with its length beats a chunked stream.
  const bytes = await response.bytes();
  const headers = passthroughHeaders(response.headers);
  headers['content-length'] = String(bytes.byteLength);
  sink.head(response.status, headers);
  sink.end(bytes);
}

/** Streams a pass-through reply byte for byte; pings (between frames only) while the upstream is silent. */
async function pipe(sink: RelaySink, response: UpstreamReply, adapter: Adapter, pings: PingClock | undefined): Promise<void> {
  const headers = passthroughHeaders(response.headers);
  headers['x-accel-buffering'] = 'no';
  sink.head(response.status, headers);
  // The last bytes written, to tell whether a ping would land between two frames.
  let tail = '\n\n';
  const atBoundary = () => tail.endsWith('\n\n') || tail.endsWith('\r\r');
  const watch = pings?.watch(() => {
    if (!sink.aborted && atBoundary()) void sink.write(adapter.ping);
  });
  try {
    await response.each((value) => {
      watch?.heard();
      if (value.length > 0) {
        let last = '';
        for (let i = Math.max(0, value.length - 4); i < value.length; i++) last += String.fromCharCode(value[i] as number);
        tail = (tail + last).slice(-4);
      }
      return sink.write(value);
    });
  } catch (error) {
    if (!sink.aborted) {
      const frame = adapter.streamError(502, { message: `the upstream stream failed: ${describeFetchError(error)}` });
      await sink.write((atBoundary() ? '' : '\n\n') + frame);
    }
  } finally {
    if (watch) pings?.unwatch(watch);
    response.cancel();
    sink.end();
  }
}

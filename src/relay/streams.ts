// Stream translation as text in, text out: parsed upstream SSE events go through a decoder (chat
// chunks as they are, or another protocol's events turned into chat chunks) into a client encoder
// (chat chunks turned into the client's frames). Chat is the pivot, so every pair of protocols is
// a decoder from the gateway's adapter plus an encoder from the client's (see adapters/).
import type { ErrorInfo } from './errors.js';
import type { SseEvent } from './sse.js';
import type { OChunk } from './types.js';
import { isRecord } from './util.js';

/** What the client receives: text frames from chat chunks. */
export interface ChatConsumer {
  chunk(chunk: OChunk): string;
  /**
   * The short way for most of a stream's frames: a chunk whose only content is this piece of
   * text on choice 0 (no role change, finish, usage or tool call). Returns exactly what `chunk`
   * would for it, or undefined when this encoder cannot tell that without the chunk (the caller
   * then builds the chunk and calls `chunk`). Optional: encoders without it always get `chunk`.
   * `verbatim`: JSON.stringify would write the text as itself in quotes (nothing to escape).
   */
  text?(text: string, verbatim: boolean): string | undefined;
  done(): string;
  error(info: ErrorInfo, status: number): string;
  readonly finished: boolean;
  /** A keep-alive frame in the client's format. */
  readonly ping: string;
}

/** What the relay feeds: the upstream's parsed SSE events. */
export interface StreamTranslator {
  event(e: SseEvent): string;
  /** The upstream body ended. */
  end(): string;
  /** The upstream failed mid-stream (connection lost, bad frame). */
  fail(info: ErrorInfo): string;
  readonly finished: boolean;
  readonly ping: string;
}

/** An error object a gateway put in a chat chunk or an SSE `error` event. */
export function errorInfoOf(value: unknown): ErrorInfo {
  if (isRecord(value)) {
    const err = isRecord(value.error) ? value.error : value;
    const info: ErrorInfo = { message: typeof err.message === 'string' ? err.message : JSON.stringify(err) };
    if (typeof err.type === 'string') info.type = err.type;
    if (typeof err.code === 'string' || typeof err.code === 'number') info.code = err.code;
    return info;
  }
  return { message: typeof value === 'string' ? value : 'upstream error' };
}

// Server-sent events, both ways. The parser takes bytes exactly as the network hands them over:
// a line or a multi-byte character may be split across reads, lines may end in CRLF, CR or LF,
// `data:` may lack its space, and `:` lines are comments. Events follow the WHATWG rules
// (several `data:` lines joined by "\n", an event without data is not dispatched), except that a
// final event missing its blank line is still delivered at the end of the stream: gateways that
// close right after their last `data:` line would otherwise lose it (often the usage).

export interface SseEvent {
  /** The `event:` field; undefined when the frame had none. */
  event: string | undefined;
  data: string;
  id?: string;
}

export class SseParser {
  /** Made when first needed: around a character split across reads. The BOM is handled below, for both decoders. */
  private decoder: InstanceType<typeof TextDecoder> | undefined;
  /** The decoder may hold the first bytes of a character split across reads. */
  private decoderBusy = false;
  /** No text yet: a byte order mark starting the stream is dropped, as the SSE rules ask. */
  private atStart = true;
  private buffer = '';
  /** The previous chunk ended in "\r": a "\n" starting the next one belongs to the same line end. */
  private pendingCr = false;
  private event: string | undefined;
  /** The event's data: its one `data:` line (nearly every event has one), or undefined before any. */
  private data: string | undefined;
  /** Its `data:` lines when there are several. */
  private dataLines: string[] | undefined;
  private id: string | undefined;

  /** Feeds one network read; returns the events it completed. */
  push(chunk: Uint8Array | string): SseEvent[] {
    let text = typeof chunk === 'string' ? chunk : this.decode(chunk);
    if (this.pendingCr && text.length > 0) {
      this.pendingCr = false;
      if (text.startsWith('\n')) text = text.slice(1);
    }
    this.buffer += text;
    return this.drain(false);
  }

  /** The stream ended: flushes a trailing partial line and a final unterminated event. */
  end(): SseEvent[] {
    this.buffer += this.decoderBusy && this.decoder ? this.decoder.decode() : '';
    const out = this.drain(true);
    if (this.buffer.length > 0) {
      this.line(this.buffer, 0, this.buffer.length, out);
      this.buffer = '';
    }
    this.dispatch(out);
    return out;
  }

  /**
   * Bytes to text. A read that ends in an ASCII byte (nearly all do: frames end in a blank line)
   * holds no partial character, so Buffer's native decoder serves it, at a fraction of
   * TextDecoder's per-call cost; the streaming TextDecoder takes over around a split character.
   */
  private decode(chunk: Uint8Array): string {
    const endsWhole = chunk.length > 0 && (chunk[chunk.length - 1] as number) < 0x80;
    let text: string;
    if (!this.decoderBusy && endsWhole) text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
    else {
      text = (this.decoder ??= new TextDecoder('utf-8', { ignoreBOM: true })).decode(chunk, { stream: true });
      this.decoderBusy = !endsWhole;
    }
    if (this.atStart && text.length > 0) {
      this.atStart = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  }

  private drain(final: boolean): SseEvent[] {
    const out: SseEvent[] = [];
    const buf = this.buffer;
    let start = 0;
    // Where the next CR is, found once rather than per line: streams rarely carry any, and a
    // search per line would scan the rest of the read every time.
    let cr = buf.indexOf('\r');
    for (;;) {
      const lf = buf.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = buf.indexOf('\r', start);
      let end: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        end = cr;
        if (cr + 1 < buf.length) next = buf[cr + 1] === '\n' ? cr + 2 : cr + 1;
        else if (final) next = cr + 1;
        else {
          // A lone "\r" at the end of this read: the line is complete, the "\n" may follow.
          next = cr + 1;
          this.pendingCr = true;
        }
      } else if (lf !== -1) {
        end = lf;
        next = lf + 1;
      } else break;
      this.line(buf, start, end, out);
      start = next;
    }
    this.buffer = start === 0 ? buf : buf.slice(start);
    return out;
  }

  /** The line `buf[start, end)`. A `data:` line, most of a stream, is read in place: one slice, its value. */
  private line(buf: string, start: number, end: number, out: SseEvent[]): void {
    if (start === end) {
      this.dispatch(out);
      return;
    }
    const first = buf.charCodeAt(start);
    if (first === 58 /* ':' */) return; // comment
    if (first === 100 /* d */ && end - start >= 5 && buf.charCodeAt(start + 4) === 58 && buf.charCodeAt(start + 1) === 97 && buf.charCodeAt(start + 2) === 116 && buf.charCodeAt(start + 3) === 97) {
      let from = start + 5;
      if (from < end && buf.charCodeAt(from) === 32 /* ' ' */) from++;
      this.addData(buf.slice(from, end));
      return;
    }
    const line = buf.slice(start, end);
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32 /* ' ' */) value = value.slice(1);
    switch (field) {
      case 'event':
        this.event = value;
        break;
      case 'data':
        this.addData(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      default:
        // `retry` and unknown fields carry nothing the relay needs.
        break;
    }
  }

  private addData(value: string): void {
    if (this.data === undefined) this.data = value;
    else (this.dataLines ??= [this.data]).push(value);
  }

  private dispatch(out: SseEvent[]): void {
    if (this.data !== undefined) {
      const e: SseEvent = { event: this.event, data: this.dataLines === undefined ? this.data : this.dataLines.join('\n') };
      if (this.id !== undefined) e.id = this.id;
      out.push(e);
    }
    this.event = undefined;
    this.data = undefined;
    this.dataLines = undefined;
  }
}

/** One frame with an `event:` line and a `data:` line (Anthropic and Responses streams). */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** One frame with only a `data:` line (Chat Completions and legacy completions streams). */
export function sseData(data: unknown): string {
  return `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

/** A comment frame: keeps a connection alive, ignored by every SSE parser. */
export const SSE_COMMENT_PING = ': ping\n\n';

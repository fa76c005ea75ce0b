// Stream translation as text in, text out: parsed upstream SSE events go through a source (chat
// chunks as they are, or Anthropic events turned into chat chunks) into a client encoder
// (Anthropic events, chat chunks, Responses events or legacy completion chunks). Chat is the
// pivot, so every pair of protocols is a source plus an encoder.
import { ChatToAnthropicStream, type AnthropicStreamContext } from './anthropic-to-chat.js';
import { AnthropicToChatStream, type ChatStreamContext, type ChatStreamItem } from './chat-to-anthropic.js';
import { ChatToCompletionsStream } from './completions.js';
import { type ErrorInfo, openaiErrorBody, openaiErrorType } from './errors.js';
import { ChatToResponsesStream, type ResponsesReplyContext } from './responses.js';
import { SSE_COMMENT_PING, type SseEvent, sseData, sseEvent } from './sse.js';
import type { AStreamEvent, OChunk } from './types.js';
import { isRecord, tryParseJson } from './util.js';

/** What the client receives: text frames from chat chunks. */
export interface ChatConsumer {
  chunk(chunk: OChunk): string;
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

// ----------------------------------------------------------------------------- encoders

export const ANTHROPIC_PING = sseEvent('ping', { type: 'ping' });

function encodeAnthropic(events: AStreamEvent[]): string {
  let out = '';
  for (const e of events) out += sseEvent(e.type, e);
  return out;
}

export class AnthropicEncoder implements ChatConsumer {
  readonly ping = ANTHROPIC_PING;
  private readonly stream: ChatToAnthropicStream;
  constructor(ctx: AnthropicStreamContext) {
    this.stream = new ChatToAnthropicStream(ctx);
  }
  get finished(): boolean {
    return this.stream.isFinished;
  }
  chunk(chunk: OChunk): string {
    return encodeAnthropic(this.stream.push(chunk));
  }
  done(): string {
    return encodeAnthropic(this.stream.done());
  }
  error(info: ErrorInfo, status: number): string {
    return encodeAnthropic(this.stream.error(info, status));
  }
}

/** A chat client: chunks as they are, `data: [DONE]` at the end, an error object on failure. */
export class ChatEncoder implements ChatConsumer {
  readonly ping = SSE_COMMENT_PING;
  finished = false;
  chunk(chunk: OChunk): string {
    return this.finished ? '' : sseData(chunk);
  }
  done(): string {
    if (this.finished) return '';
    this.finished = true;
    return sseData('[DONE]');
  }
  error(info: ErrorInfo, status: number): string {
    if (this.finished) return '';
    this.finished = true;
    return sseData(openaiErrorBody(status, { ...info, type: info.type ?? openaiErrorType(status) }));
  }
}

export class ResponsesEncoder implements ChatConsumer {
  readonly ping = SSE_COMMENT_PING;
  private readonly stream: ChatToResponsesStream;
  constructor(ctx: ResponsesReplyContext) {
    this.stream = new ChatToResponsesStream(ctx);
  }
  get finished(): boolean {
    return this.stream.isFinished;
  }
  chunk(chunk: OChunk): string {
    let out = '';
    for (const e of this.stream.push(chunk)) out += sseEvent(e.type, e);
    return out;
  }
  done(): string {
    let out = '';
    for (const e of this.stream.done()) out += sseEvent(e.type, e);
    return out;
  }
  error(info: ErrorInfo): string {
    let out = '';
    for (const e of this.stream.error(info)) out += sseEvent(e.type, e);
    return out;
  }
}

export class CompletionsEncoder implements ChatConsumer {
  readonly ping = SSE_COMMENT_PING;
  private readonly stream: ChatToCompletionsStream;
  constructor(model: string, includeUsage: boolean) {
    this.stream = new ChatToCompletionsStream(model, includeUsage);
  }
  get finished(): boolean {
    return this.stream.isFinished;
  }
  chunk(chunk: OChunk): string {
    return this.encode(this.stream.push(chunk));
  }
  done(): string {
    return this.encode(this.stream.done());
  }
  error(info: ErrorInfo, status: number): string {
    const items = this.stream.error(info);
    return items.length ? sseData(openaiErrorBody(status, info)) : '';
  }
  private encode(items: ReturnType<ChatToCompletionsStream['push']>): string {
    let out = '';
    for (const item of items) {
      if (item.kind === 'chunk') out += sseData(item.chunk);
      else if (item.kind === 'done') out += sseData('[DONE]');
    }
    return out;
  }
}

// ------------------------------------------------------------------------------ sources

/** An error object a gateway put in a chat chunk or an SSE `error` event. */
function errorInfoOf(value: unknown): ErrorInfo {
  if (isRecord(value)) {
    const err = isRecord(value.error) ? value.error : value;
    const info: ErrorInfo = { message: typeof err.message === 'string' ? err.message : JSON.stringify(err) };
    if (typeof err.type === 'string') info.type = err.type;
    if (typeof err.code === 'string' || typeof err.code === 'number') info.code = err.code;
    return info;
  }
  return { message: typeof value === 'string' ? value : 'upstream error' };
}

/** Upstream chat completions stream -> consumer. */
export class ChatSource implements StreamTranslator {
  constructor(private readonly consumer: ChatConsumer) {}
  get finished(): boolean {
    return this.consumer.finished;
  }
  get ping(): string {
    return this.consumer.ping;
  }
  event(e: SseEvent): string {
    if (this.consumer.finished) return '';
    const data = e.data.trim();
    if (data === '[DONE]') return this.consumer.done();
    const parsed = tryParseJson(data);
    if (!isRecord(parsed)) return '';
    if (e.event === 'error' || (parsed.error !== undefined && parsed.error !== null)) return this.consumer.error(errorInfoOf(parsed), 500);
    return this.consumer.chunk(parsed as unknown as OChunk);
  }
  end(): string {
    return this.consumer.done();
  }
  fail(info: ErrorInfo): string {
    return this.consumer.error(info, 502);
  }
}

/** Upstream Anthropic stream -> chat chunks -> consumer. */
export class AnthropicSource implements StreamTranslator {
  private readonly toChat: AnthropicToChatStream;
  constructor(
    private readonly consumer: ChatConsumer,
    ctx: ChatStreamContext,
  ) {
    this.toChat = new AnthropicToChatStream(ctx);
  }
  get finished(): boolean {
    return this.consumer.finished;
  }
  get ping(): string {
    return this.consumer.ping;
  }
  event(e: SseEvent): string {
    if (this.consumer.finished) return '';
    const parsed = tryParseJson(e.data);
    if (!isRecord(parsed)) return '';
    if (typeof parsed.type !== 'string' && e.event) parsed.type = e.event;
    if (parsed.type === 'error') return this.deliver(this.toChat.error(errorInfoOf(parsed), 500));
    return this.deliver(this.toChat.push(parsed as unknown as AStreamEvent));
  }
  end(): string {
    return this.deliver(this.toChat.done());
  }
  fail(info: ErrorInfo): string {
    return this.deliver(this.toChat.error(info, 502));
  }
  private deliver(items: ChatStreamItem[]): string {
    let out = '';
    for (const item of items) {
      if (item.kind === 'chunk') out += this.consumer.chunk(item.chunk);
      else if (item.kind === 'done') out += this.consumer.done();
      else out += this.consumer.error(item.info, item.status);
    }
    return out;
  }
}

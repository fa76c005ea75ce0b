// Stream translation as text in, text out: parsed upstream SSE events go through a source (chat
// chunks as they are, or Anthropic events turned into chat chunks) into a client encoder
// (Anthropic events, chat chunks, Responses events or legacy completion chunks). Chat is the
// pivot, so every pair of protocols is a source plus an encoder.
import { ChatToAnthropicStream, type AnthropicStreamContext } from './anthropic-to-chat.js';
import { AnthropicToChatStream, type ChatStreamContext, type ChatStreamItem } from './chat-to-anthropic.js';
import { ChatToCompletionsStream } from './completions.js';
import { type ErrorInfo, openaiErrorBody, openaiErrorType } from './errors.js';
import { JsonTemplate } from './json-template.js';
import { ChatToResponsesStream, type ResponsesReplyContext } from './responses.js';
import { SSE_COMMENT_PING, type SseEvent, sseData, sseEvent } from './sse.js';
import type { AStreamEvent, OChunk, OChunkChoice } from './types.js';
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

/** The string field of each kind of Anthropic content delta (ChatToAnthropicStream builds them as `{ type, <field> }`). */
const DELTA_FIELDS: Record<string, string> = { text_delta: 'text', thinking_delta: 'thinking', input_json_delta: 'partial_json' };

const MESSAGE_STOP = sseEvent('message_stop', { type: 'message_stop' });

/**
 * Content deltas are most of a stream's frames: written from a template (the same bytes
 * JSON.stringify would give for these objects, which ChatToAnthropicStream always builds with
 * these keys in this order) rather than by stringifying each event; block stops and the message
 * stop likewise.
 */
function encodeAnthropic(events: AStreamEvent[]): string {
  let out = '';
  for (const e of events) {
    if (e.type === 'content_block_stop') {
      out += `event: content_block_stop\ndata: {"type":"content_block_stop","index":${e.index}}\n\n`;
      continue;
    }
    if (e.type === 'message_stop') {
      out += MESSAGE_STOP;
      continue;
    }
    if (e.type === 'content_block_delta') {
      const field = DELTA_FIELDS[e.delta.type];
      const text = field === undefined ? undefined : (e.delta as Record<string, unknown>)[field];
      if (typeof text === 'string') {
        out += `event: content_block_delta\ndata: {"type":"content_block_delta","index":${e.index},"delta":{"type":"${e.delta.type}","${field}":${JSON.stringify(text)}}}\n\n`;
        continue;
      }
    }
    out += sseEvent(e.type, e);
  }
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

/**
 * The string a chat chunk that carries one piece of text or tool arguments is about to repeat
 * around, and how to rebuild the chunk with another piece in its place (see JsonTemplate). For a
 * stream's opening chunk (`{"role":"assistant","content":""}`), no text but the likely shape of
 * the text chunks that follow.
 */
function chatSlot(chunk: OChunk): { text?: string; build: (text: string) => OChunk } | undefined {
  if (!Array.isArray(chunk.choices) || chunk.choices.length !== 1 || chunk.usage || chunk.error) return undefined;
  const choice = chunk.choices[0] as OChunkChoice;
  const delta = choice.delta;
  if (!isRecord(delta) || choice.finish_reason) return undefined;
  if (delta.role === 'assistant' && !delta.content && Object.keys(delta).length <= 2) {
    return { build: (t) => ({ ...chunk, choices: [{ ...choice, delta: { content: t } }] }) };
  }
  for (const key of ['content', 'reasoning_content', 'reasoning'] as const) {
    const text = delta[key];
    if (typeof text === 'string' && text) return { text, build: (t) => ({ ...chunk, choices: [{ ...choice, delta: { ...delta, [key]: t } }] }) };
  }
  const calls = delta.tool_calls;
  const call = Array.isArray(calls) && calls.length === 1 ? calls[0] : undefined;
  const fn = call?.function;
  if (call && isRecord(fn) && typeof fn.arguments === 'string' && fn.arguments && call.id === undefined && fn.name === undefined) {
    return { text: fn.arguments, build: (t) => ({ ...chunk, choices: [{ ...choice, delta: { ...delta, tool_calls: [{ ...call, function: { ...fn, arguments: t } }] } }] }) };
  }
  return undefined;
}

/** Upstream chat completions stream -> consumer. */
export class ChatSource implements StreamTranslator {
  private readonly template = new JsonTemplate<OChunk>();
  constructor(private readonly consumer: ChatConsumer) {}
  get finished(): boolean {
    return this.consumer.finished;
  }
  get ping(): string {
    return this.consumer.ping;
  }
  event(e: SseEvent): string {
    if (this.consumer.finished) return '';
    if (e.event === undefined) {
      const known = this.template.read(e.data);
      if (known) return this.consumer.chunk(known);
    }
    const data = e.data.trim();
    if (data === '[DONE]') return this.consumer.done();
    const parsed = tryParseJson(data);
    if (!isRecord(parsed)) return '';
    if (e.event === 'error' || (parsed.error !== undefined && parsed.error !== null)) return this.consumer.error(errorInfoOf(parsed), 500);
    const chunk = parsed as unknown as OChunk;
    if (e.event === undefined && this.template.canLearn) {
      const slot = chatSlot(chunk);
      if (slot?.text === undefined) {
        if (slot) this.template.expect(slot.build);
      } else this.template.learn(e.data, slot.text, slot.build);
    }
    return this.consumer.chunk(chunk);
  }
  end(): string {
    return this.consumer.done();
  }
  fail(info: ErrorInfo): string {
    return this.consumer.error(info, 502);
  }
}

/**
 * The string an Anthropic delta event carries, and how to rebuild the event around another (see
 * JsonTemplate). For the start of a text block, no text but the shape of its deltas (the Messages
 * API writes `{"type":"content_block_delta","index":N,"delta":{"type":"text_delta","text":…}}`).
 */
function anthropicSlot(event: Record<string, unknown>): { text?: string; build: (text: string) => Record<string, unknown> } | undefined {
  const block = event.content_block;
  if (event.type === 'content_block_start' && typeof event.index === 'number' && isRecord(block) && block.type === 'text') {
    const index = event.index;
    return { build: (text) => ({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } }) };
  }
  const delta = event.delta;
  if (event.type !== 'content_block_delta' || !isRecord(delta) || typeof delta.type !== 'string') return undefined;
  const key = DELTA_FIELDS[delta.type];
  const text = key === undefined ? undefined : delta[key];
  if (key === undefined || typeof text !== 'string' || !text) return undefined;
  return { text, build: (t) => ({ ...event, delta: { ...delta, [key]: t } }) };
}

/** Upstream Anthropic stream -> chat chunks -> consumer. */
export class AnthropicSource implements StreamTranslator {
  private readonly template = new JsonTemplate<Record<string, unknown>>();
  /** The `event:` name of the frames the template was learnt from. */
  private templateEvent: string | undefined;
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
    if (e.event === this.templateEvent) {
      const known = this.template.read(e.data);
      if (known) return this.deliver(this.toChat.push(known as unknown as AStreamEvent));
    }
    const parsed = tryParseJson(e.data);
    if (!isRecord(parsed)) return '';
    if (typeof parsed.type !== 'string' && e.event) parsed.type = e.event;
    if (parsed.type === 'error') return this.deliver(this.toChat.error(errorInfoOf(parsed), 500));
    if (this.template.canLearn) {
      const slot = anthropicSlot(parsed);
      if (slot?.text === undefined) {
        if (slot && this.template.expect(slot.build)) this.templateEvent = e.event === undefined ? undefined : 'content_block_delta';
      } else if (this.template.learn(e.data, slot.text, slot.build)) this.templateEvent = e.event;
    }
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

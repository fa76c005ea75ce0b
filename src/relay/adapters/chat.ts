// OpenAI chat completions (`/v1/chat/completions`): the common form itself, so both sides are
// identities. What it adds is speed: a gateway's chunks are read through a learnt template rather
// than parsed one by one, and a client's chunks are written as they come.
import { type ErrorInfo, openaiErrorBody, openaiErrorType } from '../errors.js';
import { JsonTemplate } from '../json-template.js';
import { SSE_COMMENT_PING, type SseEvent, sseData } from '../sse.js';
import { errorInfoOf, type ChatConsumer, type StreamTranslator } from '../streams.js';
import type { OChunk, OChunkChoice, ORequest, OResponse } from '../types.js';
import { isRecord, tryParseJson } from '../util.js';
import { type Adapter, messagesInvalid, wantsUsage } from './adapter.js';

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

/** A chat gateway's stream -> consumer. */
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

/** A whole chat reply as the chunks a stream would have carried (for gateways that ignore `stream`). */
export function chatResponseToChunks(resp: OResponse): OChunk[] {
  const base = { id: resp.id, object: 'chat.completion.chunk' as const, created: resp.created, model: resp.model };
  const chunks: OChunk[] = [];
  for (const choice of Array.isArray(resp.choices) ? resp.choices : []) {
    const m = choice.message;
    const delta: OChunk['choices'][number]['delta'] = { role: 'assistant' };
    if (m?.reasoning_content) delta.reasoning_content = m.reasoning_content;
    if (typeof m?.content === 'string') delta.content = m.content;
    if (m?.tool_calls) delta.tool_calls = m.tool_calls.map((c, index) => ({ index, id: c.id, type: 'function', function: { name: c.function.name, arguments: c.function.arguments } }));
    chunks.push({ ...base, choices: [{ index: choice.index ?? 0, delta, finish_reason: null }] });
    chunks.push({ ...base, choices: [{ index: choice.index ?? 0, delta: {}, finish_reason: choice.finish_reason ?? 'stop' }] });
  }
  if (resp.usage) chunks.push({ ...base, choices: [], usage: resp.usage });
  return chunks;
}

const same = (common: OResponse): OResponse => common;

export const chat: Adapter = {
  id: 'chat',
  endpoint: (path) => (path === '/chat/completions' ? {} : undefined),
  upstreamPath: '/v1/chat/completions',
  anthropicHeaders: false,
  errors: 'openai',
  ping: SSE_COMMENT_PING,
  streamError: (status, info) => sseData(openaiErrorBody(status, info)),
  client: {
    invalid: messagesInvalid,
    accept: (body, ctx) => ({
      request: { ...body, model: ctx.model } as ORequest,
      usage: wantsUsage(body),
      reply: same,
      encoder: () => new ChatEncoder(),
    }),
  },
  upstream: {
    send: (request) => ({
      body: JSON.stringify(request),
      reply: (json) => json as unknown as OResponse,
      decoder: (consumer) => new ChatSource(consumer),
    }),
  },
};

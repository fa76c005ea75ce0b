// OpenAI chat completions (`/v1/chat/completions`): the common form itself, so both sides are
// identities. What it adds is speed: a gateway's chunks are read through a learnt template rather
// than parsed one by one, and a client's chunks are written as they come.
import { type ErrorInfo, openaiErrorBody, openaiErrorType } from '../errors.js';
import { asks, type FieldContext, fieldTable, thinkingMisfits } from '../fields.js';
import { JsonTemplate } from '../json-template.js';
import { OpeningShapes } from '../opening-shape.js';
import { SSE_COMMENT_PING, type SseEvent, sseData } from '../sse.js';
import { errorInfoOf, type ChatConsumer, type StreamTranslator } from '../streams.js';
import type { OChunk, OChunkChoice, ORequest, OResponse } from '../types.js';
import { isRecord, num, tryParseJson } from '../util.js';
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
 * the text chunks that follow. `plain` when the rebuilt chunks are plain text for an encoder's
 * `text()`: the piece is `delta.content`, beside at most a role, on a choice with nothing else an
 * encoder reads.
 */
function chatSlot(chunk: OChunk): { text?: string; plain: boolean; build: (text: string) => OChunk } | undefined {
  if (!Array.isArray(chunk.choices) || chunk.choices.length !== 1 || chunk.usage || chunk.error) return undefined;
  const choice = chunk.choices[0] as OChunkChoice;
  const delta = choice.delta;
  if (!isRecord(delta) || choice.finish_reason) return undefined;
  const plainChoice = Object.keys(choice).every((k) => PLAIN_CHOICE_KEYS.has(k)) && (choice.index ?? 0) === 0;
  if (delta.role === 'assistant' && !delta.content && Object.keys(delta).length <= 2) {
    return { plain: plainChoice, build: (t) => ({ ...chunk, choices: [{ ...choice, delta: { content: t } }] }) };
  }
  for (const key of ['content', 'reasoning_content', 'reasoning'] as const) {
    const text = delta[key];
    const plain = plainChoice && key === 'content' && Object.keys(delta).every((k) => k === 'content' || k === 'role');
    if (typeof text === 'string' && text) return { text, plain, build: (t) => ({ ...chunk, choices: [{ ...choice, delta: { ...delta, [key]: t } }] }) };
  }
  const calls = delta.tool_calls;
  const call = Array.isArray(calls) && calls.length === 1 ? calls[0] : undefined;
  const fn = call?.function;
  if (call && isRecord(fn) && typeof fn.arguments === 'string' && fn.arguments && call.id === undefined && fn.name === undefined) {
    return { text: fn.arguments, plain: false, build: (t) => ({ ...chunk, choices: [{ ...choice, delta: { ...delta, tool_calls: [{ ...call, function: { ...fn, arguments: t } }] } }] }) };
  }
  return undefined;
}

/** The keys of a choice that no encoder reads beyond its delta (a `stop_reason`, for one, it does). */
const PLAIN_CHOICE_KEYS = new Set(['index', 'delta', 'logprobs', 'finish_reason']);

/** The last stream opening this process learnt from, for the next streams of the same gateway. */
const OPENINGS = new OpeningShapes();

/** A chat gateway's stream -> consumer. */
export class ChatSource implements StreamTranslator {
  private readonly template = new JsonTemplate<OChunk>();
  /** Whether the template's frames are plain text, which the consumer's `text()` may take without a chunk. */
  private plain = false;
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
      const text = this.template.text(e.data);
      if (text !== undefined) {
        const out = this.plain ? this.consumer.text?.(text, this.template.verbatim) : undefined;
        return out ?? this.consumer.chunk(this.template.make(text));
      }
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
        if (slot) this.plain = this.expectAfterOpening(e.data, chunk, slot.build) && slot.plain;
      } else this.plain = this.template.learn(e.data, slot.text, slot.build) && slot.plain;
    }
    return this.consumer.chunk(chunk);
  }
  /** Learns the text chunks' likely shape from a stream's opening: the last opening's shape with this stream's id, or `expect`. */
  private expectAfterOpening(line: string, chunk: OChunk, build: (text: string) => OChunk): boolean {
    const known = OPENINGS.shapeFor(line, chunk);
    if (known) return this.template.adopt(known.prefix, known.suffix, build);
    if (!this.template.expect(build)) return false;
    const learnt = this.template.shape;
    if (learnt) OPENINGS.remember(line, chunk, JSON.stringify((chunk.choices[0] as OChunkChoice).delta), learnt);
    return true;
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

// ------------------------------------------------------------------------------ fields

const moreThanOne = (v: unknown): boolean => typeof v !== 'number' || v > 1;
const audio = (v: unknown): boolean => Array.isArray(v) && v.includes('audio');
const notAutoOrDefault = (v: unknown): boolean => v !== 'auto' && v !== 'default';
const effortMisfits = (v: unknown, body: Record<string, unknown>, ctx: FieldContext): boolean => thinkingMisfits(v, num(body.max_completion_tokens) ?? num(body.max_tokens), ctx);

/** A chat client's fields on its translated route (to an Anthropic gateway; a chat gateway is a pass-through). */
export const CHAT_FIELDS = fieldTable({
  model: { anthropic: 'translated', note: 'the model map applies' },
  messages: { anthropic: 'translated', note: 'system and developer messages as `system`; text, images, PDFs, tool calls and results; turns of one role merged' },
  max_tokens: { anthropic: 'translated', note: '`max_tokens` (the relay’s default, 8192, when neither limit is given: the Messages API requires one)' },
  max_completion_tokens: { anthropic: 'translated', note: '`max_tokens`, before `max_tokens`' },
  temperature: { anthropic: 'translated', note: '`temperature`, capped to Anthropic’s 0–1; dropped and announced when thinking is on (Anthropic requires the default)' },
  top_p: { anthropic: 'translated', note: '`top_p`; dropped and announced when thinking is on' },
  top_k: { anthropic: 'translated', note: '(not OpenAI’s, but vLLM’s and others’) `top_k`; dropped and announced when thinking is on' },
  stop: { anthropic: 'translated', note: '`stop_sequences`' },
  stream: { anthropic: 'translated', note: '`stream`' },
  stream_options: { anthropic: 'translated', reply: true, note: 'the relay writes the usage chunk when `include_usage` asks for it' },
  tools: {
    anthropic: 'translated',
    note: 'functions as tools (`input_schema`)',
    items: fieldTable({
      function: { anthropic: 'translated', note: 'a tool' },
      custom: { anthropic: 'dropped', note: 'free-form tools have no Messages form' },
    }),
  },
  tool_choice: { anthropic: 'translated', note: '`auto`, `any` (required), `none`, a named tool' },
  parallel_tool_calls: { anthropic: 'translated', note: '`false` as `disable_parallel_tool_use`' },
  user: { anthropic: 'translated', note: '`metadata.user_id`' },
  safety_identifier: { anthropic: 'translated', note: '`metadata.user_id` when `user` is not given' },
  reasoning_effort: {
    anthropic: 'refused',
    note: 'a thinking budget (low 1024, medium 8192, high and xhigh 24576 tokens, kept below `max_tokens`); none and minimal think not at all. Refused when the budget’s minimum, 1024 tokens, does not fit below `max_tokens`.',
    why: 'its thinking needs a budget of at least 1024 tokens below max_tokens; raise max_tokens (or max_completion_tokens) above 1024, or send no reasoning effort.',
    applies: effortMisfits,
    when: 'when 1024 thinking tokens do not fit below max_tokens',
  },
  response_format: { anthropic: 'translated', note: '`json_schema` as structured output (`output_config.format`); `json_object`, which structured output cannot express, as an instruction in the system prompt; `text` is the default' },
  web_search_options: { anthropic: 'translated', note: 'Anthropic’s web search server tool (`web_search_20250305`, with `user_location`); `search_context_size` dropped and announced' },
  n: { anthropic: 'refused', note: 'an Anthropic gateway returns one choice; send the request n times, or leave n at 1.', applies: moreThanOne, when: 'when above 1' },
  logprobs: { anthropic: 'refused', note: 'the Messages API returns no log probabilities.', applies: asks, when: 'when true' },
  top_logprobs: { anthropic: 'refused', note: 'the Messages API returns no log probabilities.', applies: asks, when: 'when above 0' },
  modalities: { anthropic: 'refused', note: 'the Messages API answers in text only.', applies: audio, when: 'when it asks for audio' },
  audio: { anthropic: 'refused', note: 'the Messages API answers in text only.' },
  functions: { anthropic: 'refused', note: 'the deprecated function-calling form; send `tools`.' },
  function_call: { anthropic: 'refused', note: 'the deprecated function-calling form; send `tool_choice`.' },
  logit_bias: { anthropic: 'dropped', note: 'token ids mean nothing to another model’s tokenizer', applies: asks, when: 'when not empty' },
  presence_penalty: { anthropic: 'dropped', note: 'the Messages API has no penalties', applies: asks, when: 'when not 0' },
  frequency_penalty: { anthropic: 'dropped', note: 'the Messages API has no penalties', applies: asks, when: 'when not 0' },
  seed: { anthropic: 'dropped', note: 'the Messages API has no seed' },
  service_tier: { anthropic: 'dropped', note: 'Anthropic’s tiers are not OpenAI’s', applies: notAutoOrDefault, when: 'unless `auto` or `default`' },
  store: { anthropic: 'dropped', note: 'an Anthropic gateway stores no completions', applies: asks, when: 'when true' },
  metadata: { anthropic: 'dropped', note: 'OpenAI’s stored-completion tags have no Messages form', applies: asks, when: 'when not empty' },
  prediction: { anthropic: 'dropped', note: 'predicted outputs (a latency hint) have no Messages form' },
  prompt_cache_key: { anthropic: 'dropped', note: 'a caching hint with no Messages form' },
  prompt_cache_retention: { anthropic: 'dropped', note: 'a caching hint with no Messages form' },
  prompt_cache_options: { anthropic: 'dropped', note: 'a caching hint with no Messages form' },
  verbosity: { anthropic: 'dropped', note: 'the Messages API has no verbosity setting' },
  moderation: { anthropic: 'dropped', note: 'OpenAI’s moderation has no Messages form' },
});

export const chat: Adapter = {
  id: 'chat',
  endpoint: (path) => (path === '/chat/completions' ? {} : undefined),
  upstreamPath: '/v1/chat/completions',
  anthropicHeaders: false,
  errors: 'openai',
  ping: SSE_COMMENT_PING,
  streamError: (status, info) => sseData(openaiErrorBody(status, info)),
  client: {
    fields: CHAT_FIELDS,
    invalid: messagesInvalid,
    accept: (body, ctx) => ({
      request: { ...body, model: ctx.model } as ORequest,
      usage: wantsUsage(body),
      dropped: '',
      reply: same,
      encoder: () => new ChatEncoder(),
    }),
  },
  upstream: {
    send: (request) => ({
      body: JSON.stringify(request),
      dropped: '',
      reply: (json) => json as unknown as OResponse,
      decoder: (consumer) => new ChatSource(consumer),
    }),
  },
};

// Anthropic Messages (`/v1/messages`): Claude Code's protocol. As a client: its requests become
// chat requests (anthropic-to-chat.ts) and chat replies and chunks become Anthropic ones, events
// written from templates. As an upstream: chat requests become Messages requests
// (chat-to-anthropic.ts) and its events are read back into chat chunks through a learnt template.
import { anthropicToChatRequest, chatToAnthropicResponse, ChatToAnthropicStream, type AnthropicStreamContext } from '../anthropic-to-chat.js';
import { anthropicToChatResponse, AnthropicToChatStream, chatToAnthropicRequest, type ChatStreamContext, type ChatStreamItem } from '../chat-to-anthropic.js';
import { anthropicErrorBody, type ErrorInfo } from '../errors.js';
import { type FieldContext, fieldTable, isPlain } from '../fields.js';
import { JsonTemplate } from '../json-template.js';
import { estimateInputTokens } from '../local.js';
import { type SseEvent, sseEvent } from '../sse.js';
import { errorInfoOf, type ChatConsumer, type StreamTranslator } from '../streams.js';
import type { AContentBlock, ARequest, AResponse, AStreamEvent, AUsage, OChunk } from '../types.js';
import { isRecord, tryParseJson } from '../util.js';
import { type Adapter, messagesInvalid } from './adapter.js';

export const ANTHROPIC_PING = sseEvent('ping', { type: 'ping' });

/** The string field of each kind of Anthropic content delta (ChatToAnthropicStream builds them as `{ type, <field> }`). */
const DELTA_FIELDS: Record<string, string> = { text_delta: 'text', thinking_delta: 'thinking', input_json_delta: 'partial_json' };

const MESSAGE_STOP = sseEvent('message_stop', { type: 'message_stop' });

// ------------------------------------------------------------------------------ encoder

/**
 * Every frame of a translated stream is written from a template: the same bytes JSON.stringify
 * would give for the event objects ChatToAnthropicStream builds (always with these keys in this
 * order), without serializing each object. Profiled on the relay bench's reply, stringifying its
 * three fixed frames (message_start, content_block_start, message_delta) cost four times as much
 * CPU as writing its ten text deltas. test/relay/anthropic-frames.test.ts compares each template
 * with JSON.stringify for every kind of event; any other event is serialized whole.
 */
function encodeAnthropic(events: AStreamEvent[]): string {
  let out = '';
  for (const e of events) out += frameOf(e);
  return out;
}

function frameOf(e: AStreamEvent): string {
  switch (e.type) {
    case 'content_block_delta': {
      const field = DELTA_FIELDS[e.delta.type];
      const text = field === undefined ? undefined : (e.delta as Record<string, unknown>)[field];
      return typeof text === 'string' ? deltaFrame(e.index, e.delta.type, field as string, text) : sseEvent(e.type, e);
    }
    case 'content_block_start':
      return blockStartFrame(e.index, e.content_block) ?? sseEvent(e.type, e);
    case 'content_block_stop':
      return `event: content_block_stop\ndata: {"type":"content_block_stop","index":${e.index}}\n\n`;
    case 'message_start':
      return messageStartFrame(e.message);
    case 'message_delta':
      return `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":${jsonOrNull(e.delta.stop_reason)},"stop_sequence":${jsonOrNull(e.delta.stop_sequence)}},"usage":${usageJson(e.usage)}}\n\n`;
    case 'message_stop':
      return MESSAGE_STOP;
    default:
      return sseEvent(e.type, e);
  }
}

function deltaFrame(index: number, type: string, field: string, text: string): string {
  return `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":"${type}","${field}":${JSON.stringify(text)}}}\n\n`;
}

/** The start of a block as ChatToAnthropicStream opens them (empty text or thinking, a tool call with empty input); undefined for any other. */
function blockStartFrame(index: number, block: AContentBlock): string | undefined {
  const head = `event: content_block_start\ndata: {"type":"content_block_start","index":${index},"content_block":`;
  if (block.type === 'text') return `${head}{"type":"text","text":${JSON.stringify(block.text)}}}\n\n`;
  if (block.type === 'thinking') return `${head}{"type":"thinking","thinking":${JSON.stringify(block.thinking)},"signature":${JSON.stringify(block.signature)}}}\n\n`;
  if (block.type === 'tool_use' && isRecord(block.input) && isEmpty(block.input)) return `${head}{"type":"tool_use","id":${JSON.stringify(block.id)},"name":${JSON.stringify(block.name)},"input":{}}}\n\n`;
  return undefined;
}

function messageStartFrame(m: AResponse): string {
  return `event: message_start\ndata: {"type":"message_start","message":{"id":${JSON.stringify(m.id)},"type":"message","role":"assistant","model":${JSON.stringify(m.model)},"content":[],"stop_reason":null,"stop_sequence":null,"usage":${usageJson(m.usage)}}}\n\n`;
}

/**
 * Usage as the stream builds it: chatUsageToAnthropic's four counts in its key order, or
 * `{ output_tokens: 0 }` when the gateway sent none. Anything else is serialized whole.
 */
function usageJson(u: Partial<AUsage>): string {
  const { input_tokens: i, output_tokens: o, cache_creation_input_tokens: w, cache_read_input_tokens: r } = u;
  if (i === undefined && w === undefined && r === undefined && o === 0) return '{"output_tokens":0}';
  if (isCount(i) && isCount(o) && isCount(w) && isCount(r)) return `{"input_tokens":${i},"output_tokens":${o},"cache_creation_input_tokens":${w},"cache_read_input_tokens":${r}}`;
  return JSON.stringify(u);
}

/** A number JSON.stringify writes as String() does. */
const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
const jsonOrNull = (s: string | null): string => (s === null ? 'null' : JSON.stringify(s));

function isEmpty(o: Record<string, unknown>): boolean {
  for (const _ in o) return false;
  return true;
}

/** What follows a text delta's JSON string. */
const TEXT_DELTA_END = '}}\n\n';
const QUOTED_TEXT_DELTA_END = `"${TEXT_DELTA_END}`;

/** Chat chunks -> an Anthropic client's events. */
export class AnthropicEncoder implements ChatConsumer {
  readonly ping = ANTHROPIC_PING;
  private readonly stream: ChatToAnthropicStream;
  /** A text delta's frame up to its text, for the block `headIndex`: made once per block, not per frame. */
  private head = '';
  private headIndex = -1;
  constructor(ctx: AnthropicStreamContext) {
    this.stream = new ChatToAnthropicStream(ctx);
  }
  get finished(): boolean {
    return this.stream.isFinished;
  }
  chunk(chunk: OChunk): string {
    return encodeAnthropic(this.stream.push(chunk));
  }
  /**
   * The short way for a text-only chunk: a delta in the live text block is deltaFrame's bytes in
   * three pieces (the head, the text, the end) rather than ten; text that opens a block is the
   * stream's events for it.
   */
  text(text: string, verbatim: boolean): string | undefined {
    const index = this.stream.textIndex(text);
    if (index === undefined) {
      // The first text, or text after thinking or a tool call: without building the chunk.
      const events = this.stream.pushText(text);
      return events === undefined ? undefined : encodeAnthropic(events);
    }
    if (index !== this.headIndex) {
      this.headIndex = index;
      this.head = `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":"text_delta","text":`;
    }
    return verbatim ? `${this.head}"${text}${QUOTED_TEXT_DELTA_END}` : this.head + JSON.stringify(text) + TEXT_DELTA_END;
  }
  done(): string {
    return encodeAnthropic(this.stream.done());
  }
  error(info: ErrorInfo, status: number): string {
    return encodeAnthropic(this.stream.error(info, status));
  }
}

// ------------------------------------------------------------------------------ decoder

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

/** An Anthropic gateway's stream -> chat chunks -> consumer. */
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

// ------------------------------------------------------------------------------ fields

const thinkingAsked = (v: unknown): boolean => isRecord(v) && v.type === 'enabled';
const effortAsked = (v: unknown): boolean => v !== undefined && v !== null;
const plainModel = (_v: unknown, _b: Record<string, unknown>, ctx: FieldContext): boolean => isPlain(ctx);
const notGlobal = (v: unknown): boolean => v !== 'global';
const fast = (v: unknown): boolean => v === 'fast';

/** An Anthropic client's fields on its translated route (to a chat gateway; an Anthropic gateway is a pass-through). */
export const ANTHROPIC_FIELDS = fieldTable({
  model: { chat: 'translated', note: 'the model map applies' },
  messages: { chat: 'translated', note: 'text, images, documents, tool calls and results; thinking blocks of earlier turns stay out (a chat model cannot read them)' },
  max_tokens: { chat: 'translated', note: '`max_completion_tokens` for the models the relay treats as reasoning (o-series, gpt-5), else `max_tokens`' },
  system: { chat: 'translated', note: 'a system message' },
  stop_sequences: { chat: 'translated', note: '`stop`, every entry (a gateway that takes fewer, like OpenAI with 4, refuses them itself)' },
  stream: { chat: 'translated', note: '`stream` with `stream_options.include_usage`' },
  temperature: { chat: 'translated', note: '`temperature`' },
  top_p: { chat: 'translated', note: '`top_p`' },
  top_k: { chat: 'dropped', note: 'chat completions has no top-k sampling' },
  metadata: { chat: 'translated', note: '`metadata.user_id` as `user` (hashed when longer than 64 characters)' },
  tools: {
    chat: 'translated',
    note: 'client tools as functions; server tools never become a function the model could call (see the tool rows)',
    items: fieldTable({
      custom: { chat: 'translated', note: 'a function (also a tool without `type`)' },
      web_search_20250305: {
        chat: 'dropped',
        note: '(and later web search versions) `web_search_options` for a search model (a name with `search`, like gpt-4o-search-preview: its `user_location` too, `max_uses` and the domain lists dropped and announced); for other models dropped',
        when: 'unless the model is a search model',
      },
      '(other server tools)': { chat: 'dropped', note: 'they run on Anthropic’s side (bash, code execution, web fetch, text editor, memory, …): no chat form' },
    }),
  },
  tool_choice: { chat: 'translated', note: '`auto`, `required` (any), `none`, a named function; `disable_parallel_tool_use` as `parallel_tool_calls: false`' },
  thinking: {
    chat: 'dropped',
    note: 'an enabled budget becomes `reasoning_effort` (up to 1024 low, 8192 medium, above high); models known to take none (gpt-4…, gpt-3.5…, chatgpt-…) get none',
    applies: (v, b, ctx) => thinkingAsked(v) && plainModel(v, b, ctx),
    when: 'when enabled, for gpt-4…, gpt-3.5…, chatgpt-… models',
  },
  output_config: {
    chat: 'translated',
    note: 'its fields below',
    fields: fieldTable({
      format: { chat: 'translated', note: '`response_format` `json_schema` (strict)' },
      effort: { chat: 'dropped', note: '`reasoning_effort` (`max` as `xhigh`), before the one `thinking` gives; models known to take none get none', applies: (v, b, ctx) => effortAsked(v) && plainModel(v, b, ctx), when: 'for gpt-4…, gpt-3.5…, chatgpt-… models' },
    }),
  },
  output_format: { chat: 'translated', note: '(the beta name of `output_config.format`) `response_format` `json_schema`' },
  service_tier: { chat: 'translated', note: '`auto` as `auto`, `standard_only` as `default`' },
  inference_geo: { chat: 'refused', note: 'the relay cannot pin where a chat gateway runs the model.', applies: notGlobal, when: 'unless `global`' },
  speed: { chat: 'dropped', note: 'chat completions has no fast mode', applies: fast, when: 'when `fast`' },
  cache_control: { chat: 'dropped', note: 'chat gateways cache prompts on their own (OpenAI automatically); the hint has no chat form' },
  container: { chat: 'dropped', note: 'a code-execution container runs on Anthropic’s side' },
  mcp_servers: { chat: 'dropped', note: 'the MCP connector runs on Anthropic’s side' },
  context_management: { chat: 'dropped', note: 'context editing runs on Anthropic’s side' },
  diagnostics: { chat: 'dropped', note: 'Anthropic’s own diagnostics' },
  user_profile_id: { chat: 'dropped', note: 'an Anthropic account setting' },
  workspace_id: { chat: 'dropped', note: 'an Anthropic account setting' },
});

// ------------------------------------------------------------------------------ adapter

export const anthropic: Adapter = {
  id: 'anthropic',
  endpoint: (path) => (path === '/messages' ? {} : undefined),
  upstreamPath: '/v1/messages',
  anthropicHeaders: true,
  errors: 'anthropic',
  ping: ANTHROPIC_PING,
  streamError: (status, info) => sseEvent('error', anthropicErrorBody(status, info)),
  client: {
    fields: ANTHROPIC_FIELDS,
    invalid: messagesInvalid,
    accept(body, ctx) {
      const r = anthropicToChatRequest({ ...body, model: ctx.model } as ARequest, ctx.options);
      const reply = { toolNames: r.toolNames, model: ctx.model };
      // Contexts are written out, not spread (`{ ...reply, inputTokens }`): spreads on this path
      // made V8 keep per-request objects past young collections (measured, see replies.ts).
      return {
        request: r.body,
        usage: true,
        dropped: r.dropped,
        reply: (common) => chatToAnthropicResponse(common, reply),
        encoder: () => new AnthropicEncoder({ toolNames: reply.toolNames, model: reply.model, inputTokens: estimateInputTokens(body as Partial<ARequest>) }),
      };
    },
  },
  upstream: {
    send(request, options, model) {
      const a = chatToAnthropicRequest(request, options);
      const ctx = { toolNames: a.toolNames, model };
      return {
        body: JSON.stringify(a.body),
        dropped: a.dropped,
        reply: (json) => anthropicToChatResponse(json as unknown as AResponse, ctx),
        decoder: (consumer, includeUsage) => new AnthropicSource(consumer, { toolNames: ctx.toolNames, model, includeUsage }),
      };
    },
  },
};

// An Anthropic Messages client in front of an OpenAI Chat Completions upstream: the request goes
// A -> O, the reply (JSON or stream) comes back O -> A.
import {
  type TranslateOptions,
  clampTokens,
  defaultIsReasoningModel,
  effortFromBudget,
  isPlainChatModel,
  stopReasonFromFinish,
  stopStringOf,
} from './common.js';
import type { ErrorInfo } from './errors.js';
import { anthropicErrorType } from './errors.js';
import { Sequencer, type SeqEvent } from './sequencer.js';
import { ToolNames } from './tool-names.js';
import type {
  AContentBlock,
  ARequest,
  AResponse,
  AStopReason,
  AStreamEvent,
  ATool,
  AUsage,
  OChunk,
  OContentPart,
  OMessage,
  ORequest,
  OResponse,
  OTool,
  OToolCall,
  OUsage,
} from './types.js';
import { chatUsageToAnthropic } from './usage.js';
import { addDropped } from './fields.js';
import { isRecord, randomId, sha256Hex } from './util.js';

// ------------------------------------------------------------------------------ request

export interface ChatRequestResult {
  body: ORequest;
  toolNames: ToolNames;
  /** Parts of the request dropped by a documented rule, comma-separated ('' when none): the reply announces them. */
  dropped: string;
}

/** Search models (gpt-4o-search-preview, gpt-5-search-api, …): the chat models that take `web_search_options`. */
export function isSearchModel(model: string): boolean {
  return /search/i.test(model.slice(model.lastIndexOf('/') + 1));
}

/** Anthropic's output effort as a chat reasoning effort. */
function effortOf(effort: unknown): ORequest['reasoning_effort'] | undefined {
  if (effort === 'low' || effort === 'medium' || effort === 'high' || effort === 'xhigh') return effort;
  return effort === 'max' ? 'xhigh' : undefined;
}

/** A structured-output format (`{type:'json_schema', schema}`) as chat's response_format. */
function responseFormatOf(format: unknown): ORequest['response_format'] {
  if (!isRecord(format) || format.type !== 'json_schema' || !isRecord(format.schema)) return undefined;
  return { type: 'json_schema', json_schema: { name: 'output', schema: format.schema, strict: true } };
}

export function anthropicToChatRequest(req: ARequest, opts: TranslateOptions = {}): ChatRequestResult {
  const toolNames = new ToolNames((req.tools ?? []).map((t) => t.name));
  const messages: OMessage[] = [];

  const system = systemText(req.system);
  if (system) messages.push({ role: 'system', content: system });

  for (const m of req.messages) {
    const blocks: AContentBlock[] = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    if (m.role === 'assistant') messages.push(...assistantMessage(blocks, toolNames));
    else messages.push(...userMessages(blocks));
  }

  let dropped = '';
  const body: ORequest = { model: req.model, messages };
  const reasoning = (opts.isReasoningModel ?? defaultIsReasoningModel)(req.model);
  const maxTokens = clampTokens(req.max_tokens, opts);
  if (maxTokens !== undefined) {
    if (reasoning) body.max_completion_tokens = maxTokens;
    else body.max_tokens = maxTokens;
  }
  if (typeof req.temperature === 'number') body.temperature = req.temperature;
  if (typeof req.top_p === 'number') body.top_p = req.top_p;
  // top_k has no chat form: dropped by the field table's rule, and announced.
  // Every stop sequence goes: a gateway that takes fewer (OpenAI's limit is 4) refuses them itself.
  if (Array.isArray(req.stop_sequences) && req.stop_sequences.length > 0) body.stop = req.stop_sequences;

  // Client tools (no type, or `custom`) are functions; server tools run on Anthropic's side, so they
  // never become a function the model could call: web search is chat's own web search for the
  // models that have it, and the others are dropped and announced.
  const tools: ATool[] = [];
  for (const t of req.tools ?? []) {
    if (!isRecord(t)) continue;
    if (t.type === undefined || t.type === null || t.type === 'custom') {
      if (typeof t.name === 'string') tools.push(t);
    } else if (typeof t.type === 'string' && t.type.startsWith('web_search_') && isSearchModel(req.model)) {
      const where = isRecord(t.user_location) ? t.user_location : undefined;
      body.web_search_options = where ? { user_location: { type: 'approximate', approximate: withoutType(where) } } : {};
      for (const key of ['max_uses', 'allowed_domains', 'blocked_domains'] as const) if (t[key] !== undefined && t[key] !== null) dropped = addDropped(dropped, `tools.${t.type}.${key}`);
    } else dropped = addDropped(dropped, `tools.${String(t.type)}`);
  }
  if (tools.length > 0) {
    body.tools = tools.map(
      (t): OTool => ({
        type: 'function',
        function: {
          name: toolNames.up(t.name),
          ...(t.description !== undefined ? { description: t.description } : {}),
          parameters: t.input_schema ?? { type: 'object', properties: {} },
        },
      }),
    );
    const choice = req.tool_choice;
    if (choice) {
      switch (choice.type) {
        case 'auto':
          body.tool_choice = 'auto';
          break;
        case 'any':
          body.tool_choice = 'required';
          break;
        case 'none':
          body.tool_choice = 'none';
          break;
        case 'tool':
          body.tool_choice = { type: 'function', function: { name: toolNames.up(choice.name) } };
          break;
      }
      if ('disable_parallel_tool_use' in choice && choice.disable_parallel_tool_use === true) body.parallel_tool_calls = false;
    }
  }

  const userId = req.metadata?.user_id;
  if (typeof userId === 'string' && userId.length > 0) body.user = userId.length <= 64 ? userId : sha256Hex(userId);
  // Thinking and effort become a reasoning effort, except for models known to take none (common.ts),
  // for which the field table announces the drop.
  const config = isRecord(req.output_config) ? req.output_config : undefined;
  if (!isPlainChatModel(req.model, opts)) {
    const effort = effortOf(config?.effort);
    if (effort) body.reasoning_effort = effort;
    else if (req.thinking && req.thinking.type === 'enabled' && typeof req.thinking.budget_tokens === 'number') body.reasoning_effort = effortFromBudget(req.thinking.budget_tokens);
  }
  const format = responseFormatOf(config?.format) ?? responseFormatOf(req.output_format);
  if (format) body.response_format = format;
  if (req.service_tier === 'auto') body.service_tier = 'auto';
  else if (req.service_tier === 'standard_only') body.service_tier = 'default';
  if (req.stream === true) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return { body, toolNames, dropped };
}

/** An Anthropic user location (`{type:'approximate', city, …}`) without its type, as chat nests it. */
function withoutType(where: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in where) if (key !== 'type') out[key] = where[key];
  return out;
}

function systemText(system: ARequest['system']): string {
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) return '';
  return system
    .filter((b) => isRecord(b) && typeof b.text === 'string' && b.text.length > 0)
    .map((b) => b.text)
    .join('\n\n');
}

function imagePart(block: AContentBlock): OContentPart | undefined {
  const source = (block as { source?: unknown }).source;
  if (!isRecord(source)) return undefined;
  if (source.type === 'base64' && typeof source.data === 'string') {
    return { type: 'image_url', image_url: { url: `data:${String(source.media_type ?? 'image/png')};base64,${source.data}` } };
  }
  if (source.type === 'url' && typeof source.url === 'string') return { type: 'image_url', image_url: { url: source.url } };
  return undefined;
}

function documentPart(block: AContentBlock): OContentPart | undefined {
  const b = block as { source?: unknown; title?: unknown };
  const source = b.source;
  if (!isRecord(source)) return undefined;
  const title = typeof b.title === 'string' ? b.title : undefined;
  if (source.type === 'base64' && typeof source.data === 'string') {
    const media = String(source.media_type ?? 'application/pdf');
    return { type: 'file', file: { filename: title ?? (media === 'application/pdf' ? 'document.pdf' : 'document'), file_data: `data:${media};base64,${source.data}` } };
  }
  if (source.type === 'text' && typeof source.data === 'string') return { type: 'text', text: title ? `${title}\n\n${source.data}` : source.data };
  if (source.type === 'url' && typeof source.url === 'string') return { type: 'text', text: `${title ? `${title}: ` : ''}${source.url}` };
  return undefined;
}

/** Plain text when every part is text (the widest-supported form), else the parts. */
function contentOf(parts: OContentPart[]): string | OContentPart[] {
  if (parts.every((p) => p.type === 'text')) return parts.map((p) => (p as { text: string }).text).join('\n\n');
  return parts;
}

/**
 * A user turn: one `tool` message per tool result, first (OpenAI requires them right after the
 * assistant's tool calls), then one user message with the images those results held and the
 * turn's own text and images, in order.
 */
function userMessages(blocks: AContentBlock[]): OMessage[] {
  const tools: OMessage[] = [];
  const resultImages: OContentPart[] = [];
  const parts: OContentPart[] = [];
  for (const block of blocks) {
    switch (block.type) {
      case 'text': {
        const text = (block as { text?: unknown }).text;
        if (typeof text === 'string' && text.length > 0) parts.push({ type: 'text', text });
        break;
      }
      case 'image': {
        const p = imagePart(block);
        if (p) parts.push(p);
        break;
      }
      case 'document': {
        const p = documentPart(block);
        if (p) parts.push(p);
        break;
      }
      case 'tool_result': {
        const r = block as { tool_use_id?: unknown; content?: unknown; is_error?: unknown };
        const texts: string[] = [];
        if (typeof r.content === 'string') texts.push(r.content);
        else if (Array.isArray(r.content)) {
          for (const c of r.content as AContentBlock[]) {
            if (c.type === 'text' && typeof (c as { text?: unknown }).text === 'string') texts.push((c as { text: string }).text);
            else if (c.type === 'image') {
              const p = imagePart(c);
              if (p) resultImages.push(p);
            } else if (c.type === 'document') {
              const p = documentPart(c);
              if (p?.type === 'text') texts.push((p as { text: string }).text);
              else if (p) resultImages.push(p);
            }
          }
        }
        let content = texts.join('\n');
        if (r.is_error === true) content = content ? `Error: ${content}` : 'Error';
        tools.push({ role: 'tool', tool_call_id: String(r.tool_use_id ?? ''), content });
        break;
      }
      default:
        // thinking, redacted_thinking and server-tool blocks have no OpenAI form.
        break;
    }
  }
  const out: OMessage[] = [...tools];
  const all = [...resultImages, ...parts];
  if (all.length > 0) out.push({ role: 'user', content: contentOf(all) });
  return out;
}

/** An assistant turn: its text (thinking is never merged into it) and its tool calls. */
function assistantMessage(blocks: AContentBlock[], toolNames: ToolNames): OMessage[] {
  const texts: string[] = [];
  const calls: OToolCall[] = [];
  for (const block of blocks) {
    if (block.type === 'text') {
      const text = (block as { text?: unknown }).text;
      if (typeof text === 'string' && text.length > 0) texts.push(text);
    } else if (block.type === 'tool_use') {
      const b = block as { id?: unknown; name?: unknown; input?: unknown };
      calls.push({
        id: typeof b.id === 'string' && b.id ? b.id : randomId('call_'),
        type: 'function',
        function: { name: toolNames.up(String(b.name ?? '')), arguments: JSON.stringify(b.input ?? {}) },
      });
    }
  }
  if (texts.length === 0 && calls.length === 0) return [];
  const msg: OMessage = { role: 'assistant', content: texts.length > 0 ? texts.join('') : null };
  if (calls.length > 0) msg.tool_calls = calls;
  return [msg];
}

// ----------------------------------------------------------------------------- response

export interface AnthropicReplyContext {
  /** Restores tool names the request shortened. */
  toolNames: ToolNames;
  /** Used when the upstream names no model. */
  model: string;
}

export function chatToAnthropicResponse(resp: OResponse, ctx: AnthropicReplyContext): AResponse {
  const choices = Array.isArray(resp.choices) ? resp.choices : [];
  let text = '';
  let reasoning = '';
  let refusal = '';
  const calls: OToolCall[] = [];
  let finish: string | null = null;
  let stopString: string | null = null;
  // Copilot-style upstreams put the text in one choice and the tool calls in another: merge.
  for (const choice of choices) {
    const m = choice.message ?? ({} as OResponse['choices'][number]['message']);
    if (typeof m.content === 'string') text += m.content;
    const r = m.reasoning_content ?? m.reasoning;
    if (typeof r === 'string') reasoning += r;
    if (typeof m.refusal === 'string') refusal += m.refusal;
    if (Array.isArray(m.tool_calls)) calls.push(...m.tool_calls);
    if (choice.finish_reason && (finish === null || choice.finish_reason === 'tool_calls')) finish = choice.finish_reason;
    stopString ??= stopStringOf(choice.stop_reason);
  }
  const content: AContentBlock[] = [];
  if (reasoning) content.push({ type: 'thinking', thinking: reasoning, signature: '' });
  if (text) content.push({ type: 'text', text });
  if (refusal && !text) content.push({ type: 'text', text: refusal });
  for (const call of calls) {
    content.push({
      type: 'tool_use',
      id: call.id || randomId('toolu_'),
      name: ctx.toolNames.down(call.function?.name ?? ''),
      input: parseArguments(call.function?.arguments),
    });
  }
  const stop: AStopReason = refusal && !text && calls.length === 0 ? 'refusal' : stopReasonFromFinish(finish, calls.length > 0, stopString);
  return {
    id: randomId('msg_'),
    type: 'message',
    role: 'assistant',
    model: resp.model || ctx.model,
    content,
    stop_reason: stop,
    stop_sequence: stop === 'stop_sequence' ? stopString : null,
    usage: resp.usage ? chatUsageToAnthropic(resp.usage) : { input_tokens: 0, output_tokens: 0 },
  };
}

/** Tool arguments as an object; malformed JSON from the model must not crash the relay. */
export function parseArguments(args: string | undefined): unknown {
  if (args === undefined || args.trim() === '') return {};
  try {
    const v = JSON.parse(args) as unknown;
    return isRecord(v) ? v : { value: v };
  } catch {
    return { arguments: args };
  }
}

// ------------------------------------------------------------------------------- stream

export interface AnthropicStreamContext extends AnthropicReplyContext {
  /** An estimate of the prompt's tokens for `message_start` (the exact count comes at the end). */
  inputTokens: number;
}

/**
 * O stream -> A events. Push every parsed chunk; call `done()` on `[DONE]` or the end of the
 * stream. The closing events wait for the end because the usage chunk comes after the finish.
 */
export class ChatToAnthropicStream {
  private readonly seq = new Sequencer();
  private readonly id = randomId('msg_');
  private started = false;
  private finished = false;
  private model: string;
  private finish: string | null = null;
  private stopString: string | null = null;
  private usage: OUsage | undefined;
  private sawFinish = false;

  constructor(private readonly ctx: AnthropicStreamContext) {
    this.model = ctx.model;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /**
   * The block index a chunk carrying only this text would write one text delta to, when that is
   * all it would do (the message started, the text block is live); else undefined, and `push`
   * must see the chunk.
   */
  textIndex(text: string): number | undefined {
    if (this.finished || !this.started || text === '') return undefined;
    return this.seq.textSlot;
  }

  /**
   * What `push` makes of a chunk whose only content is this text on choice 0 (no role change,
   * finish, usage, stop reason or tool call), once the message started; undefined before that,
   * when `push` must see the chunk (its model names the message).
   */
  pushText(text: string): AStreamEvent[] | undefined {
    if (this.finished || !this.started || text === '') return undefined;
    const out: AStreamEvent[] = [];
    this.map(this.seq.text(text), out);
    return out;
  }

  push(chunk: OChunk): AStreamEvent[] {
    if (this.finished) return [];
    const out: AStreamEvent[] = [];
    if (typeof chunk.model === 'string' && chunk.model && !this.started) this.model = chunk.model;
    this.start(out);
    if (chunk.usage) this.usage = chunk.usage;
    const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
    for (const choice of choices) {
      const d = choice.delta ?? {};
      const r = d.reasoning_content ?? d.reasoning;
      if (typeof r === 'string' && r) this.map(this.seq.thinking(r), out);
      if (typeof d.content === 'string' && d.content) this.map(this.seq.text(d.content), out);
      if (typeof d.refusal === 'string' && d.refusal) this.map(this.seq.text(d.refusal), out);
      if (Array.isArray(d.tool_calls)) {
        d.tool_calls.forEach((tc, position) => {
          const key = `${choice.index ?? 0}:${tc.index ?? position}`;
          this.map(this.seq.tool(key, { id: tc.id, name: tc.function?.name, args: tc.function?.arguments }), out);
        });
      }
      if (choice.finish_reason) {
        this.sawFinish = true;
        if (this.finish === null || choice.finish_reason === 'tool_calls') this.finish = choice.finish_reason;
      }
      this.stopString ??= stopStringOf(choice.stop_reason);
    }
    return out;
  }

  /** `[DONE]`, or the upstream closed. Without a finish reason the reply is incomplete: an error. */
  done(): AStreamEvent[] {
    if (this.finished) return [];
    if (!this.sawFinish) return this.error({ message: 'The upstream stream ended before the reply was complete.', type: 'api_error' });
    const out: AStreamEvent[] = [];
    this.start(out);
    this.map(this.seq.finish(), out);
    const stop = stopReasonFromFinish(this.finish, this.seq.sawToolCall, this.stopString);
    const usage: Partial<AUsage> = this.usage ? chatUsageToAnthropic(this.usage) : { output_tokens: 0 };
    out.push({ type: 'message_delta', delta: { stop_reason: stop, stop_sequence: stop === 'stop_sequence' ? this.stopString : null }, usage });
    out.push({ type: 'message_stop' });
    this.finished = true;
    return out;
  }

  /** A failure mid-stream: an `error` event ends the stream. */
  error(info: ErrorInfo, status = 500): AStreamEvent[] {
    if (this.finished) return [];
    this.finished = true;
    return [{ type: 'error', error: { type: info.type ?? anthropicErrorType(status), message: info.message } }];
  }

  private start(out: AStreamEvent[]): void {
    if (this.started) return;
    this.started = true;
    out.push({
      type: 'message_start',
      message: {
        id: this.id,
        type: 'message',
        role: 'assistant',
        model: this.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: this.ctx.inputTokens, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
    });
  }

  private map(events: SeqEvent[], out: AStreamEvent[]): void {
    for (const e of events) {
      if (e.type === 'open') {
        const b = e.block;
        const block: AContentBlock =
          b.kind === 'text'
            ? { type: 'text', text: '' }
            : b.kind === 'thinking'
              ? { type: 'thinking', thinking: '', signature: '' }
              : { type: 'tool_use', id: b.id || randomId('toolu_'), name: this.ctx.toolNames.down(b.name ?? ''), input: {} };
        out.push({ type: 'content_block_start', index: e.slot, content_block: block });
      } else if (e.type === 'delta') {
        const delta =
          e.kind === 'text'
            ? { type: 'text_delta', text: e.text }
            : e.kind === 'thinking'
              ? { type: 'thinking_delta', thinking: e.text }
              : { type: 'input_json_delta', partial_json: e.text };
        out.push({ type: 'content_block_delta', index: e.slot, delta });
      } else {
        out.push({ type: 'content_block_stop', index: e.slot });
      }
    }
  }
}

// An OpenAI Chat Completions client (or the Responses and legacy completions clients, through
// chat) in front of an Anthropic Messages upstream: the request goes O -> A, the reply comes
// back A -> O.
import { parseArguments } from './anthropic-to-chat.js';
import { type TranslateOptions, anthropicMaxTokens, finishFromStopReason, thinkingBudgetWithin } from './common.js';
import { ClientError, type ErrorInfo } from './errors.js';
import { addDropped, refusal } from './fields.js';
import { ToolNames } from './tool-names.js';
import type {
  AContentBlock,
  AMessage,
  ARequest,
  AResponse,
  AStreamEvent,
  ATool,
  AToolChoice,
  AUsage,
  OChunk,
  OChunkChoice,
  OContentPart,
  OFinishReason,
  ORequest,
  OResponse,
  OToolCall,
} from './types.js';
import { anthropicUsageToChat } from './usage.js';
import { isRecord, nowSeconds, randomId } from './util.js';

// ------------------------------------------------------------------------------ request

export interface AnthropicRequestResult {
  body: ARequest;
  toolNames: ToolNames;
  /** Parts of the request dropped by a documented rule, comma-separated ('' when none): the reply announces them. */
  dropped: string;
}

/** What `response_format: json_object` becomes: the Messages API has no schema-less JSON mode. */
export const JSON_OBJECT_RULE = 'Answer with a single JSON object and nothing else: no prose, no code fences.';

export function chatToAnthropicRequest(req: ORequest, opts: TranslateOptions = {}): AnthropicRequestResult {
  const toolNames = new ToolNames((req.tools ?? []).map((t) => t.function?.name ?? ''));
  const system: string[] = [];
  const messages: AMessage[] = [];

  const push = (role: 'user' | 'assistant', blocks: AContentBlock[]) => {
    if (blocks.length === 0) return;
    const last = messages[messages.length - 1];
    // Consecutive turns of one role become one turn; tool results stay first in a user turn.
    if (last && last.role === role && Array.isArray(last.content)) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  };

  for (const m of req.messages ?? []) {
    switch (m.role) {
      case 'system':
      case 'developer': {
        const text = textOf(m.content);
        if (text) system.push(text);
        break;
      }
      case 'user':
        push('user', userBlocks(m.content));
        break;
      case 'assistant': {
        const blocks: AContentBlock[] = [];
        const text = m.content == null ? '' : textOf(m.content);
        if (text) blocks.push({ type: 'text', text });
        else if (typeof m.refusal === 'string' && m.refusal) blocks.push({ type: 'text', text: m.refusal });
        for (const call of m.tool_calls ?? []) {
          blocks.push({
            type: 'tool_use',
            id: toolUseId(call.id),
            name: toolNames.up(call.function?.name ?? ''),
            input: parseArguments(call.function?.arguments),
          });
        }
        push('assistant', blocks);
        break;
      }
      case 'tool': {
        const content = typeof m.content === 'string' ? m.content : textOf(m.content);
        push('user', [{ type: 'tool_result', tool_use_id: toolUseId(m.tool_call_id), content }]);
        break;
      }
      default:
        break;
    }
  }

  let dropped = '';
  const body: ARequest = { model: req.model, messages, max_tokens: anthropicMaxTokens(req.max_completion_tokens ?? req.max_tokens ?? undefined, opts) };
  // JSON mode: a schema becomes Anthropic's structured output (the reply is the JSON text, as chat
  // clients expect it); a schema-less JSON object, which structured output cannot express, an instruction.
  const format = req.response_format;
  if (isRecord(format) && format.type === 'json_schema') {
    const schema = isRecord(format.json_schema) && isRecord(format.json_schema.schema) ? format.json_schema.schema : { type: 'object' };
    body.output_config = { format: { type: 'json_schema', schema: closedObjects(schema) as Record<string, unknown> } };
  } else if (isRecord(format) && format.type === 'json_object') system.push(JSON_OBJECT_RULE);
  if (system.length > 0) body.system = system.join('\n\n');
  if (typeof req.temperature === 'number') body.temperature = Math.min(1, Math.max(0, req.temperature));
  if (typeof req.top_p === 'number') body.top_p = req.top_p;
  // Not in the chat form, but a Gemini client's topK rides along for Anthropic gateways.
  if (typeof req.top_k === 'number') body.top_k = req.top_k;
  const stop = typeof req.stop === 'string' ? [req.stop] : Array.isArray(req.stop) ? req.stop : [];
  if (stop.length > 0) body.stop_sequences = stop;

  const tools = (req.tools ?? []).filter((t) => t.type === 'function' && t.function?.name);
  for (const t of req.tools ?? []) if (isRecord(t) && t.type !== 'function') dropped = addDropped(dropped, `tools.${String(t.type)}`);
  const search = req.web_search_options;
  if (isRecord(search)) {
    // Chat's built-in web search is Anthropic's web search server tool.
    const tool: ATool = { type: 'web_search_20250305', name: 'web_search' };
    const where = isRecord(search.user_location) && isRecord(search.user_location.approximate) ? search.user_location.approximate : undefined;
    if (where) tool.user_location = { type: 'approximate', ...where };
    if (search.search_context_size !== undefined) dropped = addDropped(dropped, 'web_search_options.search_context_size');
    body.tools = [tool];
  }
  if (tools.length > 0) {
    body.tools = (body.tools ?? []).concat(tools.map((t) => ({
      name: toolNames.up(t.function.name),
      ...(t.function.description !== undefined ? { description: t.function.description } : {}),
      input_schema: isRecord(t.function.parameters) ? t.function.parameters : { type: 'object', properties: {} },
    })));
    let choice: AToolChoice | undefined;
    const c = req.tool_choice;
    if (c === 'auto') choice = { type: 'auto' };
    else if (c === 'required') choice = { type: 'any' };
    else if (c === 'none') choice = { type: 'none' };
    else if (isRecord(c) && isRecord(c.function) && typeof c.function.name === 'string') choice = { type: 'tool', name: toolNames.up(c.function.name) };
    if (req.parallel_tool_calls === false) {
      choice ??= { type: 'auto' };
      if (choice.type !== 'none') choice.disable_parallel_tool_use = true;
    }
    if (choice) body.tool_choice = choice;
  }

  const user = typeof req.user === 'string' && req.user ? req.user : typeof req.safety_identifier === 'string' && req.safety_identifier ? req.safety_identifier : undefined;
  if (user) body.metadata = { user_id: user };
  const budget = thinkingBudgetWithin(req.reasoning_effort, body.max_tokens ?? 0);
  if (budget === 0) throw new ClientError(400, refusal('reasoning_effort', 'anthropic', thinkingTooSmall(body.max_tokens ?? 0)));
  if (budget !== undefined) {
    body.thinking = { type: 'enabled', budget_tokens: budget };
    // Thinking requires the default sampling: a client's own is dropped, and said so.
    for (const key of SAMPLING) {
      if (body[key] === undefined) continue;
      delete body[key];
      dropped = addDropped(dropped, key);
    }
  }
  if (req.stream === true) body.stream = true;
  return { body, toolNames, dropped };
}

const SAMPLING = ['temperature', 'top_p', 'top_k'] as const;

/**
 * A JSON Schema with `additionalProperties: false` on every object that does not say otherwise:
 * Anthropic's structured output requires it (its SDKs add it the same way); the rest is kept.
 */
export function closedObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closedObjects);
  if (!isRecord(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const key in schema) {
    const value = schema[key];
    if (key === 'properties' || key === '$defs' || key === 'definitions') {
      const inner: Record<string, unknown> = {};
      if (isRecord(value)) for (const name in value) inner[name] = closedObjects(value[name]);
      out[key] = isRecord(value) ? inner : value;
    } else if (key === 'items' || key === 'anyOf' || key === 'allOf' || key === 'oneOf' || key === 'prefixItems' || key === 'not') out[key] = closedObjects(value);
    else out[key] = value;
  }
  const type = out.type;
  if ((type === 'object' || (Array.isArray(type) && type.includes('object'))) && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

/** Why a reasoning effort cannot be served within `maxTokens` (the thinking budget counts towards max_tokens). */
export function thinkingTooSmall(maxTokens: number): string {
  return `its thinking needs a budget of at least 1024 tokens below max_tokens, and max_tokens is ${maxTokens}; raise the token limit above 1024, or send no reasoning effort.`;
}

/** Anthropic ids must match ^[a-zA-Z0-9_-]+$; other gateways' ids (`functions.Read:0`) are mapped the same way every time. */
function toolUseId(id: string | undefined): string {
  if (!id) return randomId('toolu_');
  return /^[a-zA-Z0-9_-]+$/.test(id) ? id : id.replace(/[^a-zA-Z0-9_-]/g, '_');
}

function textOf(content: string | OContentPart[] | null | undefined): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((p) => (isRecord(p) && (p.type === 'text' || p.type === 'input_text' || p.type === 'output_text') && typeof p.text === 'string' ? p.text : ''))
    .filter(Boolean)
    .join('\n\n');
}

function userBlocks(content: string | OContentPart[]): AContentBlock[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  const blocks: AContentBlock[] = [];
  for (const p of content ?? []) {
    if (!isRecord(p)) continue;
    if (p.type === 'text' && typeof p.text === 'string') {
      if (p.text) blocks.push({ type: 'text', text: p.text });
    } else if (p.type === 'image_url') {
      const url = isRecord(p.image_url) ? p.image_url.url : p.image_url;
      if (typeof url === 'string') blocks.push(imageBlock(url));
    } else if (p.type === 'file' && isRecord(p.file) && typeof p.file.file_data === 'string') {
      const m = /^data:([^;,]+);base64,(.*)$/s.exec(p.file.file_data);
      if (m) blocks.push({ type: 'document', source: { type: 'base64', media_type: m[1] as string, data: m[2] as string } });
    }
  }
  return blocks;
}

function imageBlock(url: string): AContentBlock {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (m) return { type: 'image', source: { type: 'base64', media_type: m[1] as string, data: m[2] as string } };
  return { type: 'image', source: { type: 'url', url } };
}

// ----------------------------------------------------------------------------- response

export interface ChatReplyContext {
  toolNames: ToolNames;
  model: string;
}

export function anthropicToChatResponse(resp: AResponse, ctx: ChatReplyContext): OResponse {
  let text = '';
  let reasoning = '';
  const calls: OToolCall[] = [];
  for (const block of Array.isArray(resp.content) ? resp.content : []) {
    const b = block as Record<string, unknown>;
    if (b.type === 'text' && typeof b.text === 'string') text += b.text;
    else if (b.type === 'thinking' && typeof b.thinking === 'string') reasoning += b.thinking;
    else if (b.type === 'tool_use') {
      calls.push({
        id: typeof b.id === 'string' && b.id ? b.id : randomId('call_'),
        type: 'function',
        function: { name: ctx.toolNames.down(String(b.name ?? '')), arguments: JSON.stringify(b.input ?? {}) },
      });
    }
  }
  const message: OResponse['choices'][number]['message'] = { role: 'assistant', content: text || (calls.length > 0 ? null : '') };
  if (reasoning) message.reasoning_content = reasoning;
  if (calls.length > 0) message.tool_calls = calls;
  return {
    id: randomId('chatcmpl-'),
    object: 'chat.completion',
    created: nowSeconds(),
    model: resp.model || ctx.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishFromStopReason(resp.stop_reason) }],
    usage: anthropicUsageToChat(resp.usage ?? {}),
  };
}

// ------------------------------------------------------------------------------- stream

export type ChatStreamItem = { kind: 'chunk'; chunk: OChunk } | { kind: 'done' } | { kind: 'error'; info: ErrorInfo; status: number };

export interface ChatStreamContext extends ChatReplyContext {
  /** Send the usage chunk (`stream_options.include_usage`). */
  includeUsage: boolean;
}

/** A events -> O chunks, one `chatcmpl-` id for the whole stream, tool calls indexed from 0. */
export class AnthropicToChatStream {
  private readonly id = randomId('chatcmpl-');
  private readonly created = nowSeconds();
  private model: string;
  private started = false;
  private finished = false;
  /** Anthropic block index -> OpenAI tool-call index. */
  private readonly toolIndex = new Map<number, number>();
  private usage: Partial<AUsage> = {};
  private stopReason: string | null = null;
  private sawStop = false;

  constructor(private readonly ctx: ChatStreamContext) {
    this.model = ctx.model;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  push(event: AStreamEvent): ChatStreamItem[] {
    if (this.finished) return [];
    const out: ChatStreamItem[] = [];
    switch (event.type) {
      case 'message_start': {
        const m = event.message;
        if (m && typeof m.model === 'string' && m.model) this.model = m.model;
        if (m?.usage) this.mergeUsage(m.usage);
        this.start(out);
        break;
      }
      case 'content_block_start': {
        this.start(out);
        const b = event.content_block as Record<string, unknown>;
        if (b.type === 'tool_use') {
          const index = this.toolIndex.size;
          this.toolIndex.set(event.index, index);
          out.push(
            this.chunk({
              tool_calls: [
                {
                  index,
                  id: typeof b.id === 'string' && b.id ? b.id : randomId('call_'),
                  type: 'function',
                  function: { name: this.ctx.toolNames.down(String(b.name ?? '')), arguments: '' },
                },
              ],
            }),
          );
        } else if (b.type === 'text' && typeof b.text === 'string' && b.text) {
          out.push(this.chunk({ content: b.text }));
        } else if (b.type === 'thinking' && typeof b.thinking === 'string' && b.thinking) {
          out.push(this.chunk({ reasoning_content: b.thinking }));
        }
        break;
      }
      case 'content_block_delta': {
        this.start(out);
        const d = event.delta as Record<string, unknown>;
        if (d.type === 'text_delta' && typeof d.text === 'string' && d.text) out.push(this.chunk({ content: d.text }));
        else if (d.type === 'thinking_delta' && typeof d.thinking === 'string' && d.thinking) out.push(this.chunk({ reasoning_content: d.thinking }));
        else if (d.type === 'input_json_delta' && typeof d.partial_json === 'string' && d.partial_json) {
          const index = this.toolIndex.get(event.index);
          if (index !== undefined) out.push(this.chunk({ tool_calls: [{ index, function: { arguments: d.partial_json } }] }));
        }
        break;
      }
      case 'message_delta':
        if (event.delta?.stop_reason) {
          this.stopReason = event.delta.stop_reason;
          this.sawStop = true;
        }
        if (event.usage) this.mergeUsage(event.usage);
        break;
      case 'message_stop':
        out.push(...this.done());
        break;
      case 'error':
        out.push(...this.error({ message: event.error?.message ?? 'upstream error', ...(event.error?.type ? { type: event.error.type } : {}) }, 500));
        break;
      default:
        break; // ping, content_block_stop, unknown events
    }
    return out;
  }

  /** The end: a finish chunk, the usage chunk when asked for, `[DONE]`. */
  done(): ChatStreamItem[] {
    if (this.finished) return [];
    if (!this.sawStop) return this.error({ message: 'The upstream stream ended before the reply was complete.' }, 500);
    const out: ChatStreamItem[] = [];
    this.start(out);
    this.finished = true;
    const finish: OFinishReason = finishFromStopReason(this.stopReason);
    out.push(this.chunk({}, finish));
    if (this.ctx.includeUsage) {
      out.push({ kind: 'chunk', chunk: { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [], usage: anthropicUsageToChat(this.usage) } });
    }
    out.push({ kind: 'done' });
    return out;
  }

  error(info: ErrorInfo, status: number): ChatStreamItem[] {
    if (this.finished) return [];
    this.finished = true;
    return [{ kind: 'error', info, status }];
  }

  private mergeUsage(u: Partial<AUsage>): void {
    for (const k of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'] as const) {
      const v = u[k];
      if (typeof v === 'number') this.usage[k] = v;
    }
  }

  private start(out: ChatStreamItem[]): void {
    if (this.started) return;
    this.started = true;
    out.push(this.chunk({ role: 'assistant', content: '' }));
  }

  private chunk(delta: OChunkChoice['delta'], finish: OFinishReason | null = null): ChatStreamItem {
    return {
      kind: 'chunk',
      chunk: { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] },
    };
  }
}


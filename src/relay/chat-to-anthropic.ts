// An OpenAI Chat Completions client (or the Responses and legacy completions clients, through
// chat) in front of an Anthropic Messages upstream: the request goes O -> A, the reply comes
// back A -> O.
import { parseArguments } from './anthropic-to-chat.js';
import {
  type TranslateOptions,
  DEFAULT_MAX_TOKENS,
  budgetFromEffort,
  clampTokens,
  finishFromStopReason,
} from './common.js';
import type { ErrorInfo } from './errors.js';
import { ToolNames } from './tool-names.js';
import type {
  AContentBlock,
  AMessage,
  ARequest,
  AResponse,
  AStreamEvent,
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
}

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

  const body: ARequest = {
    model: req.model,
    messages,
    max_tokens: clampTokens(req.max_completion_tokens ?? req.max_tokens, opts) ?? opts.defaultMaxTokens ?? DEFAULT_MAX_TOKENS,
  };
  if (system.length > 0) body.system = system.join('\n\n');
  if (typeof req.temperature === 'number') body.temperature = Math.min(1, Math.max(0, req.temperature));
  if (typeof req.top_p === 'number') body.top_p = req.top_p;
  // Not in the chat form, but a Gemini client's topK rides along for Anthropic gateways.
  if (typeof req.top_k === 'number') body.top_k = req.top_k;
  const stop = typeof req.stop === 'string' ? [req.stop] : Array.isArray(req.stop) ? req.stop : [];
  if (stop.length > 0) body.stop_sequences = stop;

  const tools = (req.tools ?? []).filter((t) => t.type === 'function' && t.function?.name);
  if (tools.length > 0) {
    body.tools = tools.map((t) => ({
      name: toolNames.up(t.function.name),
      ...(t.function.description !== undefined ? { description: t.function.description } : {}),
      input_schema: isRecord(t.function.parameters) ? t.function.parameters : { type: 'object', properties: {} },
    }));
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

  if (typeof req.user === 'string' && req.user) body.metadata = { user_id: req.user };
  const budget = budgetFromEffort(req.reasoning_effort);
  if (budget !== undefined) {
    const max = body.max_tokens ?? DEFAULT_MAX_TOKENS;
    // The budget must stay below max_tokens and at least 1024.
    const b = Math.min(budget, max - 1);
    if (b >= 1024) {
      body.thinking = { type: 'enabled', budget_tokens: b };
      delete body.temperature; // thinking requires the default temperature
      delete body.top_p;
      delete body.top_k;
    }
  }
  if (req.stream === true) body.stream = true;
  return { body, toolNames };
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


// An OpenAI Responses client (Codex) in front of an upstream without /v1/responses: the request
// becomes a chat completion (and from there, if need be, an Anthropic message); the reply comes
// back as a Responses object or event stream.
//
// Freeform ("custom") tools, which chat completions lack, travel as functions taking one string
// argument `input`; their calls come back as `custom_tool_call` items.
import { clampTokens, defaultIsReasoningModel, isPlainChatModel, type TranslateOptions } from './common.js';
import { isSearchModel } from './anthropic-to-chat.js';
import type { ErrorInfo } from './errors.js';
import { addDropped } from './fields.js';
import { Sequencer, type SeqEvent } from './sequencer.js';
import { ToolNames } from './tool-names.js';
import type {
  OChunk,
  OContentPart,
  OMessage,
  ORequest,
  OResponse,
  OTool,
  OToolCall,
  OUsage,
  RInputContent,
  RInputItem,
  RRequest,
  RResponse,
  RStreamEvent,
  RUsage,
} from './types.js';
import { chatUsageToResponses } from './usage.js';
import { isRecord, nowSeconds, randomId } from './util.js';

// ------------------------------------------------------------------------------ request

export interface ResponsesRequestResult {
  body: ORequest;
  toolNames: ToolNames;
  /** Names of the freeform tools, whose calls come back as `custom_tool_call` items. */
  customTools: Set<string>;
  /** Parts of the request dropped by a documented rule (hosted tools), comma-separated; '' when none. */
  dropped: string;
}

/** Hosted web search, in its Responses names. */
const WEB_SEARCH = /^web_search(_preview)?(_\d{4}_\d{2}_\d{2})?$/;

const CUSTOM_TOOL_PARAMETERS = {
  type: 'object',
  properties: { input: { type: 'string', description: 'The raw input of the tool, exactly as its format requires.' } },
  required: ['input'],
  additionalProperties: false,
};

/**
 * A Responses request as a chat request for a gateway speaking `upstream` (chat, or Anthropic
 * through chat): fields only chat carries (verbosity, prompt caching, service tier) are left out
 * for an Anthropic gateway, where the field table announces them as dropped.
 */
export function responsesToChatRequest(req: RRequest, opts: TranslateOptions = {}, upstream: 'chat' | 'anthropic' = 'chat'): ResponsesRequestResult {
  const toolNames = new ToolNames();
  const customTools = new Set<string>();
  const tools: OTool[] = [];
  let dropped = '';
  let search: Record<string, unknown> | undefined;
  for (const t of req.tools ?? []) {
    if (!isRecord(t)) continue;
    if (t.type !== 'function' && t.type !== 'custom') {
      // Hosted tools run on OpenAI's side: web search is chat's own (a search model's, or Anthropic's
      // web search tool); the others have no chat form, and never become a function.
      if (typeof t.type === 'string' && WEB_SEARCH.test(t.type) && (upstream === 'anthropic' || isSearchModel(req.model))) {
        search = {};
        if (isRecord(t.user_location)) search.user_location = { type: 'approximate', approximate: withoutType(t.user_location) };
        if (t.search_context_size !== undefined) search.search_context_size = t.search_context_size;
        if (t.filters !== undefined && t.filters !== null) dropped = addDropped(dropped, `tools.${t.type}.filters`);
      } else dropped = addDropped(dropped, `tools.${String(t.type)}`);
      continue;
    }
    if (typeof t.name !== 'string') continue;
    if (t.type === 'function') {
      tools.push({
        type: 'function',
        function: {
          name: toolNames.up(t.name),
          ...(typeof t.description === 'string' ? { description: t.description } : {}),
          parameters: t.parameters ?? { type: 'object', properties: {} },
          ...(typeof t.strict === 'boolean' ? { strict: t.strict } : {}),
        },
      });
    } else if (t.type === 'custom') {
      customTools.add(t.name);
      const format = isRecord(t.format) && typeof t.format.definition === 'string' ? `\n\nInput format (${String(t.format.syntax ?? 'grammar')}):\n${t.format.definition}` : '';
      tools.push({
        type: 'function',
        function: { name: toolNames.up(t.name), description: `${typeof t.description === 'string' ? t.description : ''}${format}`, parameters: CUSTOM_TOOL_PARAMETERS },
      });
    }
  }

  const messages: OMessage[] = [];
  if (typeof req.instructions === 'string' && req.instructions) messages.push({ role: 'system', content: req.instructions });
  const input: RInputItem[] = typeof req.input === 'string' ? [{ role: 'user', content: req.input }] : Array.isArray(req.input) ? req.input : [];

  /** The assistant message that function calls attach to (the last one, if nothing came after). */
  const lastAssistant = (): Extract<OMessage, { role: 'assistant' }> | undefined => {
    const last = messages[messages.length - 1];
    return last && last.role === 'assistant' ? last : undefined;
  };
  const addCall = (call: OToolCall) => {
    const a = lastAssistant();
    if (a) (a.tool_calls ??= []).push(call);
    else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
  };

  for (const entry of input) {
    if (!isRecord(entry)) continue;
    const item = entry as Record<string, unknown>;
    const type = item.type ?? 'message';
    if (type === 'message') {
      const role = item.role;
      const content = item.content as string | RInputContent[] | undefined;
      if (role === 'system' || role === 'developer') {
        const text = textOf(content);
        if (text) messages.push({ role: 'system', content: text });
      } else if (role === 'assistant') {
        const text = textOf(content);
        if (text) {
          const a = lastAssistant();
          if (a && !a.tool_calls && typeof a.content === 'string') a.content += text;
          else messages.push({ role: 'assistant', content: text });
        }
      } else {
        const parts = userParts(content);
        if (parts.length > 0) {
          messages.push({ role: 'user', content: parts.every((p) => p.type === 'text') ? parts.map((p) => (p as { text: string }).text).join('\n\n') : parts });
        }
      }
    } else if (type === 'function_call') {
      addCall({ id: String(item.call_id ?? randomId('call_')), type: 'function', function: { name: toolNames.up(String(item.name ?? '')), arguments: String(item.arguments ?? '{}') } });
    } else if (type === 'custom_tool_call') {
      addCall({
        id: String(item.call_id ?? randomId('call_')),
        type: 'function',
        function: { name: toolNames.up(String(item.name ?? '')), arguments: JSON.stringify({ input: String(item.input ?? '') }) },
      });
    } else if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      const output = item.output;
      messages.push({ role: 'tool', tool_call_id: String(item.call_id ?? ''), content: typeof output === 'string' ? output : textOf(output as RInputContent[]) });
    }
    // reasoning items carry encrypted state only the model that made them can read: dropped.
  }

  const body: ORequest = { model: req.model, messages };
  const max = clampTokens(typeof req.max_output_tokens === 'number' ? req.max_output_tokens : undefined, opts);
  if (max !== undefined) {
    if ((opts.isReasoningModel ?? defaultIsReasoningModel)(req.model)) body.max_completion_tokens = max;
    else body.max_tokens = max;
  }
  if (typeof req.temperature === 'number') body.temperature = req.temperature;
  if (typeof req.top_p === 'number') body.top_p = req.top_p;
  if (search) body.web_search_options = search;
  if (tools.length > 0) {
    body.tools = tools;
    const c = req.tool_choice;
    if (c === 'auto' || c === 'none' || c === 'required') body.tool_choice = c;
    else if (isRecord(c) && typeof c.name === 'string') body.tool_choice = { type: 'function', function: { name: toolNames.up(c.name) } };
    if (typeof req.parallel_tool_calls === 'boolean') body.parallel_tool_calls = req.parallel_tool_calls;
  }
  // An effort reaches the model, or an Anthropic gateway (as thinking), except a chat model known
  // to take none (common.ts), for which the field table announces it as dropped.
  const effort = isRecord(req.reasoning) ? req.reasoning.effort : undefined;
  if (typeof effort === 'string' && effort && (upstream === 'anthropic' || !isPlainChatModel(req.model, opts))) body.reasoning_effort = effort as ORequest['reasoning_effort'];
  if (typeof req.user === 'string' && req.user) body.user = req.user;
  if (typeof req.safety_identifier === 'string' && req.safety_identifier) body.safety_identifier = req.safety_identifier;
  if (upstream === 'chat') {
    for (const key of CHAT_ONLY) if (req[key] !== undefined && req[key] !== null) body[key] = req[key];
    if (isRecord(req.text) && typeof req.text.verbosity === 'string') body.verbosity = req.text.verbosity;
  }
  const format = isRecord(req.text) && isRecord(req.text.format) ? req.text.format : undefined;
  if (format && format.type === 'json_schema') {
    body.response_format = { type: 'json_schema', json_schema: { name: format.name ?? 'output', schema: format.schema, ...(typeof format.strict === 'boolean' ? { strict: format.strict } : {}) } };
  } else if (format && format.type === 'json_object') body.response_format = { type: 'json_object' };
  if (req.stream === true) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return { body, toolNames, customTools, dropped };
}

/** Responses fields chat completions takes as they are (an Anthropic gateway has no place for them). */
const CHAT_ONLY = ['prompt_cache_key', 'prompt_cache_retention', 'prompt_cache_options', 'service_tier'] as const;

/** A Responses user location (`{type:'approximate', city, …}`) without its type, as chat nests it. */
function withoutType(where: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in where) if (key !== 'type') out[key] = where[key];
  return out;
}

function textOf(content: string | RInputContent[] | undefined): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((entry) => {
      const c = entry as Record<string, unknown>;
      return typeof c.text === 'string' ? c.text : typeof c.refusal === 'string' ? c.refusal : '';
    })
    .filter(Boolean)
    .join('\n\n');
}

function userParts(content: string | RInputContent[] | undefined): OContentPart[] {
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  const parts: OContentPart[] = [];
  for (const entry of content ?? []) {
    if (!isRecord(entry)) continue;
    const c = entry as Record<string, unknown>;
    if ((c.type === 'input_text' || c.type === 'output_text' || c.type === 'text') && typeof c.text === 'string') {
      if (c.text) parts.push({ type: 'text', text: c.text });
    } else if (c.type === 'input_image' && typeof c.image_url === 'string') {
      parts.push({ type: 'image_url', image_url: { url: c.image_url, ...(typeof c.detail === 'string' ? { detail: c.detail } : {}) } });
    } else if (c.type === 'input_file' && typeof c.file_data === 'string') {
      parts.push({ type: 'file', file: { file_data: c.file_data, ...(typeof c.filename === 'string' ? { filename: c.filename } : {}) } });
    }
  }
  return parts;
}

// ----------------------------------------------------------------------------- response

export interface ResponsesReplyContext {
  request: RRequest;
  toolNames: ToolNames;
  customTools: Set<string>;
}

type OutputItem = Record<string, unknown> & { type: string; id: string };

/** The fields of a Responses object that echo the request. */
function responseBase(ctx: ResponsesReplyContext, id: string, createdAt: number, model: string): RResponse {
  const r = ctx.request;
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status: 'in_progress',
    error: null,
    incomplete_details: null,
    instructions: typeof r.instructions === 'string' ? r.instructions : null,
    max_output_tokens: typeof r.max_output_tokens === 'number' ? r.max_output_tokens : null,
    model,
    output: [],
    parallel_tool_calls: r.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: {
      effort: isRecord(r.reasoning) && typeof r.reasoning.effort === 'string' ? r.reasoning.effort : null,
      summary: isRecord(r.reasoning) && typeof r.reasoning.summary === 'string' ? r.reasoning.summary : null,
    },
    store: false,
    temperature: typeof r.temperature === 'number' ? r.temperature : null,
    text: { format: { type: 'text' } },
    tool_choice: r.tool_choice ?? 'auto',
    tools: Array.isArray(r.tools) ? r.tools : [],
    top_p: typeof r.top_p === 'number' ? r.top_p : null,
    truncation: 'disabled',
    usage: null,
    user: typeof r.user === 'string' ? r.user : null,
    metadata: {},
  };
}

function callItem(ctx: ResponsesReplyContext, callId: string, upstreamName: string, args: string, status: string): OutputItem {
  const name = ctx.toolNames.down(upstreamName);
  if (ctx.customTools.has(name)) {
    const parsed = (() => {
      try {
        const v = JSON.parse(args) as unknown;
        return isRecord(v) && typeof v.input === 'string' ? v.input : args;
      } catch {
        return args;
      }
    })();
    return { type: 'custom_tool_call', id: randomId('ctc_'), call_id: callId, name, input: parsed, status };
  }
  return { type: 'function_call', id: randomId('fc_'), call_id: callId, name, arguments: args, status };
}

export function chatToResponsesResponse(resp: OResponse, ctx: ResponsesReplyContext): RResponse {
  const out = responseBase(ctx, randomId('resp_'), nowSeconds(), resp.model || ctx.request.model);
  let text = '';
  let reasoning = '';
  const calls: OToolCall[] = [];
  let finish: string | null = null;
  for (const choice of Array.isArray(resp.choices) ? resp.choices : []) {
    const m = choice.message ?? ({} as OResponse['choices'][number]['message']);
    if (typeof m.content === 'string') text += m.content;
    else if (typeof m.refusal === 'string') text += m.refusal;
    const r = m.reasoning_content ?? m.reasoning;
    if (typeof r === 'string') reasoning += r;
    if (Array.isArray(m.tool_calls)) calls.push(...m.tool_calls);
    finish ??= choice.finish_reason;
  }
  const items: OutputItem[] = [];
  if (reasoning) items.push({ type: 'reasoning', id: randomId('rs_'), summary: [{ type: 'summary_text', text: reasoning }] });
  if (text) items.push({ type: 'message', id: randomId('msg_'), status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] });
  for (const c of calls) items.push(callItem(ctx, c.id || randomId('call_'), c.function?.name ?? '', c.function?.arguments ?? '', 'completed'));
  out.output = items as unknown as RResponse['output'];
  if (finish === 'length') {
    out.status = 'incomplete';
    out.incomplete_details = { reason: 'max_output_tokens' };
  } else if (finish === 'content_filter') {
    out.status = 'incomplete';
    out.incomplete_details = { reason: 'content_filter' };
  } else out.status = 'completed';
  out.usage = resp.usage ? chatUsageToResponses(resp.usage) : null;
  out.output_text = text;
  return out;
}

// ------------------------------------------------------------------------------- stream

interface LiveItem {
  item: OutputItem;
  outputIndex: number;
  kind: 'text' | 'thinking' | 'tool';
  text: string;
}

/** O chunks -> Responses events: created, items added / deltas / done, completed. */
export class ChatToResponsesStream {
  private readonly seq = new Sequencer();
  private readonly id = randomId('resp_');
  private readonly createdAt = nowSeconds();
  private model: string;
  private sequence = 0;
  private started = false;
  private finished = false;
  private readonly live = new Map<number, LiveItem>();
  private readonly output: OutputItem[] = [];
  private finish: string | null = null;
  private sawFinish = false;
  private usage: OUsage | undefined;

  constructor(private readonly ctx: ResponsesReplyContext) {
    this.model = ctx.request.model;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  push(chunk: OChunk): RStreamEvent[] {
    if (this.finished) return [];
    const out: RStreamEvent[] = [];
    if (!this.started && typeof chunk.model === 'string' && chunk.model) this.model = chunk.model;
    this.start(out);
    if (chunk.usage) this.usage = chunk.usage;
    for (const choice of Array.isArray(chunk.choices) ? chunk.choices : []) {
      const d = choice.delta ?? {};
      const r = d.reasoning_content ?? d.reasoning;
      if (typeof r === 'string' && r) this.map(this.seq.thinking(r), out);
      if (typeof d.content === 'string' && d.content) this.map(this.seq.text(d.content), out);
      if (typeof d.refusal === 'string' && d.refusal) this.map(this.seq.text(d.refusal), out);
      if (Array.isArray(d.tool_calls)) {
        d.tool_calls.forEach((tc, position) => {
          this.map(this.seq.tool(`${choice.index ?? 0}:${tc.index ?? position}`, { id: tc.id, name: tc.function?.name, args: tc.function?.arguments }), out);
        });
      }
      if (choice.finish_reason) {
        this.sawFinish = true;
        if (this.finish === null || choice.finish_reason === 'tool_calls') this.finish = choice.finish_reason;
      }
    }
    return out;
  }

  done(): RStreamEvent[] {
    if (this.finished) return [];
    if (!this.sawFinish) return this.error({ message: 'The upstream stream ended before the reply was complete.' });
    const out: RStreamEvent[] = [];
    this.start(out);
    this.map(this.seq.finish(), out);
    this.finished = true;
    const response = this.response('completed');
    if (this.finish === 'length' || this.finish === 'content_filter') {
      response.status = 'incomplete';
      response.incomplete_details = { reason: this.finish === 'length' ? 'max_output_tokens' : 'content_filter' };
      out.push(this.event('response.incomplete', { response }));
    } else out.push(this.event('response.completed', { response }));
    return out;
  }

  error(info: ErrorInfo): RStreamEvent[] {
    if (this.finished) return [];
    this.finished = true;
    const out: RStreamEvent[] = [];
    this.start(out);
    const response = this.response('failed');
    response.error = { code: typeof info.code === 'string' ? info.code : (info.type ?? 'server_error'), message: info.message };
    out.push(this.event('response.failed', { response }));
    return out;
  }

  private response(status: RResponse['status']): RResponse {
    const r = responseBase(this.ctx, this.id, this.createdAt, this.model);
    r.status = status;
    r.output = this.output as unknown as RResponse['output'];
    if (status !== 'in_progress') r.usage = this.usage ? chatUsageToResponses(this.usage) : (null as RUsage | null);
    return r;
  }

  private start(out: RStreamEvent[]): void {
    if (this.started) return;
    this.started = true;
    const response = this.response('in_progress');
    out.push(this.event('response.created', { response }));
    out.push(this.event('response.in_progress', { response }));
  }

  private event(type: string, data: Record<string, unknown>): RStreamEvent {
    return { type, sequence_number: this.sequence++, ...data };
  }

  private map(events: SeqEvent[], out: RStreamEvent[]): void {
    for (const e of events) {
      if (e.type === 'open') this.open(e.slot, e.block.kind, e.block.id, e.block.name, out);
      else if (e.type === 'delta') this.delta(e.slot, e.text, out);
      else this.close(e.slot, out);
    }
  }

  private open(slot: number, kind: 'text' | 'thinking' | 'tool', id: string | undefined, name: string | undefined, out: RStreamEvent[]): void {
    let item: OutputItem;
    if (kind === 'text') item = { id: randomId('msg_'), type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    else if (kind === 'thinking') item = { id: randomId('rs_'), type: 'reasoning', summary: [] };
    else item = callItem(this.ctx, id || randomId('call_'), name ?? '', '', 'in_progress');
    const live: LiveItem = { item, outputIndex: slot, kind, text: '' };
    this.live.set(slot, live);
    out.push(this.event('response.output_item.added', { output_index: slot, item: { ...item, ...(item.type === 'custom_tool_call' ? { input: '' } : {}) } }));
    if (kind === 'text') {
      out.push(this.event('response.content_part.added', { item_id: item.id, output_index: slot, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }));
    } else if (kind === 'thinking') {
      out.push(this.event('response.reasoning_summary_part.added', { item_id: item.id, output_index: slot, summary_index: 0, part: { type: 'summary_text', text: '' } }));
    }
  }

  private delta(slot: number, text: string, out: RStreamEvent[]): void {
    const live = this.live.get(slot);
    if (!live) return;
    live.text += text;
    const base = { item_id: live.item.id, output_index: slot };
    if (live.kind === 'text') out.push(this.event('response.output_text.delta', { ...base, content_index: 0, delta: text, logprobs: [] }));
    else if (live.kind === 'thinking') out.push(this.event('response.reasoning_summary_text.delta', { ...base, summary_index: 0, delta: text }));
    else if (live.item.type === 'function_call') out.push(this.event('response.function_call_arguments.delta', { ...base, delta: text }));
    // custom tool input is JSON-wrapped upstream: delivered whole when the item is done.
  }

  private close(slot: number, out: RStreamEvent[]): void {
    const live = this.live.get(slot);
    if (!live) return;
    this.live.delete(slot);
    const base = { item_id: live.item.id, output_index: slot };
    let done: OutputItem;
    if (live.kind === 'text') {
      const part = { type: 'output_text', text: live.text, annotations: [] };
      out.push(this.event('response.output_text.done', { ...base, content_index: 0, text: live.text, logprobs: [] }));
      out.push(this.event('response.content_part.done', { ...base, content_index: 0, part }));
      done = { ...live.item, status: 'completed', content: [part] };
    } else if (live.kind === 'thinking') {
      const part = { type: 'summary_text', text: live.text };
      out.push(this.event('response.reasoning_summary_text.done', { ...base, summary_index: 0, text: live.text }));
      out.push(this.event('response.reasoning_summary_part.done', { ...base, summary_index: 0, part }));
      done = { ...live.item, summary: [part] };
    } else {
      const item = live.item;
      const finalItem = callItem(this.ctx, String(item.call_id), String(item.name), live.text, 'completed');
      finalItem.id = item.id;
      finalItem.name = item.name; // already the client's name
      if (item.type === 'function_call') out.push(this.event('response.function_call_arguments.done', { ...base, arguments: live.text }));
      done = finalItem;
    }
    this.output.push(done);
    out.push(this.event('response.output_item.done', { output_index: slot, item: done }));
  }
}

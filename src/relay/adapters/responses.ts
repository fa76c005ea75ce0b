// OpenAI Responses (`/v1/responses`): Codex's protocol. As a client only: its requests become
// chat requests and chat replies and chunks become Responses objects and events (responses.ts).
// The relay does not write Responses requests: a gateway that serves /v1/responses is used
// as it is (pass-through), and one that does not is reached through chat or Anthropic.
import { ClientError, openaiErrorBody } from '../errors.js';
import { ChatToResponsesStream, chatToResponsesResponse, responsesToChatRequest, type ResponsesReplyContext } from '../responses.js';
import { SSE_COMMENT_PING, sseData, sseEvent } from '../sse.js';
import type { ChatConsumer } from '../streams.js';
import type { OChunk, RRequest, RStreamEvent } from '../types.js';
import type { ErrorInfo } from '../errors.js';
import { asks, type FieldContext, fieldTable, isPlain, thinkingMisfits } from '../fields.js';
import { num } from '../util.js';
import type { Adapter } from './adapter.js';

function encodeEvents(events: RStreamEvent[]): string {
  let out = '';
  for (const e of events) out += sseEvent(e.type, e);
  return out;
}

/** Chat chunks -> a Responses client's events. */
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
    return encodeEvents(this.stream.push(chunk));
  }
  done(): string {
    return encodeEvents(this.stream.done());
  }
  error(info: ErrorInfo): string {
    return encodeEvents(this.stream.error(info));
  }
}

// ------------------------------------------------------------------------------ fields

const effortDropsOrMisfits = (v: unknown, body: Record<string, unknown>, ctx: FieldContext): boolean => {
  if (typeof v !== 'string' || !v) return false;
  if (ctx.upstream === 'anthropic') return thinkingMisfits(v, num(body.max_output_tokens), ctx);
  return isPlain(ctx);
};
const storedState = (v: unknown): boolean => typeof v === 'string' ? v !== '' : asks(v);
const isTrue = (v: unknown): boolean => v === true;
const isAuto = (v: unknown): boolean => v === 'auto';
const notAutoOrDefault = (v: unknown): boolean => v !== 'auto' && v !== 'default';

/** A Responses client's fields on its translated routes (a gateway serving /v1/responses is a pass-through). */
export const RESPONSES_FIELDS = fieldTable({
  model: { chat: 'translated', anthropic: 'translated', note: 'the model map applies' },
  input: { chat: 'translated', anthropic: 'translated', note: 'messages, function and custom tool calls and their outputs, images, files; reasoning items stay out (encrypted for the model that wrote them)' },
  instructions: { chat: 'translated', anthropic: 'translated', note: 'a system message' },
  max_output_tokens: { chat: 'translated', anthropic: 'translated', note: '`max_completion_tokens` for reasoning models, else `max_tokens`' },
  temperature: { chat: 'translated', anthropic: 'translated', note: '`temperature` (on Anthropic, see the chat client’s rows)' },
  top_p: { chat: 'translated', anthropic: 'translated', note: '`top_p`' },
  stream: { chat: 'translated', anthropic: 'translated', note: '`stream`, events written by the relay' },
  tools: {
    chat: 'translated',
    anthropic: 'translated',
    note: 'functions as functions, custom (free-form) tools as functions taking one string; hosted tools never become a function (see the tool rows)',
    items: fieldTable({
      function: { chat: 'translated', anthropic: 'translated', note: 'a function' },
      custom: { chat: 'translated', anthropic: 'translated', note: 'a function with one string argument `input`; its calls come back as `custom_tool_call`' },
      web_search: {
        chat: 'dropped',
        anthropic: 'translated',
        note: '(and `web_search_preview`) `web_search_options` for a chat search model, Anthropic’s web search tool on an Anthropic gateway (`filters` dropped and announced); dropped for other chat models',
        when: 'unless the model is a search model',
      },
      '(other hosted tools)': { chat: 'dropped', anthropic: 'dropped', note: 'file search, code interpreter, image generation, MCP, shell and the other hosted tools have no chat form' },
    }),
  },
  tool_choice: { chat: 'translated', anthropic: 'translated', note: '`auto`, `none`, `required`, a named function' },
  parallel_tool_calls: { chat: 'translated', anthropic: 'translated', note: '`parallel_tool_calls`' },
  reasoning: {
    chat: 'translated',
    anthropic: 'translated',
    note: 'its fields below',
    fields: fieldTable({
      effort: {
        chat: 'dropped',
        anthropic: 'refused',
        why: 'on an Anthropic gateway thinking needs a budget of at least 1024 tokens below max_output_tokens; raise max_output_tokens above 1024, or send no reasoning effort.',
        note: '`reasoning_effort`, a thinking budget on an Anthropic gateway (see the chat client’s `reasoning_effort`); dropped for chat models known to take none (gpt-4…, gpt-3.5…, chatgpt-…); refused on Anthropic when 1024 thinking tokens do not fit below `max_output_tokens`.',
        applies: effortDropsOrMisfits,
        when: 'chat: for gpt-4…, gpt-3.5…, chatgpt-… models; Anthropic: when the thinking does not fit',
      },
      summary: { chat: 'translated', anthropic: 'translated', reply: true, note: 'the gateway’s reasoning text comes back as the summary; the setting is echoed' },
    }),
  },
  text: {
    chat: 'translated',
    anthropic: 'translated',
    note: 'its fields below',
    fields: fieldTable({
      format: { chat: 'translated', anthropic: 'translated', note: '`response_format` (`json_schema`, `json_object`; on Anthropic as the chat client’s `response_format`)' },
      verbosity: { chat: 'translated', anthropic: 'dropped', note: 'chat’s `verbosity`; the Messages API has none' },
    }),
  },
  user: { chat: 'translated', anthropic: 'translated', note: '`user`' },
  safety_identifier: { chat: 'translated', anthropic: 'translated', note: '`safety_identifier` (`metadata.user_id` on Anthropic)' },
  prompt_cache_key: { chat: 'translated', anthropic: 'dropped', note: 'chat’s own; a caching hint with no Messages form' },
  prompt_cache_retention: { chat: 'translated', anthropic: 'dropped', note: 'chat’s own; a caching hint with no Messages form' },
  prompt_cache_options: { chat: 'translated', anthropic: 'dropped', note: 'chat’s own; a caching hint with no Messages form' },
  service_tier: { chat: 'translated', anthropic: 'dropped', note: 'chat’s own; Anthropic’s tiers are not OpenAI’s', applies: notAutoOrDefault, when: 'Anthropic: unless `auto` or `default`' },
  previous_response_id: { chat: 'refused', anthropic: 'refused', note: 'the relay keeps no stored responses; send the whole conversation in input.', applies: storedState, when: 'when set' },
  conversation: { chat: 'refused', anthropic: 'refused', note: 'the relay keeps no stored conversations; send the whole conversation in input.', applies: storedState, when: 'when set' },
  prompt: { chat: 'refused', anthropic: 'refused', note: 'stored prompt templates live at OpenAI; send the prompt itself.' },
  background: { chat: 'refused', anthropic: 'refused', note: 'background responses need stored state the relay does not keep.', applies: isTrue, when: 'when true' },
  top_logprobs: { chat: 'refused', anthropic: 'refused', note: 'the relay returns no log probabilities.', applies: asks, when: 'when above 0' },
  store: { chat: 'dropped', anthropic: 'dropped', note: 'the relay stores no responses', applies: isTrue, when: 'when true' },
  include: { chat: 'dropped', anthropic: 'dropped', note: 'the extra outputs (encrypted reasoning, sources, …) are not produced through chat', applies: asks, when: 'when not empty' },
  truncation: { chat: 'dropped', anthropic: 'dropped', note: 'the relay does not shorten conversations', applies: isAuto, when: 'when `auto`' },
  metadata: { chat: 'dropped', anthropic: 'dropped', note: 'stored-response tags have no chat form', applies: asks, when: 'when not empty' },
  max_tool_calls: { chat: 'dropped', anthropic: 'dropped', note: 'chat completions has no cap on tool calls' },
  context_management: { chat: 'dropped', anthropic: 'dropped', note: 'server-side compaction has no chat form' },
  stream_options: { chat: 'dropped', anthropic: 'dropped', note: 'obfuscation padding is not written by the relay' },
  moderation: { chat: 'dropped', anthropic: 'dropped', note: 'OpenAI’s moderation has no chat form' },
});

/** The Responses names of common-form fields an Anthropic gateway's side may drop. */
const RESPONSES_NAMES: Readonly<Record<string, string>> = {
  'web_search_options.search_context_size': 'tools.web_search.search_context_size',
};

export const responses: Adapter = {
  id: 'responses',
  endpoint: (path) => (path === '/responses' ? {} : undefined),
  upstreamPath: '/v1/responses',
  anthropicHeaders: false,
  errors: 'openai',
  ping: SSE_COMMENT_PING,
  streamError: (status, info) => sseData(openaiErrorBody(status, info)),
  client: {
    fields: RESPONSES_FIELDS,
    commonNames: RESPONSES_NAMES,
    invalid: (body) => (typeof body.input !== 'string' && !Array.isArray(body.input) ? 'input: required (a string or an array)' : undefined),
    accept(body, ctx) {
      if (typeof body.previous_response_id === 'string' && body.previous_response_id) {
        // Chat upstreams keep no conversation state: the earlier turns would be silently lost.
        throw new ClientError(400, `previous_response_id is not supported: ${ctx.upstreamName} has no /v1/responses, so the relay keeps no stored responses; send the whole conversation in input.`);
      }
      const r = responsesToChatRequest({ ...body, model: ctx.model } as RRequest, ctx.options, ctx.upstream === 'anthropic' ? 'anthropic' : 'chat');
      const reply: ResponsesReplyContext = { request: body as RRequest, toolNames: r.toolNames, customTools: r.customTools };
      return {
        request: r.body,
        usage: true,
        dropped: r.dropped,
        reply: (common) => chatToResponsesResponse(common, reply),
        encoder: () => new ResponsesEncoder(reply),
      };
    },
  },
};

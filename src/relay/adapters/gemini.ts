// Google's Gemini API (`/v1beta/models/{model}:generateContent`, `:streamGenerateContent`,
// `:countTokens`, `GET /v1beta/models[/{model}]`): Gemini CLI's and the `@google/genai` SDK's
// protocol. As a client only: its requests become chat requests and chat replies and chunks become
// GenerateContentResponse objects, written as SSE (`?alt=sse`, what the SDK asks for) or as the one
// JSON array Google streams without it. The relay never writes Gemini requests, and never passes
// them through: a gateway with its own Gemini face is reached directly (the recipe's routing).
//
// What is translated, from Google's API reference (ai.google.dev/api, checked 2026-12-04):
// - contents (roles `user`/`model`; `function` taken as user), systemInstruction, parts text /
//   thought text / inlineData / fileData / functionCall / functionResponse. A call without an id
//   gets one, and a response without one is paired with the oldest unanswered call of that name.
// - tools.functionDeclarations (`parameters` in Google's OpenAPI subset, types upper-case, or
//   `parametersJsonSchema`); Google Search as chat's web search where there is one, other tools
//   (codeExecution, …) have no chat form: dropped and announced. toolConfig.functionCallingConfig
//   AUTO / ANY (+ allowedFunctionNames) / NONE.
// - generationConfig: temperature, topP, topK (Anthropic gateways only: chat has none),
//   maxOutputTokens, stopSequences, presence/frequency penalties and seed (chat gateways),
//   responseMimeType JSON with responseSchema / responseJsonSchema to response_format (structured
//   output on Anthropic gateways), thinkingConfig to reasoning_effort (a budget or a level; the
//   Anthropic side turns it back into a thinking budget). Thoughts come back as `thought: true`
//   parts only when includeThoughts asks for them. What is refused or dropped (candidateCount
//   above 1, …) is GEMINI_FIELDS' to say, below.
// - usageMetadata (prompt, candidates, cached, thoughts, total), finishReason, errors as
//   `{error:{code,message,status}}` with the upstream's HTTP status.
import { clampTokens, defaultIsReasoningModel, effortFromBudget, isPlainChatModel } from '../common.js';
import { isSearchModel } from '../anthropic-to-chat.js';
import { type ErrorInfo, geminiErrorBody } from '../errors.js';
import { addDropped, asks, type FieldContext, fieldTable, isPlain, thinkingMisfits } from '../fields.js';
import { type ModelEntry } from '../local.js';
import { SSE_COMMENT_PING } from '../sse.js';
import type { ChatConsumer } from '../streams.js';
import { ToolNames } from '../tool-names.js';
import type { OChunk, OContentPart, OMessage, ORequest, OResponse, OTool, OToolCall, OUsage } from '../types.js';
import { estimateTextTokens, isRecord, jsonText, num, randomId } from '../util.js';
import type { Adapter, ClientContext } from './adapter.js';

type Json = Record<string, unknown>;

// ------------------------------------------------------------------------------ paths

const ACTION_PATH = /^\/(?:v1beta\/|v1alpha\/)?models\/(.+):(generateContent|streamGenerateContent|countTokens)$/;
const MODEL_PATH = /^\/(?:v1beta|v1alpha)\/models(?:\/([^:]+))?$/;

/** A path segment unescaped; as it is when its escapes are malformed. */
function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Whether the client asked for the SSE stream (`alt=sse`) rather than the JSON array. */
function wantsSse(url: string): boolean {
  const q = url.indexOf('?');
  return q !== -1 && new URLSearchParams(url.slice(q + 1)).get('alt') === 'sse';
}

// ------------------------------------------------------------------------------ request

/** Google's OpenAPI schema subset (upper-case types, `nullable`) as JSON Schema. */
export function openApiToJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(openApiToJsonSchema);
  if (!isRecord(schema)) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'propertyOrdering' || key === 'nullable') continue;
    if (key === 'type' && typeof value === 'string') out.type = value.toLowerCase();
    else if (key === 'properties' && isRecord(value)) out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, openApiToJsonSchema(v)]));
    else if (key === 'items' || key === 'anyOf' || key === 'oneOf' || key === 'allOf' || key === 'not' || key === 'additionalProperties') out[key] = openApiToJsonSchema(value);
    else out[key] = value;
  }
  if (schema.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

function textOfSystem(system: unknown): string {
  if (typeof system === 'string') return system;
  if (!isRecord(system) || !Array.isArray(system.parts)) return '';
  return system.parts
    .map((p) => (isRecord(p) && typeof p.text === 'string' ? p.text : ''))
    .filter(Boolean)
    .join('\n\n');
}

/** inlineData / fileData as a chat content part. */
function mediaPart(part: Json): OContentPart | undefined {
  const inline = part.inlineData;
  if (isRecord(inline) && typeof inline.data === 'string') {
    const mime = typeof inline.mimeType === 'string' ? inline.mimeType : 'application/octet-stream';
    const url = `data:${mime};base64,${inline.data}`;
    return mime.startsWith('image/') ? { type: 'image_url', image_url: { url } } : { type: 'file', file: { filename: typeof inline.displayName === 'string' ? inline.displayName : 'file', file_data: url } };
  }
  const file = part.fileData;
  if (isRecord(file) && typeof file.fileUri === 'string') {
    const mime = typeof file.mimeType === 'string' ? file.mimeType : '';
    return mime.startsWith('image/') ? { type: 'image_url', image_url: { url: file.fileUri } } : { type: 'text', text: file.fileUri };
  }
  return undefined;
}

/** A functionResponse's `response` as a tool message's text: Gemini CLI's `{output}` as it is. */
function resultText(response: unknown): string {
  if (isRecord(response)) {
    const keys = Object.keys(response);
    if (keys.length === 1 && typeof response.output === 'string') return response.output;
  }
  return typeof response === 'string' ? response : jsonText(response ?? {});
}

interface Pending {
  id: string;
  name: string;
}

/** `contents` as chat messages, calls and their responses paired by id (or by name, oldest first). */
function contentsToMessages(contents: unknown[], toolNames: ToolNames): OMessage[] {
  const messages: OMessage[] = [];
  let pending: Pending[] = [];
  let n = 0;
  for (const content of contents) {
    if (!isRecord(content)) continue;
    const parts = Array.isArray(content.parts) ? content.parts.filter(isRecord) : [];
    if (content.role === 'model') {
      let text = '';
      let reasoning = '';
      const calls: OToolCall[] = [];
      pending = [];
      for (const p of parts) {
        const fc = p.functionCall;
        if (isRecord(fc) && typeof fc.name === 'string') {
          const id = typeof fc.id === 'string' && fc.id ? fc.id : `call_${++n}`;
          calls.push({ id, type: 'function', function: { name: toolNames.up(fc.name), arguments: jsonText(fc.args ?? {}) } });
          pending.push({ id, name: fc.name });
        } else if (typeof p.text === 'string') {
          if (p.thought === true) reasoning += p.text;
          else text += p.text;
        }
      }
      const m: OMessage = { role: 'assistant', content: text || (calls.length ? null : '') };
      if (calls.length) m.tool_calls = calls;
      if (reasoning) m.reasoning_content = reasoning;
      messages.push(m);
      continue;
    }
    const userParts: OContentPart[] = [];
    // Responses that name their call's id take it first; the others take the oldest call of their name.
    const responses = parts.map((p) => p.functionResponse).filter(isRecord);
    const byId = new Map<Json, Pending>();
    for (const fr of responses) {
      const i = typeof fr.id === 'string' ? pending.findIndex((c) => c.id === fr.id) : -1;
      if (i !== -1) byId.set(fr, pending.splice(i, 1)[0] as Pending);
    }
    for (const p of parts) {
      const fr = p.functionResponse;
      if (isRecord(fr)) {
        const name = typeof fr.name === 'string' ? fr.name : '';
        let call = byId.get(fr);
        if (!call) {
          const i = pending.findIndex((c) => c.name === name);
          call = i === -1 ? undefined : pending.splice(i, 1)[0];
        }
        const text = resultText(fr.response);
        // A response to no call of the turn before: its text, so the conversation stays valid.
        if (call) messages.push({ role: 'tool', tool_call_id: call.id, content: text });
        else userParts.push({ type: 'text', text: `${name} returned: ${text}` });
      } else if (typeof p.text === 'string') {
        if (p.thought !== true) userParts.push({ type: 'text', text: p.text });
      } else {
        const media = mediaPart(p);
        if (media) userParts.push(media);
      }
    }
    if (userParts.length === 0) continue;
    const onlyText = userParts.every((p) => p.type === 'text');
    messages.push({ role: 'user', content: onlyText ? userParts.map((p) => (p as { text: string }).text).join('\n') : userParts });
  }
  return messages;
}

function toolsOf(tools: unknown, toolNames: ToolNames): OTool[] {
  const out: OTool[] = [];
  for (const t of Array.isArray(tools) ? tools : []) {
    if (!isRecord(t) || !Array.isArray(t.functionDeclarations)) continue;
    for (const d of t.functionDeclarations) {
      if (!isRecord(d) || typeof d.name !== 'string') continue;
      const parameters = d.parametersJsonSchema !== undefined ? d.parametersJsonSchema : d.parameters !== undefined ? openApiToJsonSchema(d.parameters) : { type: 'object', properties: {} };
      const fn: OTool['function'] = { name: toolNames.up(d.name), parameters };
      if (typeof d.description === 'string') fn.description = d.description;
      out.push({ type: 'function', function: fn });
    }
  }
  return out;
}

const EFFORTS = new Set(['minimal', 'low', 'medium', 'high']);

export interface GeminiRequestResult {
  body: ORequest;
  toolNames: ToolNames;
  /** Whether the client asked to see thoughts (`thinkingConfig.includeThoughts`). */
  thoughts: boolean;
  /** Parts of the request dropped by a documented rule (Google's own tools), comma-separated; '' when none. */
  dropped: string;
}

// ------------------------------------------------------------------------------ fields

const moreThanOne = (v: unknown): boolean => typeof v !== 'number' || v > 1;
const isTrue = (v: unknown): boolean => v === true;
const isNumber = (v: unknown): boolean => typeof v === 'number';
const notTextOrJson = (v: unknown): boolean => v !== 'text/plain' && v !== 'application/json';
const notText = (v: unknown): boolean => !Array.isArray(v) || v.some((m) => typeof m !== 'string' || m.toUpperCase() !== 'TEXT');
/** Thinking that goes nowhere: a chat model the relay does not treat as reasoning, or a budget that does not fit on Anthropic. */
const thinkingLost = (v: unknown, body: Record<string, unknown>, ctx: FieldContext): boolean => {
  const effort = effortOfThinking(v);
  if (effort === undefined) return false;
  if (ctx.upstream === 'anthropic') return thinkingMisfits(effort, isRecord(body.generationConfig) ? num(body.generationConfig.maxOutputTokens) : undefined, ctx);
  return isPlain(ctx);
};

/** A Gemini client's fields (the relay always translates them: it never writes Gemini requests). */
export const GEMINI_FIELDS = fieldTable({
  model: { chat: 'translated', anthropic: 'translated', note: '(or the model in the path) the model map applies' },
  contents: { chat: 'translated', anthropic: 'translated', note: 'turns, text, thoughts, inline and file data, function calls and responses (paired by id, else by name)' },
  systemInstruction: { chat: 'translated', anthropic: 'translated', note: 'a system message' },
  tools: {
    chat: 'translated',
    anthropic: 'translated',
    note: 'function declarations as functions; Google’s own tools never become a function (see the tool rows)',
    items: fieldTable({
      functionDeclarations: { chat: 'translated', anthropic: 'translated', note: 'functions (`parameters` from Google’s schema subset, or `parametersJsonSchema`)' },
      googleSearch: { chat: 'dropped', anthropic: 'translated', note: '(and `googleSearchRetrieval`) `web_search_options` for a chat search model, Anthropic’s web search tool on an Anthropic gateway; dropped for other chat models', when: 'unless the model is a search model' },
      '(other Google tools)': { chat: 'dropped', anthropic: 'dropped', note: 'code execution, URL context, file search, maps, computer use run on Google’s side' },
    }),
  },
  toolConfig: { chat: 'translated', anthropic: 'translated', note: '`functionCallingConfig` modes AUTO, ANY (with `allowedFunctionNames`), NONE as `tool_choice`' },
  generationConfig: {
    chat: 'translated',
    anthropic: 'translated',
    note: 'its fields below',
    fields: fieldTable({
      temperature: { chat: 'translated', anthropic: 'translated', note: '`temperature`' },
      topP: { chat: 'translated', anthropic: 'translated', note: '`top_p`' },
      topK: { chat: 'dropped', anthropic: 'translated', note: '`top_k` on Anthropic; chat completions has no top-k sampling' },
      maxOutputTokens: { chat: 'translated', anthropic: 'translated', note: '`max_completion_tokens` for reasoning models, else `max_tokens`' },
      stopSequences: { chat: 'translated', anthropic: 'translated', note: '`stop`, every entry' },
      candidateCount: { chat: 'refused', anthropic: 'refused', note: 'the relay’s gateways return one candidate; ask again for another, or leave it at 1.', applies: moreThanOne, when: 'when above 1' },
      presencePenalty: { chat: 'translated', anthropic: 'dropped', note: 'chat’s own; the Messages API has no penalties', applies: asks, when: 'Anthropic: when not 0' },
      frequencyPenalty: { chat: 'translated', anthropic: 'dropped', note: 'chat’s own; the Messages API has no penalties', applies: asks, when: 'Anthropic: when not 0' },
      seed: { chat: 'translated', anthropic: 'dropped', note: 'chat’s own; the Messages API has no seed' },
      responseMimeType: { chat: 'refused', anthropic: 'refused', note: 'only text and JSON answers come through chat.', applies: notTextOrJson, when: 'unless text/plain or application/json' },
      responseSchema: { chat: 'translated', anthropic: 'translated', note: 'JSON mode with the schema (Google’s subset as JSON Schema): `response_format` `json_schema`, structured output on Anthropic' },
      responseJsonSchema: { chat: 'translated', anthropic: 'translated', note: 'as `responseSchema`' },
      responseModalities: { chat: 'refused', anthropic: 'refused', note: 'only text answers come through chat.', applies: notText, when: 'unless only TEXT' },
      thinkingConfig: {
        chat: 'dropped',
        anthropic: 'refused',
        note: '`thinkingLevel`, or `thinkingBudget` (up to 1024 low, 8192 medium, above high), as `reasoning_effort`, or a thinking budget on Anthropic; `includeThoughts` shows the thoughts. Dropped for chat models known to take none (gpt-4…, gpt-3.5…, chatgpt-…); refused on Anthropic when 1024 thinking tokens do not fit below `maxOutputTokens`.',
        why: 'on an Anthropic gateway thinking needs a budget of at least 1024 tokens below maxOutputTokens; raise maxOutputTokens above 1024, or turn thinking off.',
        applies: thinkingLost,
        when: 'chat: for gpt-4…, gpt-3.5…, chatgpt-… models; Anthropic: when the thinking does not fit',
      },
      responseLogprobs: { chat: 'refused', anthropic: 'refused', note: 'the relay returns no log probabilities.', applies: isTrue, when: 'when true' },
      logprobs: { chat: 'refused', anthropic: 'refused', note: 'the relay returns no log probabilities.', applies: isNumber, when: 'when a number' },
      speechConfig: { chat: 'refused', anthropic: 'refused', note: 'only text answers come through chat.' },
      imageConfig: { chat: 'refused', anthropic: 'refused', note: 'only text answers come through chat.' },
      mediaResolution: { chat: 'dropped', anthropic: 'dropped', note: 'a Gemini input setting with no chat form' },
      enableEnhancedCivicAnswers: { chat: 'dropped', anthropic: 'dropped', note: 'a Gemini setting with no chat form' },
    }),
  },
  safetySettings: { chat: 'dropped', anthropic: 'dropped', note: 'the gateway’s model applies its own safety rules', applies: asks, when: 'when not empty' },
  cachedContent: { chat: 'refused', anthropic: 'refused', note: 'cached contents live at Google; send the contents themselves.' },
  labels: { chat: 'dropped', anthropic: 'dropped', note: 'Vertex billing labels have no chat form' },
});

/** The Gemini names of common-form fields an Anthropic gateway's side may drop. */
const GEMINI_NAMES: Readonly<Record<string, string>> = {
  temperature: 'generationConfig.temperature',
  top_p: 'generationConfig.topP',
  top_k: 'generationConfig.topK',
};

/** A Gemini request as a chat request for `ctx.model`. */
export function geminiToChatRequest(req: Json, ctx: Pick<ClientContext, 'model' | 'options' | 'upstream'>, stream: boolean): GeminiRequestResult {
  const gen = isRecord(req.generationConfig) ? req.generationConfig : {};
  const toolNames = new ToolNames();
  const messages: OMessage[] = [];
  const system = textOfSystem(req.systemInstruction);
  const reasoning = (ctx.options.isReasoningModel ?? defaultIsReasoningModel)(ctx.model);
  let dropped = '';

  const body: ORequest = { model: ctx.model, messages };
  const max = clampTokens(num(gen.maxOutputTokens), ctx.options);
  if (max !== undefined) {
    if (reasoning) body.max_completion_tokens = max;
    else body.max_tokens = max;
  }
  if (typeof gen.temperature === 'number') body.temperature = gen.temperature;
  if (typeof gen.topP === 'number') body.top_p = gen.topP;
  if (typeof gen.topK === 'number' && ctx.upstream === 'anthropic') body.top_k = gen.topK;
  if (Array.isArray(gen.stopSequences)) {
    // Every stop sequence goes: a gateway that takes fewer (OpenAI's limit is 4) refuses them itself.
    const stop = gen.stopSequences.filter((s): s is string => typeof s === 'string' && s.length > 0);
    if (stop.length) body.stop = stop;
  }
  if (ctx.upstream === 'chat') {
    if (typeof gen.presencePenalty === 'number') body.presence_penalty = gen.presencePenalty;
    if (typeof gen.frequencyPenalty === 'number') body.frequency_penalty = gen.frequencyPenalty;
    if (typeof gen.seed === 'number') body.seed = gen.seed;
  }

  // JSON mode (a schema implies it): chat's response_format, which an Anthropic gateway's side
  // turns into structured output.
  const schema = gen.responseJsonSchema ?? (gen.responseSchema !== undefined && gen.responseSchema !== null ? openApiToJsonSchema(gen.responseSchema) : undefined);
  if (gen.responseMimeType === 'application/json' || (schema !== undefined && schema !== null)) {
    body.response_format = schema === undefined || schema === null ? { type: 'json_object' } : { type: 'json_schema', json_schema: { name: 'response', schema } };
  }

  // Thinking reaches the model, or an Anthropic gateway (as a budget), except a chat model known to
  // take none (common.ts), for which the field table announces it as dropped.
  const effort = effortOfThinking(gen.thinkingConfig);
  if (effort && (ctx.upstream === 'anthropic' || !isPlainChatModel(ctx.model, ctx.options))) body.reasoning_effort = effort;
  const thinking = isRecord(gen.thinkingConfig) ? gen.thinkingConfig : {};

  if (system) messages.push({ role: 'system', content: system });
  messages.push(...contentsToMessages(Array.isArray(req.contents) ? req.contents : [], toolNames));

  let tools = toolsOf(req.tools, toolNames);
  // Google's own tools: search is chat's web search (a search model's, or Anthropic's web search
  // tool); the others have no chat form and are dropped, announced.
  for (const t of Array.isArray(req.tools) ? req.tools : []) {
    if (!isRecord(t)) continue;
    for (const key in t) {
      if (key === 'functionDeclarations' || t[key] === undefined || t[key] === null) continue;
      if ((key === 'googleSearch' || key === 'googleSearchRetrieval') && (ctx.upstream === 'anthropic' || isSearchModel(ctx.model))) body.web_search_options = {};
      else dropped = addDropped(dropped, `tools.${key}`);
    }
  }
  const tc = isRecord(req.toolConfig) && isRecord(req.toolConfig.functionCallingConfig) ? req.toolConfig.functionCallingConfig : undefined;
  if (tools.length > 0 && tc) {
    const allowed = Array.isArray(tc.allowedFunctionNames) ? tc.allowedFunctionNames.filter((s): s is string => typeof s === 'string').map((s) => toolNames.up(s)) : [];
    if (tc.mode === 'NONE') body.tool_choice = 'none';
    else if (tc.mode === 'ANY') {
      if (allowed.length > 0) tools = tools.filter((t) => allowed.includes(t.function.name));
      body.tool_choice = allowed.length === 1 && tools.length === 1 ? { type: 'function', function: { name: allowed[0] as string } } : 'required';
    } else if (tc.mode === 'AUTO' || tc.mode === 'VALIDATED') body.tool_choice = 'auto';
  }
  if (tools.length > 0) body.tools = tools;

  if (stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return { body, toolNames, thoughts: thinking.includeThoughts === true, dropped };
}

/** A thinkingConfig as a reasoning effort: a level, or a budget (0 turns thinking off and -1 lets the model decide: neither is an effort). */
function effortOfThinking(config: unknown): ORequest['reasoning_effort'] | undefined {
  if (!isRecord(config)) return undefined;
  const level = typeof config.thinkingLevel === 'string' ? config.thinkingLevel.toLowerCase() : undefined;
  if (level && EFFORTS.has(level)) return level as ORequest['reasoning_effort'];
  const budget = num(config.thinkingBudget);
  return budget !== undefined && budget > 0 ? effortFromBudget(budget) : undefined;
}

// ------------------------------------------------------------------------------ reply

const FINISH: Record<string, string> = { stop: 'STOP', tool_calls: 'STOP', function_call: 'STOP', length: 'MAX_TOKENS', content_filter: 'SAFETY' };

function finishReason(finish: string | null | undefined): string {
  return (finish && FINISH[finish]) || 'STOP';
}

/** Chat usage as Gemini's usageMetadata: the candidates' tokens exclude the thoughts'. */
export function usageMetadata(u: OUsage | null | undefined): Json | undefined {
  if (!u) return undefined;
  const prompt = num(u.prompt_tokens) ?? 0;
  const completion = num(u.completion_tokens) ?? 0;
  const thoughts = num(u.completion_tokens_details?.reasoning_tokens) ?? 0;
  const cached = num(u.prompt_tokens_details?.cached_tokens) ?? num(u.prompt_cache_hit_tokens) ?? 0;
  const out: Json = { promptTokenCount: prompt, candidatesTokenCount: Math.max(0, completion - thoughts), totalTokenCount: num(u.total_tokens) ?? prompt + completion };
  if (cached) out.cachedContentTokenCount = cached;
  if (thoughts) out.thoughtsTokenCount = thoughts;
  return out;
}

export interface GeminiReplyContext {
  toolNames: ToolNames;
  /** The model the client asked for, reported as modelVersion. */
  model: string;
  thoughts: boolean;
}

function callPart(id: string, name: string, args: string, toolNames: ToolNames): Json {
  let parsed: unknown;
  try {
    parsed = args.trim() ? JSON.parse(args) : {};
  } catch {
    parsed = { arguments: args };
  }
  return { functionCall: { id, name: toolNames.down(name), args: isRecord(parsed) ? parsed : { value: parsed } } };
}

/** A chat reply as a GenerateContentResponse. */
export function chatToGeminiResponse(resp: OResponse, ctx: GeminiReplyContext): Json {
  const choice = Array.isArray(resp.choices) ? resp.choices[0] : undefined;
  const m = choice?.message;
  const parts: Json[] = [];
  const reasoning = m?.reasoning_content ?? m?.reasoning;
  if (ctx.thoughts && typeof reasoning === 'string' && reasoning) parts.push({ text: reasoning, thought: true });
  if (typeof m?.content === 'string' && m.content) parts.push({ text: m.content });
  for (const c of m?.tool_calls ?? []) parts.push(callPart(c.id || randomId('call_'), c.function?.name ?? '', c.function?.arguments ?? '', ctx.toolNames));
  if (parts.length === 0) parts.push({ text: '' });
  const out: Json = { candidates: [{ content: { role: 'model', parts }, finishReason: finishReason(choice?.finish_reason), index: 0 }] };
  const usage = usageMetadata(resp.usage);
  if (usage) out.usageMetadata = usage;
  out.modelVersion = ctx.model;
  out.responseId = resp.id || randomId('resp_');
  return out;
}

/** A text element up to its text: as an SSE frame, or as the first or a later element of the JSON array. */
const TEXT_ELEMENT_HEAD = '{"candidates":[{"content":{"role":"model","parts":[{"text":';
const SSE_TEXT_HEAD = `data: ${TEXT_ELEMENT_HEAD}`;
const FIRST_TEXT_HEAD = `[${TEXT_ELEMENT_HEAD}`;
const NEXT_TEXT_HEAD = `,\r\n${TEXT_ELEMENT_HEAD}`;

interface CallBuffer {
  id: string;
  name: string;
  args: string;
}

/**
 * Chat chunks -> a Gemini client's stream. Text and thoughts go out as they come; a function call
 * goes out whole (Gemini never streams arguments), when text follows it or with the last frame.
 * The last frame carries the finish reason and the usage, which chat gateways send after it.
 */
export class GeminiEncoder implements ChatConsumer {
  readonly ping: string;
  finished = false;
  private opened = false;
  private readonly calls: CallBuffer[] = [];
  private readonly byIndex = new Map<number, CallBuffer>();
  private finish: string | null = null;
  private usage: OUsage | null | undefined;
  private id = '';
  private trailerId = '';
  private trailerText = '';
  private textEndText = '';

  constructor(
    private readonly ctx: GeminiReplyContext,
    /** SSE frames (`alt=sse`), else the elements of one JSON array. */
    private readonly sse: boolean,
  ) {
    // Whitespace between array elements is valid JSON; a comment frame is skipped by SSE parsers.
    this.ping = sse ? SSE_COMMENT_PING : '\n';
  }

  chunk(chunk: OChunk): string {
    if (this.finished) return '';
    if (!this.id && chunk.id) this.id = chunk.id;
    if (chunk.usage) this.usage = chunk.usage;
    const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
    if (!choice) return '';
    const d = choice.delta ?? {};
    let out = '';
    const reasoning = d.reasoning_content ?? d.reasoning;
    if (this.ctx.thoughts && typeof reasoning === 'string' && reasoning) out += this.frame([{ text: reasoning, thought: true }]);
    if (typeof d.content === 'string' && d.content) {
      const calls = this.takeCalls();
      out += this.frame(calls.length ? [...calls, { text: d.content }] : [{ text: d.content }]);
    }
    for (const t of d.tool_calls ?? []) {
      const index = t.index ?? this.calls.length;
      let call = this.byIndex.get(index);
      if (!call) {
        call = { id: t.id || `call_${randomId('', 16)}`, name: '', args: '' };
        this.byIndex.set(index, call);
        this.calls.push(call);
      }
      if (t.function?.name) call.name += t.function.name;
      if (t.function?.arguments) call.args += t.function.arguments;
    }
    if (choice.finish_reason) this.finish = choice.finish_reason;
    return out;
  }

  text(text: string, verbatim: boolean): string | undefined {
    // A text frame written as `element` would write it: the same keys in the same order, in three
    // pieces (what comes before the text, the text, what follows it) rather than one per field.
    if (this.finished || text === '' || this.calls.length > 0) return undefined;
    const head = this.sse ? SSE_TEXT_HEAD : this.opened ? NEXT_TEXT_HEAD : FIRST_TEXT_HEAD;
    this.opened = true;
    return verbatim ? `${head}"${text}"${this.textEnd()}` : head + JSON.stringify(text) + this.textEnd();
  }

  /** What follows a text frame's JSON string: `}]},"index":0}],` and the trailer. */
  private textEnd(): string {
    this.trailer();
    return this.textEndText;
  }

  /** `"modelVersion":…,"responseId":…}` and the frame's end, which close every element: made once per response id. */
  private trailer(): string {
    if (this.trailerId !== this.id || this.trailerText === '') {
      this.trailerId = this.id;
      this.trailerText = `"modelVersion":${JSON.stringify(this.ctx.model)},"responseId":${JSON.stringify(this.id)}}${this.sse ? '\r\n\r\n' : ''}`;
      this.textEndText = `}]},"index":0}],${this.trailerText}`;
    }
    return this.trailerText;
  }

  done(): string {
    if (this.finished) return '';
    const calls = this.takeCalls();
    const reason = finishReason(this.finish);
    const usage = usageMetadata(this.usage);
    let out: string;
    if (calls.length === 0) {
      // The last element as `element` writes it when no call is left (nearly always), the fixed
      // fields from a template: the same keys in the same order, usageMetadata before the trailer.
      const head = this.sse ? 'data: ' : this.opened ? ',\r\n' : '[';
      this.opened = true;
      out = `${head}{"candidates":[{"content":{"role":"model","parts":[{"text":""}]},"finishReason":${JSON.stringify(reason)},"index":0}],${usage ? `"usageMetadata":${JSON.stringify(usage)},` : ''}${this.trailer()}`;
    } else {
      const last: Json = { candidates: [{ content: { role: 'model', parts: calls }, finishReason: reason, index: 0 }] };
      if (usage) last.usageMetadata = usage;
      out = this.element(last);
    }
    this.finished = true;
    if (!this.sse) out += ']';
    return out;
  }

  error(info: ErrorInfo, status: number): string {
    if (this.finished) return '';
    this.finished = true;
    const body = JSON.stringify(geminiErrorBody(status, info));
    // The SDK reads a network chunk that is one JSON object with `error` as the stream's failure.
    if (this.sse) return `${body}\n`;
    return `${this.opened ? ',\r\n' : '['}${body}]`;
  }

  private takeCalls(): Json[] {
    if (this.calls.length === 0) return [];
    const parts = this.calls.map((c) => callPart(c.id, c.name, c.args, this.ctx.toolNames));
    this.calls.length = 0;
    this.byIndex.clear();
    return parts;
  }

  private frame(parts: Json[]): string {
    return this.element({ candidates: [{ content: { role: 'model', parts }, index: 0 }] });
  }

  private element(body: Json): string {
    body.modelVersion = this.ctx.model;
    body.responseId = this.id;
    const json = JSON.stringify(body);
    if (this.sse) return `data: ${json}\r\n\r\n`;
    const sep = this.opened ? ',\r\n' : '[';
    this.opened = true;
    return sep + json;
  }
}

// ------------------------------------------------------------------------------ side routes

/** `countTokens` answered by the relay: an estimate over the texts, tools and media (never a constant). */
export function geminiCountTokens(body: Json): Json {
  const req = isRecord(body.generateContentRequest) ? body.generateContentRequest : body;
  let tokens = estimateTextTokens(textOfSystem(req.systemInstruction));
  for (const t of Array.isArray(req.tools) ? req.tools : []) tokens += estimateTextTokens(jsonText(t));
  for (const c of Array.isArray(req.contents) ? req.contents : []) {
    if (!isRecord(c) || !Array.isArray(c.parts)) continue;
    tokens += 4;
    for (const p of c.parts) {
      if (!isRecord(p)) continue;
      if (typeof p.text === 'string') tokens += estimateTextTokens(p.text);
      else if (p.inlineData !== undefined || p.fileData !== undefined) tokens += 258; // Gemini's count for one image
      else tokens += estimateTextTokens(jsonText(p));
    }
  }
  return { totalTokens: Math.max(1, tokens) };
}

function modelResource(m: ModelEntry): Json {
  return {
    name: `models/${m.id}`,
    baseModelId: m.id,
    version: '001',
    displayName: m.display_name ?? m.id,
    description: `${m.id}, served by the gateway through the setup-gateway relay`,
    supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
  };
}

// ------------------------------------------------------------------------------ adapter

export const gemini: Adapter = {
  id: 'gemini',
  endpoint(path) {
    const action = ACTION_PATH.exec(path);
    if (action) {
      const model = decode((action[1] as string).replace(/^models\//, ''));
      return action[2] === 'countTokens' ? { model, side: 'count' } : { model };
    }
    const list = MODEL_PATH.exec(path);
    if (!list) return undefined;
    return list[1] === undefined ? { side: 'models' } : { side: 'models', model: decode(list[1]) };
  },
  // Never probed nor written to (no upstream side, no pass-through): where Google serves it.
  upstreamPath: '/v1beta/models/{model}:generateContent',
  passThrough: false,
  anthropicHeaders: false,
  errors: 'gemini',
  ping: SSE_COMMENT_PING,
  streamError: (status, info) => `${JSON.stringify(geminiErrorBody(status, info))}\n`,
  client: {
    fields: GEMINI_FIELDS,
    commonNames: GEMINI_NAMES,
    invalid: (body) => (Array.isArray(body.contents) ? undefined : 'contents: required (an array)'),
    accept(body, ctx) {
      const stream = /:streamGenerateContent(\?|$)/.test(ctx.url);
      const r = geminiToChatRequest(body, ctx, stream);
      const reply: GeminiReplyContext = { toolNames: r.toolNames, model: ctx.requested, thoughts: r.thoughts };
      const sse = wantsSse(ctx.url);
      return {
        request: r.body,
        usage: true,
        dropped: r.dropped,
        contentType: sse ? undefined : 'application/json; charset=utf-8',
        reply: (common) => chatToGeminiResponse(common, reply),
        encoder: () => new GeminiEncoder(reply, sse),
      };
    },
  },
  local: {
    countTokens: geminiCountTokens,
    models(list, model) {
      if (model === undefined) return { models: list.map(modelResource) };
      const found = list.find((m) => m.id === model);
      return found ? modelResource(found) : undefined;
    },
  },
};

// Per-field conformance: for every client protocol and every gateway protocol the relay translates
// to, each field of the client's field table (nested fields and tool kinds too) is sent to a
// scripted gateway, once without and once with it. What the gateway got, what was refused and what
// was announced must add up to the table's rule:
//   translated: the gateway's body changed (or, for a field the relay honours in its reply, the reply changed), nothing announced;
//   refused:    a 400 in the client's shape naming the field, and the gateway never asked;
//   dropped:    the header names it, and the gateway got exactly what it got without it.
// A field that is none of these (a silent drop) fails. Every table entry needs a sample here, and
// every sample a table entry, so a field added to one side only fails too. The README's table is
// the one rendered from the same tables.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ADAPTERS, type Adapter, routeBetween } from '../../src/relay/adapters/index.js';
import { FIELDS_END, FIELDS_START, fieldsMarkdown } from '../../src/relay/fields-doc.js';
import type { FieldRule, FieldSpec, FieldTable, UpstreamId } from '../../src/relay/fields.js';
import { anthropicSse, call, chatSse, jsonResponse, makeRelay, ochunk, only, sseResponse, stableIds, type UpstreamCall } from './helpers.js';

type Outcome = FieldRule | 'silent';

interface Sample {
  value: unknown;
  /** Fields added to both requests (the tools a tool_choice names, a small max_tokens). */
  base?: Record<string, unknown>;
  /** The model of both requests, when the rule depends on it. */
  model?: string;
  /** The outcome on each gateway when it is not the table's rule (a value the rule's condition lets through). */
  expect?: Partial<Record<UpstreamId, FieldRule>>;
}

const MODEL = 'gw-model';
const FN_TOOL_A = { name: 'Read', input_schema: { type: 'object', properties: {} } };
const FN_TOOL_O = { type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } };
const FN_TOOL_R = { type: 'function', name: 'f', parameters: { type: 'object', properties: {} } };
const FN_TOOL_G = { functionDeclarations: [{ name: 'f' }] };
const translated = { chat: 'translated', anthropic: 'translated' } as const;

/** Samples per client protocol, by the field's path (`a.b` for nested fields, `tools:kind` for tool kinds). */
const SAMPLES: Record<string, Record<string, Sample[]>> = {
  anthropic: {
    model: [{ value: 'other-model' }],
    messages: [{ value: [{ role: 'user', content: 'bye' }] }],
    max_tokens: [{ value: 50 }],
    system: [{ value: 'Be brief.' }],
    stop_sequences: [{ value: ['A', 'B', 'C', 'D', 'E'] }],
    stream: [{ value: true }],
    temperature: [{ value: 0.3 }],
    top_p: [{ value: 0.5 }],
    top_k: [{ value: 5 }],
    metadata: [{ value: { user_id: 'u1' } }],
    tools: [{ value: [FN_TOOL_A] }],
    'tools:custom': [{ value: [{ type: 'custom', ...FN_TOOL_A }] }],
    'tools:web_search_20250305': [{ value: [{ type: 'web_search_20250305', name: 'web_search' }] }, { value: [{ type: 'web_search_20250305', name: 'web_search' }], model: 'gpt-4o-search-preview', expect: { chat: 'translated' } }],
    'tools:(other server tools)': [{ value: [{ type: 'bash_20250124', name: 'bash' }] }],
    tool_choice: [{ value: { type: 'any' }, base: { tools: [FN_TOOL_A] } }],
    thinking: [{ value: { type: 'enabled', budget_tokens: 1500 }, model: 'gpt-4.1' }, { value: { type: 'enabled', budget_tokens: 1500 }, expect: { chat: 'translated' } }],
    output_config: [{ value: { format: { type: 'json_schema', schema: { type: 'object' } } } }],
    'output_config.format': [{ value: { type: 'json_schema', schema: { type: 'object' } } }],
    'output_config.effort': [{ value: 'high', model: 'gpt-4.1' }, { value: 'high', expect: { chat: 'translated' } }],
    output_format: [{ value: { type: 'json_schema', schema: { type: 'object' } } }],
    service_tier: [{ value: 'standard_only' }],
    inference_geo: [{ value: 'us' }, { value: 'global', expect: { chat: 'silent' as FieldRule } }],
    speed: [{ value: 'fast' }],
    cache_control: [{ value: { type: 'ephemeral' } }],
    container: [{ value: 'container_1' }],
    mcp_servers: [{ value: [{ type: 'url', url: 'https://mcp.example.com', name: 'x' }] }],
    context_management: [{ value: { edits: [] } }],
    diagnostics: [{ value: {} }],
    user_profile_id: [{ value: 'p1' }],
    workspace_id: [{ value: 'w1' }],
  },
  chat: {
    model: [{ value: 'other-model' }],
    messages: [{ value: [{ role: 'user', content: 'bye' }] }],
    max_tokens: [{ value: 50 }],
    max_completion_tokens: [{ value: 60 }],
    temperature: [{ value: 0.3 }],
    top_p: [{ value: 0.5 }],
    top_k: [{ value: 5 }],
    stop: [{ value: ['X'] }],
    stream: [{ value: true }],
    stream_options: [{ value: { include_usage: true }, base: { stream: true } }],
    tools: [{ value: [FN_TOOL_O] }],
    'tools:function': [{ value: [FN_TOOL_O] }],
    'tools:custom': [{ value: [{ type: 'custom', custom: { name: 'c' } }] }],
    tool_choice: [{ value: 'required', base: { tools: [FN_TOOL_O] } }],
    parallel_tool_calls: [{ value: false, base: { tools: [FN_TOOL_O] } }],
    user: [{ value: 'u1' }],
    safety_identifier: [{ value: 's1' }],
    reasoning_effort: [{ value: 'high', base: { max_tokens: 800 } }, { value: 'high', expect: { anthropic: 'translated' } }],
    response_format: [{ value: { type: 'json_object' } }],
    web_search_options: [{ value: {} }],
    n: [{ value: 2 }, { value: 1, expect: { anthropic: 'silent' as FieldRule } }],
    logprobs: [{ value: true }],
    top_logprobs: [{ value: 2 }],
    modalities: [{ value: ['text', 'audio'] }],
    audio: [{ value: { voice: 'alloy', format: 'wav' } }],
    functions: [{ value: [{ name: 'f' }] }],
    function_call: [{ value: 'auto' }],
    logit_bias: [{ value: { '50256': -100 } }],
    presence_penalty: [{ value: 0.5 }],
    frequency_penalty: [{ value: 0.5 }],
    seed: [{ value: 7 }],
    service_tier: [{ value: 'flex' }],
    store: [{ value: true }],
    metadata: [{ value: { k: 'v' } }],
    prediction: [{ value: { type: 'content', content: 'x' } }],
    prompt_cache_key: [{ value: 'k' }],
    prompt_cache_retention: [{ value: '24h' }],
    prompt_cache_options: [{ value: {} }],
    verbosity: [{ value: 'low' }],
    moderation: [{ value: {} }],
  },
  responses: {
    model: [{ value: 'other-model' }],
    input: [{ value: 'bye' }],
    instructions: [{ value: 'Be brief.' }],
    max_output_tokens: [{ value: 2000 }],
    temperature: [{ value: 0.3 }],
    top_p: [{ value: 0.5 }],
    stream: [{ value: true }],
    tools: [{ value: [FN_TOOL_R] }],
    'tools:function': [{ value: [FN_TOOL_R] }],
    'tools:custom': [{ value: [{ type: 'custom', name: 'c' }] }],
    'tools:web_search': [{ value: [{ type: 'web_search' }] }, { value: [{ type: 'web_search_preview' }], model: 'gpt-5-search-api', expect: translated }],
    'tools:(other hosted tools)': [{ value: [{ type: 'file_search', vector_store_ids: ['v'] }] }],
    tool_choice: [{ value: 'required', base: { tools: [FN_TOOL_R] } }],
    parallel_tool_calls: [{ value: false, base: { tools: [FN_TOOL_R] } }],
    reasoning: [{ value: { effort: 'high' } }],
    'reasoning.effort': [{ value: 'high', model: 'gpt-4.1', base: { max_output_tokens: 500 } }, { value: 'high', expect: translated }],
    'reasoning.summary': [{ value: 'auto' }],
    text: [{ value: { format: { type: 'json_object' } } }],
    'text.format': [{ value: { type: 'json_schema', name: 'x', schema: { type: 'object' } } }],
    'text.verbosity': [{ value: 'low' }],
    user: [{ value: 'u1' }],
    safety_identifier: [{ value: 's1' }],
    prompt_cache_key: [{ value: 'k' }],
    prompt_cache_retention: [{ value: '24h' }],
    prompt_cache_options: [{ value: {} }],
    service_tier: [{ value: 'flex' }],
    previous_response_id: [{ value: 'resp_1' }],
    conversation: [{ value: 'conv_1' }],
    prompt: [{ value: { id: 'pmpt_1' } }],
    background: [{ value: true }],
    top_logprobs: [{ value: 2 }],
    store: [{ value: true }],
    include: [{ value: ['reasoning.encrypted_content'] }],
    truncation: [{ value: 'auto' }],
    metadata: [{ value: { k: 'v' } }],
    max_tool_calls: [{ value: 3 }],
    context_management: [{ value: [{ type: 'compaction' }] }],
    stream_options: [{ value: { include_obfuscation: false } }],
    moderation: [{ value: {} }],
  },
  completions: {
    model: [{ value: 'other-model' }],
    prompt: [{ value: ['one', 'two'] }, { value: [1, 2, 3] }, { value: 'bye', expect: translated }, { value: ['bye'], expect: translated }],
    suffix: [{ value: 'end' }],
    max_tokens: [{ value: 50 }],
    temperature: [{ value: 0.3 }],
    top_p: [{ value: 0.5 }],
    stop: [{ value: ['X'] }],
    stream: [{ value: true }],
    stream_options: [{ value: { include_usage: true }, base: { stream: true } }],
    user: [{ value: 'u1' }],
    presence_penalty: [{ value: 0.5 }],
    frequency_penalty: [{ value: 0.5 }],
    seed: [{ value: 7 }],
    logit_bias: [{ value: { '1': 1 } }],
    n: [{ value: 2 }],
    best_of: [{ value: 2 }],
    echo: [{ value: true }],
    logprobs: [{ value: 1 }],
  },
  gemini: {
    model: [{ value: 'other-model' }],
    contents: [{ value: [{ role: 'user', parts: [{ text: 'bye' }] }] }],
    systemInstruction: [{ value: { parts: [{ text: 'Be brief.' }] } }],
    tools: [{ value: [FN_TOOL_G] }],
    'tools:functionDeclarations': [{ value: [FN_TOOL_G] }],
    'tools:googleSearch': [{ value: [{ googleSearch: {} }] }, { value: [{ googleSearch: {} }], model: 'gpt-4o-search-preview', expect: translated }],
    'tools:(other Google tools)': [{ value: [{ codeExecution: {} }] }],
    toolConfig: [{ value: { functionCallingConfig: { mode: 'ANY' } }, base: { tools: [FN_TOOL_G] } }],
    generationConfig: [{ value: { temperature: 0.3 } }],
    'generationConfig.temperature': [{ value: 0.3 }],
    'generationConfig.topP': [{ value: 0.5 }],
    'generationConfig.topK': [{ value: 5 }],
    'generationConfig.maxOutputTokens': [{ value: 50 }],
    'generationConfig.stopSequences': [{ value: ['X'] }],
    'generationConfig.candidateCount': [{ value: 2 }],
    'generationConfig.presencePenalty': [{ value: 0.5 }],
    'generationConfig.frequencyPenalty': [{ value: 0.5 }],
    'generationConfig.seed': [{ value: 7 }],
    'generationConfig.responseMimeType': [{ value: 'text/x.enum' }, { value: 'application/json', expect: translated }],
    'generationConfig.responseSchema': [{ value: { type: 'OBJECT', properties: { a: { type: 'STRING' } } } }],
    'generationConfig.responseJsonSchema': [{ value: { type: 'object' } }],
    'generationConfig.responseModalities': [{ value: ['IMAGE'] }],
    'generationConfig.thinkingConfig': [{ value: { thinkingBudget: 2048 }, model: 'gpt-4.1', base: { generationConfig: { maxOutputTokens: 500 } } }, { value: { thinkingBudget: 2048 }, expect: translated }],
    'generationConfig.responseLogprobs': [{ value: true }],
    'generationConfig.logprobs': [{ value: 2 }],
    'generationConfig.speechConfig': [{ value: { voiceConfig: {} } }],
    'generationConfig.imageConfig': [{ value: { aspectRatio: '1:1' } }],
    'generationConfig.mediaResolution': [{ value: 'MEDIA_RESOLUTION_LOW' }],
    'generationConfig.enableEnhancedCivicAnswers': [{ value: true }],
    safetySettings: [{ value: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }] }],
    cachedContent: [{ value: 'cachedContents/1' }],
    labels: [{ value: { team: 'a' } }],
  },
};

const BASES: Record<string, Record<string, unknown>> = {
  anthropic: { max_tokens: 2000, messages: [{ role: 'user', content: 'hi' }] },
  chat: { messages: [{ role: 'user', content: 'hi' }] },
  responses: { input: 'hi' },
  completions: { prompt: 'hi' },
  gemini: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
};

const UPSTREAM_PATHS: Record<UpstreamId, string> = { chat: '/v1/chat/completions', anthropic: '/v1/messages' };
const PATHS: Record<string, string> = { anthropic: '/v1/messages', chat: '/v1/chat/completions', responses: '/v1/responses', completions: '/v1/completions' };

// ------------------------------------------------------------------ the scripted gateways

const CHAT_JSON = { id: 'c1', object: 'chat.completion', created: 1, model: 'up', choices: [{ index: 0, message: { role: 'assistant', content: 'ok', reasoning_content: 'hmm' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } };
const CHAT_STREAM = chatSse([ochunk({ role: 'assistant', reasoning_content: 'hmm' }), ochunk({ content: 'ok' }), ochunk({}, 'stop'), { id: 'chatcmpl-up', object: 'chat.completion.chunk', created: 1, model: 'up-model', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }]);
const A_JSON = { id: 'msg_1', type: 'message', role: 'assistant', model: 'up', content: [{ type: 'thinking', thinking: 'hmm', signature: 's' }, { type: 'text', text: 'ok' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 3, output_tokens: 2 } };
const A_STREAM = anthropicSse([
  { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'up', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 3, output_tokens: 0 } } },
  { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
  { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'ok' } },
  { type: 'content_block_stop', index: 1 },
  { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } },
  { type: 'message_stop' },
]);

/** A gateway serving only its own protocol's path (a probe for any other finds a 404), so every route is translated. */
function gateway(upstream: UpstreamId) {
  return makeRelay(
    only(UPSTREAM_PATHS[upstream], (c: UpstreamCall) => {
      const stream = (c.json as { stream?: unknown } | undefined)?.stream === true;
      if (upstream === 'chat') return stream ? sseResponse(CHAT_STREAM) : jsonResponse(CHAT_JSON);
      return stream ? sseResponse(A_STREAM) : jsonResponse(A_JSON);
    }),
    { protocol: upstream === 'chat' ? 'openai' : 'anthropic' },
  );
}

// ------------------------------------------------------------------ helpers

/** `body` with `value` at a dotted path (objects on the way are copied, not shared). */
function withPath(body: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  if (rest.length === 0) return { ...body, [head]: value };
  const inner = (body[head] ?? {}) as Record<string, unknown>;
  return { ...body, [head]: withPath(inner, rest.join('.'), value) };
}

/** Every path of a table, with its spec: fields, nested fields (dotted), tool kinds (`tools:kind`). */
function paths(table: FieldTable, prefix = ''): Array<[string, FieldSpec]> {
  const out: Array<[string, FieldSpec]> = [];
  for (const name of Object.keys(table)) {
    const spec = table[name] as FieldSpec;
    out.push([prefix + name, spec]);
    if (spec.fields) out.push(...paths(spec.fields, `${prefix}${name}.`));
    if (spec.items) for (const kind of Object.keys(spec.items)) out.push([`${prefix}${name}:${kind}`, spec.items[kind] as FieldSpec]);
  }
  return out;
}

interface Sent {
  status: number;
  dropped: string[];
  message: string;
  upstream: unknown;
  reply: string;
  calls: number;
}

async function send(client: Adapter, upstream: UpstreamId, body: Record<string, unknown>, model: string): Promise<Sent> {
  const { relay, calls } = gateway(upstream);
  const url = client.id === 'gemini' ? `/v1beta/models/${model}:${body.stream === true ? 'streamGenerateContent?alt=sse' : 'generateContent'}` : (PATHS[client.id] as string);
  const full = client.id === 'gemini' ? body : { model, ...body };
  const res = await call(relay, url, full);
  const inference = calls.filter((c) => c.path === UPSTREAM_PATHS[upstream]);
  let message = '';
  try {
    message = String((JSON.parse(res.text) as { error?: { message?: unknown } }).error?.message ?? '');
  } catch {
    // a stream
  }
  const header = res.headers['x-setup-gateway-dropped'];
  return { status: res.status, dropped: header ? header.split(',') : [], message, upstream: inference.at(-1)?.json, reply: stableIds(res.text).replace(/"responseId":"[^"]*"/g, ''), calls: inference.length };
}

/** What happened to the field at `path`, judged from the requests without and with it. */
function outcome(path: string, spec: FieldSpec, without: Sent, withIt: Sent): Outcome {
  const field = path.includes(':') ? path.slice(0, path.indexOf(':')) : path;
  const named = (d: string) => d === field || d.startsWith(`${field}.`);
  if (withIt.status === 400 && withIt.message.includes(field) && withIt.calls === 0) return 'refused';
  if (withIt.dropped.some(named)) {
    // Dropped means not sent: the gateway got what it got without the field.
    expect(withIt.upstream, `${path}: announced as dropped, yet the gateway's body changed`).toEqual(without.upstream);
    return 'dropped';
  }
  if (withIt.status !== 200) throw new Error(`${path}: HTTP ${withIt.status} ${withIt.message}`);
  if (JSON.stringify(withIt.upstream) !== JSON.stringify(without.upstream)) return 'translated';
  if (spec.reply && withIt.reply !== without.reply) return 'translated';
  return 'silent';
}

// ------------------------------------------------------------------ the suite

const pairs: Array<[Adapter, UpstreamId]> = [];
for (const client of ADAPTERS) {
  for (const upstream of ['chat', 'anthropic'] as const) {
    const target = ADAPTERS.find((a) => a.id === upstream) as Adapter;
    if (routeBetween(client, target)?.kind === 'translate') pairs.push([client, upstream]);
  }
}

describe('every field of every client protocol, on every translated route', () => {
  it('covers the eight translated pairs', () => {
    expect(pairs.map(([c, u]) => `${c.id}->${u}`)).toEqual(['chat->anthropic', 'anthropic->chat', 'responses->chat', 'responses->anthropic', 'completions->chat', 'completions->anthropic', 'gemini->chat', 'gemini->anthropic']);
  });

  for (const client of ADAPTERS) {
    it(`${client.id}: the samples and the field table name the same fields`, () => {
      const table = paths(client.client.fields).map(([p]) => p);
      expect(Object.keys(SAMPLES[client.id] ?? {}).sort()).toEqual([...table].sort());
    });
  }

  for (const [client, upstream] of pairs) {
    describe(`${client.id} client -> ${upstream} gateway`, () => {
      for (const [path, spec] of paths(client.client.fields)) {
        const rule = spec[upstream];
        if (rule === undefined) continue;
        for (const sample of SAMPLES[client.id]?.[path] ?? []) {
          const expected = sample.expect?.[upstream] ?? rule;
          it(`${path} = ${JSON.stringify(sample.value)}${sample.model ? ` (${sample.model})` : ''}: ${expected}`, async () => {
            const model = sample.model ?? MODEL;
            const base = { ...BASES[client.id], ...sample.base };
            const withIt = path.includes(':') ? { ...base, [path.slice(0, path.indexOf(':'))]: sample.value } : withPath(base, path, sample.value);
            const without = await send(client, upstream, base, model);
            expect(without.status, `the base request: ${without.message}`).toBe(200);
            const got = await send(client, upstream, withIt, model);
            const seen = outcome(path, spec, without, got);
            // `silent` is only expected of a value that asks for nothing (n: 1), which must also announce nothing.
            expect(seen, `${client.id} -> ${upstream}: ${path}`).toBe(expected === ('silent' as FieldRule) ? 'silent' : expected);
            if (seen === 'translated' || seen === 'silent') expect(got.dropped).toEqual([]);
          });
        }
      }

      it('a field no table knows is dropped and announced', async () => {
        const without = await send(client, upstream, { ...BASES[client.id] }, MODEL);
        const got = await send(client, upstream, { ...BASES[client.id], made_up_option: 1 }, MODEL);
        expect(got.dropped).toEqual(['made_up_option']);
        expect(got.upstream).toEqual(without.upstream);
      });
    });
  }
});

describe('the README', () => {
  it('holds the table rendered from the adapters’ field tables (node scripts/relay-fields.mjs --write)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf(FIELDS_START);
    const end = readme.indexOf(FIELDS_END);
    expect(start, 'README.md has the relay field table markers').toBeGreaterThan(-1);
    expect(readme.slice(start, end + FIELDS_END.length + 1)).toBe(fieldsMarkdown());
  });
});

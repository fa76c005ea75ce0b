// Conformance, the Gemini face: a Gemini client (generateContent, streamGenerateContent with and
// without alt=sse, countTokens, the model list) in front of a chat-completions gateway and an
// Anthropic one. Requests as the gateway receives them; replies and streams exactly as the client
// receives them; keys, errors, aborts, pings and the server's safety checks.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { gemini } from '../../src/relay/adapters/index.js';
import { GeminiEncoder, geminiToChatRequest, openApiToJsonSchema } from '../../src/relay/adapters/gemini.js';
import { ToolNames } from '../../src/relay/tool-names.js';
import { startRelay, type RunningRelay } from '../../src/relay/server.js';
import { anthropicSse, call, chatSse, jsonResponse, makeRelay, memorySink, ochunk, only, scriptedFetch, sseResponse, type UpstreamCall } from './helpers.js';

const CHAT = '/v1/chat/completions';
const MESSAGES = '/v1/messages';
const GEN = '/v1beta/models/gemini-2.5-pro:generateContent';
const STREAM = '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse';
const hi = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };

/** The `data:` frames of a Gemini SSE stream, parsed. */
function sseFrames(text: string): Array<Record<string, unknown>> {
  return text
    .split(/\r\n\r\n|\n\n/)
    .map((b) => b.trim())
    .filter((b) => b.startsWith('data:'))
    .map((b) => JSON.parse(b.slice(5).trim()) as Record<string, unknown>);
}

const parts = (frame: Record<string, unknown>) => (frame as { candidates: Array<{ content: { parts: unknown[] } }> }).candidates[0]!.content.parts;

const chatReply = (message: Record<string, unknown>, finish = 'stop', usage: Record<string, unknown> = { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 }) =>
  jsonResponse({ id: 'chatcmpl-up', object: 'chat.completion', created: 1, model: 'up-model', choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }], usage });

describe('Gemini adapter: paths and shapes', () => {
  it('answers the Gemini paths (v1beta and v1, model names with slashes), and only those', () => {
    expect(gemini.endpoint('/v1beta/models/gemini-2.5-pro:generateContent')).toEqual({ model: 'gemini-2.5-pro' });
    expect(gemini.endpoint('/v1beta/models/gemini-2.5-pro:streamGenerateContent')).toEqual({ model: 'gemini-2.5-pro' });
    expect(gemini.endpoint('/models/openai/gpt-4o:generateContent')).toEqual({ model: 'openai/gpt-4o' });
    expect(gemini.endpoint('/v1beta/models/a%20b:countTokens')).toEqual({ model: 'a b', side: 'count' });
    expect(gemini.endpoint('/v1beta/models')).toEqual({ side: 'models' });
    expect(gemini.endpoint('/v1beta/models/gpt-4o')).toEqual({ side: 'models', model: 'gpt-4o' });
    expect(gemini.endpoint('/models')).toBeUndefined();
    expect(gemini.endpoint('/v1beta/models/x:embedContent')).toBeUndefined();
    expect(gemini.client.invalid({})).toBe('contents: required (an array)');
    expect(gemini.client.invalid(hi)).toBeUndefined();
    expect(JSON.parse(gemini.streamError(503, { message: 'busy' }))).toEqual({ error: { code: 503, message: 'busy', status: 'UNAVAILABLE' } });
  });

  it("turns Google's OpenAPI schema subset into JSON Schema", () => {
    expect(
      openApiToJsonSchema({ type: 'OBJECT', propertyOrdering: ['a'], properties: { a: { type: 'STRING', nullable: true, enum: ['x'] }, b: { type: 'ARRAY', items: { type: 'INTEGER' } } }, required: ['a'] }),
    ).toEqual({ type: 'object', properties: { a: { type: ['string', 'null'], enum: ['x'] }, b: { type: 'array', items: { type: 'integer' } } }, required: ['a'] });
  });

  it('translates a whole conversation: system, roles, media, calls paired with responses by id and by name, tools, tool config, generation config', () => {
    const req = {
      systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Use tools.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Look at this' }, { inlineData: { mimeType: 'image/png', data: 'iVBOR' } }, { fileData: { mimeType: 'application/pdf', fileUri: 'gs://b/doc.pdf' } }] },
        { role: 'model', parts: [{ text: 'thinking…', thought: true }, { text: 'Reading.' }, { functionCall: { id: 'c1', name: 'read_file', args: { path: 'a.txt' } } }, { functionCall: { name: 'read_file', args: { path: 'b.txt' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'read_file', response: { output: 'B' } } }, { functionResponse: { id: 'c1', name: 'read_file', response: { output: 'A' } } }, { text: 'Now?' }] },
        { role: 'model', parts: [{ text: 'Done.' }] },
        { role: 'user', parts: [{ functionResponse: { name: 'ghost', response: { error: 'no call' } } }] },
      ],
      tools: [
        { functionDeclarations: [{ name: 'read_file', description: 'Reads', parameters: { type: 'OBJECT', properties: { path: { type: 'STRING' } } } }, { name: 'ls', parametersJsonSchema: { type: 'object', properties: { dir: { type: 'string' } } } }] },
        { googleSearch: {} },
      ],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['ls'] } },
      generationConfig: { temperature: 0.2, topP: 0.9, topK: 40, maxOutputTokens: 300, stopSequences: ['END'], seed: 7, presencePenalty: 0.1, thinkingConfig: { thinkingBudget: 2048 } },
    };
    const r = geminiToChatRequest(req, { model: 'gpt-4o', upstream: 'chat', options: {} }, true);
    expect(r.body).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.\n\nUse tools.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look at this' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR' } },
            { type: 'text', text: 'gs://b/doc.pdf' },
          ],
        },
        {
          role: 'assistant',
          content: 'Reading.',
          reasoning_content: 'thinking…',
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.txt"}' } },
            { id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"b.txt"}' } },
          ],
        },
        // c1 is answered by id; the response without one takes the other call of its name.
        { role: 'tool', tool_call_id: 'call_1', content: 'B' },
        { role: 'tool', tool_call_id: 'c1', content: 'A' },
        { role: 'user', content: 'Now?' },
        { role: 'assistant', content: 'Done.' },
        { role: 'user', content: 'ghost returned: {"error":"no call"}' },
      ],
      max_tokens: 300,
      temperature: 0.2,
      top_p: 0.9,
      stop: ['END'],
      seed: 7,
      presence_penalty: 0.1,
      // gpt-4o takes no reasoning effort: the thinking budget is dropped (announced by the field table).
      tools: [{ type: 'function', function: { name: 'ls', parameters: { type: 'object', properties: { dir: { type: 'string' } } } } }],
      tool_choice: { type: 'function', function: { name: 'ls' } },
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(r.thoughts).toBe(false);
    // Google Search is no function, and gpt-4o is no search model: dropped, and announced.
    expect(r.dropped).toBe('tools.googleSearch');
  });

  it('maps the function-calling modes, JSON mode, thinking levels, and reasoning models’ token field', () => {
    const tools = [{ functionDeclarations: [{ name: 'a' }, { name: 'b' }] }];
    const at = (mode: string, allowed?: string[]) => geminiToChatRequest({ ...hi, tools, toolConfig: { functionCallingConfig: { mode, allowedFunctionNames: allowed } } }, { model: 'm', upstream: 'chat', options: {} }, false).body;
    expect(at('AUTO').tool_choice).toBe('auto');
    expect(at('NONE').tool_choice).toBe('none');
    expect(at('ANY').tool_choice).toBe('required');
    expect(at('ANY', ['a', 'b']).tool_choice).toBe('required');
    expect(at('ANY', ['b']).tools).toEqual([{ type: 'function', function: { name: 'b', parameters: { type: 'object', properties: {} } } }]);
    const json = (gen: Record<string, unknown>, upstream: 'chat' | 'anthropic' = 'chat') => geminiToChatRequest({ ...hi, generationConfig: gen }, { model: 'o3', upstream, options: {} }, false).body;
    expect(json({ responseMimeType: 'application/json' }).response_format).toEqual({ type: 'json_object' });
    expect(json({ responseMimeType: 'application/json', responseSchema: { type: 'OBJECT', properties: { n: { type: 'NUMBER' } } } }).response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema: { type: 'object', properties: { n: { type: 'number' } } } },
    });
    // On the way to an Anthropic gateway too: its side turns the schema into structured output.
    expect(json({ responseMimeType: 'application/json', responseJsonSchema: { type: 'object' } }, 'anthropic').response_format).toEqual({ type: 'json_schema', json_schema: { name: 'response', schema: { type: 'object' } } });
    expect(json({ thinkingConfig: { thinkingLevel: 'HIGH' } }).reasoning_effort).toBe('high');
    expect(json({ thinkingConfig: { thinkingBudget: 0 } }).reasoning_effort).toBeUndefined();
    expect(json({ thinkingConfig: { thinkingBudget: -1, includeThoughts: true } }).reasoning_effort).toBeUndefined();
    expect(json({ maxOutputTokens: 50, topK: 3 })).toMatchObject({ max_completion_tokens: 50 });
    expect(json({ topK: 3 }).top_k).toBeUndefined();
    expect(json({ topK: 3 }, 'anthropic').top_k).toBe(3);
  });
});

describe('Gemini client -> chat gateway', () => {
  it('generateContent: the request the gateway gets (the gateway key, never the client key), the reply as a GenerateContentResponse', async () => {
    const { relay, calls } = makeRelay(only(CHAT, () => chatReply({ content: 'Hello!', reasoning_content: 'hmm' }, 'length', { prompt_tokens: 11, completion_tokens: 9, total_tokens: 20, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 3 } })), { protocol: 'openai' });
    const res = await call(relay, `${GEN}?key=local-client-key`, { ...hi, generationConfig: { thinkingConfig: { includeThoughts: true } } }, { headers: { 'x-goog-api-key': 'local-client-key' } });
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(1);
    const up = calls[0] as UpstreamCall;
    expect(up.url).toBe('http://gateway.test/v1/chat/completions');
    expect(up.headers.authorization).toBe('Bearer sk-gateway-key-123456');
    expect(up.headers['x-goog-api-key']).toBeUndefined();
    expect(JSON.stringify(up)).not.toContain('local-client-key');
    expect(up.json).toEqual({ model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'hi' }] });
    expect(JSON.parse(res.text)).toEqual({
      candidates: [{ content: { role: 'model', parts: [{ text: 'hmm', thought: true }, { text: 'Hello!' }] }, finishReason: 'MAX_TOKENS', index: 0 }],
      usageMetadata: { promptTokenCount: 11, candidatesTokenCount: 6, totalTokenCount: 20, cachedContentTokenCount: 4, thoughtsTokenCount: 3 },
      modelVersion: 'gemini-2.5-pro',
      responseId: 'chatcmpl-up',
    });
  });

  it('generateContent: parallel function calls come back as functionCall parts with their ids; the model map applies to the path model', async () => {
    const { relay, calls } = makeRelay(
      only(CHAT, () =>
        chatReply(
          {
            content: null,
            tool_calls: [
              { id: 'call_a', type: 'function', function: { name: 'read_file', arguments: '{"path":"a"}' } },
              { id: 'call_b', type: 'function', function: { name: 'read_file', arguments: '{"path":"b"}' } },
            ],
          },
          'tool_calls',
        ),
      ),
      { protocol: 'openai', models: { 'gemini-*': 'gpt-4o' } },
    );
    const res = await call(relay, GEN, { ...hi, tools: [{ functionDeclarations: [{ name: 'read_file' }] }] });
    expect((calls[0]?.json as { model: string }).model).toBe('gpt-4o');
    const body = JSON.parse(res.text);
    expect(body.candidates[0]).toEqual({
      content: { role: 'model', parts: [{ functionCall: { id: 'call_a', name: 'read_file', args: { path: 'a' } } }, { functionCall: { id: 'call_b', name: 'read_file', args: { path: 'b' } } }] },
      finishReason: 'STOP',
      index: 0,
    });
    expect(body.modelVersion).toBe('gemini-2.5-pro');
  });

  it('streamGenerateContent?alt=sse: split frames, a character split across reads, a function call then text, parallel calls, usage last', async () => {
    const bytes = new TextEncoder().encode(chatSse([ochunk({ content: 'Zürich' })], false)[0] as string);
    const cut = bytes.indexOf(0xc3) + 1;
    const call1 = { index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } };
    const { relay } = makeRelay(
      only(CHAT, () =>
        sseResponse([
          'data: {"id":"chatcmpl-up","object":"chat.completion.chunk","created":1,"model":"up-model","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n',
          chatSse([ochunk({ tool_calls: [call1] })], false)[0] as string,
          'data: {"id":"chatcmpl-up","object":"chat.completion.chunk","created":1,"model":"up-model","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"city\\":"}}]},',
          '"finish_reason":null}]}\n\n',
          chatSse([ochunk({ tool_calls: [{ index: 0, function: { arguments: '"Zürich"}' } }] })], false)[0] as string,
          bytes.slice(0, cut),
          bytes.slice(cut),
          chatSse([
            ochunk({ tool_calls: [{ index: 1, id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{}' } }] }),
            ochunk({ tool_calls: [{ index: 2, id: 'call_3', type: 'function', function: { name: 'get_time', arguments: '{"tz":"UTC"}' } }] }),
            ochunk({}, 'tool_calls'),
            ochunk({}, null, { choices: [], usage: { prompt_tokens: 30, completion_tokens: 12, total_tokens: 42 } }),
          ]).join(''),
        ]),
      ),
      { protocol: 'openai' },
    );
    const res = await call(relay, STREAM, hi);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const f = sseFrames(res.text);
    expect(f.map(parts)).toEqual([
      [{ functionCall: { id: 'call_1', name: 'get_weather', args: { city: 'Zürich' } } }, { text: 'Zürich' }],
      [
        { functionCall: { id: 'call_2', name: 'get_time', args: {} } },
        { functionCall: { id: 'call_3', name: 'get_time', args: { tz: 'UTC' } } },
      ],
    ]);
    const last = f.at(-1) as Record<string, unknown>;
    expect(last).toMatchObject({ candidates: [{ finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 30, candidatesTokenCount: 12, totalTokenCount: 42 }, modelVersion: 'gemini-2.5-pro', responseId: 'chatcmpl-up' });
    expect(f.slice(0, -1).every((x) => (x as { candidates: Array<Record<string, unknown>> }).candidates[0]?.finishReason === undefined)).toBe(true);
    expect(res.text.endsWith('\r\n\r\n')).toBe(true);
  });

  it('streamGenerateContent without alt=sse: one JSON array, text as it comes', async () => {
    const { relay } = makeRelay(only(CHAT, () => sseResponse(chatSse([ochunk({ content: 'Hel' }), ochunk({ content: 'lo' }), ochunk({}, 'stop')]))), { protocol: 'openai' });
    const res = await call(relay, '/v1beta/models/m:streamGenerateContent', hi);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const arr = JSON.parse(res.text) as Array<Record<string, unknown>>;
    expect(arr.map(parts)).toEqual([[{ text: 'Hel' }], [{ text: 'lo' }], [{ text: '' }]]);
    expect(arr[2]).toMatchObject({ candidates: [{ finishReason: 'STOP' }] });
  });

  it('a gateway that answers JSON to a stream request: replayed as a stream', async () => {
    const { relay } = makeRelay(only(CHAT, () => chatReply({ content: 'whole' })), { protocol: 'openai' });
    const res = await call(relay, STREAM, hi);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(sseFrames(res.text).map(parts)).toEqual([[{ text: 'whole' }], [{ text: '' }]]);
  });

  it('a mid-stream upstream error, and a connection lost mid-stream: the stream ends with an error object in the SDK’s shape', async () => {
    const mid = makeRelay(only(CHAT, () => sseResponse([chatSse([ochunk({ content: 'part' })], false)[0] as string, 'data: {"error":{"message":"overloaded","type":"server_error"}}\n\n'])), { protocol: 'openai' });
    const a = await call(mid.relay, STREAM, hi);
    expect(sseFrames(a.text).map(parts)).toEqual([[{ text: 'part' }]]);
    expect(JSON.parse(a.text.slice(a.text.lastIndexOf('\r\n\r\n') + 4))).toEqual({ error: { code: 500, message: 'overloaded', status: 'INTERNAL' } });

    const lost = makeRelay(only(CHAT, () => sseResponse(chatSse([ochunk({ content: 'part' })], false), { failAfter: true })), { protocol: 'openai' });
    const b = await call(lost.relay, '/v1beta/models/m:streamGenerateContent', hi);
    const arr = JSON.parse(b.text) as Array<Record<string, unknown>>;
    expect(arr[0] && parts(arr[0])).toEqual([{ text: 'part' }]);
    expect(arr[1]).toMatchObject({ error: { code: 502, status: 'UNAVAILABLE' } });
  });

  it("upstream errors keep their status, in Google's shape, with retry headers; candidateCount > 1 is refused before any upstream call", async () => {
    const { relay, calls } = makeRelay(only(CHAT, () => jsonResponse({ error: { message: 'slow down', type: 'rate_limit_error' } }, 429, { 'retry-after': '7', 'x-ratelimit-remaining-requests': '0' })), { protocol: 'openai' });
    const res = await call(relay, GEN, hi);
    expect(res.status).toBe(429);
    expect(JSON.parse(res.text)).toEqual({ error: { code: 429, message: 'slow down', status: 'RESOURCE_EXHAUSTED' } });
    expect(res.headers['retry-after']).toBe('7');
    expect(res.headers['x-ratelimit-remaining-requests']).toBe('0');

    const n = calls.length;
    const refused = await call(relay, GEN, { ...hi, generationConfig: { candidateCount: 2 } });
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text).error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(JSON.parse(refused.text).error.message).toMatch(/candidateCount: 2 is not supported/);
    const bad = await call(relay, GEN, { contents: 'x' });
    expect(JSON.parse(bad.text)).toEqual({ error: { code: 400, message: 'contents: required (an array)', status: 'INVALID_ARGUMENT' } });
    expect(calls.length).toBe(n);
  });

  it('a client abort mid-stream aborts the upstream request', async () => {
    let upstream: AbortSignal | undefined;
    const { relay } = makeRelay(
      only(CHAT, (c) => {
        upstream = c.signal;
        return sseResponse(chatSse([ochunk({ content: 'first' })], false), { hang: true, signal: c.signal! });
      }),
      { protocol: 'openai' },
    );
    const controller = new AbortController();
    const { sink, result } = memorySink(controller.signal);
    const write = sink.write.bind(sink);
    sink.write = (d) => {
      const r = write(d);
      controller.abort(); // the client hangs up once the stream has started
      return r;
    };
    await relay.handle({ method: 'POST', url: STREAM, headers: { host: 'localhost' }, body: new TextEncoder().encode(JSON.stringify(hi)) }, sink);
    expect(upstream?.aborted).toBe(true);
    expect(sseFrames(result.text).map(parts)).toEqual([[{ text: 'first' }]]);
  });

  it('pings with SSE comments while the gateway is silent', async () => {
    let pinged: () => void = () => {};
    const sawPing = new Promise<void>((resolve) => (pinged = resolve));
    const { relay } = makeRelay(
      only(
        CHAT,
        () =>
          new Response(
            new ReadableStream<Uint8Array>({
              async start(controller) {
                const enc = new TextEncoder();
                controller.enqueue(enc.encode(chatSse([ochunk({ content: 'before' })], false).join('')));
                await sawPing;
                controller.enqueue(enc.encode(chatSse([ochunk({ content: ' after' }), ochunk({}, 'stop')]).join('')));
                controller.close();
              },
            }),
            { headers: { 'content-type': 'text/event-stream' } },
          ),
      ),
      { protocol: 'openai', pingIntervalMs: 5 },
    );
    const { sink, result } = memorySink();
    const write = sink.write.bind(sink);
    sink.write = (d) => {
      const r = write(d);
      if (result.text.includes(': ping')) pinged();
      return r;
    };
    await relay.handle({ method: 'POST', url: STREAM, headers: { host: 'localhost' }, body: new TextEncoder().encode(JSON.stringify(hi)) }, sink);
    expect(result.text.indexOf(': ping\n\n')).toBeGreaterThan(result.text.indexOf('before'));
    expect(sseFrames(result.text).map(parts)).toEqual([[{ text: 'before' }], [{ text: ' after' }], [{ text: '' }]]);
  });

  it('countTokens is estimated locally; the model list and one model come from the gateway in Google’s shape, without the client key', async () => {
    const { relay, calls } = makeRelay((c) => (c.path === '/v1/models' ? jsonResponse({ object: 'list', data: [{ id: 'gpt-4o', object: 'model', created: 1 }] }) : jsonResponse({}, 404)), { protocol: 'openai', models: { 'gemini-*': 'gpt-4o' } });
    const count = await call(relay, '/v1beta/models/m:countTokens', { contents: [{ role: 'user', parts: [{ text: 'hello there, how are you doing today?' }] }] });
    expect(count.status).toBe(200);
    const total = JSON.parse(count.text).totalTokens as number;
    expect(total).toBeGreaterThan(4);
    const wrapped = await call(relay, '/v1beta/models/m:countTokens', { generateContentRequest: { model: 'models/m', contents: [{ role: 'user', parts: [{ text: 'hello there, how are you doing today?' }] }] } });
    expect(JSON.parse(wrapped.text).totalTokens).toBe(total);
    expect(calls).toHaveLength(0);

    const list = await call(relay, '/v1beta/models?key=local-client-key&pageSize=50', undefined, { method: 'GET' });
    expect(JSON.parse(list.text)).toEqual({
      models: [{ name: 'models/gpt-4o', baseModelId: 'gpt-4o', version: '001', displayName: 'gpt-4o', description: 'gpt-4o, served by the gateway through the setup-gateway relay', supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'] }],
    });
    expect(calls[0]?.url).toBe('http://gateway.test/v1/models');
    expect(JSON.parse((await call(relay, '/v1beta/models/gemini-2.5-pro', undefined, { method: 'GET' })).text).name).toBe('models/gemini-2.5-pro');
    const missing = await call(relay, '/v1beta/models/nope', undefined, { method: 'GET' });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text).error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
    expect((await call(relay, '/v1beta/models', undefined)).status).toBe(405);
    expect((await call(relay, GEN, hi, { method: 'GET' })).status).toBe(405);
  });
});

describe('Gemini client -> Anthropic gateway', () => {
  it('generateContent: system, topK, thinking budget and tools reach the Messages request; the reply comes back as Gemini parts', async () => {
    const { relay, calls } = makeRelay(
      only(MESSAGES, () =>
        jsonResponse({
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          model: 'claude-x',
          content: [
            { type: 'text', text: 'Sure.' },
            { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'a' } },
          ],
          stop_reason: 'tool_use',
          stop_sequence: null,
          usage: { input_tokens: 20, output_tokens: 8, cache_read_input_tokens: 5 },
        }),
      ),
      { protocol: 'anthropic' },
    );
    const res = await call(relay, GEN, {
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      ...hi,
      tools: [{ functionDeclarations: [{ name: 'read_file', parameters: { type: 'OBJECT', properties: { path: { type: 'STRING' } } } }] }],
      generationConfig: { topK: 5, maxOutputTokens: 4000, thinkingConfig: { thinkingBudget: 2048 } },
    });
    expect(calls[0]?.headers['x-api-key']).toBe('sk-gateway-key-123456');
    expect(calls[0]?.json).toMatchObject({
      model: 'gemini-2.5-pro',
      system: 'Be brief.',
      max_tokens: 4000,
      thinking: { type: 'enabled', budget_tokens: 3999 }, // medium effort (8192), kept below max_tokens
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      tools: [{ name: 'read_file', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }],
    });
    // Thinking drops top_k (the Messages API refuses both); without thinking it goes through.
    expect((calls[0]?.json as Record<string, unknown>).top_k).toBeUndefined();
    await call(relay, GEN, { ...hi, generationConfig: { topK: 5 } });
    expect((calls[1]?.json as Record<string, unknown>).top_k).toBe(5);
    const body = JSON.parse(res.text);
    expect(body.candidates[0].content.parts).toEqual([{ text: 'Sure.' }, { functionCall: { id: 'toolu_1', name: 'read_file', args: { path: 'a' } } }]);
    expect(body.usageMetadata).toMatchObject({ promptTokenCount: 25, candidatesTokenCount: 8, cachedContentTokenCount: 5 });
  });

  it('streamGenerateContent: Anthropic events become Gemini frames', async () => {
    const { relay } = makeRelay(
      only(MESSAGES, () =>
        sseResponse(
          anthropicSse([
            { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-x', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 9, output_tokens: 0 } } },
            { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
            { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Grüezi' } },
            { type: 'content_block_stop', index: 0 },
            { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_9', name: 'ls', input: {} } },
            { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"dir":' } },
            { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"."}' } },
            { type: 'content_block_stop', index: 1 },
            { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 6 } },
            { type: 'message_stop' },
          ]),
        ),
      ),
      { protocol: 'anthropic' },
    );
    const res = await call(relay, STREAM, hi);
    const f = sseFrames(res.text);
    expect(f.map(parts)).toEqual([[{ text: 'Grüezi' }], [{ functionCall: { id: 'toolu_9', name: 'ls', args: { dir: '.' } } }]]);
    expect(f.at(-1)).toMatchObject({ candidates: [{ finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 6, totalTokenCount: 15 } });
  });
});

describe('the Gemini encoder on its own', () => {
  it('keeps a long tool name the gateway saw shortened as the client named it', () => {
    const long = `mcp__server__${'x'.repeat(80)}`;
    const names = new ToolNames([long]);
    const enc = new GeminiEncoder({ toolNames: names, model: 'm', thoughts: false }, true);
    enc.chunk(ochunk({ tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: names.up(long), arguments: '{}' } }] }) as never);
    expect(sseFrames(enc.done()).map(parts)).toEqual([[{ functionCall: { id: 'c', name: long, args: {} } }]]);
    expect(enc.done()).toBe('');
  });
});

describe('Gemini face over real sockets: same safety as the other faces', () => {
  let running: RunningRelay | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  function raw(port: number, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it("refuses foreign Hosts, browser Origins and oversized bodies in Google's error shape, without calling the gateway", async () => {
    const { fetch, calls } = scriptedFetch(() => chatReply({ content: 'ok' }));
    running = await startRelay({ upstream: 'http://gateway.test', key: 'sk-gateway-key-123456', protocol: 'openai', fetch, port: 0, pingIntervalMs: 0, maxBodyBytes: 1024 });
    const body = JSON.stringify(hi);
    const host = await raw(running.port, GEN, { host: 'evil.example.com' }, body);
    expect(host.status).toBe(403);
    expect(JSON.parse(host.body).error).toMatchObject({ code: 403, status: 'PERMISSION_DENIED' });
    const origin = await raw(running.port, GEN, { origin: 'https://evil.example.com' }, body);
    expect(origin.status).toBe(403);
    expect(JSON.parse(origin.body).error.status).toBe('PERMISSION_DENIED');
    const big = await raw(running.port, GEN, {}, JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'x'.repeat(2000) }] }] }));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body).error.code).toBe(413);
    expect(calls).toHaveLength(0);
    const ok = await raw(running.port, GEN, { 'x-goog-api-key': 'local' }, body);
    expect(ok.status).toBe(200);
    expect(calls).toHaveLength(1);
  });
});

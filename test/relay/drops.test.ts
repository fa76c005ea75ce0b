// No silent drops: the seven cases a side-by-side run with real clients found answered 200 while a
// parameter was quietly lost. Each is now translated, refused in the client's shape naming the
// field, or dropped and announced (the x-setup-gateway-dropped header and one log line).
import { describe, expect, it } from 'vitest';
import { call, chatSse, jsonResponse, makeRelay, ochunk, only, sseResponse } from './helpers.js';

const CHAT = '/v1/chat/completions';
const MESSAGES = '/v1/messages';
const A_REPLY = { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-up', content: [{ type: 'text', text: '{"a":1}' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 3, output_tokens: 2 } };
const O_REPLY = { id: 'c1', object: 'chat.completion', created: 1, model: 'up', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } };
const hi = [{ role: 'user', content: 'hi' }];

function anthropicGateway() {
  const logs: string[] = [];
  const r = makeRelay(only(MESSAGES, () => jsonResponse(A_REPLY)), { protocol: 'anthropic', log: (l) => logs.push(l) });
  return { ...r, logs };
}
function chatGateway(reply: () => Response = () => jsonResponse(O_REPLY)) {
  const logs: string[] = [];
  const r = makeRelay(only(CHAT, reply), { protocol: 'openai', log: (l) => logs.push(l) });
  return { ...r, logs };
}
const upstreamBody = (calls: Array<{ json: unknown }>, i = 0) => calls[i]?.json as Record<string, unknown>;

describe('the seven silent drops', () => {
  it('1. n: 2 over an Anthropic gateway is refused in the chat error shape, naming n; n: 1 goes through', async () => {
    const { relay, calls } = anthropicGateway();
    const res = await call(relay, CHAT, { model: 'claude', messages: hi, n: 2 });
    expect(res.status).toBe(400);
    const err = JSON.parse(res.text).error;
    expect(err).toMatchObject({ type: 'invalid_request_error', param: null });
    expect(err.message).toBe('n: 2 is not supported through the relay to an Anthropic gateway: an Anthropic gateway returns one choice; send the request n times, or leave n at 1.');
    expect(calls).toHaveLength(0);
    const one = await call(relay, CHAT, { model: 'claude', messages: hi, n: 1 });
    expect(one.status).toBe(200);
    expect(one.headers['x-setup-gateway-dropped']).toBeUndefined();
  });

  it('2. response_format json_schema becomes structured output on Anthropic, and back; json_object an instruction', async () => {
    const { relay, calls } = anthropicGateway();
    const schema = { type: 'object', properties: { a: { type: 'number' }, b: { type: 'object', properties: { c: { type: 'string' } } } }, required: ['a'] };
    const res = await call(relay, CHAT, { model: 'claude', messages: hi, response_format: { type: 'json_schema', json_schema: { name: 'x', schema, strict: true } } });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).choices[0].message.content).toBe('{"a":1}');
    // Anthropic's structured output requires closed objects: added where the schema says nothing.
    expect(upstreamBody(calls).output_config).toEqual({
      format: { type: 'json_schema', schema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'object', properties: { c: { type: 'string' } }, additionalProperties: false } }, required: ['a'], additionalProperties: false } },
    });
    await call(relay, CHAT, { model: 'claude', messages: [{ role: 'system', content: 'Be brief.' }, ...hi], response_format: { type: 'json_object' } });
    expect(upstreamBody(calls, 1).system).toBe('Be brief.\n\nAnswer with a single JSON object and nothing else: no prose, no code fences.');
    expect(upstreamBody(calls, 1).output_config).toBeUndefined();

    // The other way: an Anthropic client's structured output reaches a chat gateway as response_format.
    const chat = chatGateway();
    const back = await call(chat.relay, MESSAGES, { model: 'gpt-4.1', max_tokens: 100, messages: hi, output_config: { format: { type: 'json_schema', schema } } });
    expect(back.status).toBe(200);
    expect(upstreamBody(chat.calls).response_format).toEqual({ type: 'json_schema', json_schema: { name: 'output', schema, strict: true } });
    await call(chat.relay, MESSAGES, { model: 'gpt-4.1', max_tokens: 100, messages: hi, output_format: { type: 'json_schema', schema } });
    expect(upstreamBody(chat.calls, 1).response_format).toEqual({ type: 'json_schema', json_schema: { name: 'output', schema, strict: true } });
  });

  it('3. five stop sequences reach a chat gateway, all five (a gateway that takes fewer refuses them itself)', async () => {
    const { relay, calls } = chatGateway();
    const res = await call(relay, MESSAGES, { model: 'gpt-4.1', max_tokens: 100, messages: hi, stop_sequences: ['A', 'B', 'C', 'D', 'E'] });
    expect(res.status).toBe(200);
    expect(upstreamBody(calls).stop).toEqual(['A', 'B', 'C', 'D', 'E']);
    // OpenAI's own refusal reaches the client in its shape, not a silent cut.
    const strict = chatGateway(() => jsonResponse({ error: { message: "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length 5 instead.", type: 'invalid_request_error', param: 'stop' } }, 400));
    const refused = await call(strict.relay, MESSAGES, { model: 'gpt-4.1', max_tokens: 100, messages: hi, stop_sequences: ['A', 'B', 'C', 'D', 'E'] });
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text)).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length 5 instead." } });
  });

  it('4. reasoning_effort whose 1024-token thinking does not fit below max_tokens is refused, naming both', async () => {
    const { relay, calls } = anthropicGateway();
    const res = await call(relay, CHAT, { model: 'claude', messages: hi, reasoning_effort: 'high', max_tokens: 800 });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error.message).toBe(
      'reasoning_effort is not supported through the relay to an Anthropic gateway: its thinking needs a budget of at least 1024 tokens below max_tokens; raise max_tokens (or max_completion_tokens) above 1024, or send no reasoning effort.',
    );
    // The same through the Responses face, named as that client names it.
    const r = await call(relay, '/v1/responses', { model: 'claude', input: 'hi', reasoning: { effort: 'low' }, max_output_tokens: 500 });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).error.message).toMatch(/^reasoning\.effort is not supported through the relay to an Anthropic gateway: .*max_output_tokens/);
    expect(calls).toHaveLength(0);
    // Room for it: a budget below max_tokens.
    const ok = await call(relay, CHAT, { model: 'claude', messages: hi, reasoning_effort: 'high', max_tokens: 4000 });
    expect(ok.status).toBe(200);
    expect(upstreamBody(calls).thinking).toEqual({ type: 'enabled', budget_tokens: 3999 });
  });

  it('5. a server tool never becomes a client function on a chat gateway: removed and announced, or web_search_options for a search model', async () => {
    const { relay, calls, logs } = chatGateway();
    const tools = [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3 }, { name: 'Read', input_schema: { type: 'object', properties: {} } }];
    const res = await call(relay, MESSAGES, { model: 'gpt-4.1', max_tokens: 100, messages: hi, tools });
    expect(res.status).toBe(200);
    expect(res.headers['x-setup-gateway-dropped']).toBe('tools.web_search_20250305');
    expect(upstreamBody(calls).tools).toEqual([{ type: 'function', function: { name: 'Read', parameters: { type: 'object', properties: {} } } }]);
    expect(logs.filter((l) => l.includes('dropped'))).toEqual(['POST /v1/messages -> upstream (anthropic -> chat): dropped tools.web_search_20250305, which the route cannot carry (see the relay\'s field rules)']);

    const search = await call(relay, MESSAGES, { model: 'gpt-4o-search-preview', max_tokens: 100, messages: hi, tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 3, user_location: { type: 'approximate', city: 'Lyon', country: 'FR' } }] });
    expect(search.headers['x-setup-gateway-dropped']).toBe('tools.web_search_20250305.max_uses');
    expect(upstreamBody(calls, 1).web_search_options).toEqual({ user_location: { type: 'approximate', approximate: { city: 'Lyon', country: 'FR' } } });
    expect(upstreamBody(calls, 1).tools).toBeUndefined();

    // And the other way: chat's web_search_options is Anthropic's web search tool.
    const a = anthropicGateway();
    await call(a.relay, CHAT, { model: 'claude', messages: hi, web_search_options: { user_location: { type: 'approximate', approximate: { city: 'Lyon' } } } });
    expect(upstreamBody(a.calls).tools).toEqual([{ type: 'web_search_20250305', name: 'web_search', user_location: { type: 'approximate', city: 'Lyon' } }]);
  });

  it('6. logprobs over an Anthropic gateway is refused; logprobs: false goes through', async () => {
    const { relay, calls } = anthropicGateway();
    const res = await call(relay, CHAT, { model: 'claude', messages: hi, logprobs: true, top_logprobs: 2 });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error.message).toBe('logprobs: true is not supported through the relay to an Anthropic gateway: the Messages API returns no log probabilities.');
    expect(calls).toHaveLength(0);
    expect((await call(relay, CHAT, { model: 'claude', messages: hi, logprobs: false })).status).toBe(200);
  });

  it('7. a thinking budget through an alias to gpt-4.1 is dropped and announced with top_k, on JSON and stream replies alike', async () => {
    const { relay, calls, logs } = chatGateway();
    const body = { model: 'claude-sonnet-4-5', max_tokens: 2000, messages: hi, top_k: 5, thinking: { type: 'enabled', budget_tokens: 1500 } };
    const aliased = makeRelay(only(CHAT, () => jsonResponse(O_REPLY)), { protocol: 'openai', models: { 'claude-*': 'gpt-4.1' }, log: (l) => logs.push(l) });
    const res = await call(aliased.relay, MESSAGES, body);
    expect(res.status).toBe(200);
    expect(res.headers['x-setup-gateway-dropped']).toBe('top_k,thinking');
    const sent = upstreamBody(aliased.calls);
    expect(sent).toMatchObject({ model: 'gpt-4.1', max_tokens: 2000 });
    expect(sent.reasoning_effort).toBeUndefined();
    expect(sent.top_k).toBeUndefined();
    expect(logs.filter((l) => l.includes('dropped'))).toHaveLength(1);

    // A reasoning model gets the effort (and max_completion_tokens); top_k is still announced.
    const reasoning = await call(relay, MESSAGES, { ...body, model: 'gpt-5' });
    expect(reasoning.headers['x-setup-gateway-dropped']).toBe('top_k');
    expect(upstreamBody(calls)).toMatchObject({ max_completion_tokens: 2000, reasoning_effort: 'medium' });

    // Streams carry the header too.
    const streamed = makeRelay(only(CHAT, () => sseResponse(chatSse([ochunk({ role: 'assistant', content: 'ok' }), ochunk({}, 'stop')]))), { protocol: 'openai' });
    const s = await call(streamed.relay, MESSAGES, { ...body, model: 'gpt-4.1', stream: true });
    expect(s.status).toBe(200);
    expect(s.headers['content-type']).toContain('text/event-stream');
    expect(s.headers['x-setup-gateway-dropped']).toBe('top_k,thinking');
  });
});

describe('announcing', () => {
  it('a field no table knows is dropped and announced, never passed or lost quietly', async () => {
    const { relay, calls } = anthropicGateway();
    const res = await call(relay, CHAT, { model: 'claude', messages: hi, made_up_option: 1 });
    expect(res.status).toBe(200);
    expect(res.headers['x-setup-gateway-dropped']).toBe('made_up_option');
    expect(JSON.stringify(upstreamBody(calls))).not.toContain('made_up_option');
  });

  it('a pass-through announces nothing: the gateway gets the body as it is', async () => {
    const { relay, calls } = anthropicGateway();
    const body = { model: 'claude', max_tokens: 10, messages: hi, top_k: 3, made_up_option: 1 };
    const res = await call(relay, MESSAGES, body);
    expect(res.headers['x-setup-gateway-dropped']).toBeUndefined();
    expect(upstreamBody(calls)).toEqual(body);
  });

  it('an upstream error on a translated route still announces what was dropped', async () => {
    const { relay } = chatGateway(() => jsonResponse({ error: { message: 'bad', type: 'invalid_request_error' } }, 400));
    const res = await call(relay, MESSAGES, { model: 'gpt-4.1', max_tokens: 10, messages: hi, top_k: 3 });
    expect(res.status).toBe(400);
    expect(res.headers['x-setup-gateway-dropped']).toBe('top_k');
  });

  it('thinking on an Anthropic gateway drops the client’s sampling settings, and says so in the client’s names', async () => {
    const { relay, calls } = anthropicGateway();
    const res = await call(relay, '/v1beta/models/claude:generateContent', { contents: [{ role: 'user', parts: [{ text: 'hi' }] }], generationConfig: { temperature: 0.3, topK: 4, maxOutputTokens: 4000, thinkingConfig: { thinkingBudget: 2048 } } });
    expect(res.status).toBe(200);
    expect(res.headers['x-setup-gateway-dropped']).toBe('generationConfig.temperature,generationConfig.topK');
    expect(upstreamBody(calls).thinking).toEqual({ type: 'enabled', budget_tokens: 3999 });
  });
});

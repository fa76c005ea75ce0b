// The protocol adapters on their own, called directly: endpoints, request and reply translation
// to and from the common form (chat completions), stream encoders and decoders, error frames;
// and the route table over every (client, gateway) pair.
import { describe, expect, it } from 'vitest';
import { ADAPTERS, adapterFor, anthropic, chat, completions, gemini, responses, routeBetween, routesFor, upstreamOf, type Adapter, type ClientContext } from '../../src/relay/adapters/index.js';
import { chatResponseToChunks } from '../../src/relay/adapters/chat.js';
import { ClientError } from '../../src/relay/errors.js';
import { SseParser } from '../../src/relay/sse.js';
import type { StreamTranslator } from '../../src/relay/streams.js';
import type { OResponse } from '../../src/relay/types.js';
import { anthropicSse, chatSse, frames, ochunk, stableIds } from './helpers.js';

const ctx = (over: Partial<ClientContext> = {}): ClientContext => ({ model: 'up-model', requested: 'client-model', upstreamName: 'upstream', upstream: 'chat', url: '/v1/chat/completions', options: {}, ...over });

const common: OResponse = {
  id: 'chatcmpl-up',
  object: 'chat.completion',
  created: 1,
  model: 'up-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
};

/** SSE text through a decoder, as the relay feeds it: every event, then the end. */
function decode(t: StreamTranslator, pieces: string[]): string {
  const parser = new SseParser();
  let out = '';
  for (const p of pieces) for (const e of parser.push(new TextEncoder().encode(p))) out += t.event(e);
  if (!t.finished) {
    for (const e of parser.end()) out += t.event(e);
    out += t.end();
  }
  return out;
}

describe('the route table', () => {
  const pairs = ADAPTERS.flatMap((c) => ADAPTERS.map((u) => [c, u] as const));

  it('has one adapter per protocol, each answering its own paths', () => {
    expect(ADAPTERS.map((a) => a.id).sort()).toEqual(['anthropic', 'chat', 'completions', 'gemini', 'responses']);
    expect(new Set(ADAPTERS.map((a) => a.upstreamPath)).size).toBe(ADAPTERS.length);
    for (const a of ADAPTERS) expect(adapterFor(a.upstreamPath.replace(/^\/v1(?=\/)/, ''))?.adapter).toBe(a);
    expect(adapterFor('/messages/count_tokens')).toBeUndefined();
    expect(adapterFor('/models')).toBeUndefined();
  });

  it('covers every (client, gateway) pair: pass-through for equals, a translation into every protocol the relay writes', () => {
    const table = Object.fromEntries(pairs.map(([c, u]) => [`${c.id} -> ${u.id}`, routeBetween(c, u)?.kind ?? 'none']));
    expect(table).toEqual({
      'chat -> chat': 'pass',
      'chat -> anthropic': 'translate',
      'chat -> responses': 'none',
      'chat -> completions': 'none',
      'anthropic -> chat': 'translate',
      'anthropic -> anthropic': 'pass',
      'anthropic -> responses': 'none',
      'anthropic -> completions': 'none',
      'responses -> chat': 'translate',
      'responses -> anthropic': 'translate',
      'responses -> responses': 'pass',
      'responses -> completions': 'none',
      'completions -> chat': 'translate',
      'completions -> anthropic': 'translate',
      'completions -> responses': 'none',
      'completions -> completions': 'pass',
      'completions -> gemini': 'none',
      'chat -> gemini': 'none',
      'anthropic -> gemini': 'none',
      'responses -> gemini': 'none',
      'gemini -> chat': 'translate',
      'gemini -> anthropic': 'translate',
      'gemini -> responses': 'none',
      'gemini -> completions': 'none',
      'gemini -> gemini': 'none',
    });
    for (const [c, u] of pairs) {
      const route = routeBetween(c, u);
      expect(route === undefined, `${c.id} -> ${u.id}`).toBe(c === u ? c.passThrough === false : u.upstream === undefined);
      if (route) expect(upstreamOf(route)).toBe(u);
    }
  });

  it("lists a client's routes best first: pass-through, then chat (the common form), then Anthropic", () => {
    const order = (a: Adapter) => routesFor(a).map((r) => upstreamOf(r).id);
    expect(order(anthropic)).toEqual(['anthropic', 'chat']);
    expect(order(chat)).toEqual(['chat', 'anthropic']);
    expect(order(responses)).toEqual(['responses', 'chat', 'anthropic']);
    expect(order(completions)).toEqual(['completions', 'chat', 'anthropic']);
    // Gemini is only ever translated: a gateway with a Gemini face is reached directly.
    expect(order(gemini)).toEqual(['chat', 'anthropic']);
    for (const a of ADAPTERS) if (a !== gemini) expect(routesFor(a)[0]).toEqual({ kind: 'pass', adapter: a });
  });
});

describe('Anthropic adapter', () => {
  const body = { model: 'claude-x', max_tokens: 50, tools: [{ name: 'get', input_schema: { type: 'object' } }], messages: [{ role: 'user', content: 'hi' }] };

  it('answers /messages, in Anthropic error and ping frames, with Anthropic headers upstream', () => {
    expect(anthropic.endpoint('/messages')).toEqual({});
    expect(anthropic.endpoint('/chat/completions')).toBeUndefined();
    expect(anthropic.anthropicHeaders).toBe(true);
    expect(anthropic.ping).toBe('event: ping\ndata: {"type":"ping"}\n\n');
    expect(frames(anthropic.streamError(502, { message: 'gone' }))).toEqual([{ event: 'error', data: { type: 'error', error: { type: 'api_error', message: 'gone' } } }]);
    expect(anthropic.client.invalid({ messages: 'x' })).toBe('messages: required (an array)');
    expect(anthropic.client.invalid({ messages: [1] })).toBe('messages: every message must be an object');
    expect(anthropic.client.invalid(body)).toBeUndefined();
  });

  it('client side: a Messages request as a chat request for the mapped model; a chat reply as a message', () => {
    const turn = anthropic.client.accept(body, ctx());
    expect(turn.request).toMatchObject({ model: 'up-model', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'get' } }] });
    expect(turn.usage).toBe(true);
    expect(JSON.parse(stableIds(JSON.stringify(turn.reply(common))))).toEqual({
      id: 'msg_ID',
      type: 'message',
      role: 'assistant',
      model: 'up-model',
      content: [{ type: 'text', text: 'Hello' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 12, output_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
  });

  it('client side: chat chunks encoded as Anthropic events, content deltas from the template', () => {
    const encoder = anthropic.client.accept(body, ctx()).encoder();
    let out = '';
    for (const c of chatResponseToChunks(common)) out += encoder.chunk(c);
    out += encoder.done();
    expect(encoder.finished).toBe(true);
    expect(frames(out).map((f) => f.event)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(out).toContain('event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}\n\n');
  });

  it('upstream side: a chat request as a Messages body; its reply and its events back in the common form', () => {
    const turn = anthropic.upstream?.send({ model: 'up-model', messages: [{ role: 'user', content: 'hi' }], stream: true }, { defaultMaxTokens: 77 }, 'up-model');
    if (!turn) throw new Error('Anthropic has an upstream side');
    expect(JSON.parse(turn.body)).toMatchObject({ model: 'up-model', max_tokens: 77, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], stream: true });
    const reply = turn.reply({ id: 'msg_1', type: 'message', role: 'assistant', model: 'claude', content: [{ type: 'text', text: 'Yo' }], stop_reason: 'max_tokens', usage: { input_tokens: 4, output_tokens: 2 } });
    expect(reply.choices[0]).toMatchObject({ message: { role: 'assistant', content: 'Yo' }, finish_reason: 'length' });
    const sse = anthropicSse([
      { type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude', content: [], usage: { input_tokens: 4, output_tokens: 0 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Y' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'o' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } },
      { type: 'message_stop' },
    ]);
    const out = decode(turn.decoder(chat.client.accept({ messages: [] }, ctx()).encoder(), false), sse);
    const data = frames(out).map((f) => f.data);
    expect(data.at(-1)).toBe('[DONE]');
    const text = data.map((d) => (d as { choices?: Array<{ delta?: { content?: string } }> }).choices?.[0]?.delta?.content ?? '').join('');
    expect(text).toBe('Yo');
    expect(out).not.toContain('"usage"'); // the chat client did not ask for it
  });
});

describe('chat adapter', () => {
  it('is the common form: the request keeps its fields with the mapped model, the reply is as it is', () => {
    const body = { model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }], temperature: 0.2, stream_options: { include_usage: true } };
    const turn = chat.client.accept(body, ctx());
    expect(turn.request).toEqual({ ...body, model: 'up-model' });
    expect(turn.usage).toBe(true);
    expect(chat.client.accept({ messages: [] }, ctx()).usage).toBe(false);
    expect(turn.reply(common)).toBe(common);
    const up = chat.upstream?.send(turn.request, {}, 'up-model');
    expect(up && JSON.parse(up.body)).toEqual(turn.request);
    expect(up?.reply(common as unknown as Record<string, unknown>)).toBe(common);
  });

  it('decodes a gateway stream through the encoder unchanged, in OpenAI error and ping frames', () => {
    const up = chat.upstream?.send({ model: 'm', messages: [] }, {}, 'm');
    if (!up) throw new Error('chat has an upstream side');
    const chunks = [ochunk({ role: 'assistant', content: '' }), ochunk({ content: 'a' }), ochunk({ content: 'b"c' }), ochunk({}, 'stop')];
    const out = decode(up.decoder(chat.client.accept({ messages: [] }, ctx()).encoder(), false), chatSse(chunks));
    expect(out).toBe(chatSse(chunks).join(''));
    expect(chat.ping).toBe(': ping\n\n');
    expect(chat.streamError(502, { message: 'gone' })).toBe('data: {"error":{"message":"gone","type":"server_error","param":null,"code":null}}\n\n');
  });

  it('turns a whole reply into the chunks a stream would have carried', () => {
    const chunks = chatResponseToChunks({ ...common, choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] }, finish_reason: 'tool_calls' }] });
    expect(chunks.map((c) => (c.usage ? 'usage' : c.choices[0]?.finish_reason))).toEqual([null, 'tool_calls', 'usage']);
    expect(chunks[0]?.choices[0]?.delta.tool_calls).toEqual([{ index: 0, id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }]);
  });
});

describe('Responses adapter', () => {
  it('is a client side only, checks input, and refuses previous_response_id naming the gateway', () => {
    expect(responses.upstream).toBeUndefined();
    expect(responses.endpoint('/responses')).toEqual({});
    expect(responses.client.invalid({ input: 3 })).toBe('input: required (a string or an array)');
    expect(responses.client.invalid({ input: 'hi' })).toBeUndefined();
    const refuse = () => responses.client.accept({ input: 'hi', previous_response_id: 'resp_1' }, ctx({ upstreamName: 'fallback 1' }));
    expect(refuse).toThrow(ClientError);
    expect(refuse).toThrow(/^previous_response_id is not supported: fallback 1 has no \/v1\/responses/);
  });

  it('translates input to chat messages, and a chat reply and chunks to a response and its events', () => {
    const body = { model: 'codex', instructions: 'Be brief.', input: 'hi', stream: true };
    const turn = responses.client.accept(body, ctx());
    expect(turn.request).toMatchObject({ model: 'up-model', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }] });
    expect(turn.reply(common)).toMatchObject({ object: 'response', status: 'completed', output: [{ type: 'message', content: [{ type: 'output_text', text: 'Hello' }] }] });
    const encoder = turn.encoder();
    let out = '';
    for (const c of chatResponseToChunks(common)) out += encoder.chunk(c);
    out += encoder.done();
    const events = frames(out).map((f) => f.event);
    expect(events[0]).toBe('response.created');
    expect(events).toContain('response.output_text.delta');
    expect(events.at(-1)).toBe('response.completed');
  });
});

describe('completions adapter', () => {
  it('answers /completions and /engines/{model}/completions (model unescaped, kept raw when malformed)', () => {
    expect(completions.endpoint('/completions')).toEqual({});
    expect(completions.endpoint('/engines/my%2Fmodel/completions')).toEqual({ model: 'my/model' });
    expect(completions.endpoint('/engines/bad%E0/completions')).toEqual({ model: 'bad%E0' });
    expect(completions.endpoint('/engines/x/chat')).toBeUndefined();
    expect(completions.client.invalid({})).toBe('prompt: required');
  });

  it('sends a prompt as a chat request; answers in the model the client asked for when the gateway names none', () => {
    const turn = completions.client.accept({ prompt: 'def add(a, b):', max_tokens: 20, stream_options: { include_usage: true } }, ctx());
    expect(turn.request.model).toBe('up-model');
    expect(JSON.stringify(turn.request.messages)).toContain('def add(a, b):');
    const unnamed = { ...common, model: '' };
    expect(turn.reply(common)).toMatchObject({ object: 'text_completion', model: 'up-model', choices: [{ text: 'Hello', finish_reason: 'stop' }] });
    expect(turn.reply(unnamed)).toMatchObject({ model: 'client-model' });
    const encoder = turn.encoder();
    let out = '';
    for (const c of chatResponseToChunks(unnamed)) out += encoder.chunk(c);
    out += encoder.done();
    const data = frames(out).map((f) => f.data);
    expect(data.at(-1)).toBe('[DONE]');
    expect(data).toContainEqual(expect.objectContaining({ object: 'text_completion', model: 'client-model', usage: expect.objectContaining({ total_tokens: 15 }) }));
  });
});

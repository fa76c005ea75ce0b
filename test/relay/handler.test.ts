// Conformance, everything but stream framing: JSON replies, errors, ids, headers and auth,
// pass-through, model aliases and fallbacks, probing, the local endpoints, pings.
import { describe, expect, it } from 'vitest';
import { call, chatSse, frames, jsonResponse, makeRelay, ochunk, only, sseResponse, stableIds } from './helpers.js';

const KEY = 'sk-gateway-key-123456';
const A_BODY = { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] };
const O_BODY = { model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] };

const chatReply = (message: Record<string, unknown>, finish = 'stop', usage: Record<string, unknown> = { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 }) => ({
  id: 'chatcmpl-up',
  object: 'chat.completion',
  created: 1,
  model: 'up-model',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }],
  usage,
});

describe('JSON replies', () => {
  it('chat -> Anthropic message, exactly, with usage and a fresh msg_ id', async () => {
    const { relay } = makeRelay(
      () => jsonResponse(chatReply({ content: 'Hello', reasoning_content: 'Think', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get', arguments: '{"q":1}' } }] }, 'tool_calls', { prompt_tokens: 100, completion_tokens: 9, total_tokens: 109, prompt_tokens_details: { cached_tokens: 60 } })),
      { protocol: 'openai' },
    );
    const res = await call(relay, '/v1/messages', A_BODY);
    expect(res.status).toBe(200);
    expect(JSON.parse(stableIds(res.text))).toEqual({
      id: 'msg_ID',
      type: 'message',
      role: 'assistant',
      model: 'up-model',
      content: [
        { type: 'thinking', thinking: 'Think', signature: '' },
        { type: 'text', text: 'Hello' },
        { type: 'tool_use', id: 'call_1', name: 'get', input: { q: 1 } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 40, output_tokens: 9, cache_creation_input_tokens: 0, cache_read_input_tokens: 60 },
    });
  });

  it('merges Copilot-style split choices (text in one, tool calls in another); malformed arguments do not crash', async () => {
    const { relay } = makeRelay(
      () =>
        jsonResponse({
          id: 'x',
          object: 'chat.completion',
          created: 1,
          model: 'copilot',
          choices: [
            { index: 0, message: { role: 'assistant', content: 'I will run it.' }, finish_reason: 'stop' },
            { index: 1, message: { role: 'assistant', content: null, tool_calls: [{ id: 'c9', type: 'function', function: { name: 'run', arguments: '{"cmd": ls' } }] }, finish_reason: 'tool_calls' },
          ],
          usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10, prompt_tokens_details: null },
        }),
      { protocol: 'openai' },
    );
    const body = JSON.parse((await call(relay, '/v1/messages', A_BODY)).text);
    expect(body.content).toEqual([
      { type: 'text', text: 'I will run it.' },
      { type: 'tool_use', id: 'c9', name: 'run', input: { arguments: '{"cmd": ls' } },
    ]);
    expect(body.stop_reason).toBe('tool_use');
    expect(body.usage).toEqual({ input_tokens: 5, output_tokens: 5, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  });

  it('Anthropic message -> chat completion, exactly', async () => {
    const { relay } = makeRelay(
      () =>
        jsonResponse({
          id: 'msg_up',
          type: 'message',
          role: 'assistant',
          model: 'claude-up',
          content: [
            { type: 'thinking', thinking: 'Hm', signature: 's' },
            { type: 'text', text: 'Hi' },
            { type: 'tool_use', id: 'toolu_1', name: 'get', input: { a: [1] } },
          ],
          stop_reason: 'max_tokens',
          stop_sequence: null,
          usage: { input_tokens: 7, output_tokens: 2, cache_read_input_tokens: 3, cache_creation_input_tokens: 0 },
        }),
      { protocol: 'anthropic' },
    );
    const res = await call(relay, '/v1/chat/completions', O_BODY);
    expect(JSON.parse(stableIds(res.text))).toEqual({
      id: 'chatcmpl-ID',
      object: 'chat.completion',
      created: 0,
      model: 'claude-up',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hi', reasoning_content: 'Hm', tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'get', arguments: '{"a":[1]}' } }] },
          logprobs: null,
          finish_reason: 'length',
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12, prompt_tokens_details: { cached_tokens: 3 } },
    });
  });

  it('chat -> Responses object and legacy completion object', async () => {
    const { relay } = makeRelay(only('/v1/chat/completions', () => jsonResponse(chatReply({ content: 'Done.' }, 'length'))), { protocol: 'openai' });
    const r = JSON.parse(stableIds((await call(relay, '/v1/responses', { model: 'gw', input: 'go', max_output_tokens: 5 })).text));
    expect(r).toMatchObject({
      id: 'resp_ID',
      object: 'response',
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      max_output_tokens: 5,
      output: [{ type: 'message', id: 'msg_ID', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Done.', annotations: [] }] }],
      output_text: 'Done.',
      usage: { input_tokens: 12, output_tokens: 3, total_tokens: 15 },
    });
    const l = JSON.parse(stableIds((await call(relay, '/v1/completions', { model: 'gw', prompt: 'x' })).text));
    expect(l).toEqual({ id: 'cmpl-ID', object: 'text_completion', created: 0, model: 'up-model', choices: [{ text: 'Done.', index: 0, logprobs: null, finish_reason: 'length' }], usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 } });
  });

  it('replays a JSON reply as a stream when the upstream ignored stream: true', async () => {
    const { relay } = makeRelay(() => jsonResponse(chatReply({ content: 'Whole' })), { protocol: 'openai' });
    const res = await call(relay, '/v1/messages', { ...A_BODY, stream: true });
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(frames(res.text).map((f) => f.event)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(res.text).toContain('"text":"Whole"');
  });

  it('gives every concurrent reply its own message id', async () => {
    const { relay } = makeRelay(() => jsonResponse(chatReply({ content: 'x' })), { protocol: 'openai' });
    const ids = await Promise.all(Array.from({ length: 50 }, async () => JSON.parse((await call(relay, '/v1/messages', A_BODY)).text).id as string));
    expect(new Set(ids).size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^msg_[A-Za-z0-9]{24}$/);
  });
});

describe('errors', () => {
  it('keeps the status, maps the shape, passes retry-after and x-should-retry, keeps the wording', async () => {
    const { relay } = makeRelay(
      () => jsonResponse({ error: { message: 'prompt is too long: 250000 tokens > 200000 maximum', type: 'invalid_request_error', param: null, code: 'context_length_exceeded' } }, 400, { 'x-should-retry': 'false' }),
      { protocol: 'openai' },
    );
    const res = await call(relay, '/v1/messages', { ...A_BODY, stream: true });
    expect(res.status).toBe(400);
    expect(res.headers['x-should-retry']).toBe('false');
    expect(JSON.parse(res.text)).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 250000 tokens > 200000 maximum' } });
  });

  it('maps status to Anthropic error types for a streaming request that fails before its first byte', async () => {
    for (const [status, type] of [
      [401, 'authentication_error'],
      [403, 'permission_error'],
      [404, 'not_found_error'],
      [413, 'request_too_large'],
      [429, 'rate_limit_error'],
      [500, 'api_error'],
      [529, 'overloaded_error'],
    ] as const) {
      const { relay } = makeRelay(() => new Response('<html>busy</html>', { status, headers: { 'retry-after': '7', 'content-type': 'text/html' } }), { protocol: 'openai' });
      const res = await call(relay, '/v1/messages', { ...A_BODY, stream: true });
      expect(res.status).toBe(status);
      expect(res.headers['retry-after']).toBe('7');
      expect(JSON.parse(res.text)).toEqual({ type: 'error', error: { type, message: `upstream answered HTTP ${status}: busy` } });
    }
  });

  it('passes retry-after in whole seconds (from a fraction, or from retry-after-ms)', async () => {
    for (const [headers, want] of [
      [{ 'retry-after': '2.2' }, '3'],
      [{ 'retry-after-ms': '1500' }, '2'],
      [{ 'retry-after': '5', 'retry-after-ms': '100' }, '5'],
    ] as const) {
      const { relay } = makeRelay(() => jsonResponse({ error: { message: 'slow down' } }, 429, headers), { protocol: 'openai' });
      const res = await call(relay, '/v1/messages', A_BODY);
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBe(want);
    }
  });

  it('an Anthropic error reaches an OpenAI client in the OpenAI shape', async () => {
    const { relay } = makeRelay(() => jsonResponse({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 529, { 'retry-after': '3' }), { protocol: 'anthropic' });
    const res = await call(relay, '/v1/chat/completions', { ...O_BODY, stream: true });
    expect(res.status).toBe(529);
    expect(res.headers['retry-after']).toBe('3');
    expect(JSON.parse(res.text)).toEqual({ error: { message: 'Overloaded', type: 'server_error', param: null, code: null } });
  });

  it('malformed requests get a 400 in the client shape; unknown routes a 404; wrong methods a 405', async () => {
    const { relay, calls } = makeRelay(() => jsonResponse({}), { protocol: 'openai' });
    expect(JSON.parse((await call(relay, '/v1/messages', 'not json')).text)).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'the request body is not a JSON object' } });
    expect((await call(relay, '/v1/chat/completions', { model: 'x' })).status).toBe(400);
    expect(JSON.parse((await call(relay, '/v1/chat/completions', { messages: [] })).text)).toEqual({ error: { message: 'model: required', type: 'invalid_request_error', param: null, code: null } });
    expect((await call(relay, '/v2/nothing', {})).status).toBe(404);
    const wrong = await call(relay, '/v1/messages', undefined, { method: 'GET' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe('POST');
    expect(calls).toEqual([]);
  });

  it('refuses previous_response_id when responses are translated (no stored state to continue from)', async () => {
    const { relay, calls } = makeRelay(only('/v1/chat/completions', () => jsonResponse(chatReply({ content: 'x' }))), { protocol: 'openai' });
    const res = await call(relay, '/v1/responses', { model: 'm', input: 'next', previous_response_id: 'resp_123' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error.message).toContain('previous_response_id is not supported');
    expect(calls.filter((c) => c.path === '/v1/chat/completions')).toEqual([]);
  });

  it('an unreachable upstream is a 502 in the client shape', async () => {
    const { relay } = makeRelay(
      () => {
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
      },
      { protocol: 'openai' },
    );
    const res = await call(relay, '/v1/messages', A_BODY);
    expect(res.status).toBe(502);
    expect(JSON.parse(res.text).error.message).toBe('upstream http://gateway.test is unreachable: ECONNREFUSED');
  });
});

describe('pass-through, headers and auth', () => {
  it('passes an Anthropic request to an Anthropic upstream byte for byte, with the key injected and hop-by-hop headers stripped', async () => {
    const raw = '{"model":"claude-sonnet-4-5","max_tokens":100,  "messages":[{"role":"user","content":"hi"}],"x-unknown":true}';
    const upstreamBody = '{"id":"msg_up","type":"message","content":[],"weird":  1}';
    const { relay, calls } = makeRelay(() => new Response(upstreamBody, { headers: { 'content-type': 'application/json', 'request-id': 'req_1', 'content-encoding': 'identity', 'set-cookie': 'a=b' } }), { protocol: 'anthropic' });
    const res = await call(relay, '/v1/messages?beta=true', raw, {
      headers: {
        authorization: 'Bearer local-anything',
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'fine-grained-tool-streaming-2025-05-14',
        connection: 'keep-alive, x-hop',
        'x-hop': '1',
        'keep-alive': 'timeout=5',
        'user-agent': 'claude-cli/2.1',
        'accept-encoding': 'gzip, br',
        'x-stainless-lang': 'js',
      },
    });
    expect(calls).toHaveLength(1);
    const up = calls[0]!;
    expect(up.url).toBe('http://gateway.test/v1/messages?beta=true');
    expect(up.body).toBe(raw);
    expect(up.headers).toEqual({
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'fine-grained-tool-streaming-2025-05-14',
      'user-agent': 'claude-cli/2.1',
      'x-stainless-lang': 'js',
      'content-type': 'application/json',
      'accept-encoding': 'identity',
      'x-api-key': KEY,
      authorization: `Bearer ${KEY}`,
    });
    expect(res.text).toBe(upstreamBody);
    expect(res.headers).toEqual({ 'content-type': 'application/json', 'request-id': 'req_1', 'content-length': String(Buffer.byteLength(upstreamBody)) });
  });

  it('accepts x-api-key from a client, never forwards it, and sends anthropic-* headers only to Anthropic upstreams', async () => {
    const { relay, calls } = makeRelay(() => jsonResponse(chatReply({ content: 'ok' })), { protocol: 'openai' });
    await call(relay, '/v1/messages', A_BODY, { headers: { 'x-api-key': 'local-token', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'interleaved-thinking-2025-05-14' } });
    expect(calls[0]?.headers).toEqual({ 'content-type': 'application/json', 'accept-encoding': 'identity', authorization: `Bearer ${KEY}` });
  });

  it('passes an OpenAI stream through untouched when the upstream speaks chat', async () => {
    const pieces = chatSse([ochunk({ content: 'a' }), ochunk({}, 'stop')]);
    const { relay, calls } = makeRelay(() => sseResponse(pieces), { protocol: 'openai' });
    const res = await call(relay, '/v1/chat/completions', { ...O_BODY, stream: true });
    expect(calls[0]?.body).toBe(JSON.stringify({ ...O_BODY, stream: true }));
    expect(res.text).toBe(pieces.join(''));
  });

  it('sends an OpenAI client to an Anthropic upstream with a default anthropic-version and the chosen auth header', async () => {
    const { relay, calls } = makeRelay(() => jsonResponse({ id: 'm', type: 'message', role: 'assistant', model: 'c', content: [], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } }), {
      protocol: 'anthropic',
      anthropicAuth: 'x-api-key',
    });
    await call(relay, '/v1/chat/completions', O_BODY, { headers: { authorization: 'Bearer whatever' } });
    expect(calls[0]?.headers).toEqual({ 'content-type': 'application/json', 'accept-encoding': 'identity', 'anthropic-version': '2023-06-01', 'x-api-key': KEY });
  });
});

describe('model aliases, fallbacks and probing', () => {
  it('maps aliases by glob and walks the model chain on 429 and 5xx before the first byte', async () => {
    const seen: string[] = [];
    const { relay } = makeRelay(
      (c) => {
        const model = (c.json as { model: string }).model;
        seen.push(model);
        if (model === 'gw-big') return jsonResponse({ error: { message: 'rate limited' } }, 429);
        if (model === 'gw-medium') return jsonResponse({ error: { message: 'down' } }, 503);
        return jsonResponse(chatReply({ content: `from ${model}` }));
      },
      { protocol: 'openai', models: { 'claude-sonnet-*': ['gw-big', 'gw-medium', 'gw-small'], 'claude-haiku-*': 'gw-tiny' } },
    );
    const res = await call(relay, '/v1/messages', A_BODY);
    expect(seen).toEqual(['gw-big', 'gw-medium', 'gw-small']);
    expect(JSON.parse(res.text).content).toEqual([{ type: 'text', text: 'from gw-small' }]);
    seen.length = 0;
    await call(relay, '/v1/messages', { ...A_BODY, model: 'CLAUDE-HAIKU-4-5' });
    expect(seen).toEqual(['gw-tiny']);
    seen.length = 0;
    await call(relay, '/v1/messages', { ...A_BODY, model: 'other' });
    expect(seen).toEqual(['other']);
  });

  it('tries the fallback upstream URL, and reports the last failure when every attempt fails', async () => {
    const { relay, calls } = makeRelay(
      (c) => (c.url.startsWith('http://primary.test') ? jsonResponse({ error: { message: 'primary down' } }, 502) : jsonResponse(chatReply({ content: 'from fallback' }))),
      { upstream: ['http://primary.test/v1', { url: 'http://backup.test', key: 'sk-backup' }], protocol: 'openai' },
    );
    const res = await call(relay, '/v1/messages', A_BODY);
    expect(JSON.parse(res.text).content[0].text).toBe('from fallback');
    expect(calls.map((c) => [c.url, c.headers.authorization])).toEqual([
      ['http://primary.test/v1/chat/completions', `Bearer ${KEY}`],
      ['http://backup.test/v1/chat/completions', 'Bearer sk-backup'],
    ]);
    const all = makeRelay(() => jsonResponse({ error: { message: 'still down' } }, 503, { 'retry-after': '9' }), { upstream: ['http://a.test', 'http://b.test'], protocol: 'openai' });
    const failed = await call(all.relay, '/v1/messages', A_BODY);
    expect(failed.status).toBe(503);
    expect(failed.headers['retry-after']).toBe('9');
    expect(JSON.parse(failed.text).error.message).toBe('still down');
    expect(all.calls).toHaveLength(2);
  });

  it('does not retry a 4xx other than 429', async () => {
    const { relay, calls } = makeRelay(() => jsonResponse({ error: { message: 'bad' } }, 400), { protocol: 'openai', models: { '*': ['a', 'b'] } });
    expect((await call(relay, '/v1/messages', A_BODY)).status).toBe(400);
    expect(calls).toHaveLength(1);
  });

  it('auto: probes once with an empty body and caches what the upstream serves', async () => {
    const { relay, calls } = makeRelay(only('/v1/chat/completions', (c) => (c.body === '{}' ? jsonResponse({ error: { message: 'messages required' } }, 400) : jsonResponse(chatReply({ content: 'ok' })))));
    await call(relay, '/v1/messages', A_BODY);
    await call(relay, '/v1/messages', A_BODY);
    await call(relay, '/v1/chat/completions', O_BODY);
    expect(calls.map((c) => `${c.path} ${c.body === '{}' ? 'probe' : 'request'}`)).toEqual([
      '/v1/messages probe',
      '/v1/chat/completions probe',
      '/v1/chat/completions request',
      '/v1/chat/completions request',
      '/v1/chat/completions request',
    ]);
  });
});

describe('local endpoints', () => {
  it('answers HEAD / and /api/hello', async () => {
    const { relay, calls } = makeRelay(() => jsonResponse({}));
    for (const url of ['/', '/api/hello']) {
      const res = await call(relay, url, undefined, { method: 'HEAD' });
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
    }
    expect(calls).toEqual([]);
  });

  it('estimates count_tokens when the upstream has no Anthropic endpoint (never a constant), and passes it through otherwise', async () => {
    const { relay } = makeRelay(() => jsonResponse({}), { protocol: 'openai' });
    const small = JSON.parse((await call(relay, '/v1/messages/count_tokens?beta=true', { model: 'm', messages: [{ role: 'user', content: 'hi' }] })).text);
    const big = JSON.parse(
      (await call(relay, '/v1/messages/count_tokens', { model: 'm', system: 'x'.repeat(4000), tools: [{ name: 't', input_schema: { type: 'object' } }], messages: [{ role: 'user', content: 'y'.repeat(400) }] })).text,
    );
    expect(small.input_tokens).toBeGreaterThan(0);
    expect(big.input_tokens).toBeGreaterThan(small.input_tokens + 1000);

    const a = makeRelay(() => jsonResponse({ input_tokens: 1234 }), { protocol: 'anthropic' });
    const res = await call(a.relay, '/v1/messages/count_tokens?beta=true', { model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(JSON.parse(res.text)).toEqual({ input_tokens: 1234 });
    expect(a.calls[0]?.url).toBe('http://gateway.test/v1/messages/count_tokens?beta=true');
  });

  it('GET /v1/models returns one payload valid for OpenAI and Anthropic clients', async () => {
    const { relay, calls } = makeRelay(() => jsonResponse({ object: 'list', data: [{ id: 'gw-a', object: 'model', created: 1700000000, owned_by: 'gw' }, { id: 'gw-b', object: 'model' }] }), { protocol: 'openai' });
    const res = await call(relay, '/v1/models?limit=1000', undefined, { method: 'GET' });
    expect(calls[0]?.url).toBe('http://gateway.test/v1/models?limit=1000');
    expect(calls[0]?.method).toBe('GET');
    expect(JSON.parse(res.text)).toEqual({
      object: 'list',
      data: [
        { id: 'gw-a', object: 'model', created: 1700000000, owned_by: 'gw', type: 'model', display_name: 'gw-a', created_at: '2023-11-14T22:13:20.000Z' },
        { id: 'gw-b', object: 'model', created: 0, owned_by: 'gateway', type: 'model', display_name: 'gw-b', created_at: '1970-01-01T00:00:00.000Z' },
      ],
      has_more: false,
      first_id: 'gw-a',
      last_id: 'gw-b',
    });
  });
});

describe('keep-alive pings', () => {
  it('sends ping events while a streaming upstream is silent, between frames only', async () => {
    let pinged: () => void = () => {};
    const sawPing = new Promise<void>((resolve) => (pinged = resolve));
    const { relay } = makeRelay(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            async start(controller) {
              const enc = new TextEncoder();
              controller.enqueue(enc.encode(chatSse([ochunk({ content: 'before' })], false).join('')));
              await sawPing; // silent until the relay has pinged
              controller.enqueue(enc.encode(chatSse([ochunk({ content: ' after' }), ochunk({}, 'stop')]).join('')));
              controller.close();
            },
          }),
          { headers: { 'content-type': 'text/event-stream' } },
        ),
      { protocol: 'openai', pingIntervalMs: 5 },
    );
    const { memorySink } = await import('./helpers.js');
    const { sink, result } = memorySink();
    const write = sink.write.bind(sink);
    sink.write = (d) => {
      const r = write(d);
      if (result.text.includes('event: ping')) pinged();
      return r;
    };
    await relay.handle({ method: 'POST', url: '/v1/messages', headers: { host: 'localhost' }, body: new TextEncoder().encode(JSON.stringify({ ...A_BODY, stream: true })) }, sink);
    const events = frames(result.text).map((f) => f.event);
    expect(events.indexOf('ping')).toBeGreaterThan(events.indexOf('content_block_delta'));
    expect(events.filter((e) => e === 'content_block_delta')).toHaveLength(2);
    expect(events.at(-1)).toBe('message_stop');
    expect(result.text).toContain('event: ping\ndata: {"type":"ping"}\n\n');
  });
});

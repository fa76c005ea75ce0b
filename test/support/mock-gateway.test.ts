// The mock gateway the e2e tests stand on: each protocol answers in its own shape.
import { afterEach, describe, expect, it } from 'vitest';
import { startMockGateway, type MockGateway, type MockGatewayOptions } from './mock-gateway.js';

let gw: MockGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

async function start(opts: MockGatewayOptions = {}): Promise<MockGateway> {
  gw = await startMockGateway({ replyText: 'pong from mock', ...opts });
  return gw;
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** Parses an SSE body into [event name | undefined, data] frames. */
function sse(text: string): { event: string | undefined; data: string }[] {
  return text
    .split('\n\n')
    .filter((f) => f.trim() !== '')
    .map((frame) => {
      let event: string | undefined;
      const data: string[] = [];
      for (const line of frame.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      return { event, data: data.join('\n') };
    });
}

describe('mock gateway', () => {
  it('listens on 127.0.0.1 and answers the probes', async () => {
    const g = await start();
    expect(g.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${g.url}/`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${g.url}/api/hello`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${g.url}/`)).status).toBe(200);
    expect(g.requests.map((r) => `${r.method} ${r.path} ${r.route}`)).toEqual([
      'HEAD / probe',
      'HEAD /api/hello probe',
      'GET / probe',
    ]);
  });

  it('lists models in a shape both OpenAI and Anthropic clients accept', async () => {
    const g = await start({ models: ['m-a', 'm-b'] });
    const res = await fetch(`${g.url}/v1/models?limit=1000`);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ object: 'list', has_more: false, first_id: 'm-a', last_id: 'm-b' });
    expect(body.data).toEqual([
      expect.objectContaining({ id: 'm-a', object: 'model', owned_by: expect.any(String), created: expect.any(Number), type: 'model', display_name: 'm-a', created_at: expect.any(String) }),
      expect.objectContaining({ id: 'm-b' }),
    ]);
    expect(g.requests[0]).toMatchObject({ path: '/v1/models', url: '/v1/models?limit=1000', query: { limit: '1000' } });
  });

  it('records method, url, path, lower-cased headers and the parsed body; routes on the pathname', async () => {
    const g = await start();
    const res = await post(`${g.url}/v1/messages?beta=true`, { model: 'claude-x', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, { 'X-Custom-Header': 'Yes', Authorization: 'Bearer k1' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-x',
      content: [{ type: 'text', text: 'pong from mock' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) },
    });
    expect(body.id).toMatch(/^msg_/);
    const r = g.requests[0];
    expect(r).toMatchObject({ method: 'POST', url: '/v1/messages?beta=true', path: '/v1/messages', route: 'messages', status: 200, stream: false });
    expect(r?.headers['x-custom-header']).toBe('Yes');
    expect(r?.headers.authorization).toBe('Bearer k1');
    expect(r?.body).toMatchObject({ model: 'claude-x' });
    expect(g.requestsTo('/v1/messages')).toHaveLength(1);
  });

  it('streams Anthropic Messages SSE in the documented order', async () => {
    const g = await start();
    const res = await post(`${g.url}/v1/messages`, { model: 'claude-x', stream: true, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = sse(await res.text());
    expect(frames.every((f) => f.event !== undefined)).toBe(true);
    const events = frames.map((f) => f.event).filter((e) => e !== 'ping');
    expect(events[0]).toBe('message_start');
    expect(events[1]).toBe('content_block_start');
    expect(events.slice(-4)).toEqual(['content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    const parsed = frames.map((f) => JSON.parse(f.data) as Record<string, any>);
    for (const [i, p] of parsed.entries()) expect(p.type).toBe(frames[i]?.event);
    const text = parsed.filter((p) => p.type === 'content_block_delta').map((p) => p.delta.text as string).join('');
    expect(text).toBe('pong from mock');
    expect(parsed.find((p) => p.type === 'message_start')?.message.usage.input_tokens).toBeGreaterThan(0);
    expect(parsed.find((p) => p.type === 'message_delta')).toMatchObject({ delta: { stop_reason: 'end_turn' }, usage: { output_tokens: expect.any(Number) } });
    expect(g.requests[0]?.stream).toBe(true);
  });

  it('estimates count_tokens from the body', async () => {
    const g = await start();
    const small = (await (await post(`${g.url}/v1/messages/count_tokens?beta=true`, { model: 'm', messages: [{ role: 'user', content: 'hi' }] })).json()) as { input_tokens: number };
    const big = (await (await post(`${g.url}/v1/messages/count_tokens`, { model: 'm', messages: [{ role: 'user', content: 'x'.repeat(4000) }] })).json()) as { input_tokens: number };
    expect(small.input_tokens).toBeGreaterThan(0);
    expect(big.input_tokens).toBeGreaterThan(small.input_tokens + 500);
  });

  it('streams the Responses API with sequence numbers, item ids and a completed response', async () => {
    const g = await start();
    const res = await post(`${g.url}/v1/responses`, { model: 'gpt-x', stream: true, input: 'hi', instructions: 'be brief' });
    const frames = sse(await res.text());
    const parsed = frames.map((f) => JSON.parse(f.data) as Record<string, any>);
    expect(frames.map((f) => f.event)).toEqual(parsed.map((p) => p.type));
    const types = parsed.map((p) => p.type as string);
    expect(types[0]).toBe('response.created');
    expect(types).toContain('response.output_item.added');
    expect(types).toContain('response.content_part.added');
    expect(types).toContain('response.output_text.delta');
    expect(types.slice(-4)).toEqual([
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(parsed.map((p) => p.sequence_number)).toEqual(parsed.map((_, i) => i));
    const itemId = parsed.find((p) => p.type === 'response.output_item.added')?.item.id as string;
    for (const p of parsed.filter((x) => String(x.type).startsWith('response.output_text') || String(x.type).startsWith('response.content_part'))) {
      expect(p).toMatchObject({ item_id: itemId, output_index: 0, content_index: 0 });
    }
    expect(parsed.filter((p) => p.type === 'response.output_text.delta').map((p) => p.delta).join('')).toBe('pong from mock');
    const completed = parsed.at(-1)?.response;
    expect(completed).toMatchObject({
      object: 'response',
      status: 'completed',
      model: 'gpt-x',
      instructions: 'be brief',
      output: [{ id: itemId, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'pong from mock' }] }],
      usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number), total_tokens: expect.any(Number) },
    });
    expect(completed.id).toBe(parsed[0]?.response.id);
  });

  it('answers the Responses API without streaming', async () => {
    const g = await start();
    const body = (await (await post(`${g.url}/v1/responses`, { model: 'gpt-x', input: 'hi' })).json()) as Record<string, any>;
    expect(body).toMatchObject({ object: 'response', status: 'completed', model: 'gpt-x', output_text: 'pong from mock' });
    expect(body.output[0].content[0].text).toBe('pong from mock');
  });

  it('streams chat completions with a usage chunk and [DONE]', async () => {
    const g = await start();
    const res = await post(`${g.url}/v1/chat/completions`, { model: 'gpt-x', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });
    const frames = sse(await res.text());
    expect(frames.every((f) => f.event === undefined)).toBe(true);
    expect(frames.at(-1)?.data).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.data) as Record<string, any>);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks[0]?.id).toMatch(/^chatcmpl-/);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'gpt-x')).toBe(true);
    const text = chunks.flatMap((c) => c.choices).map((ch) => ch.delta?.content ?? '').join('');
    expect(text).toBe('pong from mock');
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), total_tokens: expect.any(Number) } });
  });

  it('answers chat completions without streaming', async () => {
    const g = await start();
    const body = (await (await post(`${g.url}/v1/chat/completions`, { model: 'gpt-x', messages: [{ role: 'user', content: 'hi' }] })).json()) as Record<string, any>;
    expect(body).toMatchObject({ object: 'chat.completion', model: 'gpt-x', choices: [{ index: 0, message: { role: 'assistant', content: 'pong from mock' }, finish_reason: 'stop' }] });
  });

  it('requireKey: 401 in each protocol error shape; Bearer and x-api-key both pass', async () => {
    const key = `sk-test-"q'#$x`;
    const g = await start({ requireKey: key });
    const msgs = { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] };

    const a = await post(`${g.url}/v1/messages`, msgs, { authorization: 'Bearer wrong' });
    expect(a.status).toBe(401);
    expect(a.headers.get('x-should-retry')).toBe('false');
    expect(await a.json()).toEqual({ type: 'error', error: { type: 'authentication_error', message: expect.any(String) } });

    const o = await post(`${g.url}/v1/chat/completions`, { model: 'm', messages: [] });
    expect(o.status).toBe(401);
    expect(await o.json()).toMatchObject({ error: { message: expect.any(String), type: expect.any(String), code: 'invalid_api_key' } });

    expect((await post(`${g.url}/v1/responses`, { model: 'm', input: 'hi' })).status).toBe(401);
    expect((await fetch(`${g.url}/v1/models`)).status).toBe(401);
    expect((await fetch(`${g.url}/`, { method: 'HEAD' })).status).toBe(200);

    expect((await post(`${g.url}/v1/messages`, msgs, { authorization: `Bearer ${key}` })).status).toBe(200);
    expect((await post(`${g.url}/v1/messages`, msgs, { 'x-api-key': key })).status).toBe(200);
    expect((await fetch(`${g.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    expect(g.requests.map((r) => r.status)).toEqual([401, 401, 401, 401, 200, 200, 200, 200]);
  });

  it('a disabled protocol answers 404; unknown paths 404; reset() forgets requests', async () => {
    const g = await start({ protocols: { anthropic: false, chat: false } });
    const a = await post(`${g.url}/v1/messages`, { model: 'm', messages: [] });
    expect(a.status).toBe(404);
    expect(await a.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    expect((await post(`${g.url}/v1/messages/count_tokens`, { model: 'm', messages: [] })).status).toBe(404);
    expect((await post(`${g.url}/v1/chat/completions`, { model: 'm', messages: [] })).status).toBe(404);
    expect((await post(`${g.url}/v1/responses`, { model: 'm', input: 'hi' })).status).toBe(200);
    expect((await fetch(`${g.url}/v2/nothing`)).status).toBe(404);
    expect(g.requests).toHaveLength(5);
    g.reset();
    expect(g.requests).toHaveLength(0);
    g.setReplyText('changed');
    const body = (await (await post(`${g.url}/v1/responses`, { model: 'm', input: 'hi' })).json()) as { output_text: string };
    expect(body.output_text).toBe('changed');
  });
});

// Conformance, streams: an upstream stream in (split into network reads exactly as written), the
// exact client stream out. Random ids are replaced by placeholders before comparing.
import { describe, expect, it } from 'vitest';
import { anthropicSse, call, chatSse, makeRelay, ochunk, only, sseResponse, stableIds } from './helpers.js';

/** An Anthropic-style frame, written independently of the relay's encoder. */
const ev = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const data = (d: unknown) => `data: ${typeof d === 'string' ? d : JSON.stringify(d)}\n\n`;

const A_REQUEST = { model: 'claude-sonnet-4-5', max_tokens: 1000, stream: true, messages: [{ role: 'user', content: 'hi' }] };
/** estimateInputTokens(A_REQUEST): 4 for the message framing + 1 for "hi". */
const A_REQUEST_ESTIMATE = 5;

function messageStart(model = 'up-model', inputTokens = A_REQUEST_ESTIMATE) {
  return ev('message_start', {
    message: {
      id: 'msg_ID',
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
  });
}

const usageChunk = (prompt: number, completion: number, cached: number | null = 0) =>
  ochunk({}, null, { choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: cached === null ? null : { cached_tokens: cached } } });

describe('OpenAI chat stream -> Anthropic client', () => {
  it('text: split lines, a multi-byte character split across reads, CRLF, and usage in the same read as the finish', async () => {
    const bytes = new TextEncoder().encode(chatSse([ochunk({ content: 'wörld' })], false)[0] as string);
    const cut = bytes.indexOf(0xc3) + 1; // inside "ö"
    const { relay, calls } = makeRelay(() =>
      sseResponse([
        'data: {"id":"chatcmpl-up","object":"chat.completion.chunk","created":1,"model":"up-model","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\r\n\r\n',
        'data:{"id":"chatcmpl-up","object":"chat.completion.chunk","created":1,"model":"up-model","choices":[{"index":0,"delta":{"content":"Hello "},',
        '"finish_reason":null}]}\n\n: keep-alive comment\n\n',
        bytes.slice(0, cut),
        bytes.slice(cut),
        // finish, usage and [DONE] in one read
        chatSse([ochunk({}, 'stop'), usageChunk(120, 7, 100)]).join(''),
      ]),
      { protocol: 'openai' },
    );
    const res = await call(relay, '/v1/messages?beta=true', A_REQUEST);
    expect(calls.map((c) => c.path)).toEqual(['/v1/chat/completions']);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(stableIds(res.text)).toBe(
      messageStart() +
        ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }) +
        ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hello ' } }) +
        ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'wörld' } }) +
        ev('content_block_stop', { index: 0 }) +
        ev('message_delta', {
          delta: { stop_reason: 'end_turn', stop_sequence: null },
          usage: { input_tokens: 20, output_tokens: 7, cache_creation_input_tokens: 0, cache_read_input_tokens: 100 },
        }) +
        ev('message_stop', {}),
    );
  });

  it('interleaved parallel tool calls are routed by index and come out one block at a time', async () => {
    const tc = (index: number, fn: Record<string, string>, id?: string) => ochunk({ tool_calls: [{ index, ...(id ? { id, type: 'function' } : {}), function: fn }] });
    const { relay } = makeRelay(() =>
      sseResponse(
        chatSse([
          ochunk({ role: 'assistant', content: 'Checking.' }),
          tc(0, { name: 'Read', arguments: '' }, 'call_a'),
          tc(1, { name: 'Grep', arguments: '' }, 'call_b'),
          tc(0, { arguments: '{"path":' }),
          tc(1, { arguments: '{"pattern":"x"}' }),
          tc(0, { arguments: '"a.txt"}' }),
          ochunk({}, 'tool_calls'),
          usageChunk(50, 30, null),
        ]),
      ),
      { protocol: 'openai' },
    );
    const res = await call(relay, '/v1/messages', A_REQUEST);
    expect(stableIds(res.text)).toBe(
      messageStart() +
        ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }) +
        ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Checking.' } }) +
        ev('content_block_stop', { index: 0 }) +
        ev('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'call_a', name: 'Read', input: {} } }) +
        ev('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"path":' } }) +
        ev('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '"a.txt"}' } }) +
        ev('content_block_stop', { index: 1 }) +
        ev('content_block_start', { index: 2, content_block: { type: 'tool_use', id: 'call_b', name: 'Grep', input: {} } }) +
        ev('content_block_delta', { index: 2, delta: { type: 'input_json_delta', partial_json: '{"pattern":"x"}' } }) +
        ev('content_block_stop', { index: 2 }) +
        ev('message_delta', {
          delta: { stop_reason: 'tool_use', stop_sequence: null },
          usage: { input_tokens: 50, output_tokens: 30, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
        }) +
        ev('message_stop', {}),
    );
  });

  it('sequential parallel calls stream live; a long tool name is restored; a missing id is synthesized', async () => {
    const long = `mcp__server__${'x'.repeat(70)}`;
    const { relay, calls } = makeRelay((c) => {
      const name = ((c.json as { tools: Array<{ function: { name: string } }> }).tools[0] as { function: { name: string } }).function.name;
      return sseResponse(
        chatSse([
          ochunk({ tool_calls: [{ index: 0, function: { name, arguments: '{}' } }] }),
          ochunk({ tool_calls: [{ index: 1, id: 'call_2', function: { name, arguments: '{"a":1}' } }] }),
          ochunk({}, 'tool_calls'),
        ]),
      );
    }, { protocol: 'openai' });
    const res = await call(relay, '/v1/messages', { ...A_REQUEST, tools: [{ name: long, input_schema: { type: 'object' } }] });
    const sent = (calls[0]?.json as { tools: Array<{ function: { name: string } }> }).tools[0]?.function.name ?? '';
    expect(sent).toHaveLength(64);
    const text = stableIds(res.text);
    expect(text).toContain(ev('content_block_start', { index: 0, content_block: { type: 'tool_use', id: 'toolu_ID', name: long, input: {} } }));
    expect(text).toContain(ev('content_block_stop', { index: 0 }) + ev('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'call_2', name: long, input: {} } }));
    // No usage chunk came: output tokens 0, never a crash.
    expect(text).toContain(ev('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 0 } }));
  });

  it('reasoning becomes a thinking block, even when the reply is reasoning only; empty deltas are dropped', async () => {
    const { relay } = makeRelay(
      () => sseResponse(chatSse([ochunk({ role: 'assistant', content: '' }), ochunk({ reasoning_content: 'Hmm.' }), ochunk({ content: '' }), ochunk({ reasoning: ' Done.' }), ochunk({}, 'stop')])),
      { protocol: 'openai' },
    );
    const res = await call(relay, '/v1/messages', A_REQUEST);
    expect(stableIds(res.text)).toBe(
      messageStart() +
        ev('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } }) +
        ev('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'Hmm.' } }) +
        ev('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: ' Done.' } }) +
        ev('content_block_stop', { index: 0 }) +
        ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 0 } }) +
        ev('message_stop', {}),
    );
  });

  it('maps finish reasons: length, content_filter, and a reported stop string', async () => {
    for (const [finish, extra, stop, seq] of [
      ['length', {}, 'max_tokens', null],
      ['content_filter', {}, 'refusal', null],
      ['stop', { stop_reason: 'END' }, 'stop_sequence', 'END'],
    ] as const) {
      const { relay } = makeRelay(
        () => sseResponse(chatSse([ochunk({ content: 'x' }), { ...ochunk({}, finish), choices: [{ index: 0, delta: {}, finish_reason: finish, ...extra }] }])),
        { protocol: 'openai' },
      );
      const res = await call(relay, '/v1/messages', A_REQUEST);
      expect(res.text).toContain(ev('message_delta', { delta: { stop_reason: stop, stop_sequence: seq }, usage: { output_tokens: 0 } }));
    }
  });

  it('a mid-stream error chunk ends the stream with an Anthropic error event', async () => {
    const { relay } = makeRelay(
      () => sseResponse([...chatSse([ochunk({ content: 'partial' })], false), data({ error: { message: 'The server is overloaded', type: 'server_error' } })]),
      { protocol: 'openai' },
    );
    const res = await call(relay, '/v1/messages', A_REQUEST);
    expect(stableIds(res.text)).toBe(
      messageStart() +
        ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }) +
        ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'partial' } }) +
        ev('error', { error: { type: 'server_error', message: 'The server is overloaded' } }),
    );
    expect(res.ended).toBe(true);
  });

  it('a connection lost mid-stream, or a stream that ends without a finish, is an error event', async () => {
    const lost = makeRelay(() => sseResponse(chatSse([ochunk({ content: 'par' })], false), { failAfter: true }), { protocol: 'openai' });
    const a = await call(lost.relay, '/v1/messages', A_REQUEST);
    expect(a.text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"the upstream stream failed: ECONNRESET"\}\}\n\n$/);
    const cut = makeRelay(() => sseResponse(chatSse([ochunk({ content: 'par' })], false)), { protocol: 'openai' });
    const b = await call(cut.relay, '/v1/messages', A_REQUEST);
    expect(b.text).toContain('event: error\ndata: {"type":"error","error":{"type":"api_error","message":"The upstream stream ended before the reply was complete."}}');
    expect(b.text).not.toContain('message_stop');
  });
});

describe('Anthropic stream -> OpenAI chat client', () => {
  const aStream = anthropicSse([
    { type: 'message_start', message: { id: 'msg_up', type: 'message', role: 'assistant', model: 'claude-up', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1, cache_read_input_tokens: 90, cache_creation_input_tokens: 5 } } },
    { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Plan.' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'EqQB' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'ping' },
    { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Sure.' } },
    { type: 'content_block_stop', index: 1 },
    { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_x', name: 'get', input: {} } },
    { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"q":' } },
    { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '1}' } },
    { type: 'content_block_stop', index: 2 },
    { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 42 } },
    { type: 'message_stop' },
  ]);

  it('translates thinking, text, tool calls, stop reason and usage with cache tokens, exactly', async () => {
    const { relay, calls } = makeRelay(() => sseResponse(aStream), { protocol: 'anthropic' });
    const res = await call(relay, '/v1/chat/completions', {
      model: 'm',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hi' }],
      tools: [{ type: 'function', function: { name: 'get', parameters: { type: 'object' } } }],
    });
    expect(calls[0]?.path).toBe('/v1/messages');
    const base = { id: 'chatcmpl-ID', object: 'chat.completion.chunk', created: 0, model: 'claude-up' };
    const c = (delta: Record<string, unknown>, finish: string | null = null) => data({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
    expect(stableIds(res.text)).toBe(
      c({ role: 'assistant', content: '' }) +
        c({ reasoning_content: 'Plan.' }) +
        c({ content: 'Sure.' }) +
        c({ tool_calls: [{ index: 0, id: 'toolu_x', type: 'function', function: { name: 'get', arguments: '' } }] }) +
        c({ tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }) +
        c({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }) +
        c({}, 'tool_calls') +
        data({ ...base, choices: [], usage: { prompt_tokens: 105, completion_tokens: 42, total_tokens: 147, prompt_tokens_details: { cached_tokens: 90 }, cache_creation_input_tokens: 5 } }) +
        data('[DONE]'),
    );
    // One id on every chunk of the stream.
    expect(new Set(res.text.match(/chatcmpl-[A-Za-z0-9]+/g)).size).toBe(1);
  });

  it('sends no usage chunk unless asked, and turns an Anthropic error event into an OpenAI error object', async () => {
    const { relay } = makeRelay(
      () => sseResponse([...aStream.slice(0, 3), ...anthropicSse([{ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }])]),
      { protocol: 'anthropic' },
    );
    const res = await call(relay, '/v1/chat/completions', { model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(res.text).not.toContain('usage');
    expect(res.text.endsWith(data({ error: { message: 'Overloaded', type: 'overloaded_error', param: null, code: null } }))).toBe(true);
    expect(res.text).not.toContain('[DONE]');
  });
});

describe('chat stream -> Responses client (Codex)', () => {
  it('emits created, items added, deltas, items done and completed, exactly', async () => {
    const { relay, calls } = makeRelay(
      only('/v1/chat/completions', () =>
        sseResponse(
          chatSse([
            ochunk({ role: 'assistant', content: 'Let me look.' }),
            ochunk({ tool_calls: [{ index: 0, id: 'call_s', type: 'function', function: { name: 'shell', arguments: '{"command":' } }] }),
            ochunk({ tool_calls: [{ index: 0, function: { arguments: '["ls"]}' } }] }),
            ochunk({}, 'tool_calls'),
            usageChunk(30, 12, 10),
          ]),
        ),
      ),
      { protocol: 'openai' },
    );
    const request = { model: 'gw', instructions: 'Be Codex.', input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'ls' }] }], tools: [{ type: 'function', name: 'shell', parameters: { type: 'object' } }], stream: true };
    const res = await call(relay, '/v1/responses', request);
    expect(calls.map((c) => c.path)).toEqual(['/v1/responses', '/v1/chat/completions']); // probed, then chat
    const events = stableIds(res.text)
      .split('\n\n')
      .filter(Boolean)
      .map((f) => JSON.parse(f.split('\ndata: ')[1] as string) as Record<string, unknown>);
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const message = { id: 'msg_ID', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Let me look.', annotations: [] }] };
    const fn = { type: 'function_call', id: 'fc_ID', call_id: 'call_s', name: 'shell', arguments: '{"command":["ls"]}', status: 'completed' };
    expect(events[7]).toEqual({ type: 'response.output_item.done', sequence_number: 7, output_index: 0, item: message });
    expect(events[12]).toEqual({ type: 'response.output_item.done', sequence_number: 12, output_index: 1, item: fn });
    const completed = events[13] as { response: Record<string, unknown> };
    expect(completed.response).toMatchObject({
      id: 'resp_ID',
      object: 'response',
      status: 'completed',
      model: 'up-model',
      instructions: 'Be Codex.',
      output: [message, fn],
      usage: { input_tokens: 30, input_tokens_details: { cached_tokens: 10 }, output_tokens: 12, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 42 },
    });
    // The same response id from created to completed.
    expect((events[0] as { response: { id: string } }).response.id).toBe('resp_ID');
    expect(new Set(res.text.match(/resp_[A-Za-z0-9]{24}/g)).size).toBe(1);
  });

  it('a freeform (custom) tool call comes back as a custom_tool_call item with its raw input', async () => {
    const { relay } = makeRelay(
      only('/v1/chat/completions', () => sseResponse(chatSse([ochunk({ tool_calls: [{ index: 0, id: 'call_p', type: 'function', function: { name: 'apply_patch', arguments: '{"input":"*** Begin Patch\\n*** End Patch"}' } }] }), ochunk({}, 'tool_calls')]))),
      { protocol: 'openai' },
    );
    const res = await call(relay, '/v1/responses', { model: 'gw', input: 'patch', tools: [{ type: 'custom', name: 'apply_patch' }], stream: true });
    expect(stableIds(res.text)).toContain(
      `data: ${JSON.stringify({ type: 'response.output_item.done', sequence_number: 3, output_index: 0, item: { type: 'custom_tool_call', id: 'ctc_ID', call_id: 'call_p', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch', status: 'completed' } })}`,
    );
  });

  it('reaches an Anthropic-only upstream through chat (responses -> chat -> messages and back)', async () => {
    const { relay, calls } = makeRelay(
      () =>
        sseResponse(
          anthropicSse([
            { type: 'message_start', message: { id: 'x', type: 'message', role: 'assistant', model: 'claude', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 3, output_tokens: 1 } } },
            { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
            { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi!' } },
            { type: 'content_block_stop', index: 0 },
            { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } },
            { type: 'message_stop' },
          ]),
        ),
      { protocol: 'anthropic' },
    );
    const res = await call(relay, '/v1/responses', { model: 'claude', instructions: 'sys', input: 'hello', stream: true });
    expect(calls[0]?.json).toEqual({ model: 'claude', messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }], max_tokens: 8192, system: 'sys', stream: true });
    expect(res.text).toContain('"type":"response.output_text.delta"');
    expect(res.text).toContain('"delta":"Hi!"');
    expect(res.text).toMatch(/"type":"response.completed".*"usage":\{"input_tokens":3,"input_tokens_details":\{"cached_tokens":0\},"output_tokens":2/);
  });
});

describe('legacy completions (Copilot inline suggestions)', () => {
  it('streams text_completion chunks from a chat upstream', async () => {
    const { relay, calls } = makeRelay(only('/v1/chat/completions', () => sseResponse(chatSse([ochunk({ content: 'a + b' }), ochunk({}, 'stop')]))), { protocol: 'openai' });
    const res = await call(relay, '/v1/engines/copilot-codex/completions', { prompt: 'def add(a, b):\n    return ', suffix: '\n', max_tokens: 20, stream: true });
    const sent = calls.find((c) => c.path === '/v1/chat/completions');
    expect((sent?.json as { model: string }).model).toBe('copilot-codex');
    const base = { id: 'cmpl-ID', object: 'text_completion', created: 0, model: 'up-model' };
    expect(stableIds(res.text)).toBe(
      data({ ...base, choices: [{ text: 'a + b', index: 0, logprobs: null, finish_reason: null }] }) + data({ ...base, choices: [{ text: '', index: 0, logprobs: null, finish_reason: 'stop' }] }) + data('[DONE]'),
    );
  });
});

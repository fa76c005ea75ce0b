// The short way for text frames (ChatConsumer.text) must write exactly what the long way writes
// (ChatConsumer.chunk on the rebuilt chunk), for every stream shape, and must be taken where it
// can be: a chat gateway's stream through each encoder that has it, once as the relay runs it and
// once with `text` hidden, compared byte for byte.
import { describe, expect, it } from 'vitest';
import { anthropic } from '../../src/relay/adapters/anthropic.js';
import { chat } from '../../src/relay/adapters/chat.js';
import { gemini } from '../../src/relay/adapters/gemini.js';
import type { Adapter, ClientContext } from '../../src/relay/adapters/adapter.js';
import { SseParser } from '../../src/relay/sse.js';
import type { ChatConsumer } from '../../src/relay/streams.js';

// Plain ASCII, escapes, characters JSON.stringify writes as themselves (é, €, U+2028, an emoji's
// surrogate pair) and one it escapes (a lone surrogate, which the upstream below writes raw).
const TEXTS = ['The ', 'quick ', 'a"b', 'back\\slash', 'line\nbreak', 'tab\t', 'é€😀', '\u2028', '"}]}', '\\', '', 'lone \ud800 half', 'end.'];

type Shape = (text: string, i: number) => Record<string, unknown>;
const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gw-model' };
const choice = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: null, ...extra }] });

/** Streams as gateways write them: the opening chunk, text chunks of one shape, the finish, the usage. */
const SHAPES: Record<string, { open?: Record<string, unknown>; text: Shape; plain: boolean }> = {
  'compact, opening role chunk': { open: choice({ role: 'assistant', content: '' }), text: (t) => choice({ content: t }), plain: true },
  'no opening chunk': { text: (t) => choice({ content: t }), plain: true },
  'the role in every chunk': { text: (t) => choice({ role: 'assistant', content: t }), plain: true },
  'a stop_reason on every choice (vLLM)': { text: (t) => choice({ content: t }, { stop_reason: null }), plain: false },
  'reasoning before the text': { text: (t, i) => (i < 3 ? choice({ reasoning_content: `think ${t}` }) : choice({ content: t })), plain: true },
  'a tool call before the text': {
    text: (t, i) =>
      i === 0 ? choice({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get', arguments: '{"a":' } }] }) : i === 1 ? choice({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }) : choice({ content: t }),
    plain: true,
  },
  'spaced JSON': { text: (t) => choice({ content: t }), plain: true },
};

function upstreamBytes(name: string): string {
  const shape = SHAPES[name]!;
  // JSON.parse takes a lone surrogate written raw, as a gateway may; JSON.stringify escapes it.
  const write = (v: unknown) => (name === 'spaced JSON' ? JSON.stringify(v, null, 1).replace(/\n/g, '') : JSON.stringify(v)).replace(/\\ud800/g, '\ud800');
  let out = shape.open ? `data: ${write(shape.open)}\n\n` : '';
  TEXTS.forEach((t, i) => {
    out += `data: ${write(shape.text(t, i))}\n\n`;
  });
  out += `data: ${write({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`;
  out += `data: ${write({ ...base, choices: [], usage: { prompt_tokens: 3, completion_tokens: 9, total_tokens: 12 } })}\n\ndata: [DONE]\n\n`;
  return out;
}

const ctx = (url: string): ClientContext => ({ model: 'gw-model', requested: 'client-model', upstreamName: 'upstream test', upstream: 'chat', url, options: {} });
const CLIENTS: Array<{ name: string; adapter: Adapter; body: Record<string, unknown>; url: string }> = [
  { name: 'Anthropic', adapter: anthropic, body: { model: 'claude-x', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hi' }] }, url: '/v1/messages' },
  { name: 'Gemini (SSE)', adapter: gemini, body: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }, url: '/v1beta/models/m:streamGenerateContent?alt=sse' },
  { name: 'Gemini (JSON array)', adapter: gemini, body: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }, url: '/v1beta/models/m:streamGenerateContent' },
];

/** One stream through chat's decoder into the client's encoder, fed one frame per read; how many frames took the short way. */
function translate(client: (typeof CLIENTS)[number], bytes: string, shortWay: boolean): { out: string; short: number } {
  const turn = client.adapter.client.accept(structuredClone(client.body), ctx(client.url));
  const encoder = turn.encoder();
  let short = 0;
  const consumer: ChatConsumer = {
    chunk: (c) => encoder.chunk(c),
    done: () => encoder.done(),
    error: (info, status) => encoder.error(info, status),
    get finished() {
      return encoder.finished;
    },
    ping: encoder.ping,
  };
  if (shortWay && encoder.text) {
    consumer.text = (t, verbatim) => {
      const out = encoder.text?.(t, verbatim);
      if (out !== undefined) short++;
      return out;
    };
  }
  const decoder = chat.upstream!.send(turn.request, {}, 'gw-model').decoder(consumer, turn.usage);
  const parser = new SseParser();
  let out = '';
  for (const frame of bytes.split(/(?<=\n\n)/)) for (const e of parser.push(frame)) out += decoder.event(e);
  for (const e of parser.end()) out += decoder.event(e);
  out += decoder.end();
  // Ids the encoders draw at random differ between two runs.
  return { out: out.replace(/(msg|toolu|call)_[A-Za-z0-9]+/g, '$1_ID'), short };
}

describe('text frames the short way', () => {
  for (const client of CLIENTS) {
    for (const name of Object.keys(SHAPES)) {
      it(`${client.name}, ${name}: the same bytes as the long way`, () => {
        const bytes = upstreamBytes(name);
        const long = translate(client, bytes, false);
        const fast = translate(client, bytes, true);
        expect(fast.out).toBe(long.out);
        expect(long.out).toContain('back\\\\slash');
        // Plain text frames after the first take the short way; others never do.
        if (SHAPES[name]!.plain) expect(fast.short).toBeGreaterThanOrEqual(5);
        else expect(fast.short).toBe(0);
      });
    }
  }
});

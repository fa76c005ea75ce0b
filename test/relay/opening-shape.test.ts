// A stream whose opening chunk is the last learnt opening with another id and created takes the
// remembered shape for its text chunks (opening-shape.ts). Streams one after another through the
// chat decoder, as the relay runs them, must write exactly what a decoder that parses every line
// writes; the remembered shape must be taken when only id and created changed, and not otherwise.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { anthropic } from '../../src/relay/adapters/anthropic.js';
import { chat } from '../../src/relay/adapters/chat.js';
import { gemini } from '../../src/relay/adapters/gemini.js';
import type { Adapter, ClientContext } from '../../src/relay/adapters/adapter.js';
import { JsonTemplate } from '../../src/relay/json-template.js';
import { SseParser } from '../../src/relay/sse.js';
import type { OChunk } from '../../src/relay/types.js';

const TEXTS = ['The ', 'quick "brown" ', 'fox\n', 'é😀', 'end.'];

interface Opening {
  id: unknown;
  created: unknown;
  model?: string;
  /** Members written before `choices` besides id, object, created and model. */
  extra?: Record<string, unknown>;
  /** How the gateway writes its JSON. */
  write?: (v: unknown) => string;
}

/** The stream's bytes; `tag` keeps one test's streams from matching the openings another left. */
function upstreamBytes(o: Opening, tag: string): string {
  const write = o.write ?? JSON.stringify;
  const base = { id: o.id, object: 'chat.completion.chunk', created: o.created, model: `${tag} ${o.model ?? 'gw-model'}`, ...(o.extra ?? {}) };
  const line = (choices: unknown[], more: Record<string, unknown> = {}) => `data: ${write({ ...base, choices, ...more })}\n\n`;
  let out = line([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
  for (const t of TEXTS) out += line([{ index: 0, delta: { content: t }, logprobs: null, finish_reason: null }]);
  out += line([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
  out += line([], { usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 } });
  return `${out}data: [DONE]\n\n`;
}

const ctx = (url: string): ClientContext => ({ model: 'gw-model', requested: 'client-model', upstreamName: 'upstream test', upstream: 'chat', url, options: {} });
const CLIENTS: Array<{ name: string; adapter: Adapter; body: Record<string, unknown>; url: string }> = [
  { name: 'Anthropic', adapter: anthropic, body: { model: 'claude-x', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hi' }] }, url: '/v1/messages' },
  { name: 'Gemini', adapter: gemini, body: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }, url: '/v1beta/models/m:streamGenerateContent?alt=sse' },
];

/** One stream as the relay translates it (the chat decoder), or the long way: every line parsed and handed to the encoder. */
function translate(client: (typeof CLIENTS)[number], bytes: string, longWay: boolean): string {
  const turn = client.adapter.client.accept(structuredClone(client.body), ctx(client.url));
  const encoder = turn.encoder();
  const parser = new SseParser();
  let out = '';
  if (longWay) {
    for (const e of [...parser.push(bytes), ...parser.end()]) out += e.data === '[DONE]' ? encoder.done() : encoder.chunk(JSON.parse(e.data) as OChunk);
  } else {
    const decoder = chat.upstream!.send(turn.request, {}, 'gw-model').decoder(encoder, turn.usage);
    for (const e of [...parser.push(bytes), ...parser.end()]) out += decoder.event(e);
    out += decoder.end();
  }
  return out.replace(/(msg|toolu|call)_[A-Za-z0-9]+/g, '$1_ID');
}

const spaced = (v: unknown) => JSON.stringify(v, null, 1).replace(/\n/g, '');
/** Compact, but a value before `created` spelled with an escape: not JSON.stringify's text. */
const escaped = (v: unknown) => JSON.stringify(v).replace('chat.completion.chunk', 'chat.completion\\u002echunk');

/** Streams in this order; `reuses`: whether its opening takes the shape the stream before it left. */
const SEQUENCE: Array<{ name: string; opening: Opening; reuses: boolean }> = [
  { name: 'a first stream', opening: { id: 'chatcmpl-a', created: 1 }, reuses: false },
  { name: 'another id and created', opening: { id: 'chatcmpl-bb', created: 1700000000 }, reuses: true },
  { name: 'an id with escapes', opening: { id: 'chatcmpl-"q"\\\u2028é', created: 2 }, reuses: true },
  { name: 'a fractional, then a huge created', opening: { id: 'x', created: 1.5 }, reuses: true },
  { name: 'a huge created', opening: { id: 'y', created: 1e21 }, reuses: true },
  { name: 'another model', opening: { id: 'z', created: 3, model: 'other-model' }, reuses: false },
  { name: 'the other model again', opening: { id: 'z2', created: 4, model: 'other-model' }, reuses: true },
  { name: 'spaced JSON (not remembered)', opening: { id: 's', created: 5, write: spaced }, reuses: false },
  { name: 'after spaced JSON', opening: { id: 's2', created: 6, model: 'other-model' }, reuses: true },
  { name: 'a fingerprint that changes', opening: { id: 'f', created: 7, extra: { system_fingerprint: 'fp_1' } }, reuses: false },
  { name: 'the fingerprint changed', opening: { id: 'f2', created: 8, extra: { system_fingerprint: 'fp_2' } }, reuses: false },
  { name: 'created as a string (not remembered)', opening: { id: 'c', created: '9' }, reuses: false },
  { name: 'after it', opening: { id: 'c2', created: '10' }, reuses: false },
  { name: 'the id also in another member (not remembered)', opening: { id: 'same', created: 11, extra: { meta: { id: 'same' } } }, reuses: false },
  { name: 'after it, both changed', opening: { id: 'other', created: 12, extra: { meta: { id: 'other' } } }, reuses: false },
  { name: 'a key ending in "id (not remembered)', opening: { id: 'k', created: 13, extra: { 'a"id': 'k' } }, reuses: false },
  { name: 'after it', opening: { id: 'k2', created: 14, extra: { 'a"id': 'k2' } }, reuses: false },
  { name: 'an escape before created (not remembered)', opening: { id: 'e', created: 18, write: escaped }, reuses: false },
  { name: 'after it', opening: { id: 'e2', created: 19, write: escaped }, reuses: false },
  { name: 'a numeric id', opening: { id: 15, created: 15 }, reuses: false },
  { name: 'a plain stream again', opening: { id: 'p', created: 16 }, reuses: false },
  { name: 'and another', opening: { id: 'p2', created: 17 }, reuses: true },
];

describe('text shapes remembered from the last stream opening', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  for (const client of CLIENTS) {
    it(`${client.name}: streams one after another write what parsing every line writes, and reuse the shape only when id and created alone changed`, () => {
      const adopt = vi.spyOn(JsonTemplate.prototype, 'adopt');
      const read = vi.spyOn(JsonTemplate.prototype, 'text');
      for (const { name, opening, reuses } of SEQUENCE) {
        const bytes = upstreamBytes(opening, client.name);
        const long = translate(client, bytes, true);
        adopt.mockClear();
        read.mockClear();
        expect(translate(client, bytes, false), name).toBe(long);
        expect(adopt.mock.calls.length, name).toBe(reuses ? 1 : 0);
        // Every text chunk of a compact stream is read through the template, learnt or taken (a
        // spaced one's from its first text chunk on, which teaches it).
        const fitted = read.mock.results.filter((r) => r.value !== undefined).length;
        expect(fitted, name).toBe(opening.write ? TEXTS.length - 1 : TEXTS.length);
        expect(long).toContain('quick \\"brown\\"');
      }
    });
  }
});

// The Gemini encoder writes a stream's last element from a template when no function call is left
// (adapters/gemini.ts). It must be exactly the object the encoder describes, serialized whole, for
// each finish reason, each kind of usage and both stream forms (SSE and the JSON array), whether
// or not elements came before it.
import { describe, expect, it } from 'vitest';
import { GeminiEncoder, usageMetadata } from '../../src/relay/adapters/gemini.js';
import { ToolNames } from '../../src/relay/tool-names.js';
import type { OChunk, OUsage } from '../../src/relay/types.js';

const chunk = (delta: Record<string, unknown>, finish: string | null = null, id = 'chatcmpl-"1"'): OChunk => ({ id, object: 'chat.completion.chunk', created: 1, model: 'gw', choices: [{ index: 0, delta, finish_reason: finish }] }) as OChunk;
const usageChunk = (u: Record<string, unknown>, id: string): OChunk => ({ id, object: 'chat.completion.chunk', created: 1, model: 'gw', choices: [], usage: u as unknown as OUsage }) as OChunk;

const USAGES: Record<string, Record<string, unknown> | undefined> = {
  none: undefined,
  plain: { prompt_tokens: 9, completion_tokens: 6, total_tokens: 15 },
  'cached and thoughts': { prompt_tokens: 11, completion_tokens: 9, total_tokens: 20, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 3 } },
  'missing counts': { completion_tokens: 2.5 },
};
const FINISHES: Record<string, string> = { stop: 'STOP', length: 'MAX_TOKENS', content_filter: 'SAFETY', tool_calls: 'STOP', unknown_reason: 'STOP' };
const MODEL = 'gemini "pro"\\é';

function lastElement(sse: boolean, withText: boolean, finish: string, usage: Record<string, unknown> | undefined, id: string): string {
  const encoder = new GeminiEncoder({ toolNames: new ToolNames(), model: MODEL, thoughts: false }, sse);
  if (withText) encoder.chunk(chunk({ content: 'hi' }, null, id));
  encoder.chunk(chunk({}, finish, id));
  if (usage) encoder.chunk(usageChunk(usage, id));
  return encoder.done();
}

/** The same element the long way: the object, then JSON.stringify. */
function expected(sse: boolean, withText: boolean, reason: string, usage: Record<string, unknown> | undefined, id: string): string {
  const body: Record<string, unknown> = { candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: reason, index: 0 }] };
  const meta = usageMetadata(usage as OUsage | undefined);
  if (meta) body.usageMetadata = meta;
  body.modelVersion = MODEL;
  body.responseId = id;
  const json = JSON.stringify(body);
  if (sse) return `data: ${json}\r\n\r\n`;
  return `${withText ? ',\r\n' : '['}${json}]`;
}

describe('Gemini last element from a template', () => {
  for (const sse of [true, false]) {
    for (const withText of [true, false]) {
      for (const [usageName, usage] of Object.entries(USAGES)) {
        it(`${sse ? 'SSE' : 'JSON array'}, ${withText ? 'after text' : 'alone'}, usage ${usageName}: every finish reason as serializing the object`, () => {
          for (const [finish, reason] of Object.entries(FINISHES)) {
            for (const id of ['chatcmpl-"1"', '']) {
              const got = lastElement(sse, withText, finish, usage, id);
              expect(got).toBe(expected(sse, withText, reason, usage, id));
            }
          }
        });
      }
    }
  }
});

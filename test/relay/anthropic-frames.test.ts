// The Anthropic encoder writes its frames from templates (adapters/anthropic.ts). For every kind of
// event, and the values that change how JSON.stringify writes them (escapes, missing or odd usage
// counts, stop sequences, tool calls with and without ids), what it writes must be exactly the
// long way: each event ChatToAnthropicStream makes, serialized whole by sseEvent.
import { describe, expect, it } from 'vitest';
import { ChatToAnthropicStream } from '../../src/relay/anthropic-to-chat.js';
import { AnthropicEncoder } from '../../src/relay/adapters/anthropic.js';
import { sseEvent } from '../../src/relay/sse.js';
import { ToolNames } from '../../src/relay/tool-names.js';
import type { OChunk, OUsage } from '../../src/relay/types.js';

type Step = OChunk | 'done' | 'error';

const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk' as const, created: 1, model: 'gw-model' };
const delta = (d: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}): OChunk => ({ ...base, choices: [{ index: 0, delta: d, finish_reason: finish, ...extra }] }) as OChunk;
const usage = (u: Partial<OUsage> | Record<string, unknown>): OChunk => ({ ...base, choices: [], usage: u as OUsage });
const LONG_TOOL = `mcp__server__${'x'.repeat(70)}`;

const STREAMS: Record<string, { model?: string; steps: Step[] }> = {
  'text with a role chunk, usage with cache reads': {
    steps: [delta({ role: 'assistant', content: '' }), delta({ content: 'Hello ' }), delta({ content: 'wörld "quoted" \\ \n\t\u2028 😀' }), delta({}, 'stop'), usage({ prompt_tokens: 120, completion_tokens: 7, total_tokens: 127, prompt_tokens_details: { cached_tokens: 100 } }), 'done'],
  },
  'no usage at all': { steps: [delta({ content: 'hi' }), delta({}, 'stop'), 'done'] },
  'usage with missing, null and fractional counts': {
    steps: [delta({ content: 'hi' }), delta({}, 'length'), usage({ completion_tokens: 2.5, prompt_tokens_details: null, cache_creation_input_tokens: 3 }), 'done'],
  },
  'a stop string (vLLM stop_reason)': { steps: [delta({ content: 'a' }), delta({}, 'stop', { stop_reason: '</end "x">' }), 'done'] },
  'a model name with escapes, reasoning, then text': {
    steps: [{ ...delta({ reasoning_content: 'think "hard"' }), model: 'gw "model"\\é' }, delta({ reasoning: 'more' }), delta({ content: 'answer' }), delta({}, 'stop'), 'done'],
  },
  'tool calls: with and without ids, a long name restored, interleaved': {
    steps: [
      delta({ content: 'Let me look.' }),
      delta({ tool_calls: [{ index: 0, id: 'call_"1"', type: 'function', function: { name: 'get', arguments: '' } }] }),
      delta({ tool_calls: [{ index: 1, type: 'function', function: { name: LONG_TOOL.slice(0, 55) + '_' + 'h'.repeat(8), arguments: '{"b":' } }] }),
      delta({ tool_calls: [{ index: 0, function: { arguments: '{"a":"\\"x\\""}' } }] }),
      delta({ tool_calls: [{ index: 1, function: { arguments: '2}' } }] }),
      delta({}, 'tool_calls'),
      usage({ prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 }),
      'done',
    ],
  },
  'a refusal': { steps: [delta({ refusal: 'I can\'t "do" that' }), delta({}, 'content_filter'), 'done'] },
  'an error mid-stream': { steps: [delta({ content: 'partial' }), 'error'] },
  'ended without a finish': { steps: [delta({ content: 'partial' }), 'done'] },
  'done before anything, the client model named': { model: 'client "model"', steps: [{ ...delta({}, 'stop'), model: '' }, 'done'] },
};

const ctx = (model: string) => ({ toolNames: new ToolNames([LONG_TOOL, 'get']), model, inputTokens: 17 });
const stableIds = (s: string) => s.replace(/(msg|toolu)_[A-Za-z0-9]+/g, '$1_ID');

function shortWay(model: string, steps: Step[]): string {
  const encoder = new AnthropicEncoder(ctx(model));
  let out = '';
  for (const step of steps) out += step === 'done' ? encoder.done() : step === 'error' ? encoder.error({ message: 'boom "x"' }, 502) : encoder.chunk(step);
  return stableIds(out);
}

function longWay(model: string, steps: Step[]): string {
  const stream = new ChatToAnthropicStream(ctx(model));
  let out = '';
  for (const step of steps) {
    const events = step === 'done' ? stream.done() : step === 'error' ? stream.error({ message: 'boom "x"' }, 502) : stream.push(step);
    for (const e of events) out += sseEvent(e.type, e);
  }
  return stableIds(out);
}

describe('Anthropic frames from templates', () => {
  for (const [name, { model = 'gw-model', steps }] of Object.entries(STREAMS)) {
    it(`${name}: the same bytes as serializing each event`, () => {
      const long = longWay(model, steps);
      expect(shortWay(model, steps)).toBe(long);
      expect(long).toContain('event: message_start');
    });
  }

  it('covers every kind of event the stream makes', () => {
    const all = Object.values(STREAMS)
      .map(({ model = 'gw-model', steps }) => longWay(model, steps))
      .join('');
    for (const kind of ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop', 'error']) expect(all).toContain(`event: ${kind}\n`);
    for (const block of ['"type":"text"', '"type":"thinking"', '"type":"tool_use"', 'text_delta', 'thinking_delta', 'input_json_delta', '"stop_sequence":"</end']) expect(all).toContain(block);
  });
});

// Real clients: the official `openai` and `@anthropic-ai/sdk` packages talk to the relay, which
// talks to a scripted gateway of the OTHER protocol, over real sockets on 127.0.0.1. Tool calls,
// streaming, usage and errors as the SDKs parse them.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay, type RunningRelay } from '../../src/relay/index.js';
import { startScriptedUpstream, toolThenAnswer, type ScriptedRequest, type ScriptedReply, type ScriptedUpstream } from '../support/scripted-upstream.js';

const KEY = 'sk-gateway-sdk-test-9876';
const WEATHER = { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

let chatOnly: ScriptedUpstream;
let anthropicOnly: ScriptedUpstream;
let toChat: RunningRelay;
let toAnthropic: RunningRelay;
let nextReply: ((req: ScriptedRequest) => ScriptedReply) | undefined;

const script = (req: ScriptedRequest): ScriptedReply => {
  if (nextReply) {
    const r = nextReply(req);
    nextReply = undefined;
    return r;
  }
  return toolThenAnswer('get_weather', { city: 'Zürich' }, (result) => `It is ${result} in Zürich.`)(req);
};

beforeAll(async () => {
  chatOnly = await startScriptedUpstream({ protocol: 'chat', script, requireKey: KEY });
  anthropicOnly = await startScriptedUpstream({ protocol: 'anthropic', script, requireKey: KEY });
  toChat = await startRelay({ upstream: chatOnly.url, key: KEY, port: 0 });
  toAnthropic = await startRelay({ upstream: anthropicOnly.url, key: KEY, port: 0, models: { 'gpt-*': 'claude-sonnet-4-5' } });
});
afterAll(async () => {
  await Promise.all([toChat?.close(), toAnthropic?.close()]);
  await Promise.all([chatOnly?.close(), anthropicOnly?.close()]);
});

describe('@anthropic-ai/sdk -> relay -> chat-completions-only gateway', () => {
  const client = () => new Anthropic({ baseURL: toChat.url, apiKey: 'local-anything', maxRetries: 0 });
  const tools = [{ name: WEATHER.name, description: WEATHER.description, input_schema: WEATHER.parameters as Anthropic.Tool.InputSchema }];

  it('streams a tool call, then the final answer after the tool result', async () => {
    const first = await client()
      .messages.stream({ model: 'gw-model', max_tokens: 500, tools, messages: [{ role: 'user', content: 'Weather in Zürich?' }] })
      .finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    expect(first.id).toMatch(/^msg_/);
    const text = first.content.find((b) => b.type === 'text');
    const use = first.content.find((b) => b.type === 'tool_use');
    expect(text).toMatchObject({ type: 'text', text: 'Let me check.' });
    expect(use).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Zürich' } });
    expect(first.usage.output_tokens).toBe(10);

    const second = await client()
      .messages.stream({
        model: 'gw-model',
        max_tokens: 500,
        tools,
        messages: [
          { role: 'user', content: 'Weather in Zürich?' },
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: (use as { id: string }).id, content: '21 °C' }] },
        ],
      })
      .finalMessage();
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content).toEqual([{ type: 'text', text: 'It is 21 °C in Zürich.' }]);
    // The gateway saw the tool result as a chat `tool` message with the same call id.
    const sent = chatOnly.inference().at(-1)?.body as { messages: Array<Record<string, unknown>> };
    expect(sent.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: (use as { id: string }).id, content: '21 °C' });
    expect(chatOnly.inference().at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('non-streaming create, count_tokens and the model list', async () => {
    const msg = await client().messages.create({ model: 'gw-model', max_tokens: 100, tools, messages: [{ role: 'user', content: 'Weather?' }] });
    expect(msg.content.find((b) => b.type === 'tool_use')).toMatchObject({ name: 'get_weather', input: { city: 'Zürich' } });
    const count = await client().messages.countTokens({ model: 'gw-model', messages: [{ role: 'user', content: 'Hello there, how are you?' }] });
    expect(count.input_tokens).toBeGreaterThan(0);
    const models = await client().models.list();
    expect(models.data.map((m) => m.id)).toEqual(['scripted-model']);
    expect(models.data[0]?.type).toBe('model');
  });

  it('an upstream error becomes the SDK error class for its status, with the upstream message', async () => {
    nextReply = () => ({ status: 429, text: 'slow down' });
    const error = await client()
      .messages.create({ model: 'gw-model', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect((error as InstanceType<typeof Anthropic.RateLimitError>).status).toBe(429);
    expect(String((error as Error).message)).toContain('slow down');
  });
});

describe('openai SDK -> relay -> Anthropic-only gateway', () => {
  const client = () => new OpenAI({ baseURL: `${toAnthropic.url}/v1`, apiKey: 'local-anything', maxRetries: 0 });
  const tools = [{ type: 'function' as const, function: WEATHER }];

  it('chat completions: streams a tool call with usage, then the final answer', async () => {
    const stream = client().chat.completions.stream({ model: 'gpt-4.1', tools, messages: [{ role: 'user', content: 'Weather in Zürich?' }], stream_options: { include_usage: true } });
    const first = await stream.finalChatCompletion();
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBe('Let me check.');
    const call = choice.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Zürich' });
    expect(first.usage).toMatchObject({ prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 });
    // The alias mapped gpt-* to the gateway's model.
    expect(anthropicOnly.inference().at(-1)?.body.model).toBe('claude-sonnet-4-5');
    expect(anthropicOnly.inference().at(-1)?.headers['x-api-key']).toBe(KEY);

    const second = await client().chat.completions.create({
      model: 'gpt-4.1',
      tools,
      messages: [
        { role: 'user', content: 'Weather in Zürich?' },
        choice.message as OpenAI.Chat.ChatCompletionAssistantMessageParam,
        { role: 'tool', tool_call_id: call!.id, content: '18 °C' },
      ],
    });
    expect(second.choices[0]?.message.content).toBe('It is 18 °C in Zürich.');
    expect(second.choices[0]?.finish_reason).toBe('stop');
    expect(second.id).toMatch(/^chatcmpl-/);
  });

  it('responses API (as Codex uses it): streams a function call, then the final answer', async () => {
    const rtools = [{ type: 'function' as const, name: WEATHER.name, description: WEATHER.description, parameters: WEATHER.parameters, strict: false }];
    const first = await client()
      .responses.stream({ model: 'gpt-5', instructions: 'Be brief.', tools: rtools, input: 'Weather in Zürich?' })
      .finalResponse();
    expect(first.status).toBe('completed');
    const fc = first.output.find((o) => o.type === 'function_call');
    expect(fc).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: '{"city":"Zürich"}' });
    expect(first.output_text).toBe('Let me check.');
    expect(first.usage?.output_tokens).toBe(10);

    const second = await client()
      .responses.stream({
        model: 'gpt-5',
        tools: rtools,
        input: [
          { role: 'user', content: 'Weather in Zürich?' },
          ...(first.output as OpenAI.Responses.ResponseInputItem[]),
          { type: 'function_call_output', call_id: (fc as { call_id: string }).call_id, output: '15 °C' },
        ],
      })
      .finalResponse();
    expect(second.output_text).toBe('It is 15 °C in Zürich.');
    const sent = anthropicOnly.inference().at(-1)?.body as { system?: string; messages: Array<{ role: string; content: unknown }> };
    expect(sent.messages.at(-1)).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: (fc as { call_id: string }).call_id, content: '15 °C' }] });
  });

  it('an Anthropic overload becomes an OpenAI APIError with status 529 and the message', async () => {
    nextReply = () => ({ status: 529, text: 'Overloaded' });
    const error = await client()
      .chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(529);
    expect(String((error as Error).message)).toContain('Overloaded');
  });
});

// Conformance, requests: for each rule of the translation reference, a request in and the exact
// request out.
import { describe, expect, it } from 'vitest';
import { anthropicToChatRequest } from '../../src/relay/anthropic-to-chat.js';
import { chatToAnthropicRequest } from '../../src/relay/chat-to-anthropic.js';
import { completionsToChatRequest } from '../../src/relay/completions.js';
import { responsesToChatRequest } from '../../src/relay/responses.js';
import { shortenToolName } from '../../src/relay/tool-names.js';
import type { ARequest, ORequest, RRequest } from '../../src/relay/types.js';
import { sha256Hex } from '../../src/relay/util.js';

const LONG_TOOL = `mcp__a_very_long_server_name_for_testing__and_an_even_longer_tool_name_that_overflows`;

describe('Anthropic -> OpenAI chat request', () => {
  it('translates a full Claude Code style request exactly', () => {
    const userId = `user_${'a'.repeat(64)}_account__session_0b9e0a5c-9f55-4d5b-b0f1-2f6d6f3d1b11`;
    const req: ARequest = {
      model: 'gpt-4.1',
      max_tokens: 32000,
      stream: true,
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['A', 'B', 'C', 'D', 'E'],
      metadata: { user_id: userId },
      system: [
        { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'Be brief.' },
      ],
      tools: [
        { name: 'Read', description: 'Read a file', input_schema: { type: 'object', properties: { path: { type: 'string' } } }, cache_control: { type: 'ephemeral' } },
        { name: LONG_TOOL, input_schema: { type: 'object', properties: {} } },
      ],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
      thinking: { type: 'enabled', budget_tokens: 4000 },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look at this', cache_control: { type: 'ephemeral' } },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Let me think', signature: 'sig' },
            { type: 'text', text: 'Reading both.' },
            { type: 'tool_use', id: 'toolu_1', name: 'Read', input: { path: 'a.txt' } },
            { type: 'tool_use', id: 'toolu_2', name: LONG_TOOL, input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'and also this' },
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'line 1' }, { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/' } }] },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: 'no such server', is_error: true },
          ],
        },
      ],
    };
    const { body, toolNames } = anthropicToChatRequest(req);
    const short = shortenToolName(LONG_TOOL);
    expect(short).toHaveLength(64);
    expect(short.startsWith(LONG_TOOL.slice(0, 55))).toBe(true);
    expect(toolNames.down(short)).toBe(LONG_TOOL);
    expect(body).toEqual({
      model: 'gpt-4.1',
      messages: [
        { role: 'system', content: 'You are Claude Code.\n\nBe brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look at this' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0' } },
            { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
          ],
        },
        {
          role: 'assistant',
          content: 'Reading both.',
          tool_calls: [
            { id: 'toolu_1', type: 'function', function: { name: 'Read', arguments: '{"path":"a.txt"}' } },
            { id: 'toolu_2', type: 'function', function: { name: short, arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'line 1' },
        { role: 'tool', tool_call_id: 'toolu_2', content: 'Error: no such server' },
        {
          role: 'user',
          content: [
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/' } },
            { type: 'text', text: 'and also this' },
          ],
        },
      ],
      max_tokens: 32000,
      temperature: 0.5,
      top_p: 0.9,
      // Every stop sequence: a gateway that takes fewer refuses them itself (never a silent cut).
      stop: ['A', 'B', 'C', 'D', 'E'],
      tools: [
        { type: 'function', function: { name: 'Read', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } } },
        { type: 'function', function: { name: short, parameters: { type: 'object', properties: {} } } },
      ],
      tool_choice: 'auto',
      parallel_tool_calls: false,
      user: sha256Hex(userId),
      // gpt-4.1 takes no reasoning effort: the thinking budget is dropped (the field table announces it).
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(JSON.stringify(body)).not.toContain('cache_control');
    expect(JSON.stringify(body)).not.toContain('top_k');
    expect(JSON.stringify(body)).not.toContain('Let me think');
  });

  it('maps every tool_choice and keeps a short user id as is', () => {
    const base: ARequest = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 'T', input_schema: {} }], metadata: { user_id: 'u1' } };
    const choice = (tool_choice: ARequest['tool_choice']) => anthropicToChatRequest({ ...base, tool_choice }).body;
    expect(choice({ type: 'any' }).tool_choice).toBe('required');
    expect(choice({ type: 'none' }).tool_choice).toBe('none');
    expect(choice({ type: 'tool', name: 'T' }).tool_choice).toEqual({ type: 'function', function: { name: 'T' } });
    expect(choice({ type: 'auto' })).toMatchObject({ tool_choice: 'auto', user: 'u1' });
    expect(choice({ type: 'auto' }).parallel_tool_calls).toBeUndefined();
  });

  it('uses max_completion_tokens for reasoning models, clamps to the configured limit, maps thinking budgets', () => {
    const req = (model: string, budget: number): ARequest => ({ model, max_tokens: 64000, messages: [{ role: 'user', content: 'x' }], thinking: { type: 'enabled', budget_tokens: budget } });
    expect(anthropicToChatRequest(req('openai/o3', 1024), { maxOutputTokens: 16000 }).body).toMatchObject({ max_completion_tokens: 16000, reasoning_effort: 'low' });
    expect(anthropicToChatRequest(req('gpt-5-mini', 8192)).body).toMatchObject({ max_completion_tokens: 64000, reasoning_effort: 'medium' });
    // A model the relay treats as plain (max_tokens) gets no reasoning effort either; a gateway's own name gets it.
    const plain = anthropicToChatRequest(req('gpt-4.1', 20000)).body;
    expect(plain).toMatchObject({ max_tokens: 64000 });
    expect(plain.max_completion_tokens).toBeUndefined();
    expect(plain.reasoning_effort).toBeUndefined();
    expect(anthropicToChatRequest(req('gw-claude', 20000)).body).toMatchObject({ max_tokens: 64000, reasoning_effort: 'high' });
  });

  it('keeps the text beside tool results, and a result of several texts as one string; a string content stays a string', () => {
    const { body } = anthropicToChatRequest({
      model: 'm',
      max_tokens: 5,
      messages: [
        { role: 'user', content: 'plain string' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: { cmd: 'ls' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }, { type: 'text', text: 'thanks' }] },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: 'plain string' },
      { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'Bash', arguments: '{"cmd":"ls"}' } }] },
      { role: 'tool', tool_call_id: 't1', content: 'a\nb' },
      { role: 'user', content: 'thanks' },
    ]);
  });
});

describe('OpenAI chat -> Anthropic request', () => {
  it('translates a full request exactly', () => {
    const req: ORequest = {
      model: 'claude-sonnet-4-5',
      messages: [
        { role: 'system', content: 'Rule one.' },
        { role: 'developer', content: [{ type: 'text', text: 'Rule two.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Hi' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
        {
          role: 'assistant',
          content: 'Calling.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get', arguments: '{"q":1}' } },
            { id: 'functions.get:1', type: 'function', function: { name: 'get', arguments: '{"q":' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'one' },
        { role: 'tool', tool_call_id: 'functions.get:1', content: [{ type: 'text', text: 'two' }] },
        { role: 'user', content: 'and?' },
      ],
      max_completion_tokens: 2000,
      stop: 'END',
      temperature: 1.5,
      tools: [{ type: 'function', function: { name: 'get', description: 'Get', parameters: { type: 'object', properties: { q: { type: 'number' } } } } }],
      tool_choice: 'required',
      parallel_tool_calls: false,
      user: 'someone',
      stream: true,
      stream_options: { include_usage: true },
    };
    expect(chatToAnthropicRequest(req).body).toEqual({
      model: 'claude-sonnet-4-5',
      system: 'Rule one.\n\nRule two.',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Hi' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
            { type: 'image', source: { type: 'url', url: 'https://x/y.png' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Calling.' },
            { type: 'tool_use', id: 'call_1', name: 'get', input: { q: 1 } },
            { type: 'tool_use', id: 'functions_get_1', name: 'get', input: { arguments: '{"q":' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: 'one' },
            { type: 'tool_result', tool_use_id: 'functions_get_1', content: 'two' },
            { type: 'text', text: 'and?' },
          ],
        },
      ],
      max_tokens: 2000,
      temperature: 1,
      stop_sequences: ['END'],
      tools: [{ name: 'get', description: 'Get', input_schema: { type: 'object', properties: { q: { type: 'number' } } } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      metadata: { user_id: 'someone' },
      stream: true,
    });
  });

  it('defaults max_tokens, maps tool_choice none and a named function, and reasoning_effort to a thinking budget', () => {
    const base: ORequest = { model: 'c', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'f' } }] };
    expect(chatToAnthropicRequest(base).body.max_tokens).toBe(8192);
    expect(chatToAnthropicRequest(base, { defaultMaxTokens: 1000 }).body.max_tokens).toBe(1000);
    expect(chatToAnthropicRequest({ ...base, tool_choice: 'none' }).body.tool_choice).toEqual({ type: 'none' });
    expect(chatToAnthropicRequest({ ...base, tool_choice: { type: 'function', function: { name: 'f' } } }).body.tool_choice).toEqual({ type: 'tool', name: 'f' });
    const thinking = chatToAnthropicRequest({ ...base, reasoning_effort: 'high', temperature: 0.2, max_tokens: 30000 });
    expect(thinking.body.thinking).toEqual({ type: 'enabled', budget_tokens: 24576 });
    // Thinking requires the default temperature: the client's is dropped, and announced.
    expect(thinking.body.temperature).toBeUndefined();
    expect(thinking.dropped).toBe('temperature');
    // A budget that does not fit under max_tokens shrinks; below 1024 the request is refused, naming why.
    expect(chatToAnthropicRequest({ ...base, reasoning_effort: 'high', max_tokens: 5000 }).body.thinking).toEqual({ type: 'enabled', budget_tokens: 4999 });
    expect(() => chatToAnthropicRequest({ ...base, reasoning_effort: 'low', max_tokens: 500 })).toThrow(/^reasoning_effort is not supported through the relay to an Anthropic gateway: .*max_tokens is 500/);
    expect(chatToAnthropicRequest({ ...base, reasoning_effort: 'minimal' }).body.thinking).toBeUndefined();
  });
});

describe('Responses -> chat request', () => {
  it('translates a Codex style request exactly', () => {
    const req: RRequest = {
      model: 'gw-model',
      instructions: 'You are Codex.',
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Sandbox: read-only.' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'list files' }] },
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'xyz' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Listing.' }] },
        { type: 'function_call', call_id: 'call_a', name: 'shell', arguments: '{"command":["ls"]}' },
        { type: 'function_call_output', call_id: 'call_a', output: 'a.txt\nb.txt' },
        { type: 'custom_tool_call', call_id: 'call_b', name: 'apply_patch', input: '*** Begin Patch' },
        { type: 'custom_tool_call_output', call_id: 'call_b', output: 'Done!' },
      ],
      tools: [
        { type: 'function', name: 'shell', description: 'Run', parameters: { type: 'object', properties: { command: { type: 'array' } } }, strict: false },
        { type: 'custom', name: 'apply_patch', description: 'Patch files', format: { type: 'grammar', syntax: 'lark', definition: 'start: x' } },
        { type: 'web_search' },
      ],
      tool_choice: 'auto',
      parallel_tool_calls: false,
      reasoning: { effort: 'medium', summary: 'auto' },
      max_output_tokens: 1000,
      stream: true,
      store: false,
      include: ['reasoning.encrypted_content'],
    };
    const { body, customTools, dropped } = responsesToChatRequest(req);
    expect([...customTools]).toEqual(['apply_patch']);
    // Hosted web search is no function, and gw-model is no search model: dropped, and announced.
    expect(dropped).toBe('tools.web_search');
    expect(body).toEqual({
      model: 'gw-model',
      messages: [
        { role: 'system', content: 'You are Codex.' },
        { role: 'system', content: 'Sandbox: read-only.' },
        { role: 'user', content: 'list files' },
        { role: 'assistant', content: 'Listing.', tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'shell', arguments: '{"command":["ls"]}' } }] },
        { role: 'tool', tool_call_id: 'call_a', content: 'a.txt\nb.txt' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_b', type: 'function', function: { name: 'apply_patch', arguments: '{"input":"*** Begin Patch"}' } }] },
        { role: 'tool', tool_call_id: 'call_b', content: 'Done!' },
      ],
      max_tokens: 1000,
      tools: [
        { type: 'function', function: { name: 'shell', description: 'Run', parameters: { type: 'object', properties: { command: { type: 'array' } } }, strict: false } },
        {
          type: 'function',
          function: {
            name: 'apply_patch',
            description: 'Patch files\n\nInput format (lark):\nstart: x',
            parameters: { type: 'object', properties: { input: { type: 'string', description: 'The raw input of the tool, exactly as its format requires.' } }, required: ['input'], additionalProperties: false },
          },
        },
      ],
      tool_choice: 'auto',
      parallel_tool_calls: false,
      reasoning_effort: 'medium',
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('takes a plain string input as one user message', () => {
    expect(responsesToChatRequest({ model: 'm', input: 'hello' }).body).toEqual({ model: 'm', messages: [{ role: 'user', content: 'hello' }] });
  });
});

describe('legacy completions -> chat request', () => {
  it('asks for the middle of a fill-in-the-middle prompt', () => {
    const body = completionsToChatRequest({ prompt: 'def add(a, b):\n    ', suffix: '\n\nprint(add(1, 2))', max_tokens: 64, temperature: 0, stop: ['\n\n'], stream: true }, 'copilot-codex');
    expect(body.model).toBe('copilot-codex');
    expect(body.messages[1]).toEqual({ role: 'user', content: 'def add(a, b):\n    <CURSOR>\n\nprint(add(1, 2))' });
    expect(body).toMatchObject({ max_tokens: 64, temperature: 0, stop: ['\n\n'], stream: true, stream_options: { include_usage: true } });
  });
});

/**
 * A scripted gateway for tool-call turns, on 127.0.0.1: it speaks ONE protocol (OpenAI chat
 * completions, or Anthropic messages) and answers 404 to everything else, as a gateway that only
 * speaks that protocol would (the relay's probes find out). GET /v1/models lists `models`.
 *
 * Each reply is decided by `script(request)`: text, tool calls, reasoning. The default script is
 * `toolThenAnswer`: when the request offers the tool and holds no tool result yet, call the tool;
 * once a tool result is in the conversation, answer with a final text that quotes the result.
 * Streams are cut into small fragments (tool arguments included) so clients assemble them.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type UpstreamProtocol = 'chat' | 'anthropic';

export interface ScriptedToolCall {
  id?: string;
  name: string;
  /** The arguments as a JSON string. */
  arguments: string;
}

export interface ScriptedReply {
  text?: string;
  reasoning?: string;
  toolCalls?: ScriptedToolCall[];
  /** Answer this HTTP status with an error body instead. */
  status?: number;
  usage?: { input: number; output: number; cached?: number };
}

export interface ScriptedRequest {
  path: string;
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** Tool names the request offers. */
  tools: string[];
  /** Text of every tool result in the conversation, in order. */
  toolResults: string[];
}

export interface ScriptedUpstream {
  /** http://127.0.0.1:PORT */
  url: string;
  requests: ScriptedRequest[];
  /** Requests to the inference endpoint only. */
  inference(): ScriptedRequest[];
  close(): Promise<void>;
}

export interface ScriptedUpstreamOptions {
  protocol: UpstreamProtocol;
  script: (req: ScriptedRequest) => ScriptedReply;
  models?: string[];
  /** When set, requests without this key (Bearer or x-api-key) get 401. */
  requireKey?: string;
}

/** Calls `tool` with `args` first, then answers `final(result)` once the tool result is back; plain text when the tool is not offered. */
export function toolThenAnswer(tool: string, args: Record<string, unknown>, final: (result: string) => string, plain = 'No tool here.'): (req: ScriptedRequest) => ScriptedReply {
  return (req) => {
    if (req.toolResults.length > 0) return { text: final(req.toolResults[req.toolResults.length - 1] as string) };
    if (req.tools.includes(tool)) return { text: 'Let me check.', toolCalls: [{ name: tool, arguments: JSON.stringify(args) }] };
    return { text: plain };
  };
}

const rid = (prefix: string) => prefix + randomBytes(12).toString('hex');

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((c) => (isRecord(c) && typeof c.text === 'string' ? c.text : '')).join('');
}

function describeRequest(protocol: UpstreamProtocol, path: string, url: string, headers: Record<string, string>, body: Record<string, unknown>): ScriptedRequest {
  const tools: string[] = [];
  for (const t of Array.isArray(body.tools) ? body.tools : []) {
    if (!isRecord(t)) continue;
    if (protocol === 'chat' && isRecord(t.function) && typeof t.function.name === 'string') tools.push(t.function.name);
    if (protocol === 'anthropic' && typeof t.name === 'string') tools.push(t.name);
  }
  const toolResults: string[] = [];
  for (const m of Array.isArray(body.messages) ? body.messages : []) {
    if (!isRecord(m)) continue;
    if (protocol === 'chat' && m.role === 'tool') toolResults.push(textOf(m.content));
    if (protocol === 'anthropic' && Array.isArray(m.content)) {
      for (const b of m.content) if (isRecord(b) && b.type === 'tool_result') toolResults.push(textOf(b.content));
    }
  }
  return { path, url, headers, body, tools, toolResults };
}

/** Pieces of a string, so a stream carries several fragments. */
function pieces(text: string, n = 3): string[] {
  if (text.length < n) return text ? [text] : [];
  const size = Math.ceil(text.length / n);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...(status >= 400 && status < 500 ? { 'x-should-retry': 'false' } : {}) });
  res.end(text);
}

function chatReply(res: ServerResponse, body: Record<string, unknown>, reply: ScriptedReply): void {
  const id = rid('chatcmpl-');
  const model = typeof body.model === 'string' ? body.model : 'scripted';
  const created = Math.floor(Date.now() / 1000);
  const calls = (reply.toolCalls ?? []).map((c) => ({ id: c.id ?? rid('call_'), type: 'function' as const, function: { name: c.name, arguments: c.arguments } }));
  const finish = calls.length > 0 ? 'tool_calls' : 'stop';
  const u = reply.usage ?? { input: 20, output: 10, cached: 0 };
  const usage = { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output, prompt_tokens_details: { cached_tokens: u.cached ?? 0 } };
  if (body.stream !== true) {
    send(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: reply.text ?? null, ...(reply.reasoning ? { reasoning_content: reply.reasoning } : {}), ...(calls.length ? { tool_calls: calls } : {}) }, finish_reason: finish }],
      usage,
    });
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`);
  chunk({ role: 'assistant', content: '' });
  for (const p of pieces(reply.reasoning ?? '')) chunk({ reasoning_content: p });
  for (const p of pieces(reply.text ?? '')) chunk({ content: p });
  calls.forEach((c, index) => {
    chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } }] });
    for (const p of pieces(c.function.arguments)) chunk({ tool_calls: [{ index, function: { arguments: p } }] });
  });
  chunk({}, finish);
  if (isRecord(body.stream_options) && body.stream_options.include_usage === true) {
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`);
  }
  res.end('data: [DONE]\n\n');
}

function anthropicReply(res: ServerResponse, body: Record<string, unknown>, reply: ScriptedReply): void {
  const id = rid('msg_');
  const model = typeof body.model === 'string' ? body.model : 'scripted';
  const calls = (reply.toolCalls ?? []).map((c) => ({ id: c.id ?? rid('toolu_'), name: c.name, arguments: c.arguments }));
  const stop = calls.length > 0 ? 'tool_use' : 'end_turn';
  const u = reply.usage ?? { input: 20, output: 10, cached: 0 };
  const usage = { input_tokens: u.input, output_tokens: u.output, cache_read_input_tokens: u.cached ?? 0, cache_creation_input_tokens: 0 };
  const content: Array<Record<string, unknown>> = [];
  if (reply.reasoning) content.push({ type: 'thinking', thinking: reply.reasoning, signature: 'sig' });
  if (reply.text) content.push({ type: 'text', text: reply.text });
  for (const c of calls) content.push({ type: 'tool_use', id: c.id, name: c.name, input: JSON.parse(c.arguments) as unknown });
  if (body.stream !== true) {
    send(res, 200, { id, type: 'message', role: 'assistant', model, content, stop_reason: stop, stop_sequence: null, usage });
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const ev = (data: Record<string, unknown>) => res.write(`event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`);
  ev({ type: 'message_start', message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } });
  let index = 0;
  if (reply.reasoning) {
    ev({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
    for (const p of pieces(reply.reasoning)) ev({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: p } });
    ev({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: 'sig' } });
    ev({ type: 'content_block_stop', index: index++ });
  }
  if (reply.text) {
    ev({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
    for (const p of pieces(reply.text)) ev({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: p } });
    ev({ type: 'content_block_stop', index: index++ });
  }
  for (const c of calls) {
    ev({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: c.id, name: c.name, input: {} } });
    for (const p of pieces(c.arguments)) ev({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: p } });
    ev({ type: 'content_block_stop', index: index++ });
  }
  ev({ type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: u.output } });
  ev({ type: 'message_stop' });
  res.end();
}

export async function startScriptedUpstream(options: ScriptedUpstreamOptions): Promise<ScriptedUpstream> {
  const requests: ScriptedRequest[] = [];
  const inferencePath = options.protocol === 'chat' ? '/v1/chat/completions' : '/v1/messages';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const path = url.split('?')[0] ?? '/';
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      let body: Record<string, unknown> = {};
      try {
        const parsed = JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown;
        if (isRecord(parsed)) body = parsed;
      } catch {
        // empty or not JSON
      }
      const described = describeRequest(options.protocol, path, url, headers, body);
      requests.push(described);
      const anthropicShape = options.protocol === 'anthropic';
      const fail = (status: number, message: string) =>
        send(res, status, anthropicShape ? { type: 'error', error: { type: status === 401 ? 'authentication_error' : status === 404 ? 'not_found_error' : 'invalid_request_error', message } } : { error: { message, type: 'invalid_request_error', param: null, code: null } });
      if (options.requireKey && headers.authorization !== `Bearer ${options.requireKey}` && headers['x-api-key'] !== options.requireKey) return fail(401, 'invalid key');
      if (req.method === 'GET' && path === '/v1/models') {
        const models = options.models ?? ['scripted-model'];
        return send(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'scripted' })) });
      }
      if (req.method !== 'POST' || path !== inferencePath) return fail(404, `Not found: ${path}`);
      if (!Array.isArray(body.messages)) return fail(400, 'messages: required');
      const reply = options.script(described);
      if (reply.status) return fail(reply.status, reply.text ?? 'scripted error');
      if (options.protocol === 'chat') chatReply(res, body, reply);
      else anthropicReply(res, body, reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    inference: () => requests.filter((r) => r.path === inferencePath),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

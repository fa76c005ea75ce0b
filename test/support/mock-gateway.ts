/**
 * A mock AI gateway for tests: node:http on 127.0.0.1, random port.
 *
 * It records every request and answers in the protocol asked:
 *  - POST /v1/messages               Anthropic Messages (JSON or SSE)
 *  - POST /v1/messages/count_tokens  {"input_tokens": N}
 *  - POST /v1/responses              OpenAI Responses API (JSON or SSE)
 *  - POST /v1/chat/completions       OpenAI Chat Completions (JSON or SSE)
 *  - GET  /v1/models                 hybrid OpenAI + Anthropic model list
 *  - HEAD / , HEAD /api/hello, GET / 200 (Claude Code's connectivity probes)
 *
 * Routing is on the pathname only (Claude Code sends /v1/messages?beta=true).
 * Anything else gets 404 in the OpenAI error shape.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export type Protocol = 'anthropic' | 'responses' | 'chat';

export interface MockGatewayOptions {
  /** Text of every assistant reply. Default: "Hello from the mock gateway." */
  replyText?: string;
  /** Model ids listed by GET /v1/models. Default: ['mock-model']. */
  models?: string[];
  /** Protocols to serve; a disabled one answers 404. Default: all enabled. */
  protocols?: Partial<Record<Protocol, boolean>>;
  /**
   * When set, a protocol request (messages, count_tokens, responses, chat,
   * models) without `Authorization: Bearer <key>` or `x-api-key: <key>` gets
   * 401 in that protocol's error shape. Probes (HEAD /, GET /) stay open.
   */
  requireKey?: string;
  /** Wait this long before answering any request (a slow gateway). Default 0. */
  delayMs?: number;
  /** Headers added to every protocol and model-list answer (a gateway's routing trace). */
  traceHeaders?: Record<string, string>;
  /**
   * Answer a protocol request carrying `X-Dry-Run: true` with a routing decision
   * (`{dryRun: true, routing: {...}}`) instead of a completion, after the key check.
   */
  honourDryRun?: boolean;
  /**
   * Refuse, as the real APIs do, a request without a conversation: `messages` empty or absent
   * (messages, chat) or `input` empty or absent (responses) gets 400. Default: anything goes.
   */
  strict?: boolean;
}

export type RouteKind =
  | 'messages'
  | 'count_tokens'
  | 'responses'
  | 'chat'
  | 'models'
  | 'probe'
  | 'unknown';

export interface RecordedRequest {
  method: string;
  /** Raw request URL, query string included (e.g. "/v1/messages?beta=true"). */
  url: string;
  /** Pathname only (e.g. "/v1/messages"). */
  path: string;
  query: Record<string, string>;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined when empty / not JSON. */
  body: unknown;
  rawBody: string;
  route: RouteKind;
  /** Status code the mock answered with. */
  status: number;
  /** Whether the mock answered with an SSE stream. */
  stream: boolean;
}

export interface MockGateway {
  /** http://127.0.0.1:PORT (no trailing slash, no /v1). */
  url: string;
  port: number;
  /** Every request received, in arrival order (live array). */
  requests: RecordedRequest[];
  /** Requests whose pathname equals `path`. */
  requestsTo(path: string): RecordedRequest[];
  /** Change the reply text for subsequent requests. */
  setReplyText(text: string): void;
  /** Forget recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_REPLY = 'Hello from the mock gateway.';
const DEFAULT_MODELS = ['mock-model'];

function rid(prefix: string): string {
  return prefix + randomBytes(12).toString('hex');
}

/** Rough token estimate: ~4 characters per token, never 0. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Split text into a few chunks so streams carry more than one delta. */
function chunks(text: string): string[] {
  const words = text.split(/(?<=\s)/);
  if (words.length <= 1) return [text];
  const mid = Math.ceil(words.length / 2);
  return [words.slice(0, mid).join(''), words.slice(mid).join('')];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function lowerHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    // Client errors are final: without this the Anthropic and OpenAI SDKs
    // (Claude Code, Codex) retry a 401 with backoff for minutes.
    ...(status >= 400 && status < 500 ? { 'x-should-retry': 'false' } : {}),
  });
  res.end(text);
}

function startSse(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
}

/** One SSE frame with an `event:` line and a `data:` line. */
function sseEvent(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** One SSE frame with a `data:` line only (chat completions style). */
function sseData(res: ServerResponse, data: unknown): void {
  res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
}

const ANTHROPIC_ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

function anthropicError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, {
    type: 'error',
    error: { type: ANTHROPIC_ERROR_TYPES[status] ?? 'api_error', message },
  });
}

function openaiError(res: ServerResponse, status: number, message: string): void {
  const type =
    status === 401
      ? 'invalid_request_error'
      : status === 404
        ? 'invalid_request_error'
        : status >= 500
          ? 'server_error'
          : 'invalid_request_error';
  const code = status === 401 ? 'invalid_api_key' : status === 404 ? 'not_found' : null;
  sendJson(res, status, { error: { message, type, param: null, code } });
}

function modelOf(body: unknown, fallback: string): string {
  return isRecord(body) && typeof body.model === 'string' ? body.model : fallback;
}

function wantsStream(body: unknown): boolean {
  return isRecord(body) && body.stream === true;
}

// ---------------------------------------------------------------- Anthropic

function handleMessages(res: ServerResponse, body: unknown, rawBody: string, reply: string): boolean {
  const model = modelOf(body, 'mock-model');
  const id = rid('msg_');
  const inputTokens = estimateTokens(rawBody);
  const outputTokens = estimateTokens(reply);
  if (!wantsStream(body)) {
    sendJson(res, 200, {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text: reply }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: inputTokens,
        output_tokens: outputTokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    });
    return false;
  }
  startSse(res);
  sseEvent(res, 'message_start', {
    type: 'message_start',
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: inputTokens,
        output_tokens: 1,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    },
  });
  sseEvent(res, 'content_block_start', {
    type: 'content_block_start',
    index: 0,
    content_block: { type: 'text', text: '' },
  });
  sseEvent(res, 'ping', { type: 'ping' });
  for (const piece of chunks(reply)) {
    sseEvent(res, 'content_block_delta', {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: piece },
    });
  }
  sseEvent(res, 'content_block_stop', { type: 'content_block_stop', index: 0 });
  sseEvent(res, 'message_delta', {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: outputTokens },
  });
  sseEvent(res, 'message_stop', { type: 'message_stop' });
  res.end();
  return true;
}

// ---------------------------------------------------------------- Responses

function handleResponses(res: ServerResponse, body: unknown, rawBody: string, reply: string): boolean {
  const model = modelOf(body, 'mock-model');
  const respId = rid('resp_');
  const itemId = rid('msg_');
  const createdAt = Math.floor(Date.now() / 1000);
  const inputTokens = estimateTokens(rawBody);
  const outputTokens = estimateTokens(reply);
  const usage = {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: inputTokens + outputTokens,
  };
  const part = { type: 'output_text', text: reply, annotations: [] as unknown[], logprobs: [] as unknown[] };
  const item = {
    id: itemId,
    type: 'message',
    status: 'completed',
    role: 'assistant',
    content: [part],
  };
  const b = isRecord(body) ? body : {};
  const response = (status: 'in_progress' | 'completed', withOutput: boolean) => ({
    id: respId,
    object: 'response',
    created_at: createdAt,
    status,
    error: null,
    incomplete_details: null,
    instructions: typeof b.instructions === 'string' ? b.instructions : null,
    max_output_tokens: typeof b.max_output_tokens === 'number' ? b.max_output_tokens : null,
    model,
    output: withOutput ? [item] : [],
    parallel_tool_calls: b.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: b.store ?? false,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: b.tool_choice ?? 'auto',
    tools: Array.isArray(b.tools) ? b.tools : [],
    top_p: 1,
    truncation: 'disabled',
    usage: withOutput ? usage : null,
    user: null,
    metadata: {},
  });

  if (!wantsStream(body)) {
    sendJson(res, 200, { ...response('completed', true), output_text: reply });
    return false;
  }
  startSse(res);
  let seq = 0;
  const emit = (type: string, data: Record<string, unknown>) =>
    sseEvent(res, type, { type, sequence_number: seq++, ...data });
  emit('response.created', { response: response('in_progress', false) });
  emit('response.in_progress', { response: response('in_progress', false) });
  emit('response.output_item.added', {
    output_index: 0,
    item: { id: itemId, type: 'message', status: 'in_progress', role: 'assistant', content: [] },
  });
  emit('response.content_part.added', {
    item_id: itemId,
    output_index: 0,
    content_index: 0,
    part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
  });
  for (const piece of chunks(reply)) {
    emit('response.output_text.delta', {
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      delta: piece,
      logprobs: [],
    });
  }
  emit('response.output_text.done', {
    item_id: itemId,
    output_index: 0,
    content_index: 0,
    text: reply,
    logprobs: [],
  });
  emit('response.content_part.done', { item_id: itemId, output_index: 0, content_index: 0, part });
  emit('response.output_item.done', { output_index: 0, item });
  emit('response.completed', { response: response('completed', true) });
  res.end();
  return true;
}

// ---------------------------------------------------------------- Chat

function handleChat(res: ServerResponse, body: unknown, rawBody: string, reply: string): boolean {
  const model = modelOf(body, 'mock-model');
  const id = rid('chatcmpl-');
  const created = Math.floor(Date.now() / 1000);
  const promptTokens = estimateTokens(rawBody);
  const completionTokens = estimateTokens(reply);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
  if (!wantsStream(body)) {
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: reply, refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage,
    });
    return false;
  }
  startSse(res);
  const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  sseData(res, chunk({ role: 'assistant', content: '' }, null));
  for (const piece of chunks(reply)) sseData(res, chunk({ content: piece }, null));
  sseData(res, chunk({}, 'stop'));
  sseData(res, { id, object: 'chat.completion.chunk', created, model, choices: [], usage });
  sseData(res, '[DONE]');
  res.end();
  return true;
}

// ---------------------------------------------------------------- Models

function modelsPayload(models: string[]) {
  const created = 1_700_000_000;
  const createdAt = new Date(created * 1000).toISOString();
  return {
    object: 'list',
    data: models.map((id) => ({
      id,
      object: 'model',
      created,
      owned_by: 'mock-gateway',
      type: 'model',
      display_name: id,
      created_at: createdAt,
    })),
    has_more: false,
    first_id: models[0] ?? null,
    last_id: models[models.length - 1] ?? null,
  };
}

// ---------------------------------------------------------------- Server

function routeOf(method: string, path: string): RouteKind {
  if ((method === 'HEAD' || method === 'GET') && (path === '/' || path === '/api/hello')) return 'probe';
  if (method === 'POST' && path === '/v1/messages') return 'messages';
  if (method === 'POST' && path === '/v1/messages/count_tokens') return 'count_tokens';
  if (method === 'POST' && path === '/v1/responses') return 'responses';
  if (method === 'POST' && path === '/v1/chat/completions') return 'chat';
  if (method === 'GET' && path === '/v1/models') return 'models';
  return 'unknown';
}

function hasKey(headers: Record<string, string>, key: string): boolean {
  const auth = headers.authorization;
  if (auth !== undefined && auth === `Bearer ${key}`) return true;
  return headers['x-api-key'] === key;
}

export async function startMockGateway(options: MockGatewayOptions = {}): Promise<MockGateway> {
  let replyText = options.replyText ?? DEFAULT_REPLY;
  const models = options.models ?? DEFAULT_MODELS;
  const enabled: Record<Protocol, boolean> = {
    anthropic: options.protocols?.anthropic ?? true,
    responses: options.protocols?.responses ?? true,
    chat: options.protocols?.chat ?? true,
  };
  const requests: RecordedRequest[] = [];

  const server = createServer((req, res) => {
    void (async () => {
      const method = req.method ?? 'GET';
      const url = req.url ?? '/';
      const parsed = new URL(url, 'http://127.0.0.1');
      const path = parsed.pathname;
      const rawBody = await readBody(req);
      let body: unknown;
      if (rawBody.length > 0) {
        try {
          body = JSON.parse(rawBody) as unknown;
        } catch {
          body = undefined;
        }
      }
      const headers = lowerHeaders(req);
      const route = routeOf(method, path);
      const record: RecordedRequest = {
        method,
        url,
        path,
        query: Object.fromEntries(parsed.searchParams),
        headers,
        body,
        rawBody,
        route,
        status: 0,
        stream: false,
      };
      requests.push(record);
      res.on('finish', () => {
        record.status = res.statusCode;
      });

      // timing: a slow gateway on purpose (delayMs): the deadlines that meet it are under test.
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs).unref());
      if (route !== 'probe' && route !== 'unknown') {
        for (const [name, value] of Object.entries(options.traceHeaders ?? {})) res.setHeader(name, value);
      }
      const isAnthropic = route === 'messages' || route === 'count_tokens';
      const fail = (status: number, message: string) => {
        record.status = status;
        if (isAnthropic) anthropicError(res, status, message);
        else openaiError(res, status, message);
      };

      if (route === 'probe') {
        record.status = 200;
        if (method === 'HEAD') {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end();
        } else {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('mock gateway ok');
        }
        return;
      }
      if (route === 'unknown') return fail(404, `No route for ${method} ${path}`);
      if (isAnthropic && !enabled.anthropic) return fail(404, `Not found: ${path}`);
      if (route === 'responses' && !enabled.responses) return fail(404, `Not found: ${path}`);
      if (route === 'chat' && !enabled.chat) return fail(404, `Not found: ${path}`);
      if (options.requireKey !== undefined && !hasKey(headers, options.requireKey)) {
        return fail(401, 'Invalid or missing API key');
      }
      if (method === 'POST' && body === undefined) return fail(400, 'Request body must be JSON');
      const conversation = route === 'messages' || route === 'chat' || route === 'responses';
      if (conversation && options.honourDryRun && headers['x-dry-run'] === 'true') {
        sendJson(res, 200, { dryRun: true, routing: { modelSelected: modelOf(body, models[0] ?? 'mock-model'), protocol: route } });
        return;
      }
      if (conversation && options.strict) {
        const b = isRecord(body) ? body : {};
        const list = route === 'responses' ? b.input : b.messages;
        const empty = list === undefined || list === '' || (Array.isArray(list) && list.length === 0);
        if (empty) return fail(400, route === 'responses' ? 'input is required' : 'messages: at least one message is required');
      }

      switch (route) {
        case 'messages':
          record.stream = handleMessages(res, body, rawBody, replyText);
          return;
        case 'count_tokens':
          sendJson(res, 200, { input_tokens: estimateTokens(rawBody) });
          return;
        case 'responses':
          record.stream = handleResponses(res, body, rawBody, replyText);
          return;
        case 'chat':
          record.stream = handleChat(res, body, rawBody, replyText);
          return;
        case 'models':
          sendJson(res, 200, modelsPayload(models));
          return;
      }
    })().catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(err), type: 'server_error' } });
      else res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    requestsTo: (p: string) => requests.filter((r) => r.path === p),
    setReplyText: (text: string) => {
      replyText = text;
    },
    reset: () => {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

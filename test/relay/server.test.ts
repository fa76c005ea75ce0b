// The node:http shell, over real sockets on 127.0.0.1: Host and Origin checks, the body cap,
// client aborts reaching the upstream, many concurrent streams, a clean close.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startRelay, type RunningRelay } from '../../src/relay/server.js';
import { chatSse, frames, ochunk, scriptedFetch, sseResponse, type UpstreamHandler } from './helpers.js';

let running: RunningRelay | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(handler: UpstreamHandler, extra: Record<string, unknown> = {}) {
  const { fetch, calls } = scriptedFetch(handler);
  running = await startRelay({ upstream: 'http://gateway.test', key: 'sk-gateway-key-123456', protocol: 'openai', fetch, port: 0, pingIntervalMs: 0, ...extra });
  return { relay: running, calls };
}

interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request, so the Host and Origin headers can be anything. */
function raw(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path, headers: { 'content-type': 'application/json', ...(opts.headers ?? {}) } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const A_BODY = JSON.stringify({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
const okChat = () => new Response(JSON.stringify({ id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] }), { headers: { 'content-type': 'application/json' } });

describe('relay server', () => {
  it('listens on 127.0.0.1 by default and answers loopback names', async () => {
    const { relay } = await start(okChat);
    expect(relay.host).toBe('127.0.0.1');
    expect(relay.url).toBe(`http://127.0.0.1:${relay.port}`);
    for (const host of ['localhost', `127.0.0.1:${relay.port}`, `[::1]:${relay.port}`, 'app.localhost']) {
      const res = await raw(relay.port, { path: '/v1/messages', headers: { host }, body: A_BODY });
      expect(res.status, host).toBe(200);
    }
  });

  it('refuses a foreign Host header (DNS rebinding) in the client shape, without calling the upstream', async () => {
    const { relay, calls } = await start(okChat);
    const res = await raw(relay.port, { path: '/v1/messages', headers: { host: 'evil.example.com' }, body: A_BODY });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    const o = await raw(relay.port, { path: '/v1/chat/completions', headers: { host: '127.0.0.1.evil.example:80' }, body: '{}' });
    expect(o.status).toBe(403);
    expect(JSON.parse(o.body).error.message).toContain('loopback');
    expect(calls).toEqual([]);
  });

  it('grants no CORS: browser requests (with an Origin) and preflights are refused, no Access-Control header is ever sent', async () => {
    const { relay, calls } = await start(okChat);
    const res = await raw(relay.port, { path: '/v1/messages', headers: { origin: 'https://evil.example' }, body: A_BODY });
    expect(res.status).toBe(403);
    const pre = await raw(relay.port, { method: 'OPTIONS', path: '/v1/messages', headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(403);
    const ok = await raw(relay.port, { path: '/v1/messages', body: A_BODY });
    for (const r of [res, pre, ok]) expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control'))).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it('answers 413 in the client shape for a body over the cap', async () => {
    const { relay, calls } = await start(okChat, { maxBodyBytes: 1024 });
    const big = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(5000) }] });
    const a = await raw(relay.port, { path: '/v1/messages', body: big });
    expect(a.status).toBe(413);
    expect(JSON.parse(a.body)).toEqual({ type: 'error', error: { type: 'request_too_large', message: 'The request body is larger than 1 KiB, the most the relay accepts.' } });
    const o = await raw(relay.port, { path: '/v1/chat/completions', body: big });
    expect(o.status).toBe(413);
    expect(JSON.parse(o.body).error.type).toBe('invalid_request_error');
    expect(calls).toEqual([]);
  });

  it('accepts a body just under 32 MiB by default', async () => {
    const { relay, calls } = await start(okChat);
    const content = 'x'.repeat(32 * 1024 * 1024 - 200);
    const body = JSON.stringify({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content }] });
    expect(Buffer.byteLength(body)).toBeLessThan(32 * 1024 * 1024);
    const res = await raw(relay.port, { path: '/v1/messages', body });
    expect(res.status).toBe(200);
    expect(calls).toHaveLength(1);
    const over = await raw(relay.port, { path: '/v1/messages', body: body + ' '.repeat(400) });
    expect(over.status).toBe(413);
    expect(JSON.parse(over.body).error.message).toBe('The request body is larger than 32 MiB, the most the relay accepts.');
    // Two 32 MiB bodies through a real socket and JSON: 2 s on a quiet machine, 23 s at a load average of 17.
  }, 60_000);

  it('aborts the upstream request when the client goes away mid-stream', async () => {
    let upstreamSignal: AbortSignal | undefined;
    const { relay } = await start((c) => {
      upstreamSignal = c.signal;
      return sseResponse(chatSse([ochunk({ content: 'first' })], false), { hang: true, signal: c.signal! });
    });
    const aborted = await new Promise<boolean>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: relay.port, method: 'POST', path: '/v1/messages', headers: { 'content-type': 'application/json' } }, (res) => {
        res.once('data', () => {
          // The stream has started: hang up.
          req.destroy();
          const signal = upstreamSignal!;
          if (signal.aborted) resolve(true);
          else signal.addEventListener('abort', () => resolve(true), { once: true });
        });
      });
      req.on('error', (e) => {
        if ((e as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(e);
      });
      req.end(JSON.stringify({ model: 'm', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] }));
    });
    expect(aborted).toBe(true);
    expect(upstreamSignal?.aborted).toBe(true);
  });

  it('serves 50 concurrent streams, each complete and with its own ids', async () => {
    const { relay, calls } = await start((c) => {
      const n = (c.json as { messages: Array<{ content: string }> }).messages[0]!.content;
      return sseResponse(
        chatSse([
          ochunk({ role: 'assistant', content: '' }),
          ochunk({ content: `reply ${n} ` }),
          ochunk({ tool_calls: [{ index: 0, function: { name: 'Read', arguments: '{"n":' } }] }),
          ochunk({ tool_calls: [{ index: 0, function: { arguments: `${n}}` } }] }),
          ochunk({}, 'tool_calls'),
          { id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } },
        ]),
      );
    });
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, n) => {
        const res = await fetch(`${relay.url}/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': 'local' },
          body: JSON.stringify({ model: 'm', max_tokens: 10, stream: true, messages: [{ role: 'user', content: String(n) }] }),
        });
        return { n, text: await res.text() };
      }),
    );
    expect(calls).toHaveLength(50);
    const messageIds = new Set<string>();
    const toolIds = new Set<string>();
    for (const { n, text } of results) {
      const f = frames(text);
      expect(f.at(-1)?.event).toBe('message_stop');
      const start = f[0]?.data as { message: { id: string } };
      messageIds.add(start.message.id);
      const tool = f.find((x) => x.event === 'content_block_start' && (x.data as { content_block: { type: string } }).content_block.type === 'tool_use')?.data as { content_block: { id: string } };
      toolIds.add(tool.content_block.id);
      expect(text).toContain(`"text":"reply ${n} "`);
      expect(text).toContain(`"partial_json":"${n}}"`);
    }
    expect(messageIds.size).toBe(50);
    expect(toolIds.size).toBe(50);
  });

  it('close() ends streams in flight and stops listening', async () => {
    const { relay } = await start((c) => sseResponse(chatSse([ochunk({ content: 'x' })], false), { hang: true, signal: c.signal! }));
    const res = await fetch(`${relay.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', stream: true, messages: [] }) });
    const reader = res.body!.getReader();
    await reader.read();
    const closing = relay.close();
    // The stream ends (the upstream was aborted) instead of hanging.
    for (;;) {
      const r = await reader.read().catch(() => ({ done: true }));
      if (r.done) break;
    }
    await closing;
    await expect(fetch(`${relay.url}/`)).rejects.toThrow();
    running = undefined;
  });
});

describe('the default upstream client (node:http, no injected fetch)', () => {
  it('sees the client abort as a closed upstream request, and decodes a gzip reply', async () => {
    const { createServer } = await import('node:http');
    const { gzipSync } = await import('node:zlib');
    let closed: () => void = () => {};
    const upstreamClosed = new Promise<void>((resolve) => (closed = resolve));
    const upstream = createServer((req, res) => {
      req.resume();
      if (req.url === '/v1/chat/completions' && req.headers['x-test'] === 'gzip') {
        const body = gzipSync(JSON.stringify({ id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'unzipped' }, finish_reason: 'stop' }] }));
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': body.length });
        res.end(body);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }] })}\n\n`);
      // ...and then silence, until the relay hangs up.
      res.on('close', () => closed());
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const port = (upstream.address() as { port: number }).port;
    try {
      running = await startRelay({ upstream: `http://127.0.0.1:${port}`, key: 'sk-gateway-key-123456', protocol: 'openai', port: 0, pingIntervalMs: 0 });
      const zipped = await fetch(`${running.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test': 'gzip' }, body: A_BODY });
      expect(zipped.headers.get('content-encoding')).toBeNull();
      expect(((await zipped.json()) as { content: unknown }).content).toEqual([{ type: 'text', text: 'unzipped' }]);

      const controller = new AbortController();
      const res = await fetch(`${running.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', max_tokens: 5, stream: true, messages: [{ role: 'user', content: 'x' }] }), signal: controller.signal });
      const reader = res.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      expect(first).toContain('message_start');
      controller.abort();
      await upstreamClosed; // resolves only when the relay closed its upstream request
    } finally {
      upstream.closeAllConnections();
      await new Promise<void>((r) => upstream.close(() => r()));
    }
  });
});

describe('upstream keep-alive', () => {
  it('reuses one upstream connection for consecutive translated streams and JSON replies', async () => {
    const { createServer } = await import('node:http');
    let connections = 0;
    const upstream = createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d));
      req.on('end', () => {
        const body = JSON.parse(raw || '{}') as { stream?: boolean };
        const chunk = (delta: object, finish: string | null) => `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
        if (body.stream) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end(chunk({ content: 'hi' }, null) + chunk({}, 'stop') + 'data: [DONE]\n\n');
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }] }));
        }
      });
    });
    upstream.on('connection', () => connections++);
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const port = (upstream.address() as { port: number }).port;
    try {
      running = await startRelay({ upstream: `http://127.0.0.1:${port}`, key: 'sk-gateway-key-123456', protocol: 'openai', port: 0, pingIntervalMs: 0 });
      for (const stream of [true, true, false, true, false]) {
        const res = await fetch(`${running.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', max_tokens: 5, stream, messages: [{ role: 'user', content: 'x' }] }) });
        expect(await res.text()).toContain(stream ? 'message_stop' : '"text":"hi"');
      }
      expect(connections).toBe(1);
    } finally {
      upstream.closeAllConnections();
      await new Promise<void>((r) => upstream.close(() => r()));
    }
  });
});

#!/usr/bin/env node
// The benchmark's upstream: a minimal OpenAI chat-completions server on 127.0.0.1 that answers
// at once (JSON, or an SSE stream of ten text chunks, a finish chunk, a usage chunk and [DONE]),
// so what is measured is the proxies, not the mock. Prints its port on stdout.
//   node bench/relay/mock-upstream.mjs [port]
import { createServer } from 'node:http';

const created = 1_700_000_000;
const words = ['The ', 'quick ', 'brown ', 'fox ', 'jumps ', 'over ', 'the ', 'lazy ', 'dog', '.'];
const usage = { prompt_tokens: 42, completion_tokens: 10, total_tokens: 52, prompt_tokens_details: { cached_tokens: 0 } };

function reply(model) {
  return JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: words.join('') }, logprobs: null, finish_reason: 'stop' }],
    usage,
  });
}

function stream(model) {
  const chunk = (delta, finish = null) => `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
  let out = chunk({ role: 'assistant', content: '' });
  for (const w of words) out += chunk({ content: w });
  out += chunk({}, 'stop');
  out += `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`;
  return `${out}data: [DONE]\n\n`;
}

const server = createServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      const body = JSON.stringify({ object: 'list', data: [{ id: 'bench-model', object: 'model', created, owned_by: 'bench' }] });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      return res.end(body);
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      const body = JSON.stringify({ error: { message: `Not found: ${path}`, type: 'invalid_request_error', param: null, code: null } });
      res.writeHead(404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      return res.end(body);
    }
    let body = {};
    try {
      body = JSON.parse(Buffer.concat(parts).toString('utf8'));
    } catch {}
    const model = typeof body.model === 'string' ? body.model : 'bench-model';
    if (body.stream === true) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      return res.end(stream(model));
    }
    const text = reply(model);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

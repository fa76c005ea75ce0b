// setup-gateway's own fetch (the relay's client behind a WHATWG face): what its callers rely on
// from fetch, against servers on loopback.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { networkFetch } from '../../src/core/net-fetch.js';
import { startRecordingProxy } from '../support/recording-proxy.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())))));
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('networkFetch', () => {
  it('answers with a Response: status, headers, a JSON body, the request as sent', async () => {
    const seen: Array<{ method?: string; headers: IncomingMessage['headers']; body: string }> = [];
    const url = await serve((req, res, body) => {
      seen.push({ method: req.method, headers: req.headers, body });
      res.writeHead(201, { 'content-type': 'application/json', 'x-trace': 'a' }).end('{"ok":true}');
    });
    const res = await networkFetch({})(`${url}/v1/x`, { method: 'POST', headers: { authorization: 'Bearer k', 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-trace')).toBe('a');
    expect(await res.json()).toEqual({ ok: true });
    expect(seen).toEqual([{ method: 'POST', headers: expect.objectContaining({ authorization: 'Bearer k', 'user-agent': 'setup-gateway', 'content-length': '7' }), body: '{"a":1}' }]);
  });

  it('decodes a gzip body and drops the headers that described the encoded one', async () => {
    const url = await serve((_req, res) => res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' }).end(gzipSync('plain text')));
    const res = await networkFetch({})(url);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(await res.text()).toBe('plain text');
  });

  it('follows redirects by default (a POST becomes a GET after 302, the key stays at its origin), returns them with manual, refuses them with error', async () => {
    const seen: string[] = [];
    const other = await serve((req, res) => {
      seen.push(`other ${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
      res.end('landed');
    });
    const url = await serve((req, res) => {
      seen.push(`first ${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
      if (req.url === '/same') res.writeHead(307, { location: '/final' }).end();
      else if (req.url === '/final') res.end(`final ${req.method}`);
      else res.writeHead(302, { location: `${other}/there` }).end();
    });
    const f = networkFetch({});
    expect(await (await f(`${url}/away`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: 'x' })).text()).toBe('landed');
    expect(await (await f(`${url}/same`, { method: 'POST', headers: { authorization: 'Bearer k' }, body: 'x' })).text()).toBe('final POST');
    expect(seen).toEqual(['first POST /away Bearer k', 'other GET /there -', 'first POST /same Bearer k', 'first POST /final Bearer k']);
    const manual = await f(`${url}/away`, { redirect: 'manual' });
    expect([manual.status, manual.headers.get('location')]).toEqual([302, `${other}/there`]);
    await expect(f(`${url}/away`, { redirect: 'error' })).rejects.toThrow('fetch failed');
  });

  it('has no body for 204 and HEAD, and honours an abort', async () => {
    const url = await serve((req, res) => {
      if (req.url === '/slow') return; // never answers
      res.writeHead(req.method === 'HEAD' ? 200 : 204, { 'content-length': req.method === 'HEAD' ? '5' : '0' }).end();
    });
    const f = networkFetch({});
    expect((await f(`${url}/none`)).body).toBeNull();
    expect((await f(`${url}/none`, { method: 'HEAD' })).body).toBeNull();
    await expect(f(`${url}/slow`, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('goes through the proxy the environment names (NO_PROXY and loopback aside)', async () => {
    const url = await serve((req, res) => res.end(`via ${req.headers.host}`));
    const proxy = await startRecordingProxy({ forward: { 'gateway.test': url.slice('http://'.length) }, credentials: { user: 'u', password: 'p' } });
    try {
      const f = networkFetch({ http_proxy: proxy.authUrl });
      expect(await (await f('http://gateway.test/v1/models')).text()).toBe('via gateway.test');
      expect(await (await f(`${url}/direct`)).text()).toBe(`via ${url.slice('http://'.length)}`);
      expect(proxy.connections).toEqual([{ kind: 'absolute', target: 'gateway.test:80', host: 'gateway.test', port: 80, method: 'GET', url: 'http://gateway.test/v1/models', authorization: `Basic ${Buffer.from('u:p').toString('base64')}` }]);
    } finally {
      await proxy.close();
    }
  });
});

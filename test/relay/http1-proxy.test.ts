// The relay's HTTP/1.1 client behind a company proxy: a forwarding proxy and a TLS gateway on
// loopback, both started here. The client asks for https://gateway.test, which only the proxy can
// resolve (to the test gateway), so nothing reaches the gateway unless it went through the proxy.
// The gateway's certificate is signed by a stand-in company CA (test/fixtures/tls/README.md).
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { http1Client } from '../../src/relay/http1.js';
import { proxySettings } from '../../src/relay/proxy.js';
import { startRecordingProxy, type ProxyConnection, type RecordingProxy } from '../support/recording-proxy.js';

const tls = join(import.meta.dirname, '..', 'fixtures', 'tls');
const corpCa = readFileSync(join(tls, 'corp-ca.pem'), 'utf8');
const gatewayCert = readFileSync(join(tls, 'corp-gateway-cert.pem'), 'utf8');
const gatewayKey = readFileSync(join(tls, 'corp-gateway-key.pem'), 'utf8');

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A gateway that answers every request with what it saw; over TLS (leaf + company CA in its chain) or plain. */
async function startGateway(secure: boolean): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const handler = (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, secure, path: req.url, host: req.headers.host }));
    });
  };
  const server: Server = secure ? createHttpsServer({ cert: gatewayCert + corpCa, key: gatewayKey }, handler) : createHttpServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  closers.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { port: (server.address() as AddressInfo).port, seen };
}

async function proxyTo(port: number, credentials?: { user: string; password: string }): Promise<RecordingProxy> {
  const proxy = await startRecordingProxy({ forward: { 'gateway.test': `127.0.0.1:${port}` }, ...(credentials ? { credentials } : {}) });
  closers.push(() => proxy.close());
  return proxy;
}

/** What the proxy was asked, in short. */
const asked = (proxy: RecordingProxy) => proxy.connections.map((c: ProxyConnection) => ({ kind: c.kind, target: c.target, authorization: c.authorization, refused: Boolean(c.authRefused) }));

const post = { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer gw-key' }, body: '{"model":"m"}' };

describe('http1 client through a proxy', () => {
  it('tunnels https with CONNECT, sending the proxy credentials from the URL, and reuses the tunnel', async () => {
    const gw = await startGateway(true);
    const proxy = await proxyTo(gw.port, { user: 'alice', password: 'pa:ss@word' });
    const client = http1Client({ proxy: proxySettings({ HTTPS_PROXY: proxy.authUrl }), extraCa: [corpCa] });
    for (let i = 0; i < 2; i++) {
      const reply = await client('https://gateway.test/v1/chat/completions', post);
      expect(reply.status).toBe(200);
      expect(JSON.parse(await reply.text())).toEqual({ ok: true, secure: true, path: '/v1/chat/completions', host: 'gateway.test' });
    }
    expect(asked(proxy)).toEqual([{ kind: 'connect', target: 'gateway.test:443', authorization: `Basic ${Buffer.from('alice:pa:ss@word').toString('base64')}`, refused: false }]);
    expect(gw.seen.map((s) => [s.method, s.url, s.body, s.headers.authorization, s.headers['proxy-authorization']])).toEqual([
      ['POST', '/v1/chat/completions', '{"model":"m"}', 'Bearer gw-key', undefined],
      ['POST', '/v1/chat/completions', '{"model":"m"}', 'Bearer gw-key', undefined],
    ]);
  });

  it('fails with PROXY_AUTH_REQUIRED when the proxy wants credentials, naming the proxy with its password masked', async () => {
    const gw = await startGateway(true);
    const proxy = await proxyTo(gw.port, { user: 'alice', password: 'right' });
    const without = http1Client({ proxy: proxySettings({ HTTPS_PROXY: proxy.url }), extraCa: [corpCa] });
    await expect(without('https://gateway.test/v1/models', { method: 'GET', headers: {} })).rejects.toMatchObject({
      message: 'fetch failed',
      cause: { code: 'PROXY_AUTH_REQUIRED', message: expect.stringContaining(`the proxy ${proxy.url} asks for credentials`) },
    });
    const wrong = http1Client({ proxy: proxySettings({ HTTPS_PROXY: proxy.authUrl.replace('right', 'wrong') }), extraCa: [corpCa] });
    const error = await wrong('https://gateway.test/v1/models', { method: 'GET', headers: {} }).catch((e: Error & { cause: Error & { code: string } }) => e);
    expect((error as Error & { cause: { code: string; message: string } }).cause).toMatchObject({ code: 'PROXY_AUTH_REQUIRED' });
    expect((error as Error & { cause: { message: string } }).cause.message).toContain(`http://alice:****@127.0.0.1:${proxy.port} refused the credentials`);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error)) + String((error as Error & { cause: Error }).cause.message)).not.toContain('wrong');
    expect(gw.seen).toEqual([]);
  });

  it('names another refusal of CONNECT with its status', async () => {
    const gw = await startGateway(true);
    const proxy = await proxyTo(gw.port);
    const client = http1Client({ proxy: proxySettings({ HTTPS_PROXY: proxy.url }), extraCa: [corpCa] });
    await expect(client('https://elsewhere.test/v1/models', { method: 'GET', headers: {} })).rejects.toMatchObject({
      cause: { code: 'PROXY_CONNECT_FAILED', message: `the proxy ${proxy.url} answered CONNECT elsewhere.test:443 with 403 Forbidden` },
    });
  });

  it('refuses the gateway behind an intercepting CA until the CA is trusted (--ca-file adds to the CAs Node trusts)', async () => {
    const gw = await startGateway(true);
    const proxy = await proxyTo(gw.port);
    const untrusting = http1Client({ proxy: proxySettings({ HTTPS_PROXY: proxy.url }) });
    await expect(untrusting('https://gateway.test/v1/models', { method: 'GET', headers: {} })).rejects.toMatchObject({ cause: { code: 'SELF_SIGNED_CERT_IN_CHAIN' } });
    const trusting = http1Client({ proxy: proxySettings({ HTTPS_PROXY: proxy.url }), extraCa: [corpCa] });
    expect((await trusting('https://gateway.test/v1/models', { method: 'GET', headers: {} })).status).toBe(200);
  });

  it('sends plain http as an absolute-form request to the proxy, with Proxy-Authorization', async () => {
    const gw = await startGateway(false);
    const proxy = await proxyTo(gw.port, { user: 'bob', password: 'pw' });
    const client = http1Client({ proxy: proxySettings({ http_proxy: proxy.authUrl }) });
    const reply = await client('http://gateway.test/v1/chat/completions?x=1', { ...post, headers: { ...post.headers, 'proxy-authorization': 'Basic forged' } });
    expect(JSON.parse(await reply.text())).toMatchObject({ ok: true, secure: false, path: '/v1/chat/completions?x=1', host: 'gateway.test' });
    expect(asked(proxy)).toEqual([{ kind: 'absolute', target: 'gateway.test:80', authorization: `Basic ${Buffer.from('bob:pw').toString('base64')}`, refused: false }]);
    expect(gw.seen[0]?.headers['proxy-authorization']).toBeUndefined();
  });

  it('goes direct for NO_PROXY matches and loopback, without asking the proxy', async () => {
    const gw = await startGateway(false);
    const proxy = await proxyTo(gw.port);
    const client = http1Client({ proxy: proxySettings({ HTTP_PROXY: proxy.url, NO_PROXY: '.example.invalid' }) });
    expect((await client(`http://127.0.0.1:${gw.port}/v1/models`, { method: 'GET', headers: {} })).status).toBe(200);
    // A NO_PROXY match goes direct: nothing listens at gateway.example.invalid, so the lookup itself fails.
    await expect(client('http://gateway.example.invalid/v1/models', { method: 'GET', headers: {} })).rejects.toMatchObject({ cause: { code: expect.stringMatching(/^(ENOTFOUND|EAI_AGAIN)$/) } });
    expect(asked(proxy)).toEqual([]);
  });

  it('fails a request through a socks proxy with PROXY_UNSUPPORTED rather than going around it', async () => {
    const client = http1Client({ proxy: proxySettings({ ALL_PROXY: 'socks5://127.0.0.1:1080' }) });
    await expect(client('https://gateway.test/v1/models', { method: 'GET', headers: {} })).rejects.toMatchObject({ cause: { code: 'PROXY_UNSUPPORTED' } });
  });

  it('gives up a tunnel when the request is aborted while the proxy has not answered', async () => {
    const silent = createHttpServer();
    const sockets: import('node:stream').Duplex[] = [];
    silent.on('connect', (_req, socket) => sockets.push(socket)); // never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    closers.push(() => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), silent.close(() => r()))));
    const client = http1Client({ proxy: proxySettings({ HTTPS_PROXY: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` }) });
    const controller = new AbortController();
    const pending = client('https://gateway.test/v1/models', { method: 'GET', headers: {}, signal: controller.signal });
    await new Promise<void>((r) => (sockets.length ? r() : silent.once('connect', () => r())));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

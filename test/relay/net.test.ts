// The network leaf the relay and core share: gateway roots, loopback names, failed requests.
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { request } from '../../src/core/http.js';
import { describeFetchError, describeFetchFailure, fetchErrorCode, gatewayRoot, isLoopbackHost } from '../../src/relay/net.js';

describe('gatewayRoot', () => {
  it.each([
    ['https://gw.example.com', 'https://gw.example.com'],
    ['  https://gw.example.com/v1/  ', 'https://gw.example.com'],
    ['https://gw.example.com/v1/v1', 'https://gw.example.com'],
    ['https://openrouter.ai/api/v1/chat/completions', 'https://openrouter.ai/api'],
    ['https://gw.example.com/v1/messages', 'https://gw.example.com'],
    ['https://gw.example.com/v10', 'https://gw.example.com/v10'],
    ['/api/v1/', '/api'],
    ['/', ''],
  ])('%s -> %s', (input, root) => {
    expect(gatewayRoot(input)).toBe(root);
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['LOCALHOST.', true],
    ['app.localhost', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['[::ffff:7f00:1]', true], // how URL spells the mapped address
    ['127.example.com', false],
    ['localhost.example.com', false],
    ['10.0.0.1', false],
    ['::ffff:10.0.0.1', false],
  ])('%s: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('describeFetchError', () => {
  it('names the system error under the wrappers, else the reason', () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
    expect(describeFetchError(refused)).toBe('ECONNREFUSED');
    expect(fetchErrorCode(refused)).toEqual({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' });
    const twice = Object.assign(new TypeError('fetch failed'), { cause: { cause: { code: 'CERT_HAS_EXPIRED', message: 'certificate has expired' } } });
    expect(describeFetchError(twice)).toBe('CERT_HAS_EXPIRED');
    expect(describeFetchError(Object.assign(new TypeError('fetch failed'), { cause: new Error('the upstream closed the connection mid-body') }))).toBe('the upstream closed the connection mid-body');
    expect(describeFetchError(new Error('terminated'))).toBe('terminated');
    expect(fetchErrorCode(new Error('terminated'))).toBeUndefined();
  });
});

/** The error a real fetch throws (or undefined when it answered). */
async function fetchError(url: string, init: RequestInit = {}): Promise<unknown> {
  try {
    await fetch(url, init);
    return undefined;
  } catch (error) {
    return error;
  }
}

async function listening(server: Server | ReturnType<typeof createNetServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('describeFetchFailure: the cause of a request that got no answer, in words', () => {
  it('connection refused names the host and port (a real fetch to a closed port)', async () => {
    const probe = createNetServer();
    const port = await listening(probe);
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const url = `http://localhost:${port}/v1/models`;
    const error = await fetchError(url);
    expect((error as Error).message).toBe('fetch failed'); // what a person saw before
    expect(describeFetchFailure(error, { url })).toEqual({ code: 'ECONNREFUSED', reason: `connection refused on localhost:${port} (nothing listens there)` });
    // Without the URL, the address from the system error.
    expect(describeFetchFailure(error).reason).toMatch(new RegExp(`^connection refused on (127\\.0\\.0\\.1|::1):${port} `));
  });

  it('a TLS error gives its reason (a real self-signed server)', async () => {
    const fixtures = join(import.meta.dirname, '../fixtures/tls');
    const server = createHttpsServer({ cert: readFileSync(join(fixtures, 'tls-test-cert.pem')), key: readFileSync(join(fixtures, 'tls-test-key.pem')) }, (_req, res) => res.end('{}'));
    const port = await listening(server);
    try {
      const url = `https://localhost:${port}/v1/models`;
      expect(describeFetchFailure(await fetchError(url), { url })).toEqual({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', reason: 'TLS error: the certificate is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT)' });
    } finally {
      server.close();
    }
  });

  it('a timeout says after how long (a real server that never answers)', async () => {
    const server = createHttpServer(() => {});
    const port = await listening(server);
    try {
      const outcome = await request(globalThis.fetch, `http://127.0.0.1:${port}/v1/models`, {}, 150);
      expect(outcome).toMatchObject({ error: 'timeout', errorDetail: 'timeout after 0.15 s' });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('a port fetch refuses to use ("bad port") is named, not "fetch failed"', async () => {
    const url = 'http://127.0.0.1:1/v1/models';
    expect(describeFetchFailure(await fetchError(url), { url }).reason).toBe('port 1 is one that fetch refuses to connect to ("bad port"); use another port');
  });

  it.each([
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND gw.example', 'DNS name not found: gw.example'],
    ['EAI_AGAIN', 'getaddrinfo EAI_AGAIN gw.example', 'DNS lookup of gw.example failed for now (no network, or the DNS server does not answer)'],
    ['CERT_HAS_EXPIRED', 'certificate has expired', 'TLS error: the certificate has expired (CERT_HAS_EXPIRED)'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames", 'TLS error: the certificate is for another host name (ERR_TLS_CERT_ALTNAME_INVALID)'],
    ['ECONNRESET', 'read ECONNRESET', 'connection reset by gw.example:443'],
    ['UND_ERR_CONNECT_TIMEOUT', 'Connect Timeout Error', 'connecting to gw.example:443 timed out'],
  ])('%s, as undici wraps it', (code, message, reason) => {
    const error = new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
    expect(describeFetchFailure(error, { url: 'https://gw.example/v1/models' })).toEqual({ code, reason });
  });

  it('looks into the AggregateError of a name tried at several addresses', () => {
    const attempts = [Object.assign(new Error('connect ECONNREFUSED ::1:4000'), { code: 'ECONNREFUSED' }), Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4000'), { code: 'ECONNREFUSED' })];
    const error = new TypeError('fetch failed', { cause: new AggregateError(attempts) });
    expect(describeFetchFailure(error, { url: 'http://localhost:4000/v1' }).reason).toBe('connection refused on localhost:4000 (nothing listens there)');
  });

  it('without any code, the deepest message, never a bare "fetch failed"', () => {
    const error = new TypeError('fetch failed', { cause: new Error('other side closed') });
    expect(describeFetchFailure(error)).toEqual({ code: 'FETCH_FAILED', reason: 'the request failed: other side closed' });
    expect(describeFetchFailure(new TypeError('fetch failed')).reason).toBe('the request failed, with no reason given');
  });
});

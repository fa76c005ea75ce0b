// The recording proxy the no-leak e2e tests stand on: it names every host a client tries to reach
// through it, over CONNECT and absolute-form, and lets nothing through.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { hostMatches, splitTarget, startRecordingProxy, type RecordingProxy } from './recording-proxy.js';

let proxy: RecordingProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

/** Sends `head` to the proxy over a raw socket; resolves with everything it answered before closing. */
function raw(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (answer += d));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
  });
}

describe('recording proxy', () => {
  it('listens on loopback only', async () => {
    proxy = await startRecordingProxy();
    expect(proxy.url).toBe(`http://127.0.0.1:${proxy.port}`);
  });

  it('records a CONNECT tunnel by host:port and refuses it', async () => {
    proxy = await startRecordingProxy();
    const answer = await raw(proxy.port, 'CONNECT api.anthropic.com:443 HTTP/1.1\r\nHost: api.anthropic.com:443\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 403 /);
    expect(proxy.connections).toEqual([{ kind: 'connect', method: 'CONNECT', host: 'api.anthropic.com', port: 443, target: 'api.anthropic.com:443' }]);
  });

  it('records an absolute-form request with the port its scheme implies, and forwards nothing', async () => {
    proxy = await startRecordingProxy();
    const answer = await raw(proxy.port, 'GET http://openrouter.ai/api/v1/models HTTP/1.1\r\nHost: openrouter.ai\r\nConnection: close\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 403 /);
    expect(answer).toContain('refused by the recording proxy');
    await raw(proxy.port, 'POST https://[2001:db8::1]:8443/v1/chat HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    expect(proxy.connections.map((c) => [c.kind, c.target, c.method])).toEqual([
      ['absolute', 'openrouter.ai:80', 'GET'],
      ['absolute', '[2001:db8::1]:8443', 'POST'],
    ]);
    expect(proxy.connections[0]!.url).toBe('http://openrouter.ai/api/v1/models');
  });

  it('records origin-form requests under their Host, and filters by vendor domain', async () => {
    proxy = await startRecordingProxy();
    const res = await fetch(`${proxy.url}/v1/messages`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(403);
    await raw(proxy.port, 'CONNECT eu.api.openai.com:443 HTTP/1.1\r\n\r\n');
    await raw(proxy.port, 'CONNECT notopenai.com:443 HTTP/1.1\r\n\r\n');
    expect(proxy.connections[0]).toMatchObject({ kind: 'origin', target: `127.0.0.1:${proxy.port}`, url: '/v1/messages' });
    expect(proxy.connectionsTo(['openai.com']).map((c) => c.target)).toEqual(['eu.api.openai.com:443']);
    expect(proxy.targets()).toEqual([`127.0.0.1:${proxy.port}`, 'eu.api.openai.com:443', 'notopenai.com:443']);
    proxy.reset();
    expect(proxy.connections).toEqual([]);
  });

  it('splits targets and matches domains exactly', () => {
    expect(splitTarget('Example.COM:8080', 443)).toEqual({ host: 'example.com', port: 8080 });
    expect(splitTarget('example.com', 443)).toEqual({ host: 'example.com', port: 443 });
    expect(splitTarget('[::1]:9', 443)).toEqual({ host: '::1', port: 9 });
    expect(splitTarget('[::1]', 80)).toEqual({ host: '::1', port: 80 });
    expect(hostMatches('api.anthropic.com.', 'api.anthropic.com')).toBe(true);
    expect(hostMatches('xapi.anthropic.com', 'api.anthropic.com')).toBe(false);
  });
});

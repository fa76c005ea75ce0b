// The network leaf the relay and core share: gateway roots, loopback names, failed requests.
import { describe, expect, it } from 'vitest';
import { describeFetchError, fetchErrorCode, gatewayRoot, isLoopbackHost } from '../../src/relay/net.js';

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

// Which proxy a request takes, read from the environment the way curl reads it.
import { describe, expect, it } from 'vitest';
import { describeRoute, maskProxyUrl, parseProxy, proxyFor, proxySecrets, proxySettings } from '../../src/relay/proxy.js';

const via = (env: Record<string, string>, url: string) => {
  const d = proxyFor(proxySettings(env), url);
  return d.via === 'proxy' ? `${d.proxy.host}:${d.proxy.port}` : 'direct';
};

describe('proxy variables', () => {
  it('takes https_proxy for https URLs and http_proxy for http ones, in either case, lower case first', () => {
    expect(via({ HTTPS_PROXY: 'http://up:1' }, 'https://gw.example.com')).toBe('up:1');
    expect(via({ https_proxy: 'http://low:2' }, 'https://gw.example.com')).toBe('low:2');
    expect(via({ HTTPS_PROXY: 'http://up:1', https_proxy: 'http://low:2' }, 'https://gw.example.com')).toBe('low:2');
    expect(via({ HTTP_PROXY: 'http://up:3' }, 'http://gw.example.com')).toBe('up:3');
    expect(via({ HTTP_PROXY: 'http://up:3', http_proxy: 'http://low:4' }, 'http://gw.example.com')).toBe('low:4');
    // Each scheme has its own variable.
    expect(via({ HTTP_PROXY: 'http://up:3' }, 'https://gw.example.com')).toBe('direct');
    expect(via({ HTTPS_PROXY: 'http://up:1' }, 'http://gw.example.com')).toBe('direct');
  });

  it('falls back to all_proxy, ignores empty values, and reads a bare host:port as http', () => {
    expect(via({ ALL_PROXY: 'http://all:5' }, 'https://gw.example.com')).toBe('all:5');
    expect(via({ ALL_PROXY: 'http://all:5', HTTPS_PROXY: 'http://up:1' }, 'https://gw.example.com')).toBe('up:1');
    expect(via({ https_proxy: '', HTTPS_PROXY: 'http://up:1' }, 'https://gw.example.com')).toBe('up:1');
    expect(via({ HTTPS_PROXY: 'proxy.corp:3128' }, 'https://gw.example.com')).toBe('proxy.corp:3128');
    expect(via({ HTTPS_PROXY: 'http://proxy.corp' }, 'https://gw.example.com')).toBe('proxy.corp:80');
    expect(via({ HTTPS_PROXY: 'https://proxy.corp' }, 'https://gw.example.com')).toBe('proxy.corp:443');
  });

  it('turns URL credentials into Proxy-Authorization (percent-decoded) and masks them in what it prints', () => {
    const p = parseProxy('http://alice:s%40cret@proxy.corp:3128', 'HTTPS_PROXY');
    expect(p.authorization).toBe(`Basic ${Buffer.from('alice:s@cret').toString('base64')}`);
    expect(p.display).toBe('http://alice:****@proxy.corp:3128');
    expect(p.secure).toBe(false);
    expect(proxySecrets(proxySettings({ HTTPS_PROXY: 'http://alice:s%40cret@proxy.corp:3128' }))).toEqual(expect.arrayContaining(['s@cret', 's%40cret', Buffer.from('alice:s@cret').toString('base64')]));
    expect(describeRoute(proxySettings({ HTTPS_PROXY: 'http://alice:s%40cret@proxy.corp:3128' }), 'https://gw.example.com')).toBe('through the proxy http://alice:****@proxy.corp:3128 (HTTPS_PROXY)');
    expect(maskProxyUrl('alice:pw@proxy:1')).toBe('alice:****@proxy:1');
    expect(maskProxyUrl('http://proxy:1')).toBe('http://proxy:1');
    expect(parseProxy('http://proxy:1', 'HTTPS_PROXY').authorization).toBeUndefined();
  });

  it('marks a socks proxy unusable instead of going around it', () => {
    const d = proxyFor(proxySettings({ ALL_PROXY: 'socks5://user:pw@proxy:1080' }), 'https://gw.example.com');
    expect(d).toMatchObject({ via: 'proxy', proxy: { unusable: 'ALL_PROXY names a socks5 proxy; only http:// and https:// proxies are supported', display: 'socks5://user:****@proxy:1080' } });
  });

  it('never sends loopback through a proxy', () => {
    for (const url of ['http://127.0.0.1:4000', 'https://localhost', 'http://[::1]:8080', 'http://127.8.9.1']) {
      expect(proxyFor(proxySettings({ HTTPS_PROXY: 'http://p:1', HTTP_PROXY: 'http://p:1' }), url)).toEqual({ via: 'direct', reason: 'loopback' });
    }
  });
});

describe('NO_PROXY', () => {
  const env = (noProxy: string) => ({ HTTPS_PROXY: 'http://p:1', HTTP_PROXY: 'http://p:1', NO_PROXY: noProxy });

  it('matches a name and its subdomains, never a longer name that ends the same', () => {
    expect(via(env('example.com'), 'https://example.com')).toBe('direct');
    expect(via(env('example.com'), 'https://api.example.com')).toBe('direct');
    expect(via(env('example.com'), 'https://a.b.example.com:8443')).toBe('direct');
    expect(via(env('example.com'), 'https://notexample.com')).toBe('p:1');
    expect(via(env('api.example.com'), 'https://example.com')).toBe('p:1');
  });

  it('ignores a leading and a trailing dot and the case of names', () => {
    expect(via(env('.example.com'), 'https://example.com')).toBe('direct');
    expect(via(env('.example.com'), 'https://api.example.com')).toBe('direct');
    expect(via(env('example.com.'), 'https://API.Example.COM')).toBe('direct');
    expect(via(env('Example.Com'), 'https://example.com./v1')).toBe('direct');
  });

  it('reads a list separated by commas or blanks; * alone, or as an entry, matches everything', () => {
    expect(via(env('a.test, b.test  c.test,,d.test'), 'https://c.test')).toBe('direct');
    expect(via(env('a.test, b.test  c.test,,d.test'), 'https://d.test')).toBe('direct');
    expect(via(env('a.test, b.test  c.test,,d.test'), 'https://e.test')).toBe('p:1');
    expect(via(env('*'), 'https://anything.example')).toBe('direct');
    expect(via(env('a.test,*'), 'https://anything.example')).toBe('direct');
  });

  it('matches a host:port entry on that port only; a plain entry on any port', () => {
    expect(via(env('gw.corp:8443'), 'https://gw.corp:8443')).toBe('direct');
    expect(via(env('gw.corp:8443'), 'https://gw.corp')).toBe('p:1');
    expect(via(env('gw.corp:443'), 'https://gw.corp')).toBe('direct');
    expect(via(env('gw.corp:80'), 'http://gw.corp')).toBe('direct');
    expect(via(env('gw.corp'), 'https://gw.corp:9999')).toBe('direct');
  });

  it('matches IP addresses exactly or by CIDR network, v4 and v6, never by suffix', () => {
    expect(via(env('10.1.2.3'), 'https://10.1.2.3')).toBe('direct');
    expect(via(env('10.0.0.0/8'), 'https://10.200.1.1:8080')).toBe('direct');
    expect(via(env('10.0.0.0/8'), 'https://11.0.0.1')).toBe('p:1');
    expect(via(env('192.168.0.0/16'), 'https://192.169.0.1')).toBe('p:1');
    expect(via(env('2.3'), 'https://10.1.2.3')).toBe('p:1');
    expect(via(env('fd00::/8'), 'https://[fd12:3456::1]')).toBe('direct');
    expect(via(env('fd00::/8'), 'https://[fe80::1]')).toBe('p:1');
    expect(via(env('[2001:db8::1]:8443'), 'https://[2001:db8::1]:8443')).toBe('direct');
    expect(via(env('[2001:db8::1]:8443'), 'https://[2001:db8::1]')).toBe('p:1');
    expect(via(env('2001:db8::1'), 'https://[2001:db8:0:0::1]')).toBe('direct');
  });

  it('lower case wins here too, and the route says which entry matched', () => {
    const settings = proxySettings({ HTTPS_PROXY: 'http://p:1', no_proxy: 'corp.example', NO_PROXY: 'other.example' });
    expect(proxyFor(settings, 'https://other.example')).toMatchObject({ via: 'proxy' });
    expect(describeRoute(settings, 'https://api.corp.example')).toBe('direct (no_proxy matches "corp.example")');
    expect(describeRoute(proxySettings({}), 'https://api.corp.example')).toBe('direct (no proxy variable is set)');
  });
});

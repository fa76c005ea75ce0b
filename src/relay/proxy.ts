// Which HTTP(S) proxy a request goes through, from the usual environment variables, read the way
// curl reads them (so a corporate setup that works for curl works here):
// - `https_proxy` for https URLs, `http_proxy` for http ones, `all_proxy` for both when the
//   specific one is unset; each name in lower or upper case, the lower-case one winning when both
//   are set (curl reads only the lower-case `http_proxy`; we take `HTTP_PROXY` too, after it).
// - A proxy URL without a scheme is http; `user:password@` becomes a `Proxy-Authorization: Basic`
//   header (percent-decoded first). http:// and https:// proxies are supported; a socks one is
//   refused with a clear error rather than silently bypassed.
// - `no_proxy` / `NO_PROXY`: a list separated by commas or blanks. `*` matches every host; a name
//   matches itself and its subdomains, with a leading and a trailing dot ignored (`.corp.com` and
//   `corp.com` both match `corp.com` and `api.corp.com`, never `notcorp.com`); an IP address
//   matches itself, or a network in CIDR form (`10.0.0.0/8`, `fd00::/8`). Names compare without
//   case. Beyond curl, which ignores ports in this list: `host:port` matches that host on that port
//   only (as Go and undici read it), so such an entry never proxies more than curl would.
// - Loopback hosts (localhost, 127.0.0.0/8, ::1) always go direct: the relay and the test servers
//   live there, and a proxy elsewhere cannot reach them.
import { isIP } from 'node:net';
import { isLoopbackHost } from './net.js';

export type ProxyEnv = Readonly<Record<string, string | undefined>>;

/** A proxy, parsed once. */
export interface Proxy {
  /** The proxy speaks TLS itself (an https:// proxy URL). */
  secure: boolean;
  host: string;
  port: number;
  /** `Basic …` from the URL's credentials, when it has some. */
  authorization?: string;
  /** The URL with its password masked, for messages and logs. */
  display: string;
  /** The variable it came from, e.g. `HTTPS_PROXY`. */
  variable: string;
  /** Why it cannot be used (an unsupported scheme, an unparseable URL); requests through it fail with this. */
  unusable?: string;
  /** The password (and user) as written in the URL, for printers that mask secrets. */
  secrets: string[];
}

export interface ProxySettings {
  https?: Proxy;
  http?: Proxy;
  /** The NO_PROXY list as read (for messages), and the variable it came from. */
  noProxy?: { value: string; variable: string };
  /** Parsed NO_PROXY entries. */
  bypass: readonly Bypass[];
}

type Bypass = { kind: 'all' } | { kind: 'name'; name: string; port?: number } | { kind: 'ip'; bytes: number[]; bits: number; port?: number };

/** Where a request to a URL goes: straight to its host, or through a proxy (and why). */
export type ProxyDecision =
  | { via: 'direct'; reason: 'no-proxy-set' | 'loopback' | 'no-proxy-match'; match?: string }
  | { via: 'proxy'; proxy: Proxy };

/** The first set (non-empty) variable of `names`, tried in order. */
function firstSet(env: ProxyEnv, names: readonly string[]): { value: string; variable: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { value, variable: name };
  }
  return undefined;
}

/** The proxy settings of an environment (process.env, or an injected one). */
export function proxySettings(env: ProxyEnv): ProxySettings {
  const all = firstSet(env, ['all_proxy', 'ALL_PROXY']);
  const https = firstSet(env, ['https_proxy', 'HTTPS_PROXY']) ?? all;
  const http = firstSet(env, ['http_proxy', 'HTTP_PROXY']) ?? all;
  const noProxy = firstSet(env, ['no_proxy', 'NO_PROXY']);
  return {
    ...(https ? { https: parseProxy(https.value, https.variable) } : {}),
    ...(http ? { http: parseProxy(http.value, http.variable) } : {}),
    ...(noProxy ? { noProxy } : {}),
    bypass: noProxy ? parseNoProxy(noProxy.value) : [],
  };
}

/** A proxy URL as the variables hold it: `host:port`, `http://user:pass@host:port/`, … */
export function parseProxy(value: string, variable: string): Proxy {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { secure: false, host: '', port: 0, display: maskProxyUrl(value), variable, unusable: `${variable} is not a URL`, secrets: credentialsOf(value) };
  }
  const user = safeDecode(url.username);
  const password = safeDecode(url.password);
  const secrets = [password, url.password, Buffer.from(`${user}:${password}`).toString('base64')].filter((s) => s.length > 0);
  const display = maskProxyUrl(withScheme);
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') {
    return { secure: false, host: url.hostname, port: Number(url.port), display, variable, unusable: `${variable} names a ${scheme} proxy; only http:// and https:// proxies are supported`, secrets };
  }
  const secure = scheme === 'https';
  return {
    secure,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port || (secure ? 443 : 80)),
    ...(url.username || url.password ? { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` } : {}),
    display,
    variable,
    secrets,
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function credentialsOf(value: string): string[] {
  const m = /^(?:[a-z][a-z0-9+.-]*:\/\/)?([^@/]*)@/i.exec(value);
  return m?.[1] ? [m[1], ...m[1].split(':').slice(1)].filter(Boolean) : [];
}

/** A proxy URL fit to print: the password (if any) as `****`, the user kept. */
export function maskProxyUrl(value: string): string {
  return value.replace(/^((?:[a-z][a-z0-9+.-]*:\/\/)?[^@/:]*):[^@/]*@/i, '$1:****@');
}

function parseNoProxy(value: string): Bypass[] {
  const out: Bypass[] = [];
  for (const raw of value.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') {
      out.push({ kind: 'all' });
      continue;
    }
    // host:port, [v6]:port, or a bare v6 address (its colons are not a port).
    let port: number | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?(\/\d+)?$/.exec(entry);
    if (bracketed) {
      entry = (bracketed[1] as string) + (bracketed[3] ?? '');
      if (bracketed[2]) port = Number(bracketed[2]);
    } else if (!isIP(entry.split('/')[0] as string)) {
      const m = /^(.*):(\d+)$/.exec(entry);
      if (m) {
        entry = m[1] as string;
        port = Number(m[2]);
      }
    }
    const [address, bitsText] = entry.split('/') as [string, string | undefined];
    const bytes = ipBytes(address);
    if (bytes) {
      const max = bytes.length * 8;
      const bits = bitsText === undefined ? max : Number(bitsText);
      if (Number.isInteger(bits) && bits >= 0 && bits <= max) out.push({ kind: 'ip', bytes, bits, ...(port !== undefined ? { port } : {}) });
      continue;
    }
    const name = entry.replace(/^\.+/, '').replace(/\.+$/, '');
    if (name) out.push({ kind: 'name', name, ...(port !== undefined ? { port } : {}) });
  }
  return out;
}

/** An IPv4 or IPv6 address as bytes (4 or 16); undefined for a name. */
function ipBytes(address: string): number[] | undefined {
  const kind = isIP(address);
  if (kind === 4) return address.split('.').map(Number);
  if (kind !== 6) return undefined;
  let text = address;
  // A trailing dotted quad (::ffff:1.2.3.4) as two groups.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const b = (quad[1] as string).split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -(quad[1] as string).length) + `${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const [left, right] = text.split('::') as [string, string | undefined];
  const groups = (s: string) => (s ? s.split(':') : []);
  const l = groups(left);
  const r = right === undefined ? [] : groups(right);
  const all = right === undefined ? l : [...l, ...Array(8 - l.length - r.length).fill('0'), ...r];
  return all.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

function inNetwork(host: number[], net: number[], bits: number): boolean {
  if (host.length !== net.length) return false;
  for (let i = 0; i < host.length; i++) {
    const take = Math.min(8, Math.max(0, bits - i * 8));
    if (take === 0) return true;
    const mask = (0xff << (8 - take)) & 0xff;
    if (((host[i] as number) & mask) !== ((net[i] as number) & mask)) return false;
  }
  return true;
}

/** The NO_PROXY entry that sends `host:port` direct, as written, if any. */
export function bypassMatch(settings: ProxySettings, host: string, port: number): string | undefined {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  const bytes = ipBytes(h);
  for (const b of settings.bypass) {
    if (b.kind === 'all') return '*';
    if (b.port !== undefined && b.port !== port) continue;
    const suffix = b.port !== undefined ? `:${b.port}` : '';
    if (b.kind === 'ip') {
      if (bytes && inNetwork(bytes, b.bytes, b.bits)) return `${b.bytes.length === 4 ? b.bytes.join('.') : 'ipv6'}/${b.bits}${suffix}`;
    } else if (!bytes && (h === b.name || h.endsWith(`.${b.name}`))) {
      return b.name + suffix;
    }
  }
  return undefined;
}

/** Where a request to `url` goes under these settings. */
export function proxyFor(settings: ProxySettings, url: URL | string): ProxyDecision {
  const u = typeof url === 'string' ? new URL(url) : url;
  const secure = u.protocol === 'https:';
  const proxy = secure ? settings.https : settings.http;
  if (!proxy) return { via: 'direct', reason: 'no-proxy-set' };
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (isLoopbackHost(host)) return { via: 'direct', reason: 'loopback' };
  const match = bypassMatch(settings, host, Number(u.port || (secure ? 443 : 80)));
  if (match !== undefined) return { via: 'direct', reason: 'no-proxy-match', match };
  return { via: 'proxy', proxy };
}

/** One line on how requests to `url` travel, for doctor and the relay's start-up log. */
export function describeRoute(settings: ProxySettings, url: URL | string): string {
  const d = proxyFor(settings, url);
  if (d.via === 'proxy') return `through the proxy ${d.proxy.display} (${d.proxy.variable})${d.proxy.unusable ? `, which cannot be used: ${d.proxy.unusable}` : ''}`;
  if (d.reason === 'loopback') return 'direct (a loopback address never goes through a proxy)';
  if (d.reason === 'no-proxy-match') return `direct (${settings.noProxy?.variable ?? 'NO_PROXY'} matches ${JSON.stringify(d.match)})`;
  return 'direct (no proxy variable is set)';
}

/** Every credential the proxy variables hold, for printers that mask secrets. */
export function proxySecrets(settings: ProxySettings): string[] {
  return [...new Set([...(settings.https?.secrets ?? []), ...(settings.http?.secrets ?? [])])];
}

/** The variables that decide how requests leave this machine: a service started elsewhere needs them too. */
export const NETWORK_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY', 'NODE_EXTRA_CA_CERTS'] as const;

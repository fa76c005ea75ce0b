// Which headers cross the relay. Hop-by-hop headers belong to one connection; encoding headers
// describe bytes the relay has already decoded; credentials are the relay's to set; `anthropic-*`
// headers go only to Anthropic-format upstreams (an unknown beta is a 400 elsewhere).

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
]);

/** Never forwarded upstream: the relay sets them itself, or they are none of the upstream's business. */
const NOT_UPSTREAM = new Set([
  'host',
  'content-length',
  'content-encoding',
  'accept-encoding',
  'authorization',
  'x-api-key',
  'x-goog-api-key',
  'api-key',
  'cookie',
  'origin',
  'referer',
  'expect',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
]);

/** Never passed back to the client. */
const NOT_DOWNSTREAM = new Set(['content-length', 'content-encoding', 'set-cookie', 'alt-svc', 'strict-transport-security', 'date', 'server']);

/** Headers kept on a translated reply: retry hints, request ids and rate limits. */
const KEPT_ON_TRANSLATION = /^(retry-after|retry-after-ms|x-should-retry|x-request-id|request-id|x-ratelimit-.*|anthropic-ratelimit-.*)$/;

import type { HeaderBag } from './upstream-client.js';

export type IncomingHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** Headers named in `Connection:` are hop-by-hop too. */
const NO_TOKENS: ReadonlySet<string> = new Set();

function connectionTokens(value: string | string[] | undefined): ReadonlySet<string> {
  if (value === undefined) return NO_TOKENS;
  const text = Array.isArray(value) ? value.join(',') : value;
  // The common values name no other header.
  if (/^\s*(keep-alive|close)\s*$/i.test(text)) return NO_TOKENS;
  return new Set(
    text
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
}

export interface UpstreamHeaderOptions {
  /** The upstream speaks Anthropic Messages: `anthropic-*` headers may pass. */
  anthropic: boolean;
  key: string;
  anthropicAuth: AnthropicAuth;
  /** Default `anthropic-version` when the client sent none (OpenAI clients). */
  anthropicVersion: string;
}

export type AnthropicAuth = 'both' | 'x-api-key' | 'bearer';

export function upstreamHeaders(incoming: IncomingHeaders, opts: UpstreamHeaderOptions): Record<string, string> {
  const out: Record<string, string> = {};
  const dropped = connectionTokens(incoming.connection);
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || NOT_UPSTREAM.has(lower) || dropped.has(lower)) continue;
    if (!opts.anthropic && lower.startsWith('anthropic-')) continue;
    out[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  out['content-type'] = 'application/json';
  out['accept-encoding'] = 'identity';
  if (opts.anthropic) {
    out['anthropic-version'] ??= opts.anthropicVersion;
    if (opts.anthropicAuth !== 'bearer') out['x-api-key'] = opts.key;
    if (opts.anthropicAuth !== 'x-api-key') out.authorization = `Bearer ${opts.key}`;
  } else {
    out.authorization = `Bearer ${opts.key}`;
  }
  return out;
}

/** The upstream's reply headers for a pass-through reply. */
export function passthroughHeaders(upstream: HeaderBag): Record<string, string> {
  const out: Record<string, string> = {};
  const dropped = connectionTokens(upstream.get('connection') ?? undefined);
  upstream.forEach((value, name) => {
    if (HOP_BY_HOP.has(name) || NOT_DOWNSTREAM.has(name) || dropped.has(name)) return;
    out[name] = value;
  });
  return out;
}

/** The upstream's reply headers worth keeping on a translated reply. */
export function translatedHeaders(upstream: HeaderBag | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  upstream?.forEach((value, name) => {
    if (KEPT_ON_TRANSLATION.test(name)) out[name] = value;
  });
  // `retry-after` in whole seconds, which every client parses: from a fraction, or from `retry-after-ms`.
  const after = out['retry-after'];
  if (after !== undefined && /^\d+\.\d+$/.test(after.trim())) out['retry-after'] = String(Math.ceil(Number(after)));
  const ms = out['retry-after-ms'];
  if (after === undefined && ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) out['retry-after'] = String(Math.ceil(Number(ms) / 1000));
  return out;
}

export function headerValue(headers: IncomingHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

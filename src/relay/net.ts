// Network names and failures, in one dependency-free leaf that the relay and core share. It lives
// in the relay because the relay is the lower layer: core may import a relay leaf, the relay may
// import nothing above it (it runs on its own, in `relay start` and embedded). So a gateway URL is
// cut down to its root, a host is judged loopback, and a failed request is described by one rule
// everywhere.

/** Endpoint suffixes a gateway URL may carry by mistake (pasted from a curl example). */
const ENDPOINT_SUFFIXES = ['/chat/completions', '/completions', '/responses', '/messages', '/models'];

/**
 * A gateway URL (or its path) without trailing slashes, without one endpoint suffix and without
 * `/v1` (present, missing or doubled: `/v1/v1` is a classic): `https://gw/api/v1/messages` ->
 * `https://gw/api`.
 */
export function gatewayRoot(url: string): string {
  let root = url.trim().replace(/\/+$/, '');
  for (const suffix of ENDPOINT_SUFFIXES) {
    if (root.endsWith(suffix)) {
      root = root.slice(0, -suffix.length);
      break;
    }
  }
  while (root.endsWith('/v1')) root = root.slice(0, -3);
  return root.replace(/\/+$/, '');
}

/**
 * Whether a host name (as in a URL or a Host header, brackets allowed) names this machine:
 * `localhost` and its subdomains, 127.0.0.0/8, `::1` in any spelling, and IPv4-mapped loopback.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  return (
    h === 'localhost' ||
    h.endsWith('.localhost') ||
    h === '::1' ||
    h === '0:0:0:0:0:0:0:1' ||
    /^127(\.\d{1,3}){3}$/.test(h) ||
    /^::ffff:(127(\.\d{1,3}){3}|7f[0-9a-f]{2}:[0-9a-f]{1,4})$/.test(h)
  );
}

/**
 * The system error under a failed request: fetch (undici) and the relay's http1 client wrap it
 * (`ECONNREFUSED`, a TLS code) in `cause`, sometimes twice. Undefined when there is no code.
 */
export function fetchErrorCode(error: unknown): { code: string; message: string } | undefined {
  let cause: unknown = error;
  for (let i = 0; i < 4 && cause; i++) {
    const c = cause as { code?: unknown; cause?: unknown; message?: unknown; errors?: unknown };
    if (typeof c.code === 'string' && c.code !== 'ERR_INVALID_STATE') return { code: c.code, message: typeof c.message === 'string' && c.message ? c.message : c.code };
    // Trying each address of a name (IPv6, then IPv4) fails with an AggregateError of the attempts.
    cause = c.cause ?? (Array.isArray(c.errors) ? c.errors[0] : undefined);
  }
  return undefined;
}

/** A failed request in a few words for a message: its system error code, else its reason. */
export function describeFetchError(error: unknown): string {
  const code = fetchErrorCode(error);
  if (code) return code.code;
  const e = error as { message?: unknown; cause?: { message?: unknown } } | undefined;
  const message = e?.cause?.message ?? e?.message;
  return typeof message === 'string' ? message : String(error);
}

/** A request that got no answer: a code to match on, and its cause in words for a person. */
export interface FetchFailure {
  /** The system error code (`ECONNREFUSED`, `ENOTFOUND`, `CERT_HAS_EXPIRED`…), `timeout`, or `FETCH_FAILED` when there is none. */
  code: string;
  /** The cause, naming the host and port: "connection refused on localhost:4000", "timeout after 5 s". */
  reason: string;
}

/** Certificate and TLS failures, in words (the codes are OpenSSL's and Node's). */
const TLS_REASONS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet (check the clock)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the chain contains a self-signed certificate (a corporate proxy?)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate chain is incomplete or from an unknown issuer',
  UNABLE_TO_GET_ISSUER_CERT: 'the issuer of the certificate is unknown',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the issuer is not trusted on this machine (a corporate proxy? see NODE_EXTRA_CA_CERTS)',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate is for another host name',
  CERT_REVOKED: 'the certificate was revoked',
  CERT_UNTRUSTED: 'the certificate is not trusted',
  CERT_SIGNATURE_FAILURE: 'the certificate signature does not verify',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server does not speak TLS on this port (http instead of https?)',
  EPROTO: 'the TLS handshake failed',
};

/** Whether a failure code is a TLS or certificate error. */
export function isTlsFailure(code: string): boolean {
  return code in TLS_REASONS || /cert|tls|ssl/i.test(code);
}

/**
 * The one rule for a request that got no answer, shared by the gateway check of the interactive
 * mode, apply's probes and doctor: what went wrong, named so a person can act on it ("connection
 * refused on localhost:4000", "DNS name not found: gw.example", "TLS error: the certificate has
 * expired", "timeout after 5 s"), never a bare "fetch failed". `url` is the address asked (for
 * the host and port), `timeoutMs` the deadline that was set (for a timeout).
 */
export function describeFetchFailure(error: unknown, target: { url?: string; timeoutMs?: number } = {}): FetchFailure {
  const where = endpointOf(target.url);
  if (isTimeout(error)) return { code: 'timeout', reason: target.timeoutMs !== undefined ? `timeout after ${seconds(target.timeoutMs)}` : 'timeout' };
  const system = fetchErrorCode(error);
  if (!system) {
    const message = innermostMessage(error);
    if (message === 'bad port') return { code: 'FETCH_FAILED', reason: `port ${where.port || '?'} is one that fetch refuses to connect to ("bad port"); use another port` };
    return { code: 'FETCH_FAILED', reason: message ? `the request failed: ${message}` : 'the request failed, with no reason given' };
  }
  const { code, message } = system;
  const hostPort = where.host ? `${where.host}:${where.port}` : message.match(/\b(\S+:\d+)$/)?.[1] ?? 'the server';
  const host = where.host || 'the host';
  switch (code) {
    case 'ECONNREFUSED':
      return { code, reason: `connection refused on ${hostPort} (nothing listens there)` };
    case 'ENOTFOUND':
      return { code, reason: `DNS name not found: ${host}` };
    case 'EAI_AGAIN':
      return { code, reason: `DNS lookup of ${host} failed for now (no network, or the DNS server does not answer)` };
    case 'ECONNRESET':
      return { code, reason: `connection reset by ${hostPort}` };
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { code, reason: `connecting to ${hostPort} timed out` };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { code, reason: `no route to ${hostPort} (network unreachable)` };
    case 'UND_ERR_SOCKET':
      return { code, reason: `${hostPort} closed the connection` };
  }
  if (isTlsFailure(code)) return { code, reason: `TLS error: ${TLS_REASONS[code] ?? message} (${code})` };
  return { code, reason: `${message === code ? code : `${message} (${code})`}${where.host && !message.includes(where.host) ? ` on ${hostPort}` : ''}` };
}

function isTimeout(error: unknown): boolean {
  let e: unknown = error;
  for (let i = 0; i < 4 && e; i++) {
    const name = (e as { name?: unknown }).name;
    if (name === 'TimeoutError' || name === 'AbortError') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The deepest message under the wrappers that says more than "fetch failed". */
function innermostMessage(error: unknown): string | undefined {
  let found: string | undefined;
  let e: unknown = error;
  for (let i = 0; i < 4 && e; i++) {
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && message && message !== 'fetch failed') found = message;
    e = (e as { cause?: unknown }).cause;
  }
  return found;
}

function endpointOf(url: string | undefined): { host: string; port: string } {
  if (!url) return { host: '', port: '' };
  try {
    const u = new URL(url);
    return { host: u.hostname, port: u.port || (u.protocol === 'https:' ? '443' : '80') };
  } catch {
    return { host: '', port: '' };
  }
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(2))} s`;
}

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
    const c = cause as { code?: unknown; cause?: unknown; message?: unknown };
    if (typeof c.code === 'string' && c.code !== 'ERR_INVALID_STATE') return { code: c.code, message: typeof c.message === 'string' ? c.message : c.code };
    cause = c.cause;
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

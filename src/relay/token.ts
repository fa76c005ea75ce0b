// The relay's local token: every request the relay would forward (and so pay for with the gateway
// key it injects) must carry it, as its client sends a key: `x-api-key`, `Authorization: Bearer`,
// or, for Gemini clients, `x-goog-api-key` or `?key=`. Compared in constant time (sameSecret), in
// plain JavaScript: node:crypto would cost every relay about 1.3 MiB of memory for this alone.
import type { IncomingHeaders } from './headers.js';

/** The token, and (optionally) how to learn of a new one: called after a refusal, undefined when unchanged. */
export interface LocalToken {
  value: string;
  reload?: () => Promise<string | undefined>;
}

/**
 * Whether `presented` is `secret`, in a time that depends on the secret's length alone: every
 * code unit of the secret is compared, whatever the presented string's length or its first
 * difference, and the differences are gathered with OR, never tested on the way. The secret's
 * length is no secret (every token has the same form); a presented string's is the client's own.
 */
export function sameSecret(presented: string, secret: string): boolean {
  let difference = presented.length ^ secret.length;
  // Past its end, charCodeAt is NaN, which `| 0` makes 0: the loop does the same work either way.
  for (let i = 0; i < secret.length; i++) difference |= secret.charCodeAt(i) ^ (presented.charCodeAt(i) | 0);
  return difference === 0;
}

/** The URL without its `key` query parameter(s); the rest of the query as it was. */
export function withoutKeyParam(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const kept = url
    .slice(q + 1)
    .split('&')
    .filter((pair) => pair !== 'key' && !pair.startsWith('key='));
  return kept.length ? `${url.slice(0, q)}?${kept.join('&')}` : url.slice(0, q);
}

export class TokenGate {
  private plain!: string;
  /** The whole `Bearer <token>` header, so the usual Authorization header needs no slicing. */
  private bearer!: string;
  private readonly reload: (() => Promise<string | undefined>) | undefined;
  private reloading: Promise<boolean> | undefined;

  constructor(token: string | LocalToken) {
    const t = typeof token === 'string' ? { value: token } : token;
    if (!t.value) throw new Error('the relay token is empty');
    this.set(t.value);
    this.reload = t.reload;
  }

  private set(token: string): void {
    this.plain = token;
    this.bearer = `Bearer ${token}`;
  }

  /** Whether the request carries the token (the fast path: no I/O). */
  admits(headers: IncomingHeaders, url: string): boolean {
    const key = headers['x-api-key'];
    if (typeof key === 'string' && sameSecret(key, this.plain)) return true;
    const auth = headers.authorization;
    if (typeof auth === 'string' && sameSecret(auth, this.bearer)) return true;
    return this.admitsOther(headers, url);
  }

  /**
   * After a refusal: whether the token changed meanwhile (`relay rotate-token`, or its undo) and
   * the request carries the new one. Concurrent refusals share one reload.
   */
  async admitsAfterReload(headers: IncomingHeaders, url: string): Promise<boolean> {
    if (!this.reload) return false;
    this.reloading ??= this.reload()
      .then((next) => {
        if (next === undefined) return false;
        this.set(next);
        return true;
      })
      .catch(() => false)
      .finally(() => {
        this.reloading = undefined;
      });
    return (await this.reloading) && this.admits(headers, url);
  }

  /** The other ways a client may send its key: a lower-case `bearer`, Gemini's header and query parameter. */
  private admitsOther(headers: IncomingHeaders, url: string): boolean {
    const auth = headers.authorization;
    if (typeof auth === 'string' && /^bearer\s+/i.test(auth) && this.matches(auth.replace(/^bearer\s+/i, '').trim())) return true;
    const goog = headers['x-goog-api-key'];
    if (typeof goog === 'string' && this.matches(goog)) return true;
    const q = url.indexOf('?');
    if (q !== -1) {
      const key = new URLSearchParams(url.slice(q + 1)).get('key');
      if (key !== null && this.matches(key)) return true;
    }
    return false;
  }

  private matches(presented: string): boolean {
    return sameSecret(presented, this.plain);
  }
}

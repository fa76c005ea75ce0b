// Small helpers shared by the translators: ids, token estimates, type guards.
import { nodeCrypto } from './lazy-crypto.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A random id such as `msg_4fJ0…` (24 base62 characters): ids must never collide between
 * concurrent streams, which timestamp-based ids do. They name messages and tool calls, and secure
 * nothing, so Math.random (V8's xorshift128+, 128 bits of state) serves, without node:crypto.
 */
export function randomId(prefix: string, length = 24): string {
  // The letters go into a scratch buffer read as one string: adding them one by one made a string
  // per letter. Each Math.random gives five letters (62^5 < 2^30, well inside its 52 bits).
  const letters = length <= scratch.length ? scratch : Buffer.alloc(length);
  for (let i = 0; i < length; i += 5) {
    let n = Math.floor(Math.random() * 916_132_832); // 62^5
    for (let j = i; j < i + 5 && j < length; j++) {
      letters[j] = ALPHABET.charCodeAt(n % 62);
      n = Math.floor(n / 62);
    }
  }
  return prefix + letters.toString('latin1', 0, length);
}

const scratch = Buffer.alloc(64);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short stand-in for a long name or user id; the first call loads node:crypto (see lazy-crypto.ts). */
export function sha256Hex(text: string): string {
  return nodeCrypto().createHash('sha256').update(text).digest('hex');
}

/** Seconds since the epoch, as OpenAI's `created` fields want. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * A token estimate for text: about four characters per token for English and code, one per
 * character for CJK scripts. Never 0 for non-empty text.
 */
export function estimateTextTokens(text: string): number {
  if (text.length === 0) return 0;
  let wide = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x2e7f) wide++;
  return Math.max(1, Math.ceil((text.length - wide) / 4) + wide);
}

/** Strings found anywhere in a JSON value, concatenated (keys included): the basis of estimates. */
export function jsonText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return String(value);
  return JSON.stringify(value);
}

/** `n` when it is a finite number, else undefined. */
export function num(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** Parses JSON; undefined when it is not JSON. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

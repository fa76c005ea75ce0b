// Small helpers shared by the translators: ids, token estimates, type guards.
import { createHash, randomFillSync } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A random id such as `msg_4fJ0…` (24 base62 characters, over 140 bits): ids must never collide
 * between concurrent streams, which timestamp-based ids do.
 */
export function randomId(prefix: string, length = 24): string {
  if (poolAt + length > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  // A slight bias towards the first letters does not matter for uniqueness. The letters go into
  // a scratch buffer read as one string: adding them one by one made a string per letter.
  const letters = length <= scratch.length ? scratch : Buffer.alloc(length);
  for (let i = 0; i < length; i++) letters[i] = ALPHABET.charCodeAt((pool[poolAt++] as number) % 62);
  return prefix + letters.toString('latin1', 0, length);
}

const scratch = Buffer.alloc(64);

/** Random bytes fetched 4 KiB at a time: one system call per ~170 ids instead of one per id. */
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
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

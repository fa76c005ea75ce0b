// Small helpers for plans that route an agent's secondary model slots: what a file holds at a
// key path now, and whether a URL leaves this machine (a local model server is not a leak).
import { getAt } from '../formats/ops.js';
import type { KeyPath } from '../formats/types.js';
import { isLoopbackHost } from './profile.js';

/** The value at `path` in parsed data, undefined when absent. */
export function valueAt(data: unknown, path: KeyPath): unknown {
  return data === undefined ? undefined : getAt(data, path);
}

/** The string at `path`, undefined when absent or not a non-empty string. */
export function stringAt(data: unknown, path: KeyPath): string | undefined {
  const v = valueAt(data, path);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The entries of the object at `path` (none when it is not an object). */
export function entriesAt(data: unknown, path: KeyPath): Array<[string, unknown]> {
  const v = valueAt(data, path);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v as Record<string, unknown>) : [];
}

/** Whether `url` points at another computer (not loopback); false for what is not a URL. */
export function leavesMachine(url: string): boolean {
  try {
    return !isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** `openrouter/google/gemini-2.5-flash` → `openrouter`: the provider part of a `provider/model` ref. */
export function providerOf(ref: string): string | undefined {
  const slash = ref.indexOf('/');
  return slash > 0 ? ref.slice(0, slash) : undefined;
}

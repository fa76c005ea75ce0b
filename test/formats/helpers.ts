// Checks shared by the format tests: "the user's bytes survived".
import { expect } from 'vitest';

const BOM = '\uFEFF';

/** Lines with their own terminators (`\r\n`, `\n`, or none for an unterminated last line). */
export function linesOf(text: string): string[] {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  return body.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * Assert that every line of `before` that `owned` does not claim is still in `after`, byte for
 * byte (terminator included) and in the same order. An unterminated last line may gain a line
 * break when something is appended after it. `normalize` lets JSON ignore the one comma that
 * grammar forces onto a neighbouring member.
 */
export function expectUnownedLinesKept(
  before: string,
  after: string,
  owned: (line: string) => boolean,
  normalize: (line: string) => string = (line) => line,
): void {
  const kept = linesOf(before).filter((line) => !owned(line));
  const target = linesOf(after).map(normalize);
  let at = 0;
  for (const [i, line] of kept.entries()) {
    const want = normalize(line);
    const lastUnterminated = i === kept.length - 1 && !line.endsWith('\n');
    while (at < target.length && target[at] !== want && !(lastUnterminated && target[at]?.replace(/\r?\n$/, '') === want)) at++;
    if (at === target.length) {
      expect.fail(`line lost or altered: ${JSON.stringify(line)}\n--- before ---\n${before}\n--- after ---\n${after}`);
    }
    at++;
  }
}

/** BOM, final newline and line-ending style of `after` match `before`. */
export function expectSameFraming(before: string, after: string): void {
  expect(after.startsWith(BOM)).toBe(before.startsWith(BOM));
  const body = before.replace(BOM, '');
  if (body.trim() !== '') expect(after.endsWith('\n')).toBe(body.endsWith('\n'));
  const lfOnly = (s: string) => (s.match(/(?<!\r)\n/g) ?? []).length;
  const crlf = (s: string) => (s.match(/\r\n/g) ?? []).length;
  if (crlf(body) > 0 && lfOnly(body) === 0) expect(lfOnly(after)).toBe(0);
  if (lfOnly(body) > 0 && crlf(body) === 0) expect(crlf(after)).toBe(0);
}

/** Run `fn`, expect it to throw an instance of `type`, and return the error for more checks. */
export function thrown<T extends Error>(type: new (...args: never[]) => T, fn: () => unknown): T {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as T;
  }
  return expect.fail(`expected ${type.name} to be thrown`);
}

// Small text helpers shared by the editors. Every editor works on the text with its BOM removed,
// writes new lines with the file's own line ending, and edits by splicing offsets so that bytes it
// does not own are copied through untouched.

export const BOM = '\uFEFF';

export type Eol = '\n' | '\r\n';

/** Split off a UTF-8 byte order mark (decoded as U+FEFF) so parsers and offsets never see it. */
export function stripBom(text: string): { bom: boolean; body: string } {
  return text.startsWith(BOM) ? { bom: true, body: text.slice(1) } : { bom: false, body: text };
}

export function restoreBom(body: string, bom: boolean): string {
  return bom ? BOM + body : body;
}

/**
 * The file's line ending: whichever of CRLF and LF occurs more often, the first one seen on a
 * tie, LF for a text without line breaks (a new file gets Unix endings).
 */
export function detectEol(text: string): Eol {
  let crlf = 0;
  let lf = 0;
  let first: Eol | undefined;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    const kind: Eol = i > 0 && text.charCodeAt(i - 1) === 13 ? '\r\n' : '\n';
    if (kind === '\r\n') crlf++;
    else lf++;
    first ??= kind;
  }
  if (crlf !== lf) return crlf > lf ? '\r\n' : '\n';
  return first ?? '\n';
}

export interface Indent {
  /** Indentation is made of tabs. */
  tabs: boolean;
  /** Spaces per level (tab width when `tabs`). */
  size: number;
  /** One level of indentation as text: a tab or `size` spaces. */
  unit: string;
}

/**
 * Guess one level of indentation from the leading whitespace of the lines: tabs when more lines
 * start with a tab than with spaces, otherwise the most frequent increase in space indentation
 * between consecutive non-blank lines. Defaults to 2 spaces (the common JSON/YAML style).
 */
export function detectIndent(text: string): Indent {
  let tabLines = 0;
  let spaceLines = 0;
  const deltas = new Map<number, number>();
  let previous = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('\t')) {
      tabLines++;
      continue;
    }
    const width = line.length - line.trimStart().length;
    if (width > 0) spaceLines++;
    if (width > previous) deltas.set(width - previous, (deltas.get(width - previous) ?? 0) + 1);
    previous = width;
  }
  if (tabLines > spaceLines) return { tabs: true, size: 4, unit: '\t' };
  let size = 2;
  let best = 0;
  for (const [delta, count] of deltas) {
    // Prefer the more frequent delta; on a tie the smaller one (nested levels add up).
    if (delta <= 8 && (count > best || (count === best && delta < size))) {
      size = delta;
      best = count;
    }
  }
  return { tabs: false, size, unit: ' '.repeat(size) };
}

/** 1-based line and column (in UTF-16 code units) of `offset`; CRLF counts as one line break. */
export function offsetToLineColumn(text: string, offset: number): { line: number; column: number } {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/** Offset of the first character of the line containing `offset`. */
export function lineStartAt(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset of the line break (`\r\n` or `\n`) ending the line containing `offset`, or the text length. */
export function lineEndAt(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  if (nl === -1) return text.length;
  return nl > 0 && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
}

/** Offset just past the line break ending the line containing `offset` (the next line's start). */
export function nextLineStart(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
}

/** The whitespace that starts the line containing `offset`. */
export function lineIndentAt(text: string, offset: number): string {
  const start = lineStartAt(text, offset);
  let i = start;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return text.slice(start, i);
}

/** Whether only spaces and tabs precede `offset` on its line. */
export function isFirstOnLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStartAt(text, offset), offset));
}

export function endsWithLineBreak(text: string): boolean {
  return text.endsWith('\n');
}

/** Replace `text[start, end)` with `insert`. */
export function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

/**
 * Remove whole lines: from the start of the line containing `from` through the line break ending
 * the line containing `to`. When those lines run to the end of a text that has no final line
 * break, the line break before them goes instead, so the text still ends without one.
 */
export function deleteLines(text: string, from: number, to: number): string {
  const start = lineStartAt(text, from);
  const end = nextLineStart(text, to);
  if (end === text.length && !text.endsWith('\n') && start > 0) {
    const before = text.charCodeAt(start - 2) === 13 ? start - 2 : start - 1;
    return text.slice(0, before);
  }
  return text.slice(0, start) + text.slice(end);
}

/**
 * Insert `lines` as new lines after the line containing `offset` (at its end, before its line
 * break). Keeps the final-newline state: appending after an unterminated last line leaves the
 * new last line unterminated.
 */
export function insertLinesAfter(text: string, offset: number, lines: readonly string[], eol: Eol): string {
  const at = lineEndAt(text, offset);
  return splice(text, at, at, lines.map((line) => eol + line).join(''));
}

/** Insert `lines` before the line starting at `lineStart`, each terminated with `eol`. */
export function insertLinesBefore(text: string, lineStart: number, lines: readonly string[], eol: Eol): string {
  return splice(text, lineStart, lineStart, lines.map((line) => line + eol).join(''));
}

/** Throw on a lone UTF-16 surrogate, which no UTF-8 file can hold. */
export function assertWellFormed(value: string, what: string): void {
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)) {
    throw new Error(`${what} contains a lone UTF-16 surrogate and cannot be written to a UTF-8 file`);
  }
}

/**
 * `value` double-quoted with backslash escapes that TOML basic strings and YAML double-quoted
 * scalars read alike: `\"`, `\\`, `\n`, `\t`, `\r`, and `\uXXXX` for each other character
 * whose code point `escaped` picks (the controls the format cannot hold raw). `what` names the
 * value in the error for a lone surrogate.
 */
export function doubleQuoted(value: string, what: string, escaped: (code: number) => boolean): string {
  assertWellFormed(value, what);
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (escaped(code)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

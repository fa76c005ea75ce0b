// Word wrapping for everything printed to a terminal (the summary, doctor, apply, the review in
// the interactive mode): a line longer than the terminal is broken between words, and its
// continuation lines hang under the text, after the line's indentation and its marker ("✓ ",
// "2. ", "+ ", a numbered choice's "3) [x] "), so a list stays a list. Colour codes take no room and are never split. A word
// is cut only when it is longer than the whole line (a long URL or path).

const SGR = /\u001b\[[0-9;]*m/g;

/** The columns `text` takes on a terminal: colour codes take none; every other character one. */
export function visibleWidth(text: string): number {
  return [...text.replace(SGR, '')].length;
}

/**
 * Where continuation lines start: the line's leading spaces and its marker (a list number, a
 * check mark, a diff sign) with the spaces after it; without a marker, a "term   text" line hangs
 * under its text.
 */
function hangingIndent(plain: string, width: number): number {
  // A numbered choice hangs under its title, after its mark too: "  12) [ ] Zed", "  1) * CodeRouter".
  // The marks ✓ ✗ • › are written as escapes: the build keeps a regular expression's characters
  // as they are, and one character past ASCII makes V8 hold a bundle's whole source at two bytes
  // per character (test/ship/ascii.test.ts).
  const marker = /^( *(?:(?:\d+[.)]|[\u2713\u2717!=+\u2022\u203a?-]|\[[ x]\]|note:) +)?(?:(?:\[[ x]\]|\*) +)?)/.exec(plain)?.[1] ?? '';
  let indent = [...marker].length;
  if (indent === [...(/^ */.exec(plain)?.[0] ?? '')].length) {
    // No marker: "  apply     configure agents…" hangs under "configure".
    const column = /^( *\S+ {2,})\S/.exec(plain)?.[1];
    if (column && [...column].length <= width / 3) indent = [...column].length;
  }
  return Math.min(indent, Math.floor(width / 2));
}

/** Splits `text` into the pieces that take room, keeping each colour code with the piece after it. */
function tokens(text: string): Array<{ text: string; space: boolean }> {
  const out: Array<{ text: string; space: boolean }> = [];
  const re = /( +)|((?:\u001b\[[0-9;]*m|[^ ])+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ text: m[0], space: m[1] !== undefined });
  return out;
}

/**
 * Cuts a word longer than `room` into pieces of at most `room` columns (colour codes kept): after
 * its last comma that fits (a one-line JSON object breaks between its members, not inside a key or
 * a value), else at the width.
 */
function cutWord(word: string, first: number, rest: number): string[] {
  const pieces: string[] = [];
  let current = '';
  let used = 0;
  let room = first;
  const parts = word.split(/(\u001b\[[0-9;]*m)/);
  for (const part of parts) {
    if (part.startsWith('\u001b[')) {
      current += part;
      continue;
    }
    for (const ch of part) {
      if (used === room) {
        const comma = current.lastIndexOf(',') + 1;
        const carried = comma > 0 ? current.slice(comma) : '';
        if (comma > 0 && visibleWidth(current.slice(0, comma)) >= room / 3 && visibleWidth(carried) < rest) {
          pieces.push(current.slice(0, comma));
          current = carried;
          used = visibleWidth(carried);
        } else {
          pieces.push(current);
          current = '';
          used = 0;
        }
        room = rest;
      }
      current += ch;
      used += 1;
    }
  }
  pieces.push(current);
  return pieces;
}

/** One line wrapped to `width` columns (no line longer), with a hanging indent. */
export function wrapLine(line: string, width: number): string[] {
  if (width < 10 || visibleWidth(line) <= width) return [line];
  const plain = line.replace(SGR, '');
  const indent = hangingIndent(plain, width);
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  let current = '';
  let used = 0;
  let pendingSpace = '';
  const flush = () => {
    lines.push(current.replace(/ +$/, ''));
    current = pad;
    used = indent;
    pendingSpace = '';
  };
  for (const token of tokens(line)) {
    if (token.space) {
      pendingSpace = token.text;
      continue;
    }
    const size = visibleWidth(token.text);
    const atStart = lines.length === 0 && used === 0;
    const spaceSize = atStart ? pendingSpace.length : used === indent && lines.length > 0 ? 0 : pendingSpace.length;
    if (used + spaceSize + size <= width) {
      current += spaceSize ? pendingSpace : '';
      current += token.text;
      used += spaceSize + size;
      pendingSpace = '';
      continue;
    }
    // Does not fit: on the next line, or cut when it fits on no line.
    if (size <= width - indent) {
      if (used > (lines.length ? indent : 0)) flush();
      current += token.text;
      used += size;
      pendingSpace = '';
      continue;
    }
    const room = width - used - spaceSize;
    const start = room >= 8 ? room : 0;
    if (start === 0 && used > (lines.length ? indent : 0)) flush();
    else current += spaceSize ? pendingSpace : '';
    const pieces = cutWord(token.text, start || width - used, width - indent);
    pieces.forEach((piece, i) => {
      if (i > 0) flush();
      current += piece;
      used += visibleWidth(piece);
    });
    pendingSpace = '';
  }
  lines.push(current.replace(/ +$/, ''));
  return lines;
}

/** Every line of `text` wrapped to `width` columns. */
export function wrapText(text: string, width: number): string {
  return text
    .split('\n')
    .flatMap((line) => wrapLine(line, width))
    .join('\n');
}

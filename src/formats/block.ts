// The managed block in shell profiles and env files. Everything between the two marker lines is
// ours and rewritten whole; everything outside them is the user's and copied byte for byte.
//
//   # >>> setup-gateway >>>
//   # Written by setup-gateway: changes inside this block are replaced on the next run.
//   export OPENAI_BASE_URL='https://gateway.example/v1'
//   # <<< setup-gateway <<<
//
// Quoting per dialect (values are always quoted, so no character is special by accident):
// - posix (sh, bash, zsh): `export NAME='value'`; a `'` is written `'\''`.
// - fish: `set -gx NAME 'value'`; inside fish single quotes only `\\` and `\'` are escapes.
// - powershell: `$env:NAME = 'value'`; a quote is doubled. PowerShell also treats the
//   typographic quotes U+2018..U+201B as single quotes, so those are doubled too.
// - dotenv: `NAME="value"` with `\\`, `\"`, `\$` and `\n` escapes: the double-quoted flavour
//   of python-dotenv, Docker Compose and Node's dotenv for `\n`, and of POSIX shells for `\\`,
//   `\"` and `\$` (so `set -a; . ./.env` works for values without newlines). Loaders disagree on
//   backslashes and `$` (Compose wants `$$`; Node's dotenv keeps `\\` as two characters), so a
//   recipe should not rely on those in dotenv values.
// Shell values may not contain a line break (it would end the assignment in some shells and
// break the line-based block) and no value may contain NUL (no environment can hold it).

import { UnsafeEditError, type BlockDialect, type ManagedBlock } from './types.js';
import { detectEol, lineStartAt, nextLineStart, restoreBom, stripBom, type Eol } from './text.js';

export const BLOCK_START = '# >>> setup-gateway >>>';
export const BLOCK_END = '# <<< setup-gateway <<<';
const NOTE = '# Written by setup-gateway: changes inside this block are replaced on the next run.';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One assignment in the dialect's syntax; throws on a bad name or an unrepresentable value. */
export function renderAssignment(dialect: BlockDialect, name: string, value: string): string {
  if (!NAME.test(name)) throw new Error(`invalid environment variable name ${JSON.stringify(name)}: use letters, digits and _`);
  if (value.includes('\0')) throw new Error(`the value of ${name} contains a NUL character, which no environment can hold`);
  if (dialect !== 'dotenv' && /[\r\n]/.test(value)) {
    throw new Error(`the value of ${name} contains a line break, which cannot be written to a shell profile`);
  }
  switch (dialect) {
    case 'posix':
      return `export ${name}='${value.replaceAll("'", "'\\''")}'`;
    case 'fish':
      return `set -gx ${name} '${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
    case 'powershell':
      return `$env:${name} = '${value.replace(/['\u2018\u2019\u201A\u201B]/g, (c) => c + c)}'`;
    case 'dotenv':
      return `${name}="${value.replace(/\r\n|[\\"$\n\r]/g, (c) => (c === '\n' || c === '\r\n' ? '\\n' : c === '\r' ? '\\r' : `\\${c}`))}"`;
  }
}

/** The block's lines, markers included, each ending with `eol`. */
export function renderBlock(block: ManagedBlock, eol: Eol = '\n'): string {
  const lines = [BLOCK_START, NOTE, ...block.vars.map((v) => renderAssignment(block.dialect, v.name, v.value))];
  for (const line of block.lines ?? []) {
    if (/[\r\n]/.test(line)) throw new Error('a managed-block line must not contain a line break');
    if (isMarker(line)) throw new Error('a managed-block line must not be a setup-gateway marker');
    lines.push(line);
  }
  lines.push(BLOCK_END);
  return lines.map((line) => line + eol).join('');
}

function isMarker(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === BLOCK_START || trimmed === BLOCK_END;
}

/** Where the block sits: from its start marker's line to past its end marker's line break. */
export function findBlock(text: string): { start: number; end: number } | null {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let at = 0; at < text.length; at = nextLineStart(text, at)) {
    const line = text.slice(at, nextLineStart(text, at)).trim();
    if (line === BLOCK_START) starts.push(at);
    else if (line === BLOCK_END) ends.push(at);
  }
  if (starts.length === 0 && ends.length === 0) return null;
  if (starts.length > 1 || ends.length > 1) {
    throw new UnsafeEditError('the file holds more than one setup-gateway block; remove the extra one by hand');
  }
  const [start] = starts;
  const [end] = ends;
  if (start === undefined || end === undefined || end < start) {
    throw new UnsafeEditError(
      `the file has a "${start === undefined ? BLOCK_END : BLOCK_START}" marker without its partner; fix the setup-gateway block by hand`,
    );
  }
  return { start, end: nextLineStart(text, end) };
}

/**
 * Put `block` into `text`: in place of the existing block (same position), else at the end after
 * a blank line; `null` removes the block and nothing else. Returns `text` itself when unchanged.
 */
export function applyBlock(text: string, block: ManagedBlock | null): string {
  const { bom, body } = stripBom(text);
  const eol = detectEol(body);
  const found = findBlock(body);
  let result: string;
  if (found) {
    let rendered = block ? renderBlock(block, eol) : '';
    // The block was the unterminated last line: keep the file without a final newline.
    if (rendered && found.end === body.length && !body.endsWith('\n')) rendered = rendered.slice(0, -eol.length);
    result = body.slice(0, found.start) + rendered + body.slice(found.end);
  } else {
    if (!block) return text;
    let before = body;
    if (before !== '') {
      if (!before.endsWith('\n')) before += eol;
      // One blank line between the user's content and ours.
      const lastLine = before.slice(lineStartAt(before, before.length - 1)).trim();
      if (lastLine !== '') before += eol;
    }
    result = before + renderBlock(block, eol);
  }
  return result === body ? text : restoreBom(result, bom);
}

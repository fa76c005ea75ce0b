// TOML editor (Codex's config.toml).
//
// smol-toml parses and validates; its stringify is never used, because rewriting the file from
// data drops every comment. Instead a small scanner finds where each table header and key/value
// statement starts and ends (stepping over comments, multi-line strings, multi-line arrays and
// inline tables, so a `[fake]` or `key =` inside them is never mistaken for structure), and edits
// splice single statements:
//
// - an existing key's value is replaced in place, keeping the comment after it;
// - a new key goes after the last key/value line of its table; a new root key after the last
//   root key or, when there is none, after the file's leading comment block and its blank line
//   (at the very top when those comments sit directly on the first header, since they describe
//   it), followed by a blank line when a header or comment comes next;
// - a new table is appended at the end of the file after a blank line; one known only through
//   its sub-tables (`[a.b]` exists, `a` gets a key) gets its own `[a]` header there too;
// - a removed key loses its line(s); a removed table loses its header and its key/value lines.
//
// Where a path is written in a form that cannot be edited without rewriting the user's text (an
// inline table, dotted keys defining its parent, an array of tables, array items) the editor
// throws UnsafeEditError. Every result is re-parsed and compared with the oracle.

import { parse as parseToml, TomlError } from 'smol-toml';
import { editByPrimitives, formatPath, isPlainObject, type Primitive } from './ops.js';
import { FormatParseError, UnsafeEditError, type EditOp, type JsonValue, type KeyPath, type StructuredEditor } from './types.js';
import {
  detectEol,
  doubleQuoted,
  insertLinesAfter,
  insertLinesBefore,
  lineIndentAt,
  lineStartAt,
  nextLineStart,
  restoreBom,
  splice,
  stripBom,
  deleteLines,
  type Eol,
} from './text.js';

function parseBody(body: string): unknown {
  try {
    return parseToml(body);
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '') ?? 'syntax error';
      throw new FormatParseError(`invalid TOML: ${reason}`, error.line, error.column);
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// The scanner. It runs only on text smol-toml has accepted, so it can be simple: any surprise is
// an internal error, reported as UnsafeEditError so nothing is written.

interface Header {
  kind: 'table' | 'arrayTable';
  path: string[];
  start: number;
  end: number;
}

interface KeyValue {
  kind: 'kv';
  /** The table whose body holds the statement ([] for the root). */
  section: string[];
  /** The key as written, split at dots: `a.b = 1` has ['a', 'b']. */
  key: string[];
  /** section + key. */
  path: string[];
  start: number;
  valueStart: number;
  valueEnd: number;
}

type Statement = Header | KeyValue;

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  fail(): never {
    throw new UnsafeEditError(`could not follow the TOML structure near offset ${this.pos}; nothing was written`);
  }

  peek(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  skipBlanks(): void {
    while (this.pos < this.text.length && ' \t'.includes(this.text[this.pos] ?? '')) this.pos++;
  }

  /** Whitespace, line breaks and comments (inside arrays and between statements). */
  skipTrivia(): void {
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n') this.pos++;
      else if (ch === '#') this.skipComment();
      else return;
    }
  }

  skipComment(): void {
    const nl = this.text.indexOf('\n', this.pos);
    this.pos = nl === -1 ? this.text.length : nl;
  }

  statements(): Statement[] {
    const result: Statement[] = [];
    let section: string[] = [];
    for (;;) {
      this.skipTrivia();
      if (this.pos >= this.text.length) return result;
      const start = this.pos;
      if (this.peek('[')) {
        const kind = this.peek('[[') ? 'arrayTable' : 'table';
        this.pos += kind === 'arrayTable' ? 2 : 1;
        const path = this.key();
        if (!this.peek(kind === 'arrayTable' ? ']]' : ']')) this.fail();
        this.pos += kind === 'arrayTable' ? 2 : 1;
        result.push({ kind, path, start, end: this.pos });
        section = path;
      } else {
        const key = this.key();
        if (!this.peek('=')) this.fail();
        this.pos++;
        this.skipBlanks();
        const valueStart = this.pos;
        this.value();
        result.push({ kind: 'kv', section, key, path: [...section, ...key], start, valueStart, valueEnd: this.pos });
      }
      this.skipBlanks();
      if (this.peek('#')) this.skipComment();
      if (this.peek('\r')) this.pos++;
      if (this.pos < this.text.length && !this.peek('\n')) this.fail();
    }
  }

  /** A dotted key, decoded: `a."b.c".'d'` → ['a', 'b.c', 'd']. */
  key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipBlanks();
      if (this.peek('"')) parts.push(decodeBasic(this.string('"')));
      else if (this.peek("'")) parts.push(this.string("'").slice(1, -1));
      else {
        const bare = /^[A-Za-z0-9_-]+/.exec(this.text.slice(this.pos, this.pos + 256));
        if (!bare) this.fail();
        parts.push(bare[0]);
        this.pos += bare[0].length;
      }
      this.skipBlanks();
      if (!this.peek('.')) return parts;
      this.pos++;
    }
  }

  /** A single-line string starting at pos; returns its source text including quotes. */
  string(quote: '"' | "'"): string {
    const start = this.pos++;
    while (this.pos < this.text.length && this.text[this.pos] !== quote) {
      if (quote === '"' && this.text[this.pos] === '\\') this.pos++;
      if (this.text[this.pos] === '\n') this.fail();
      this.pos++;
    }
    this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** A multi-line string; the closing delimiter may carry up to two extra quotes of content. */
  multiline(quote: '"""' | "'''"): void {
    this.pos += 3;
    for (;;) {
      if (this.pos >= this.text.length) this.fail();
      if (quote === '"""' && this.text[this.pos] === '\\') {
        this.pos += 2;
      } else if (this.peek(quote)) {
        let run = 3;
        while (run < 5 && this.text[this.pos + run] === quote[0]) run++;
        this.pos += run;
        return;
      } else this.pos++;
    }
  }

  value(): void {
    if (this.peek('"""')) return this.multiline('"""');
    if (this.peek("'''")) return this.multiline("'''");
    if (this.peek('"')) return void this.string('"');
    if (this.peek("'")) return void this.string("'");
    if (this.peek('[')) return this.collection(']', () => this.value());
    if (this.peek('{')) {
      return this.collection('}', () => {
        this.key();
        if (!this.peek('=')) this.fail();
        this.pos++;
        this.skipBlanks();
        this.value();
      });
    }
    // Numbers, booleans, dates: up to a delimiter, without trailing blanks.
    const start = this.pos;
    while (this.pos < this.text.length && !'#,]}\r\n'.includes(this.text[this.pos] ?? '')) this.pos++;
    while (this.pos > start && ' \t'.includes(this.text[this.pos - 1] ?? '')) this.pos--;
    if (this.pos === start) this.fail();
  }

  collection(close: string, item: () => void): void {
    this.pos++;
    for (;;) {
      this.skipTrivia();
      if (this.pos >= this.text.length) this.fail();
      if (this.peek(close)) {
        this.pos++;
        return;
      }
      if (this.peek(',')) this.pos++;
      else item();
    }
  }
}

const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\x1b', '"': '"', '\\': '\\' };

/** The value of a single-line basic string (a quoted key), quotes included in `source`. */
function decodeBasic(source: string): string {
  return source.slice(1, -1).replace(/\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)/g, (_, esc: string) => {
    if (esc.length > 1) return String.fromCodePoint(parseInt(esc.slice(1), 16));
    return ESCAPES[esc] ?? esc;
  });
}

// ---------------------------------------------------------------------------------------------
// Writing values.

function quote(value: string): string {
  return doubleQuoted(value, 'a TOML string', (code) => code < 0x20 || code === 0x7f);
}

function keyText(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : quote(key);
}

function pathText(path: readonly string[]): string {
  return path.map(keyText).join('.');
}

/** A value on one line: strings, numbers, booleans, arrays, inline tables. */
function inline(value: JsonValue, path: KeyPath): string {
  if (value === null) throw new Error(`TOML has no null: cannot write ${formatPath(path)}`);
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((item, i) => inline(item, [...path, i])).join(', ')}]`;
  const keys = Object.keys(value);
  if (keys.length === 0) return '{}';
  return `{ ${keys.map((k) => `${keyText(k)} = ${inline(value[k] as JsonValue, [...path, k])}`).join(', ')} }`;
}

/** Written as a `[table]` rather than inline: every object that is not inside an array. */
function isTable(value: JsonValue): value is { [key: string]: JsonValue } {
  return isPlainObject(value);
}

/** `[path]` with its keys, then its sub-tables, each after a blank line. */
function sectionLines(path: string[], table: { [key: string]: JsonValue }): string[] {
  const keys = Object.keys(table);
  const plain = keys.filter((k) => !isTable(table[k] as JsonValue));
  const lines: string[] = [];
  if (plain.length > 0 || keys.length === 0) {
    lines.push(`[${pathText(path)}]`, ...plain.map((k) => `${keyText(k)} = ${inline(table[k] as JsonValue, [...path, k])}`));
  }
  for (const k of keys.filter((key) => isTable(table[key] as JsonValue))) {
    if (lines.length > 0) lines.push('');
    lines.push(...sectionLines([...path, k], table[k] as { [key: string]: JsonValue }));
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// The primitives.

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

/** `prefix` is a (not necessarily strict) prefix of `path`. */
function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => s === path[i]);
}

function stringPath(path: KeyPath): string[] {
  if (path.some((seg) => typeof seg === 'number')) {
    throw new UnsafeEditError(`${formatPath(path)} is an array item; TOML arrays are only replaced whole`);
  }
  return path as string[];
}

class Doc {
  readonly statements: Statement[];
  readonly headers: Header[];
  readonly kvs: KeyValue[];
  readonly eol: Eol;

  constructor(readonly body: string) {
    this.statements = new Scanner(body).statements();
    this.headers = this.statements.filter((s): s is Header => s.kind !== 'kv');
    this.kvs = this.statements.filter((s): s is KeyValue => s.kind === 'kv');
    this.eol = detectEol(body);
  }

  /** Refuse paths whose definition we cannot edit line by line. */
  check(path: string[], verb: string): void {
    const aot = this.headers.find((h) => h.kind === 'arrayTable' && startsWith(path, h.path) && !same(path, h.path));
    if (aot) throw new UnsafeEditError(`cannot ${verb} ${formatPath(path)}: it lies inside the array of tables [[${pathText(aot.path)}]]; edit it by hand`);
    const owner = this.kvs.find((kv) => startsWith(path, kv.path) && !same(path, kv.path));
    if (owner) {
      throw new UnsafeEditError(
        `cannot ${verb} ${formatPath(path)}: it lies inside the inline value of ${formatPath(owner.path)} (written as { … } or [ … ]); edit it by hand`,
      );
    }
  }

  kvAt(path: string[]): KeyValue | undefined {
    return this.kvs.find((kv) => same(kv.path, path));
  }

  header(path: string[]): Header | undefined {
    return this.headers.find((h) => h.kind === 'table' && same(h.path, path));
  }

  /** Whether some dotted key written outside table `path` defines keys inside it. */
  dottedInto(path: string[]): KeyValue | undefined {
    return this.kvs.find((kv) => startsWith(kv.path, path) && !same(kv.path, path) && !startsWith(kv.section, path));
  }

  /** The key/value statements in the body of the section starting with `header`. */
  sectionKvs(header: Header): KeyValue[] {
    const index = this.statements.indexOf(header);
    const result: KeyValue[] = [];
    for (const s of this.statements.slice(index + 1)) {
      if (s.kind !== 'kv') break;
      result.push(s);
    }
    return result;
  }

  removeKv(kv: KeyValue): string {
    return deleteLines(this.body, kv.start, kv.valueEnd);
  }

  /** Remove table `path`: every section whose header is `path` or below it. */
  removeTable(path: string[]): string {
    const dotted = this.dottedInto(path);
    if (dotted) throw new UnsafeEditError(`${formatPath(path)} is defined with dotted keys (${formatPath(dotted.key)}); edit it by hand`);
    let text = this.body;
    const sections = this.headers.filter((h) => startsWith(h.path, path));
    for (const header of sections.reverse()) {
      const kvs = this.sectionKvs(header);
      const last = kvs[kvs.length - 1];
      let start = lineStartAt(text, header.start);
      let end = last ? last.valueEnd : header.end;
      // Take the blank line that separated the section from what precedes it (or, at the top of
      // the file, from what follows), so no double or leading blank line is left behind.
      const before = start > 0 ? lineStartAt(text, start - 1) : -1;
      const after = nextLineStart(text, end);
      if (before >= 0 && text.slice(before, start).trim() === '') start = before;
      else if (start === 0 && after < text.length && text.slice(after, nextLineStart(text, after)).trim() === '') end = after;
      text = deleteLines(text, start, end);
    }
    return text;
  }

  /** A new root key: after the last root key, else near the top (see the file comment). */
  insertRootKv(line: string): string {
    const text = this.body;
    const rootKvs = this.kvs.filter((kv) => kv.section.length === 0);
    const last = rootKvs[rootKvs.length - 1];
    if (last) return insertLinesAfter(text, last.valueEnd, [lineIndentAt(text, last.start) + line], this.eol);
    if (text === '') return line + this.eol;
    const first = this.headers[0];
    // Only comments and blank lines precede the first header (or make up the file).
    let at = 0;
    while (at < text.length && text.slice(at, lineEnd(text, at)).trimStart().startsWith('#')) at = nextLineStart(text, at);
    if (at >= text.length) {
      return text.endsWith('\n') ? text + line + this.eol : text + this.eol + line;
    }
    if (at > 0 && first && lineStartAt(text, first.start) === at) {
      // The leading comments sit right on the first header: they describe it, so go above them.
      at = 0;
    } else if (at > 0) {
      at = nextLineStart(text, at); // after the blank line that closes the leading comments
    }
    const following = text.slice(at, lineEnd(text, at)).trim();
    return insertLinesBefore(text, at, following === '' ? [line] : [line, ''], this.eol);
  }

  /** A new key in the body of the table at `header`. */
  insertIntoSection(header: Header, line: string): string {
    const kvs = this.sectionKvs(header);
    const last = kvs[kvs.length - 1];
    const anchor = last ? last.valueEnd : header.end;
    const indent = lineIndentAt(this.body, last ? last.start : header.start);
    return insertLinesAfter(this.body, anchor, [indent + line], this.eol);
  }

  /** New sections at the end of the file, after a blank line. */
  appendSections(lines: string[]): string {
    const text = this.body;
    if (text.trim() === '') return text + lines.join(this.eol) + this.eol;
    if (!text.endsWith('\n')) return text + this.eol + this.eol + lines.join(this.eol);
    const lastLine = text.slice(lineStartAt(text, text.length - 1), text.length).trim();
    return text + (lastLine === '' ? '' : this.eol) + lines.join(this.eol) + this.eol;
  }
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl;
}

function add(doc: Doc, parent: string[], key: string, value: JsonValue): string {
  const path = [...parent, key];
  doc.check(path, 'add');
  if (parent.length > 0) {
    if (doc.kvAt(parent)) throw new UnsafeEditError(`${formatPath(parent)} is an inline table; add ${formatPath(path)} by hand`);
    const dotted = doc.dottedInto(parent);
    if (dotted) throw new UnsafeEditError(`${formatPath(parent)} is defined with dotted keys (${formatPath(dotted.key)}); add ${formatPath(path)} by hand`);
  }
  if (isTable(value)) return doc.appendSections(sectionLines(path, value));
  const line = `${keyText(key)} = ${inline(value, path)}`;
  if (parent.length === 0) return doc.insertRootKv(line);
  const header = doc.header(parent);
  if (header) return doc.insertIntoSection(header, line);
  // Known only through sub-tables such as [parent.x]: give it its own header.
  return doc.appendSections([`[${pathText(parent)}]`, line]);
}

function remove(doc: Doc, path: string[]): string {
  doc.check(path, 'remove');
  const kv = doc.kvAt(path);
  if (!kv) return doc.removeTable(path);
  // `a.b = 1` is all that defines table `a`: deleting the line would delete `a` as well.
  for (let i = 1; i < kv.key.length; i++) {
    const table = [...kv.section, ...kv.key.slice(0, i)];
    const others = doc.statements.some((s) => s !== kv && startsWith(s.path, table) && !(s.kind === 'kv' && same(s.path, table)));
    if (!others) throw new UnsafeEditError(`removing ${formatPath(path)} would also remove the table ${formatPath(table)} it alone defines; edit it by hand`);
  }
  return doc.removeKv(kv);
}

function applyPrimitive(body: string, primitive: Primitive): string {
  const doc = new Doc(body);
  switch (primitive.kind) {
    case 'add':
      return add(doc, stringPath(primitive.parent), primitive.key, primitive.value);
    case 'remove':
      return remove(doc, stringPath(primitive.path));
    case 'append':
      throw new UnsafeEditError(`${formatPath(primitive.path)} is an array; TOML arrays are only replaced whole`);
    case 'replace': {
      const path = stringPath(primitive.path);
      doc.check(path, 'set');
      const kv = doc.kvAt(path);
      if (kv && !isTable(primitive.value)) {
        return splice(body, kv.valueStart, kv.valueEnd, inline(primitive.value, path));
      }
      // A table replacing a value, or anything replacing a table: remove, then add afresh.
      const removed = kv ? doc.removeKv(kv) : doc.removeTable(path);
      return add(new Doc(removed), path.slice(0, -1), path[path.length - 1] as string, primitive.value);
    }
  }
}

function editTomlText(text: string, ops: readonly EditOp[]): string {
  const { bom, body } = stripBom(text);
  const edited = editByPrimitives(body, ops, parseBody, applyPrimitive, 'TOML');
  return edited === body ? text : restoreBom(edited, bom);
}

export const tomlEditor: StructuredEditor = {
  format: 'toml',
  parse: (text) => parseBody(stripBom(text).body),
  edit: editTomlText,
};

// The scanner is exported for its own tests.
export { Scanner as TomlScanner };

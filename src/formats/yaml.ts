// YAML editor (Aider's .aider.conf.yml, Continue's and Goose's config.yaml).
//
// The `yaml` package parses; it does not write. Its Document#toString re-flows untouched parts
// (measured with yaml 2.9.1: `key: v   # c` loses its alignment, `{a: 1}` becomes `{ a: 1 }`,
// a missing final newline is added), so instead every edit is a splice at the source offsets the
// parser reports (`node.range`), and new text comes from the small renderer below. What is not
// spliced is copied byte for byte: comments, blank lines, quoting, flow style, anchors, `---`,
// CRLF. Each edit is then re-parsed and checked against the oracle (see ops.ts).
//
// Multi-document files are refused (UnsafeEditError): the programs we configure read one
// document (PyYAML's safe_load, as Aider uses, rejects a second one), so there is no right
// document to pick. Anchored values, paths through aliases or `<<` merge keys, and removals
// inside flow collections are refused as well, rather than guessed.
//
// An empty or comments-only file is an empty mapping; new keys are appended after its text.
// Removing the last key of a nested mapping writes `key: {}` (an empty block would read as null).
// New strings are plain only when YAML 1.1 readers (PyYAML) and 1.2 readers agree they are strings.

import {
  isAlias,
  isCollection,
  isMap,
  isNode,
  isScalar,
  isSeq,
  parseAllDocuments,
  parseDocument,
  visit,
  type Alias,
  type Document,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { editByPrimitives, formatPath, type Primitive } from './ops.js';
import { FormatParseError, UnsafeEditError, type EditOp, type JsonValue, type KeyPath, type StructuredEditor } from './types.js';
import {
  deleteLines,
  detectEol,
  detectIndent,
  doubleQuoted,
  insertLinesAfter,
  isFirstOnLine,
  lineStartAt,
  offsetToLineColumn,
  restoreBom,
  splice,
  stripBom,
  type Eol,
} from './text.js';

// `merge: true` reads `<<: *base` the way PyYAML and js-yaml do, so the oracle sees what the
// agent sees.
const OPTIONS = { merge: true, uniqueKeys: true, prettyErrors: true } as const;

type Range = [number, number, number];

function parseError(error: { message: string; linePos?: [{ line: number; col: number }] | [{ line: number; col: number }, unknown] }): FormatParseError {
  const pos = error.linePos?.[0];
  const reason = error.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? error.message;
  return new FormatParseError(`invalid YAML: ${reason}`, pos?.line ?? 1, pos?.col ?? 1);
}

// The edit loop parses the same text twice in a row (to read it, then to edit it); the yaml
// parser's duplicate-key check is quadratic in the number of keys, so remember the last one.
let lastLoaded: { body: string; doc: Document.Parsed } | undefined;

/** The single document of a BOM-less body; throws FormatParseError or, for several, UnsafeEditError. */
function load(body: string): Document.Parsed {
  if (lastLoaded?.body === body) return lastLoaded.doc;
  const docs = parseAllDocuments(body, OPTIONS);
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    const first = doc.errors[0];
    if (first) throw parseError(first);
  }
  if (list.length > 1) {
    throw new UnsafeEditError(`the file holds ${list.length} YAML documents (separated by ---); only single-document files are edited`);
  }
  // A stream of only comments has no document at all; parse it as one empty document.
  const doc = list[0] ?? parseDocument(body, OPTIONS);
  const first = doc.errors[0];
  if (first) throw parseError(first);
  lastLoaded = { body, doc };
  return doc;
}

function toData(doc: Document.Parsed, body: string): unknown {
  // An empty or comments-only document has no contents: it is an empty mapping for us.
  if (isEmptyDocument(doc)) return {};
  let unresolved: Alias | undefined;
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) === undefined) {
        unresolved = alias;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (unresolved) {
    const { line, column } = offsetToLineColumn(body, unresolved.range?.[0] ?? 0);
    throw new FormatParseError(`invalid YAML: the alias *${unresolved.source} has no anchor before it`, line, column);
  }
  const data = doc.toJS() as unknown;
  if (isCyclic(data, new Set())) throw new UnsafeEditError('the file contains an alias inside its own anchor (a recursive structure)');
  return data;
}

/** Whether `value` contains itself (an anchor aliased inside its own node). */
function isCyclic(value: unknown, path: Set<unknown>): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (path.has(value)) return true;
  path.add(value);
  const children = Array.isArray(value) ? value : Object.values(value);
  const found = children.some((child) => isCyclic(child, path));
  path.delete(value);
  return found;
}

function parseYaml(text: string): unknown {
  const { body } = stripBom(text);
  return toData(load(body), body);
}

// ---------------------------------------------------------------------------------------------
// Rendering new values. Strings are plain only when every YAML 1.1 and 1.2 reader agrees they are
// strings; everything else is double-quoted with escapes, which both versions read the same way.

const RESERVED = /^(?:y|n|yes|no|true|false|on|off|null)$/i;
const PLAIN_BLOCK = /^[A-Za-z_/][A-Za-z0-9_./@+~:-]*$/;
const PLAIN_FLOW = /^[A-Za-z_/][A-Za-z0-9_./@+~-]*$/;

function quote(value: string): string {
  // Controls, and the characters YAML 1.1 treats as line breaks or strips (NEL, LS, PS, BOM).
  return doubleQuoted(value, 'a YAML string', (code) => code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || code === 0xfeff);
}

function scalarText(value: string | number | boolean | null, flow: boolean): string {
  if (typeof value === 'string') {
    const plain = (flow ? PLAIN_FLOW : PLAIN_BLOCK).test(value) && !RESERVED.test(value) && !value.endsWith(':');
    return plain ? value : quote(value);
  }
  return value === null ? 'null' : String(value);
}

function isInline(value: JsonValue): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length === 0;
  return true;
}

/** One-line flow text: scalars, `[a, b]`, `{ k: v }`. */
function flowText(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(flowText).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return '{}';
    return `{ ${keys.map((k) => `${scalarText(k, true)}: ${flowText(value[k] as JsonValue)}`).join(', ')} }`;
  }
  return scalarText(value, true);
}

/** A value written on one line: a scalar in block context is not bound by flow rules. */
function inlineText(value: JsonValue, flow: boolean): string {
  return value !== null && typeof value === 'object' ? flowText(value) : scalarText(value, flow);
}

interface Style {
  eol: Eol;
  /** Spaces per nesting level of mappings. */
  unit: number;
  /** Whether `- ` items are indented under their key (`key:\n  - a`) or level with it. */
  indentSeq: boolean;
}

/** Block lines for a non-empty mapping or sequence whose entries start at column `col`. */
function blockLines(value: JsonValue, col: number, style: Style): string[] {
  const pad = ' '.repeat(col);
  const lines: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isInline(item)) {
        lines.push(`${pad}- ${inlineText(item, false)}`);
      } else {
        const inner = blockLines(item, col + 2, style);
        lines.push(`${pad}- ${(inner[0] ?? '').slice(col + 2)}`, ...inner.slice(1));
      }
    }
    return lines;
  }
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      const item = value[key] as JsonValue;
      const head = `${pad}${scalarText(key, false)}:`;
      if (isInline(item)) lines.push(`${head} ${inlineText(item, false)}`);
      else lines.push(head, ...blockLines(item, col + (Array.isArray(item) && !style.indentSeq ? 0 : style.unit), style));
    }
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Finding things in the document.

type Container = YAMLMap<unknown, unknown> | YAMLSeq<unknown>;

interface Slot {
  /** The value node; null for `key:` with nothing after it in some parser paths. */
  node: unknown;
  parent: Container;
  pair: Pair<unknown, unknown> | undefined;
  index: number;
}

function rangeOf(node: unknown): Range {
  if (isNode(node) && node.range) return node.range;
  throw new UnsafeEditError('a value without a source position cannot be edited');
}

function columnOf(body: string, offset: number): number {
  return offset - lineStartAt(body, offset);
}

/** The key as toJS would name it; `<<` merge keys carry a symbol value with merge enabled. */
function keyOf(pair: Pair<unknown, unknown>): string | undefined {
  if (!isScalar(pair.key)) return undefined;
  const { value } = pair.key;
  return typeof value === 'symbol' ? (value.description ?? '') : String(value);
}

/** The node at `path` (the document's contents for an empty path), refusing aliases and merges. */
function nodeAt(doc: Document.Parsed, path: KeyPath): unknown {
  let node: unknown = doc.contents;
  for (let i = 0; i < path.length; i++) node = slotIn(node, path, i).node;
  if (isAlias(node)) throw new UnsafeEditError(`${formatPath(path)} is an alias (*${node.source}); edit the anchored value instead`);
  return node;
}

/** A document with nothing in it (`---` alone): its contents are an empty null scalar. */
function isEmptyDocument(doc: Document.Parsed): boolean {
  return doc.contents === null || isEmptyNode(doc.contents);
}

function slotIn(container: unknown, path: KeyPath, i: number): Slot {
  const seg = path[i];
  const here = formatPath(path.slice(0, i));
  if (isAlias(container)) throw new UnsafeEditError(`${here} is an alias (*${container.source}); edit the anchored value instead`);
  if (isMap(container) && typeof seg === 'string') {
    const index = container.items.findIndex((pair) => keyOf(pair) === seg);
    const pair = container.items[index];
    if (pair === undefined) {
      if (container.items.some((p) => keyOf(p) === '<<')) {
        throw new UnsafeEditError(`${formatPath(path.slice(0, i + 1))} comes from a << merge key; edit it by hand`);
      }
      throw new UnsafeEditError(`${formatPath(path.slice(0, i + 1))} uses a key form that cannot be edited in place`);
    }
    return { node: pair.value, parent: container, pair, index };
  }
  if (isSeq(container) && typeof seg === 'number' && seg < container.items.length) {
    return { node: container.items[seg], parent: container, pair: undefined, index: seg };
  }
  throw new Error(`internal: ${formatPath(path.slice(0, i + 1))} not found in the YAML document`);
}

function slotAt(doc: Document.Parsed, path: KeyPath): Slot {
  return slotIn(nodeAt(doc, path.slice(0, -1)), path, path.length - 1);
}

/** Past the last character of a node's own text: trailing line breaks and blanks excluded. */
function contentEnd(body: string, node: unknown): number {
  const [start, end] = rangeOf(node);
  let i = end;
  while (i > start && /[ \t\r\n]/.test(body[i - 1] ?? '')) i--;
  return i;
}

/** Offset just past the `:` of a block pair; explicit `? key` pairs are refused. */
function colonEnd(body: string, pair: Pair<unknown, unknown>, path: KeyPath): number {
  let i = rangeOf(pair.key)[1];
  while (body[i] === ' ' || body[i] === '\t') i++;
  if (body[i] !== ':') throw new UnsafeEditError(`${formatPath(path)} uses an explicit "? key" entry; edit it by hand`);
  return i + 1;
}

function isEmptyNode(node: unknown): boolean {
  if (node === null || node === undefined) return true;
  if (!isScalar(node) || node.value !== null) return false;
  const [start, end] = rangeOf(node);
  return start === end;
}

function isBlockCollection(node: unknown): boolean {
  return isCollection(node) && !node.flow;
}

function refuseAnchor(node: unknown, path: KeyPath): void {
  if (isNode(node) && node.anchor) {
    throw new UnsafeEditError(`${formatPath(path)} carries the anchor &${node.anchor}; changing it would change its aliases too`);
  }
}

// ---------------------------------------------------------------------------------------------
// The primitives.

function replaceAt(body: string, doc: Document.Parsed, path: KeyPath, value: JsonValue, style: Style): string {
  const slot = slotAt(doc, path);
  const { node, parent, pair } = slot;
  refuseAnchor(node, path);
  const inline = isInline(value);
  if (parent.flow) {
    const [start, end] = rangeOf(node);
    return splice(body, start, end, flowText(value));
  }
  if (pair !== undefined) {
    const colon = colonEnd(body, pair, path);
    if (isEmptyNode(node)) {
      if (inline) return splice(body, colon, colon, ` ${inlineText(value, false)}`);
      return splice(body, colon, colon, style.eol + blockLines(value, childColumn(body, pair, value, style), style).join(style.eol));
    }
    let start = colon;
    while (body[start] === ' ' || body[start] === '\t') start++;
    const end = contentEnd(body, node);
    const onKeyLine = !body.slice(start, rangeOf(node)[0]).includes('\n');
    if (inline) {
      if (onKeyLine && !isBlockCollection(node)) return splice(body, start, end, inlineText(value, false));
      return splice(body, colon, end, ` ${inlineText(value, false)}`);
    }
    if (isBlockCollection(node) && isSeq(node) === Array.isArray(value) && isFirstOnLine(body, rangeOf(node)[0])) {
      // Same kind of block: rewrite it where it stands, keeping anything between key and value.
      const col = columnOf(body, rangeOf(node)[0]);
      return splice(body, rangeOf(node)[0], end, blockLines(value, col, style).join(style.eol).slice(col));
    }
    return splice(body, colon, end, style.eol + blockLines(value, childColumn(body, pair, value, style), style).join(style.eol));
  }
  // An item of a block sequence: the text after its `- `.
  let [start] = rangeOf(node);
  const prefix = body[start - 1] === '-' ? ' ' : '';
  const end = isEmptyNode(node) ? start : contentEnd(body, node);
  if (inline) return splice(body, start, end, prefix + inlineText(value, false));
  const col = columnOf(body, start) + prefix.length;
  if (isEmptyNode(node)) start = end;
  return splice(body, start, end, prefix + blockLines(value, col, style).join(style.eol).slice(col));
}

/** Column for the entries of a new block value under `pair`. */
function childColumn(body: string, pair: Pair<unknown, unknown>, value: JsonValue, style: Style): number {
  const keyColumn = columnOf(body, rangeOf(pair.key)[0]);
  return keyColumn + (Array.isArray(value) && !style.indentSeq ? 0 : style.unit);
}

function addTo(body: string, doc: Document.Parsed, parentPath: KeyPath, key: string, value: JsonValue, style: Style): string {
  const entry: { [key: string]: JsonValue } = {};
  Object.defineProperty(entry, key, { value, enumerable: true, writable: true, configurable: true });
  if (parentPath.length === 0 && isEmptyDocument(doc)) {
    // Empty or comments-only document: the mapping starts after whatever is there.
    const lines = blockLines(entry, 0, style).join(style.eol);
    if (body === '') return lines + style.eol;
    return body.endsWith('\n') ? body + lines + style.eol : body + style.eol + lines;
  }
  const map = nodeAt(doc, parentPath);
  if (!isMap(map)) throw new Error(`internal: ${formatPath(parentPath)} is not a YAML mapping`);
  const last = map.items[map.items.length - 1];
  if (map.flow) {
    if (last === undefined) {
      if (parentPath.length > 0) return replaceAt(body, doc, parentPath, entry, style);
      const [start, end] = rangeOf(map);
      return splice(body, start, end, blockLines(entry, 0, style).join(style.eol));
    }
    const end = rangeOf(last.value ?? last.key)[1];
    return splice(body, end, end, `, ${scalarText(key, true)}: ${flowText(value)}`);
  }
  const first = map.items[0];
  if (first === undefined || last === undefined) throw new Error('internal: empty block mapping');
  const col = columnOf(body, rangeOf(first.key)[0]);
  const end = isEmptyNode(last.value) ? colonEnd(body, last, [...parentPath, String(keyOf(last))]) : contentEnd(body, last.value);
  return insertLinesAfter(body, end, blockLines(entry, col, style), style.eol);
}

function removeAt(body: string, doc: Document.Parsed, path: KeyPath, style: Style): string {
  const slot = slotAt(doc, path);
  const { node, parent, pair, index } = slot;
  if (parent.flow) throw new UnsafeEditError(`${formatPath(path)} is inside a flow collection ({…} or […]); remove it by hand`);
  if (parent.items.length === 1 && path.length > 1) {
    // Removing the only entry: say `{}`/`[]` explicitly, since an empty block reads as null.
    return replaceAt(body, doc, path.slice(0, -1), isMap(parent) ? {} : [], style);
  }
  if (pair !== undefined) {
    const keyStart = rangeOf(pair.key)[0];
    if (isFirstOnLine(body, keyStart)) {
      const end = isEmptyNode(node) ? colonEnd(body, pair, path) : contentEnd(body, node);
      return deleteLines(body, keyStart, end);
    }
    // The first entry of a `- key: value` item: pull the next entry up behind the dash.
    const next = parent.items[index + 1] as Pair<unknown, unknown> | undefined;
    if (next === undefined) throw new UnsafeEditError(`${formatPath(path)} cannot be removed in place`);
    return splice(body, keyStart, rangeOf(next.key)[0], '');
  }
  const [start] = rangeOf(node);
  let dash = start - 1;
  while (body[dash] === ' ') dash--;
  if (body[dash] !== '-' || !isFirstOnLine(body, dash)) throw new UnsafeEditError(`${formatPath(path)} cannot be removed in place`);
  return deleteLines(body, dash, isEmptyNode(node) ? start : contentEnd(body, node));
}

function appendTo(body: string, doc: Document.Parsed, path: KeyPath, value: JsonValue, style: Style): string {
  const seq = nodeAt(doc, path);
  if (!isSeq(seq)) throw new Error(`internal: ${formatPath(path)} is not a YAML sequence`);
  const last = seq.items[seq.items.length - 1];
  if (last === undefined) return replaceAt(body, doc, path, [value], style);
  if (seq.flow) {
    const end = rangeOf(last)[1];
    return splice(body, end, end, `, ${flowText(value)}`);
  }
  const col = columnOf(body, rangeOf(seq)[0]);
  const end = isEmptyNode(last) ? rangeOf(last)[0] : contentEnd(body, last);
  return insertLinesAfter(body, end, blockLines([value], col, style), style.eol);
}

/** Whether block sequences sit indented under their key; true when the file has no example. */
function detectIndentSeq(body: string, node: unknown): boolean | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isSeq(pair.value) && !pair.value.flow && isScalar(pair.key) && pair.key.range && pair.value.range) {
        return columnOf(body, pair.value.range[0]) > columnOf(body, pair.key.range[0]);
      }
      const inner = detectIndentSeq(body, pair.value);
      if (inner !== undefined) return inner;
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      const inner = detectIndentSeq(body, item);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

function applyPrimitive(body: string, primitive: Primitive): string {
  const doc = load(body);
  const style: Style = {
    eol: detectEol(body),
    // YAML indents with spaces only; tabs seen here can only be inside scalars.
    unit: detectIndent(body).tabs ? 2 : detectIndent(body).size,
    indentSeq: detectIndentSeq(body, doc.contents) ?? true,
  };
  switch (primitive.kind) {
    case 'replace':
      return replaceAt(body, doc, primitive.path, primitive.value, style);
    case 'add':
      return addTo(body, doc, primitive.parent, primitive.key, primitive.value, style);
    case 'remove':
      return removeAt(body, doc, primitive.path, style);
    case 'append':
      return appendTo(body, doc, primitive.path, primitive.value, style);
  }
}

function editYaml(text: string, ops: readonly EditOp[]): string {
  const { bom, body } = stripBom(text);
  const edited = editByPrimitives(body, ops, (t) => toData(load(t), t), applyPrimitive, 'YAML');
  return edited === body ? text : restoreBom(edited, bom);
}

export const yamlEditor: StructuredEditor = {
  format: 'yaml',
  parse: parseYaml,
  edit: editYaml,
};

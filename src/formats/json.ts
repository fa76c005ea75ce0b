// JSON and JSONC (comments, trailing commas) editor.
//
// jsonc-parser does the parsing: `parseTree` gives every value's offset, and its scanner finds
// commas and comments. Its `modify` is NOT used to write: measured against jsonc-parser 3.3.1 it
// moves a trailing `// comment` of the last property onto the inserted one, deletes the comments
// between a removed property and its neighbours, and re-formats neighbouring array items onto
// several lines. So edits here are explicit splices that touch only the owned member plus, where
// JSON grammar demands it, the one comma next to it.

import { createScanner, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { json5Reason, json5SyntaxAt } from './json5.js';
import { editByPrimitives, formatPath, setOwn, applyOpsToValue, deepEqual, type Primitive } from './ops.js';
import { FormatParseError, UnsafeEditError, type EditOp, type JsonValue, type KeyPath, type StructuredEditor } from './types.js';
import {
  detectEol,
  detectIndent,
  isFirstOnLine,
  lineEndAt,
  lineIndentAt,
  lineStartAt,
  offsetToLineColumn,
  restoreBom,
  splice,
  stripBom,
  deleteLines,
  type Eol,
} from './text.js';

// jsonc-parser's SyntaxKind is a `const enum`, which isolatedModules cannot import.
const COMMA = 5;
const LINE_COMMENT = 12;
const BLOCK_COMMENT = 13;
const LINE_BREAK = 14;
const WHITESPACE = 15;
const EOF = 17;

const PARSE_OPTIONS = { disallowComments: false, allowTrailingComma: true, allowEmptyContent: false };

/** `ValueExpected` → `value expected`; JSON5-only syntax (an unquoted key…) is named as such. */
function describeError(error: ParseError, body: string): string {
  const code = printParseErrorCode(error.error);
  const json5 = json5SyntaxAt(body, error.offset, code);
  if (json5 !== undefined) return json5Reason(json5);
  return `invalid JSON: ${code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`;
}

/** Parse a BOM-less, non-blank body into its tree, or throw FormatParseError at the first error. */
function parseBody(body: string): Node {
  const errors: ParseError[] = [];
  const root = parseTree(body, errors, PARSE_OPTIONS);
  const first = errors[0];
  if (first !== undefined || root === undefined) {
    const { line, column } = offsetToLineColumn(body, first?.offset ?? 0);
    throw new FormatParseError(first ? describeError(first, body) : 'invalid JSON: value expected', line, column);
  }
  return root;
}

/** Plain data from a tree; built by hand so a `__proto__` key stays an ordinary key. */
function toValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        if (key !== undefined && value !== undefined) setOwn(result, String(key.value), toValue(value));
      }
      return result;
    }
    case 'array':
      return (node.children ?? []).map(toValue);
    default:
      return node.value as unknown;
  }
}

function isBlank(body: string): boolean {
  return body.trim() === '';
}

function parseJson(text: string): unknown {
  const { body } = stripBom(text);
  return isBlank(body) ? {} : toValue(parseBody(body));
}

// ---------------------------------------------------------------------------------------------
// Finding things.

interface Located {
  /** The value at the path. */
  value: Node;
  /** What is removed with it: the property for an object member, the value for an array item. */
  member: Node;
  /** The object or array holding it. */
  container: Node;
}

function locate(root: Node, path: KeyPath): Located {
  let container = root;
  let located: Located | undefined;
  for (const seg of path) {
    const node: Node = located ? located.value : root;
    container = node;
    if (node.type === 'object' && typeof seg === 'string') {
      const matches = (node.children ?? []).filter((p) => p.children?.[0]?.value === seg);
      if (matches.length > 1) {
        throw new UnsafeEditError(`the key ${formatPath(path)} appears more than once in the file; remove the duplicate by hand`);
      }
      const property = matches[0];
      const value = property?.children?.[1];
      if (property === undefined || value === undefined) throw new Error(`internal: ${formatPath(path)} not found`);
      located = { value, member: property, container };
    } else if (node.type === 'array' && typeof seg === 'number') {
      const item = node.children?.[seg];
      if (item === undefined) throw new Error(`internal: ${formatPath(path)} not found`);
      located = { value: item, member: item, container };
    } else {
      throw new Error(`internal: ${formatPath(path)} not found`);
    }
  }
  if (located === undefined) return { value: root, member: root, container: root };
  return located;
}

interface Token {
  kind: number;
  offset: number;
  end: number;
}

/** The next token at or after `offset` that is not whitespace, a line break or a comment. */
function nextToken(body: string, offset: number): Token {
  const scanner = createScanner(body, false);
  scanner.setPosition(offset);
  for (;;) {
    const kind: number = scanner.scan();
    if (kind === WHITESPACE || kind === LINE_BREAK || kind === LINE_COMMENT || kind === BLOCK_COMMENT) continue;
    const start = scanner.getTokenOffset();
    return { kind, offset: start, end: start + scanner.getTokenLength() };
  }
}

/**
 * Where to put a new member after the one ending at `offset`: at the line break that follows it
 * and its comments (so a comment after the previous member stays with that member), or right
 * at `offset` when other tokens follow on the same line.
 */
function insertionPoint(body: string, offset: number): number {
  const scanner = createScanner(body, false);
  scanner.setPosition(offset);
  for (;;) {
    const kind: number = scanner.scan();
    if (kind === WHITESPACE || kind === BLOCK_COMMENT) continue;
    if (kind === LINE_COMMENT) return lineEndAt(body, scanner.getTokenOffset());
    if (kind === LINE_BREAK || kind === EOF) return scanner.getTokenOffset();
    return offset;
  }
}

/** Whether the rest of the line from `offset` holds only whitespace and comments. */
function restOfLineIsTrivia(body: string, offset: number): boolean {
  const scanner = createScanner(body, false);
  scanner.setPosition(offset);
  for (;;) {
    const kind: number = scanner.scan();
    if (kind === LINE_BREAK || kind === EOF || kind === LINE_COMMENT) return true;
    if (kind === WHITESPACE) continue;
    // A block comment that runs onto the next line cannot be cut at this line's end.
    if (kind === BLOCK_COMMENT && !scanner.getTokenValue().includes('\n')) continue;
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Writing values in the file's style.

interface Style {
  eol: Eol;
  unit: string;
  /** What sits between a key and its value, e.g. `: ` or `:`. */
  colon: string;
  /** The whole document is one line (minified): new members stay on it. */
  compactFile: boolean;
}

function styleOf(body: string, root: Node): Style {
  const first = root.children?.[0]?.children;
  let colon = ': ';
  if (root.type === 'object' && first?.[0] && first[1]) {
    const between = body.slice(first[0].offset + first[0].length, first[1].offset);
    if (/^[ \t]*:[ \t]*$/.test(between)) colon = between;
  }
  const multiLine = body.slice(root.offset, root.offset + root.length).includes('\n');
  return {
    eol: detectEol(body),
    unit: detectIndent(body).unit,
    colon,
    compactFile: !multiLine && (root.children?.length ?? 0) > 0,
  };
}

function compact(value: JsonValue, style: Style): string {
  const sep = style.colon.endsWith(' ') ? ', ' : ',';
  if (Array.isArray(value)) return `[${value.map((v) => compact(v, style)).join(sep)}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.keys(value).map((k) => JSON.stringify(k) + style.colon + compact(value[k] as JsonValue, style));
    return `{${members.join(sep)}}`;
  }
  return JSON.stringify(value);
}

/** The value as JSON text whose continuation lines start with `indent`. */
function render(value: JsonValue, indent: string, oneLine: boolean, style: Style): string {
  if (oneLine) return compact(value, style);
  return JSON.stringify(value, null, style.unit).split('\n').join(style.eol + indent);
}

function isOneLine(body: string, node: Node): boolean {
  return !body.slice(node.offset, node.offset + node.length).includes('\n');
}

// ---------------------------------------------------------------------------------------------
// The primitives.

/** Insert a member after the container's last one (or into it when empty). */
function insertMember(body: string, container: Node, member: (indent: string, oneLine: boolean) => string, style: Style): string {
  const children = container.children ?? [];
  const open = container.offset;
  const close = container.offset + container.length - 1;
  const last = children[children.length - 1];
  if (last !== undefined) {
    const lastEnd = last.offset + last.length;
    const after = nextToken(body, lastEnd);
    const trailingComma = after.kind === COMMA;
    const anchor = trailingComma ? after.end : lastEnd;
    if (!isOneLine(body, container)) {
      const indent = isFirstOnLine(body, last.offset) ? lineIndentAt(body, last.offset) : lineIndentAt(body, open) + style.unit;
      const text = member(indent, false) + (trailingComma ? ',' : '');
      const at = insertionPoint(body, anchor);
      const inserted = splice(body, at, at, style.eol + indent + text);
      return trailingComma ? inserted : splice(inserted, lastEnd, lastEnd, ',');
    }
    const sep = style.colon.endsWith(' ') ? ' ' : '';
    if (trailingComma) return splice(body, anchor, anchor, sep + member('', true) + ',');
    return splice(body, lastEnd, lastEnd, ',' + sep + member('', true));
  }
  const inner = body.slice(open + 1, close);
  if (inner.trim() === '' && !inner.includes('\n')) {
    if (style.compactFile) return splice(body, open + 1, close, member('', true));
    const base = lineIndentAt(body, open);
    const indent = base + style.unit;
    return splice(body, open + 1, close, style.eol + indent + member(indent, false) + style.eol + base);
  }
  if (isFirstOnLine(body, close)) {
    const indent = lineIndentAt(body, close) + style.unit;
    const at = lineStartAt(body, close);
    return splice(body, at, at, indent + member(indent, false) + style.eol);
  }
  const base = lineIndentAt(body, open);
  return splice(body, close, close, style.eol + base + style.unit + member(base + style.unit, false) + style.eol + base);
}

function removeMember(body: string, located: Located): string {
  const { member, container } = located;
  const siblings = container.children ?? [];
  const index = siblings.indexOf(member);
  const previous = index > 0 ? siblings[index - 1] : undefined;
  const start = member.offset;
  const end = member.offset + member.length;
  const after = nextToken(body, end);
  const commaAfter = after.kind === COMMA;
  const stop = commaAfter ? after.end : end;
  if (siblings.length === 1) {
    // The only member: when nothing but whitespace would remain, close the brackets up (`{}`).
    const open = container.offset + 1;
    const close = container.offset + container.length - 1;
    if (body.slice(open, start).trim() === '' && body.slice(stop, close).trim() === '') return splice(body, open, close, '');
  }
  if (isFirstOnLine(body, start) && restOfLineIsTrivia(body, stop)) {
    // The member owns its lines (and a comment at their end): drop them whole.
    let result = deleteLines(body, start, stop);
    if (!commaAfter && previous !== undefined) {
      // It was last without a trailing comma: the comma before it would now dangle.
      const comma = nextToken(body, previous.offset + previous.length);
      if (comma.kind === COMMA && comma.offset < start) result = splice(result, comma.offset, comma.end, '');
    }
    return result;
  }
  if (commaAfter) return splice(body, start, nextToken(body, after.end).offset, '');
  if (previous !== undefined) return splice(body, previous.offset + previous.length, end, '');
  return splice(body, start, end, '');
}

function applyPrimitive(body: string, primitive: Primitive): string {
  const root = parseBody(body);
  const style = styleOf(body, root);
  switch (primitive.kind) {
    case 'replace': {
      const located = locate(root, primitive.path);
      const { value } = located;
      // Inside a one-line object or array the new value stays on that line too (a replaced root,
      // e.g. `{}` becoming a list, has no such line to stay on).
      const oneLine = style.compactFile || (primitive.path.length > 0 && isOneLine(body, located.container));
      const text = render(primitive.value, lineIndentAt(body, value.offset), oneLine, style);
      return splice(body, value.offset, value.offset + value.length, text);
    }
    case 'add': {
      const parent = locate(root, primitive.parent).value;
      const key = JSON.stringify(primitive.key);
      return insertMember(body, parent, (indent, oneLine) => key + style.colon + render(primitive.value, indent, oneLine, style), style);
    }
    case 'append': {
      const list = locate(root, primitive.path).value;
      return insertMember(body, list, (indent, oneLine) => render(primitive.value, indent, oneLine, style), style);
    }
    case 'remove':
      return removeMember(body, locate(root, primitive.path));
  }
}

function editJson(text: string, ops: readonly EditOp[]): string {
  const { bom, body } = stripBom(text);
  if (isBlank(body)) {
    // Nothing to preserve: write a fresh document in the common style (2 spaces, LF).
    const expected = applyOpsToValue({}, ops);
    if (deepEqual(expected, {})) return text;
    return restoreBom(JSON.stringify(expected, null, 2) + '\n', bom);
  }
  const edited = editByPrimitives(body, ops, (t) => toValue(parseBody(t)), applyPrimitive, 'JSON');
  return edited === body ? text : restoreBom(edited, bom);
}

export const jsonEditor: StructuredEditor = {
  format: 'json',
  parse: parseJson,
  edit: editJson,
};

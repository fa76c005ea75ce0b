// The meaning of an EditOp on plain data. `applyOpsToValue` is the reference the editors are
// checked against: after editing text they re-parse it and demand deep equality with the oracle.
// `planOp` breaks an op into the few primitive text edits an editor implements; it is kept
// separate from the oracle on purpose, so that a planning bug shows up as a failed check instead
// of being agreed with.
//
// Conflicts with what the user wrote (setting `a.b` when `a` is a string) throw UnsafeEditError:
// we never overwrite user data to make room. A malformed op (empty path, upsert value that does
// not carry its match key) is a programming error in a recipe and throws a plain Error.

import { UnsafeEditError, type EditOp, type JsonValue, type KeyPath } from './types.js';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Own-property read; `__proto__` and friends are ordinary keys here. */
function own(object: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** Own-property write that cannot reach the prototype, even for the key `__proto__`. */
export function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Structural equality: key order ignored, array order significant, dates by their text. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && JSON.stringify(a) === JSON.stringify(b);
  }
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    // YAML !!binary reads as bytes.
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.byteLength !== b.byteLength) return false;
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    return x.every((byte, i) => byte === y[i]);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
  }
  return false;
}

/** Deep copy of plain objects and arrays; anything else (dates, numbers…) is shared. */
export function cloneData<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => cloneData(item)) as T;
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) setOwn(copy, key, cloneData(value[key]));
    return copy as T;
  }
  return value;
}

/** Human-readable path for messages: `model_providers.gw."base url"[0]`. */
export function formatPath(path: KeyPath): string {
  if (path.length === 0) return '(root)';
  return path
    .map((seg, i) => {
      if (typeof seg === 'number') return `[${seg}]`;
      const key = /^[A-Za-z0-9_-]+$/.test(seg) ? seg : JSON.stringify(seg);
      return i === 0 ? key : `.${key}`;
    })
    .join('');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a date';
  if (isPlainObject(value)) return 'an object';
  return `a ${typeof value}`;
}

/** The value at `path`, or undefined when any step is missing or not a container. */
export function getAt(data: unknown, path: KeyPath): unknown {
  let node = data;
  for (const seg of path) {
    if (typeof seg === 'number') {
      if (!Array.isArray(node)) return undefined;
      node = node[seg];
    } else {
      if (!isPlainObject(node)) return undefined;
      node = own(node, seg);
    }
  }
  return node;
}

function assertJsonValue(value: unknown, where: string): asserts value is JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${where}: ${value} is not a finite number`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertJsonValue(item, `${where}[${i}]`));
    return;
  }
  if (isPlainObject(value)) {
    for (const key of Object.keys(value)) assertJsonValue(value[key], `${where}.${key}`);
    return;
  }
  throw new Error(`${where}: ${describe(value)} is not a JSON value`);
}

function assertPath(path: KeyPath, rootAllowed = false): void {
  if (path.length === 0 && !rootAllowed) throw new Error('an edit path must not be empty');
  for (const seg of path) {
    if (typeof seg === 'number' && !(Number.isInteger(seg) && seg >= 0)) {
      throw new Error(`bad array index ${seg} in ${formatPath(path)}`);
    }
  }
}

function assertUpsertValue(op: Extract<EditOp, { op: 'upsert' }>): void {
  // Without its match key the appended entry could never be found again, and every run would
  // append one more copy.
  if (!isPlainObject(op.value) || own(op.value, op.match.key) !== op.match.value) {
    throw new Error(
      `upsert into ${formatPath(op.path)}: the value must be an object with ${op.match.key} = ${JSON.stringify(op.match.value)}`,
    );
  }
}

function validate(op: EditOp): void {
  // Only an upsert may target the root: a file whose top level is a list (chatLanguageModels.json).
  assertPath(op.path, op.op === 'upsert');
  if (op.op !== 'delete') assertJsonValue(op.value, formatPath(op.path));
  if (op.op === 'upsert') assertUpsertValue(op);
}

/** The index of the first entry whose `match.key` equals `match.value`, or -1. */
export function findMatch(list: readonly unknown[], match: { key: string; value: string }): number {
  return list.findIndex((item) => isPlainObject(item) && own(item, match.key) === match.value);
}

function conflict(path: KeyPath, at: KeyPath, found: unknown, wanted: string): UnsafeEditError {
  return new UnsafeEditError(
    `cannot edit ${formatPath(path)}: ${formatPath(at)} is ${describe(found)} in the file, not ${wanted}; ` +
      'fix or remove it by hand',
  );
}

// ---------------------------------------------------------------------------------------------
// The oracle.

/** Set `value` at `path` in `root` (mutating), creating objects for missing or null parents. */
function setIn(root: Record<string, unknown>, path: KeyPath, value: unknown): void {
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] as string | number;
    const last = i === path.length - 1;
    if (Array.isArray(node)) {
      if (typeof seg !== 'number') throw conflict(path, path.slice(0, i), node, 'an object');
      if (seg > node.length) throw new Error(`cannot set ${formatPath(path)}: index ${seg} is past the end`);
      if (last) {
        node[seg] = cloneData(value);
        return;
      }
      let child: unknown = node[seg];
      if (child === undefined || child === null) node[seg] = child = childFor(path, i + 1);
      node = child;
    } else if (isPlainObject(node)) {
      if (typeof seg !== 'string') throw conflict(path, path.slice(0, i), node, 'an array');
      if (last) {
        setOwn(node, seg, cloneData(value));
        return;
      }
      let child = own(node, seg);
      if (child === undefined || child === null) setOwn(node, seg, (child = childFor(path, i + 1)));
      node = child;
    } else {
      throw conflict(path, path.slice(0, i), node, typeof seg === 'number' ? 'an array' : 'an object');
    }
  }
}

/** The container to create when path[next] is missing: only objects can be created. */
function childFor(path: KeyPath, next: number): Record<string, unknown> {
  if (typeof path[next] === 'number') {
    throw new Error(`cannot set ${formatPath(path)}: ${formatPath(path.slice(0, next))} does not exist and arrays are not created by index`);
  }
  return {};
}

function deleteIn(root: unknown, path: KeyPath): void {
  const parent = getAt(root, path.slice(0, -1));
  const seg = path[path.length - 1] as string | number;
  if (typeof seg === 'number') {
    if (Array.isArray(parent) && seg < parent.length) parent.splice(seg, 1);
  } else if (isPlainObject(parent) && Object.hasOwn(parent, seg)) {
    delete parent[seg];
  }
}

/**
 * Apply `ops` in order to a deep copy of `data` and return it. `data` must be an object (the
 * root of a config file). Throws UnsafeEditError when an op conflicts with the data's shape.
 */
export function applyOpsToValue(data: unknown, ops: readonly EditOp[]): unknown {
  const rootList = ops.length > 0 && ops.every(isRootUpsert);
  if (!isPlainObject(data) && !(rootList && Array.isArray(data))) {
    throw new UnsafeEditError(`the file's top level is ${describe(data)}, not ${rootList ? 'an array' : 'an object'}`);
  }
  let root: Record<string, unknown> | unknown[] = cloneData(data);
  for (const op of ops) {
    validate(op);
    if (op.op === 'upsert' && isRootUpsert(op)) {
      root = upsertRoot(root, op);
      continue;
    }
    if (!isPlainObject(root)) throw new UnsafeEditError(`the file's top level is ${describe(root)}, not an object`);
    switch (op.op) {
      case 'set':
        setIn(root, op.path, op.value);
        break;
      case 'setDefault':
        if (getAt(root, op.path) === undefined) setIn(root, op.path, op.value);
        break;
      case 'delete':
        deleteIn(root, op.path);
        break;
      case 'upsert': {
        const list = getAt(root, op.path);
        if (list === undefined || list === null) {
          setIn(root, op.path, [op.value]);
        } else if (!Array.isArray(list)) {
          throw conflict(op.path, op.path, list, 'an array');
        } else {
          const index = findMatch(list, op.match);
          if (index === -1) list.push(cloneData(op.value));
          else list[index] = cloneData(op.value);
        }
        break;
      }
    }
  }
  return root;
}

type UpsertOp = Extract<EditOp, { op: 'upsert' }>;

/** Not a type predicate on purpose: `false` must not narrow away the upserts with a path. */
function isRootUpsert(op: EditOp): boolean {
  return op.op === 'upsert' && op.path.length === 0;
}

/**
 * The list a root upsert works on. A blank file reads as `{}` (every editor's contract), so an
 * empty object is taken as "no list yet"; an object with members is the user's and is refused.
 */
function rootList(root: unknown, op: UpsertOp): unknown[] {
  if (Array.isArray(root)) return root;
  if (isPlainObject(root) && Object.keys(root).length === 0) return [];
  throw conflict(op.path, op.path, root, 'an array');
}

function upsertRoot(root: unknown, op: UpsertOp): unknown[] {
  const list = rootList(root, op);
  const index = findMatch(list, op.match);
  if (index === -1) list.push(cloneData(op.value));
  else list[index] = cloneData(op.value);
  return list;
}

// ---------------------------------------------------------------------------------------------
// Planning: ops as primitive edits.

/**
 * What an editor must know how to do to text. Preconditions hold on the data the plan was made
 * from: `replace` and `remove` target an existing value; `add` targets an existing object that
 * lacks `key`; `append` targets an existing array.
 */
export type Primitive =
  | { kind: 'replace'; path: KeyPath; value: JsonValue }
  | { kind: 'add'; parent: KeyPath; key: string; value: JsonValue }
  | { kind: 'remove'; path: KeyPath }
  | { kind: 'append'; path: KeyPath; value: JsonValue };

/** `{a: {b: value}}` for rest = ['a', 'b']. */
function nest(path: KeyPath, from: number, value: JsonValue): JsonValue {
  let result = value;
  for (let i = path.length - 1; i >= from; i--) {
    const seg = path[i];
    if (typeof seg !== 'string') {
      throw new Error(`cannot set ${formatPath(path)}: ${formatPath(path.slice(0, i))} does not exist and arrays are not created by index`);
    }
    const wrapper: { [key: string]: JsonValue } = {};
    setOwn(wrapper, seg, result);
    result = wrapper;
  }
  return result;
}

/**
 * Primitives for setting `value` at `path`. An object replacing an object becomes per-key edits
 * (adds first, then removals), so comments and formatting inside it survive; everything else is
 * replaced whole.
 */
function planSet(data: unknown, path: KeyPath, value: JsonValue): Primitive[] {
  let node = data;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] as string | number;
    const here = path.slice(0, i);
    if (Array.isArray(node)) {
      if (typeof seg !== 'number') throw conflict(path, here, node, 'an object');
      if (seg > node.length) throw new Error(`cannot set ${formatPath(path)}: index ${seg} is past the end`);
      if (seg === node.length) return [{ kind: 'append', path: here, value: nest(path, i + 1, value) }];
    } else if (isPlainObject(node)) {
      if (typeof seg !== 'string') throw conflict(path, here, node, 'an array');
      if (!Object.hasOwn(node, seg)) return [{ kind: 'add', parent: here, key: seg, value: nest(path, i + 1, value) }];
    } else if (node === null && i > 0) {
      // A null parent holds no data: replace it with the objects leading to the value.
      return [{ kind: 'replace', path: here, value: nest(path, i, value) }];
    } else {
      throw conflict(path, here, node, typeof seg === 'number' ? 'an array' : 'an object');
    }
    node = typeof seg === 'number' ? (node as unknown[])[seg] : own(node as Record<string, unknown>, seg);
  }
  if (deepEqual(node, value)) return [];
  if (isPlainObject(node) && isPlainObject(value)) {
    const adds: Primitive[] = [];
    for (const key of Object.keys(value)) adds.push(...planSet(data, [...path, key], value[key] as JsonValue));
    const removals: Primitive[] = Object.keys(node)
      .filter((key) => !Object.hasOwn(value, key))
      .map((key) => ({ kind: 'remove', path: [...path, key] }));
    return [...adds, ...removals];
  }
  return [{ kind: 'replace', path, value }];
}

/** The primitive edits that carry out `op` on `data` (the file's current content). */
export function planOp(data: unknown, op: EditOp): Primitive[] {
  validate(op);
  if (op.op === 'upsert' && isRootUpsert(op)) {
    const list = rootList(data, op);
    if (list !== data) return [{ kind: 'replace', path: [], value: [op.value] }];
    const index = findMatch(list, op.match);
    if (index === -1) return [{ kind: 'append', path: [], value: op.value }];
    return planSet(data, [index], op.value);
  }
  if (!isPlainObject(data)) throw new UnsafeEditError(`the file's top level is ${describe(data)}, not an object`);
  switch (op.op) {
    case 'set':
      return planSet(data, op.path, op.value);
    case 'setDefault':
      return getAt(data, op.path) === undefined ? planSet(data, op.path, op.value) : [];
    case 'delete':
      return getAt(data, op.path) === undefined ? [] : [{ kind: 'remove', path: op.path }];
    case 'upsert': {
      const list = getAt(data, op.path);
      if (list === undefined || list === null) return planSet(data, op.path, [op.value]);
      if (!Array.isArray(list)) throw conflict(op.path, op.path, list, 'an array');
      const index = findMatch(list, op.match);
      if (index === -1) return [{ kind: 'append', path: op.path, value: op.value }];
      return planSet(data, [...op.path, index], op.value);
    }
  }
}

/** Apply one primitive to data in place (used to keep the model in step and in tests). */
export function applyPrimitive(data: unknown, p: Primitive): void {
  switch (p.kind) {
    case 'replace':
    case 'add': {
      const path = p.kind === 'add' ? [...p.parent, p.key] : p.path;
      const parent = getAt(data, path.slice(0, -1));
      const seg = path[path.length - 1] as string | number;
      if (Array.isArray(parent) && typeof seg === 'number') parent[seg] = cloneData(p.value);
      else if (isPlainObject(parent) && typeof seg === 'string') setOwn(parent, seg, cloneData(p.value));
      else throw new Error(`internal: cannot ${p.kind} at ${formatPath(path)}`);
      return;
    }
    case 'remove':
      deleteIn(data, p.path);
      return;
    case 'append': {
      const list = getAt(data, p.path);
      if (!Array.isArray(list)) throw new Error(`internal: no array at ${formatPath(p.path)}`);
      list.push(cloneData(p.value));
      return;
    }
  }
}

/**
 * The loop every editor shares. Parses the text, asks the oracle for the expected data (which
 * throws on conflicts before anything is touched), returns the text unchanged when the data
 * already matches, and otherwise applies each op's primitives one at a time, re-parsing after
 * each so offsets are always fresh. Finally the result must parse to exactly the expected data,
 * or nothing is returned at all.
 */
export function editByPrimitives(
  text: string,
  ops: readonly EditOp[],
  parse: (text: string) => unknown,
  apply: (text: string, primitive: Primitive) => string,
  format: string,
): string {
  const before = parse(text);
  const expected = applyOpsToValue(before, ops);
  if (deepEqual(before, expected)) return text;
  let current = text;
  let data = before;
  for (const op of ops) {
    for (const primitive of planOp(data, op)) {
      current = apply(current, primitive);
      try {
        data = parse(current);
      } catch (error) {
        throw new UnsafeEditError(`internal ${format} edit produced unparsable text (${String(error)}); nothing was written`);
      }
    }
  }
  if (!deepEqual(data, expected)) {
    throw new UnsafeEditError(`could not edit this ${format} file without disturbing other content; nothing was written`);
  }
  return current;
}

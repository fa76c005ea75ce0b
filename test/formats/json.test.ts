import { describe, expect, it } from 'vitest';
import { jsonEditor as json } from '../../src/formats/json.js';
import { applyOpsToValue, deepEqual } from '../../src/formats/ops.js';
import { FormatParseError, UnsafeEditError, type EditOp, type JsonValue } from '../../src/formats/types.js';
import { thrown } from './helpers.js';

/** Edit, check against the oracle, and check that a second run changes nothing. */
function edit(text: string, ops: EditOp[]): string {
  const out = json.edit(text, ops);
  expect(deepEqual(json.parse(out), applyOpsToValue(json.parse(text), ops))).toBe(true);
  expect(json.edit(out, ops)).toBe(out);
  return out;
}

const set = (path: (string | number)[], value: JsonValue): EditOp => ({ op: 'set', path, value });

describe('json: set', () => {
  it.each<[string, string, EditOp[], string]>([
    ['empty object', '{}', [set(['a'], 1)], '{\n  "a": 1\n}'],
    ['empty object over lines', '{\n}\n', [set(['a'], 1)], '{\n  "a": 1\n}\n'],
    ['after the last member', '{\n  "a": 1\n}\n', [set(['b'], 'x')], '{\n  "a": 1,\n  "b": "x"\n}\n'],
    ['replace in place', '{\n  "a":   1, // one\n  "b": 2\n}\n', [set(['a'], 'one')], '{\n  "a":   "one", // one\n  "b": 2\n}\n'],
    [
      'nested creation',
      '{\n  "x": 1\n}\n',
      [set(['env', 'A', 'B'], true)],
      '{\n  "x": 1,\n  "env": {\n    "A": {\n      "B": true\n    }\n  }\n}\n',
    ],
    ['into a nested empty object', '{\n  "env": {}\n}\n', [set(['env', 'A'], '1')], '{\n  "env": {\n    "A": "1"\n  }\n}\n'],
    ['keeps the trailing comment of the previous member', '{\n  "a": 1 // one\n}\n', [set(['b'], 2)], '{\n  "a": 1, // one\n  "b": 2\n}\n'],
    ['keeps the trailing-comma style', '{\n  "a": 1,\n}\n', [set(['b'], 2)], '{\n  "a": 1,\n  "b": 2,\n}\n'],
    ['minified stays minified', '{"a":1}', [set(['b'], { c: [1] })], '{"a":1,"b":{"c":[1]}}'],
    ['one-line member stays one line', '{\n  "env": {"A": "1"}\n}\n', [set(['env', 'B'], '2')], '{\n  "env": {"A": "1", "B": "2"}\n}\n'],
    ['tabs', '{\n\t"a": {\n\t\t"b": 1\n\t}\n}\n', [set(['a', 'c'], [1])], '{\n\t"a": {\n\t\t"b": 1,\n\t\t"c": [\n\t\t\t1\n\t\t]\n\t}\n}\n'],
    ['4 spaces', '{\n    "a": 1\n}\n', [set(['b'], { c: 1 })], '{\n    "a": 1,\n    "b": {\n        "c": 1\n    }\n}\n'],
    ['CRLF', '{\r\n  "a": 1\r\n}\r\n', [set(['b'], { c: 1 })], '{\r\n  "a": 1,\r\n  "b": {\r\n    "c": 1\r\n  }\r\n}\r\n'],
    ['BOM', '\uFEFF{\n  "a": 1\n}\n', [set(['b'], 2)], '\uFEFF{\n  "a": 1,\n  "b": 2\n}\n'],
    ['no final newline', '{\n  "a": 1\n}', [set(['b'], 2)], '{\n  "a": 1,\n  "b": 2\n}'],
    ['null parent becomes an object', '{\n  "env": null\n}\n', [set(['env', 'A'], '1')], '{\n  "env": {\n    "A": "1"\n  }\n}\n'],
    ['comments in an object replaced by an object survive', '{\n  "env": {\n    // mine\n    "A": 1,\n    "B": 2\n  }\n}\n', [set(['env'], { A: 1, C: 3 })], '{\n  "env": {\n    // mine\n    "A": 1,\n    "C": 3\n  }\n}\n'],
  ])('%s', (_, before, ops, after) => {
    expect(edit(before, ops)).toBe(after);
  });

  it('writes an empty or blank file as a fresh object with LF and a final newline', () => {
    expect(edit('', [set(['env', 'A'], 'v')])).toBe('{\n  "env": {\n    "A": "v"\n  }\n}\n');
    expect(edit(' \r\n\r\n', [set(['a'], 1)])).toBe('{\n  "a": 1\n}\n');
    expect(edit('\uFEFF', [set(['a'], 1)])).toBe('\uFEFF{\n  "a": 1\n}\n');
    expect(json.parse('')).toEqual({});
    expect(json.parse('  \n')).toEqual({});
  });

  it('round-trips keys and values with special characters', () => {
    const key = 'a"b#c$d\'e\\f';
    const out = edit('{}', [set([key, 'ü 🦊'], 'line\nbreak\t"quoted" \u2028 \u0001')]);
    expect(json.parse(out)).toEqual({ [key]: { 'ü 🦊': 'line\nbreak\t"quoted" \u2028 \u0001' } });
    expect(out).toContain('"a\\"b#c$d\'e\\\\f"');
  });

  it('returns the very same text when nothing changes', () => {
    const text = '{\n  "a": 1 // c\n}';
    expect(json.edit(text, [set(['a'], 1)])).toBe(text);
    expect(json.edit(text, [{ op: 'setDefault', path: ['a'], value: 2 }])).toBe(text);
    expect(json.edit(text, [{ op: 'delete', path: ['zz'] }])).toBe(text);
    expect(json.edit('', [{ op: 'delete', path: ['zz'] }])).toBe('');
  });
});

describe('json: setDefault, delete, upsert', () => {
  it('setDefault only fills an absent key', () => {
    expect(edit('{\n  "a": 1\n}\n', [{ op: 'setDefault', path: ['b'], value: 2 }])).toBe('{\n  "a": 1,\n  "b": 2\n}\n');
    expect(edit('{\n  "a": null\n}\n', [{ op: 'setDefault', path: ['a'], value: 2 }])).toBe('{\n  "a": null\n}\n');
  });

  it.each<[string, string, string[], string]>([
    ['first', '{\n  "a": 1,\n  // about b\n  "b": 2\n}\n', ['a'], '{\n  // about b\n  "b": 2\n}\n'],
    ['middle, with its comment', '{\n  "a": 1,\n  "b": 2, // b!\n  "c": 3\n}\n', ['b'], '{\n  "a": 1,\n  "c": 3\n}\n'],
    ['last: the comma before it goes', '{\n  "a": 1, // keep\n  "b": 2\n}\n', ['b'], '{\n  "a": 1 // keep\n}\n'],
    ['last with a trailing comma', '{\n  "a": 1,\n  "b": 2,\n}\n', ['b'], '{\n  "a": 1,\n}\n'],
    ['the only member', '{\n  "env": {\n    "A": 1\n  }\n}\n', ['env', 'A'], '{\n  "env": {}\n}\n'],
    ['inline', '{"a": 1, "b": 2, "c": 3}', ['b'], '{"a": 1, "c": 3}'],
    ['inline last', '{"a": 1, "b": 2}', ['b'], '{"a": 1}'],
    ['multi-line value', '{\n  "a": {\n    "x": [\n      1\n    ]\n  },\n  "b": 2\n}\n', ['a'], '{\n  "b": 2\n}\n'],
  ])('delete %s', (_, before, path, after) => {
    expect(edit(before, [{ op: 'delete', path }])).toBe(after);
  });

  it('upsert replaces the matching entry in place and appends new ones', () => {
    const before = '{\n  "models": [\n    {"name": "a"}, // first\n    {"name": "gw", "v": 0}\n  ]\n}\n';
    const ops: EditOp[] = [
      { op: 'upsert', path: ['models'], match: { key: 'name', value: 'gw' }, value: { name: 'gw', v: 1 } },
      { op: 'upsert', path: ['models'], match: { key: 'name', value: 'new' }, value: { name: 'new' } },
    ];
    expect(edit(before, ops)).toBe(
      '{\n  "models": [\n    {"name": "a"}, // first\n    {"name": "gw", "v": 1},\n    {\n      "name": "new"\n    }\n  ]\n}\n',
    );
  });

  it('upsert creates the array, and appends into an empty one', () => {
    const op: EditOp = { op: 'upsert', path: ['m'], match: { key: 'id', value: 'x' }, value: { id: 'x' } };
    expect(edit('{}', [op])).toBe('{\n  "m": [\n    {\n      "id": "x"\n    }\n  ]\n}');
    expect(edit('{\n  "m": []\n}\n', [op])).toBe('{\n  "m": [\n    {\n      "id": "x"\n    }\n  ]\n}\n');
  });
});

describe('json: refusals and parse errors', () => {
  it.each<[string, string, number, number]>([
    ['missing comma', '{\n  "a": 1\n  "b": 2\n}', 3, 3],
    ['unterminated string', '{\n  "a": "x\n}', 2, 8],
    ['trailing garbage', '{}\n}', 2, 1],
    ['missing value', '{\n  "a":\n}', 3, 1],
    ['unclosed object', '{\n  "a": 1', 2, 9],
  ])('%s', (_, text, line, column) => {
    const error = thrown(FormatParseError, () => json.parse(text));
    expect(error).toMatchObject({ line, column });
    expect(thrown(FormatParseError, () => json.edit(text, [set(['x'], 1)]))).toMatchObject({ line, column });
  });

  it('counts lines after a BOM and in CRLF files', () => {
    expect(thrown(FormatParseError, () => json.parse('\uFEFF{\r\n  "a": 1\r\n  "b": 2\r\n}'))).toMatchObject({ line: 3, column: 3 });
  });

  it('refuses a top level that is not an object', () => {
    expect(json.parse('[1, 2]')).toEqual([1, 2]);
    expect(() => json.edit('[1, 2]', [set(['a'], 1)])).toThrow(UnsafeEditError);
    expect(() => json.edit('"text"', [set(['a'], 1)])).toThrow(UnsafeEditError);
  });

  it('refuses to replace user data of another shape, and duplicate keys', () => {
    expect(() => json.edit('{"env": "x"}', [set(['env', 'A'], 1)])).toThrow(/env is a string/);
    expect(() => json.edit('{"a": 1, "a": 2}', [set(['a'], 3)])).toThrow(/more than once/);
  });

  it('reads __proto__ as a plain key', () => {
    const data = json.parse('{"__proto__": {"x": 1}}') as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(['__proto__']);
    expect(edit('{"__proto__": {"x": 1}}', [set(['__proto__', 'y'], 2)])).toBe('{"__proto__": {"x": 1, "y": 2}}');
  });
});

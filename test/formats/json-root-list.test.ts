// Upsert into a file whose top level is a list (VS Code's chatLanguageModels.json): path `[]`.
import { describe, expect, it } from 'vitest';
import { jsonEditor as json } from '../../src/formats/json.js';
import { applyOpsToValue, applyPrimitive, cloneData, deepEqual, planOp } from '../../src/formats/ops.js';
import { UnsafeEditError, type EditOp, type JsonValue } from '../../src/formats/types.js';

const upsert = (value: { name: string } & Record<string, JsonValue>): EditOp => ({ op: 'upsert', path: [], match: { key: 'name', value: value.name }, value });
const ours = upsert({ name: 'gw', url: 'https://gw/v1' });

describe('root list upsert: the oracle', () => {
  it('appends, replaces the match, and reads a blank file ({}) as an empty list', () => {
    expect(applyOpsToValue([{ name: 'a' }], [ours])).toEqual([{ name: 'a' }, { name: 'gw', url: 'https://gw/v1' }]);
    expect(applyOpsToValue([{ name: 'gw', old: 1 }, { name: 'b' }], [ours])).toEqual([{ name: 'gw', url: 'https://gw/v1' }, { name: 'b' }]);
    expect(applyOpsToValue({}, [ours])).toEqual([{ name: 'gw', url: 'https://gw/v1' }]);
  });

  it('refuses an object with members, other ops on a list, and empty paths elsewhere', () => {
    expect(() => applyOpsToValue({ a: 1 }, [ours])).toThrow(UnsafeEditError);
    expect(() => applyOpsToValue([], [ours, { op: 'set', path: ['a'], value: 1 }])).toThrow(/top level is an array, not an object/);
    expect(() => applyOpsToValue({}, [{ op: 'delete', path: [] }])).toThrow(/must not be empty/);
    expect(() => applyOpsToValue('text', [ours])).toThrow(/top level is a string, not an array/);
  });

  it('planOp agrees with the oracle on a list', () => {
    for (const data of [[{ name: 'a' }], [{ name: 'gw', keep: false, url: 'x' }], []]) {
      const copy = cloneData(data) as unknown;
      for (const p of planOp(copy, ours)) applyPrimitive(copy, p);
      expect(deepEqual(copy, applyOpsToValue(data, [ours]))).toBe(true);
    }
    expect(planOp({}, ours)).toEqual([{ kind: 'replace', path: [], value: [{ name: 'gw', url: 'https://gw/v1' }] }]);
  });
});

describe('root list upsert: the JSON editor', () => {
  it('creates a list in a blank file, and turns {} or [] into one', () => {
    const item = '  {\n    "name": "gw",\n    "url": "https://gw/v1"\n  }';
    expect(json.edit('', [ours])).toBe(`[\n${item}\n]\n`);
    expect(json.edit('{}\n', [ours])).toBe(`[\n${item}\n]\n`);
    expect(json.edit('[]\n', [ours])).toBe(`[\n${item}\n]\n`);
  });

  it('appends after the last entry, keeping comments, indentation and CRLF', () => {
    const text = '[\r\n    // local\r\n    { "name": "a", "x": 1 } // trailing\r\n]\r\n';
    expect(json.edit(text, [ours])).toBe(
      '[\r\n    // local\r\n    { "name": "a", "x": 1 }, // trailing\r\n    {\r\n        "name": "gw",\r\n        "url": "https://gw/v1"\r\n    }\r\n]\r\n',
    );
  });

  it('edits the matching entry in place and leaves the one after it alone', () => {
    const text = '[\n  {\n    "name": "gw",\n    "url": "https://old/v1", // ours\n    "extra": true\n  },\n  { "name": "b" }\n]\n';
    expect(json.edit(text, [ours])).toBe('[\n  {\n    "name": "gw",\n    "url": "https://gw/v1" // ours\n  },\n  { "name": "b" }\n]\n');
    const again = json.edit(text, [ours]);
    expect(json.edit(again, [ours])).toBe(again);
  });

  it('refuses a top level object with members', () => {
    expect(() => json.edit('{"a": 1}', [ours])).toThrow(UnsafeEditError);
  });
});

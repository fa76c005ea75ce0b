import { describe, expect, it } from 'vitest';
import { applyOpsToValue, applyPrimitive, cloneData, deepEqual, planOp } from '../../src/formats/ops.js';
import { UnsafeEditError, type EditOp } from '../../src/formats/types.js';

const base = () => ({
  a: 1,
  env: { KEEP: 'x', OLD: 'y' },
  models: [
    { name: 'one', model: 'm1' },
    { name: 'gw', model: 'old', extra: true },
  ],
  nothing: null,
  text: 'str',
});

describe('applyOpsToValue', () => {
  it.each<[string, EditOp[], unknown]>([
    ['set creates parents', [{ op: 'set', path: ['x', 'y', 'z'], value: 1 }], { x: { y: { z: 1 } } }],
    ['set replaces', [{ op: 'set', path: ['a'], value: [1, 2] }], { a: [1, 2] }],
    ['set through null', [{ op: 'set', path: ['nothing', 'k'], value: 'v' }], { nothing: { k: 'v' } }],
    ['setDefault keeps an existing value', [{ op: 'setDefault', path: ['a'], value: 2 }], { a: 1 }],
    ['setDefault keeps an existing null', [{ op: 'setDefault', path: ['nothing'], value: 2 }], { nothing: null }],
    ['setDefault fills an absent key', [{ op: 'setDefault', path: ['b'], value: 2 }], { b: 2 }],
    ['delete removes', [{ op: 'delete', path: ['env', 'OLD'] }], { env: { KEEP: 'x' } }],
    ['delete absent is a no-op', [{ op: 'delete', path: ['env', 'NOPE'] }], {}],
    ['delete under a scalar is a no-op', [{ op: 'delete', path: ['text', 'x'] }], {}],
    ['delete an array item', [{ op: 'delete', path: ['models', 0] }], { models: [{ name: 'gw', model: 'old', extra: true }] }],
    [
      'upsert replaces the match',
      [{ op: 'upsert', path: ['models'], match: { key: 'name', value: 'gw' }, value: { name: 'gw', model: 'new' } }],
      { models: [{ name: 'one', model: 'm1' }, { name: 'gw', model: 'new' }] },
    ],
    [
      'upsert appends',
      [{ op: 'upsert', path: ['models'], match: { key: 'name', value: 'three' }, value: { name: 'three' } }],
      { models: [{ name: 'one', model: 'm1' }, { name: 'gw', model: 'old', extra: true }, { name: 'three' }] },
    ],
    [
      'upsert creates the array',
      [{ op: 'upsert', path: ['list', 'items'], match: { key: 'id', value: 'a' }, value: { id: 'a' } }],
      { list: { items: [{ id: 'a' }] } },
    ],
  ])('%s', (_, ops, changes) => {
    const data = base();
    const result = applyOpsToValue(data, ops) as Record<string, unknown>;
    expect(result).toEqual({ ...base(), ...(changes as object) });
    expect(data).toEqual(base()); // pure
  });

  it('refuses to overwrite user data of the wrong shape', () => {
    expect(() => applyOpsToValue(base(), [{ op: 'set', path: ['text', 'x'], value: 1 }])).toThrow(UnsafeEditError);
    expect(() => applyOpsToValue(base(), [{ op: 'set', path: ['a', 'b', 'c'], value: 1 }])).toThrow(/a is a number/);
    expect(() => applyOpsToValue(base(), [{ op: 'upsert', path: ['env'], match: { key: 'n', value: 'v' }, value: { n: 'v' } }])).toThrow(UnsafeEditError);
    expect(() => applyOpsToValue(base(), [{ op: 'set', path: ['models', 'x'], value: 1 }])).toThrow(UnsafeEditError);
    expect(() => applyOpsToValue([1], [{ op: 'set', path: ['a'], value: 1 }])).toThrow(/top level is an array/);
  });

  it('rejects malformed ops', () => {
    expect(() => applyOpsToValue({}, [{ op: 'set', path: [], value: 1 }])).toThrow(/must not be empty/);
    expect(() => applyOpsToValue({}, [{ op: 'upsert', path: ['m'], match: { key: 'name', value: 'a' }, value: { name: 'b' } }])).toThrow(/name = "a"/);
    expect(() => applyOpsToValue({}, [{ op: 'set', path: ['n'], value: Number.NaN }])).toThrow(/finite/);
    expect(() => applyOpsToValue({}, [{ op: 'set', path: ['x', 0], value: 1 }])).toThrow(/arrays are not created/);
  });

  it('treats __proto__ as an ordinary key', () => {
    const result = applyOpsToValue({}, [{ op: 'set', path: ['__proto__', 'polluted'], value: true }]) as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('planOp agrees with the oracle', () => {
  const cases: EditOp[][] = [
    [{ op: 'set', path: ['env'], value: { KEEP: 'x', NEW: 'z' } }],
    [{ op: 'set', path: ['env'], value: 'flat' }],
    [{ op: 'set', path: ['nothing', 'a', 'b'], value: 1 }],
    [{ op: 'set', path: ['models', 2], value: { name: 'x' } }],
    [{ op: 'set', path: ['models', 1, 'model'], value: 'new' }],
    [{ op: 'upsert', path: ['models'], match: { key: 'name', value: 'gw' }, value: { name: 'gw', model: 'new' } }],
    [{ op: 'upsert', path: ['models'], match: { key: 'name', value: 'zz' }, value: { name: 'zz' } }],
    [{ op: 'upsert', path: ['nothing'], match: { key: 'name', value: 'zz' }, value: { name: 'zz' } }],
    [{ op: 'delete', path: ['models', 1, 'extra'] }, { op: 'setDefault', path: ['a'], value: 5 }],
    [{ op: 'set', path: ['env', 'OLD'], value: 'y' }],
  ];
  it.each(cases.map((ops) => [JSON.stringify(ops), ops] as const))('%s', (_, ops) => {
    const data = cloneData(base()) as unknown;
    for (const op of ops) for (const p of planOp(data, op)) applyPrimitive(data, p);
    expect(deepEqual(data, applyOpsToValue(base(), ops))).toBe(true);
  });

  it('splits an object replacing an object into per-key edits', () => {
    expect(planOp(base(), { op: 'set', path: ['env'], value: { KEEP: 'x', NEW: 'z' } })).toEqual([
      { kind: 'add', parent: ['env'], key: 'NEW', value: 'z' },
      { kind: 'remove', path: ['env', 'OLD'] },
    ]);
    expect(planOp(base(), { op: 'set', path: ['env', 'KEEP'], value: 'x' })).toEqual([]);
  });
});

describe('deepEqual', () => {
  it('ignores key order but not array order', () => {
    expect(deepEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 })).toBe(true);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual({ a: undefined }, {})).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
    expect(deepEqual(Object.assign(Object.create(null) as object, { a: 1 }), { a: 1 })).toBe(true);
    expect(deepEqual(new Date(0), new Date(0))).toBe(true);
    expect(deepEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(deepEqual(new Date(0), '1970-01-01T00:00:00.000Z')).toBe(false);
  });
});

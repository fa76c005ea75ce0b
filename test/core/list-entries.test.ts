// Which entries of a shared list are ours: one we added goes when the next apply names another,
// one the user had before stays theirs (and stays).
import { describe, expect, it } from 'vitest';
import { listEntries } from '../../src/core/plan.js';
import type { ListEntry, PlannedOp } from '../../src/core/recipe.js';

const model = (id: string): ListEntry => ({ list: ['p', 'models'], match: { key: 'id', value: id } });
const upsert = (id: string): PlannedOp => ({ op: 'upsert', path: ['p', 'models'], match: { key: 'id', value: id }, value: { id }, adds: model(id) });

describe('listEntries', () => {
  const data = { p: { models: [{ id: 'mine' }, { id: 'a' }, { id: 'b' }] } };

  it('takes out an entry of ours the ops no longer name, and keeps the user\'s', () => {
    const { removals, owns } = listEntries(data, [upsert('c')], [model('a')]);
    expect(removals).toEqual([{ op: 'delete', path: ['p', 'models', 1] }]);
    expect(owns).toEqual([model('c')]);
  });

  it('removes later items first so every index still holds', () => {
    const { removals } = listEntries(data, [upsert('c')], [model('a'), model('b')]);
    expect(removals.map((r) => r.path)).toEqual([
      ['p', 'models', 2],
      ['p', 'models', 1],
    ]);
  });

  it('an entry the user had before the ops named it stays the user\'s', () => {
    expect(listEntries(data, [upsert('mine')], []).owns).toEqual([]);
    // ...and one of ours named again stays ours.
    expect(listEntries(data, [upsert('a')], [model('a')])).toEqual({ removals: [], owns: [model('a')] });
  });

  it('object members: removed by key; one already gone is left alone', () => {
    const map = (key: string): ListEntry => ({ map: ['provider', 'models'], key });
    const set: PlannedOp = { op: 'set', path: ['provider', 'models', 'n', 'name'], value: 'n', adds: map('n') };
    const result = listEntries({ provider: { models: { o: { name: 'o' } } } }, [set], [map('o'), map('gone')]);
    expect(result).toEqual({ removals: [{ op: 'delete', path: ['provider', 'models', 'o'] }], owns: [map('n')] });
  });
});

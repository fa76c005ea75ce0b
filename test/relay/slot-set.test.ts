import { describe, expect, it } from 'vitest';
import { SlotSet } from '../../src/relay/slot-set.js';

const members = <T>(set: SlotSet<T>): T[] => {
  const out: T[] = [];
  set.forEach((m) => out.push(m));
  return out;
};

describe('SlotSet', () => {
  it('holds what was added until it is deleted, and counts it', () => {
    const set = new SlotSet<string>();
    const a = set.add('a');
    const b = set.add('b');
    set.add('c');
    expect(set.size).toBe(3);
    set.delete(b, 'b');
    expect(members(set)).toEqual(['a', 'c']);
    expect(set.size).toBe(2);
    set.delete(a, 'a');
    expect(members(set)).toEqual(['c']);
  });

  it('reuses emptied slots before growing, so churn keeps it the size of what is in it', () => {
    const set = new SlotSet<object>();
    const live = Array.from({ length: 8 }, () => ({}));
    const slots = live.map((m) => set.add(m));
    for (let round = 0; round < 1000; round++) {
      const i = round % live.length;
      set.delete(slots[i] as number, live[i] as object);
      live[i] = {};
      slots[i] = set.add(live[i] as object);
    }
    expect(set.size).toBe(8);
    expect(Math.max(...slots)).toBe(7);
    expect(new Set(members(set))).toEqual(new Set(live));
  });

  it('ignores a delete for a member the slot no longer holds (twice, or after the slot was reused)', () => {
    const set = new SlotSet<string>();
    const slot = set.add('first');
    set.delete(slot, 'first');
    set.delete(slot, 'first');
    expect(set.size).toBe(0);
    const again = set.add('second');
    expect(again).toBe(slot);
    set.delete(slot, 'first');
    expect(members(set)).toEqual(['second']);
    expect(set.size).toBe(1);
  });

  it('skips members deleted during forEach before their turn (closing the relay aborts requests that leave)', () => {
    const set = new SlotSet<string>();
    const slots = ['a', 'b', 'c'].map((m) => [m, set.add(m)] as const);
    const seen: string[] = [];
    set.forEach((m) => {
      seen.push(m);
      if (m === 'a') set.delete(slots[1]?.[1] as number, 'b');
    });
    expect(seen).toEqual(['a', 'c']);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PingClock } from '../../src/relay/ping-clock.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('PingClock', () => {
  it('pings a stream after one to one and a quarter intervals of silence, then every interval', () => {
    const clock = new PingClock(100);
    const pings: number[] = [];
    clock.watch(() => pings.push(Date.now()));
    const start = Date.now();
    vi.advanceTimersByTime(99);
    expect(pings).toEqual([]);
    vi.advanceTimersByTime(26);
    expect(pings).toHaveLength(1);
    expect(pings[0]! - start).toBeGreaterThanOrEqual(100);
    expect(pings[0]! - start).toBeLessThanOrEqual(125);
    vi.advanceTimersByTime(200);
    expect(pings).toHaveLength(3);
    expect(pings[2]! - pings[1]!).toBe(100);
  });

  it('starts the silence over whenever the upstream is heard, per stream', () => {
    const clock = new PingClock(100);
    let quiet = 0;
    let chatty = 0;
    clock.watch(() => quiet++);
    const talking = clock.watch(() => chatty++);
    for (let i = 0; i < 20; i++) {
      vi.advanceTimersByTime(50);
      talking.heard();
    }
    expect(chatty).toBe(0);
    expect(quiet).toBeGreaterThanOrEqual(9);
  });

  it('stops pinging an unwatched stream, and keeps no timer when nothing is watched', () => {
    const clock = new PingClock(100);
    let pings = 0;
    const w = clock.watch(() => pings++);
    expect(vi.getTimerCount()).toBe(1);
    clock.unwatch(w);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(pings).toBe(0);
  });
});

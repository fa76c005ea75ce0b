// Response, message and tool-call ids: the prefix, then base62 letters, never repeated between
// concurrent streams.
import { describe, expect, it } from 'vitest';
import { randomId } from '../../src/relay/util.js';

describe('randomId', () => {
  it('writes the prefix and the asked number of base62 letters, and does not repeat', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const id = randomId('msg_');
      expect(id).toMatch(/^msg_[A-Za-z0-9]{24}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(20_000);
    expect(randomId('call_', 16)).toMatch(/^call_[A-Za-z0-9]{16}$/);
    // Longer than the scratch buffer the letters are usually written to.
    expect(randomId('', 100)).toMatch(/^[A-Za-z0-9]{100}$/);
    // Every letter of the alphabet is used.
    expect(new Set(randomId('', 4000)).size).toBe(62);
  });
});

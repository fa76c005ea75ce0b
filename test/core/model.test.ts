// core/model.ts's rule for the small slots: --small-model, else the gateway's smaller model of the
// main model's family, else the main model.
import { describe, expect, it } from 'vitest';
import { smallModelFor } from '../../src/core/model.js';

const LISTED = ['auto', 'gpt-5', 'gpt-4o-mini', 'gpt-5-mini', 'gpt-5-nano', 'claude-sonnet-4.5', 'claude-haiku-4.5', 'gemini-2.5-pro', 'gemini-2.5-flash-lite', 'gemini-2.5-flash'];

describe('smallModelFor', () => {
  it('takes the named small model first', () => {
    expect(smallModelFor('mine', 'gpt-5', LISTED)).toBe('mine');
  });

  it("takes the gateway's smaller model of the same family, the closest by prefix, then the shortest", () => {
    expect(smallModelFor(undefined, 'gpt-5', LISTED)).toBe('gpt-5-mini');
    expect(smallModelFor(undefined, 'claude-sonnet-4.5', LISTED)).toBe('claude-haiku-4.5');
    expect(smallModelFor(undefined, 'gemini-2.5-pro', LISTED)).toBe('gemini-2.5-flash');
    expect(smallModelFor(undefined, 'auto', [...LISTED, 'auto-fast'])).toBe('auto-fast');
  });

  it('keeps the main model when it is small itself, when no listed model fits, or without a list', () => {
    expect(smallModelFor(undefined, 'gpt-5-mini', LISTED)).toBe('gpt-5-mini');
    expect(smallModelFor(undefined, 'auto', LISTED)).toBe('auto');
    expect(smallModelFor(undefined, 'llama-3.3-70b', LISTED)).toBe('llama-3.3-70b');
    expect(smallModelFor(undefined, 'gpt-5', undefined)).toBe('gpt-5');
    expect(smallModelFor(undefined, undefined, LISTED)).toBeUndefined();
  });
});

// JsonTemplate must give exactly what JSON.parse gives for every frame it reads, and read nothing
// it is not sure of.
import { describe, expect, it } from 'vitest';
import { JsonTemplate } from '../../src/relay/json-template.js';

interface Chunk {
  id: string;
  choices: Array<{ index: number; delta: { content: string }; finish_reason: null }>;
}

const line = (content: string, id = 'chatcmpl-1') => JSON.stringify({ id, choices: [{ index: 0, delta: { content }, finish_reason: null }] });

/** A template learnt from `first`, rebuilding chunks around `content` like the relay's sources do. */
function learnt(first: string): JsonTemplate<Chunk> {
  const t = new JsonTemplate<Chunk>();
  const parsed = JSON.parse(first) as Chunk;
  const choice = parsed.choices[0]!;
  expect(t.learn(first, choice.delta.content, (text) => ({ ...parsed, choices: [{ ...choice, delta: { ...choice.delta, content: text } }] }))).toBe(true);
  return t;
}

describe('JsonTemplate', () => {
  it('reads frames that differ only in the string, including escapes, exactly as JSON.parse does', () => {
    const t = learnt(line('The '));
    for (const text of ['quick ', '', 'a"b', 'back\\slash', 'line\nbreak', 'tab\t', 'é€😀', '\u2028', '"}]}', '\\', 'x\\"']) {
      const frame = line(text);
      expect(t.read(frame), JSON.stringify(text)).toEqual(JSON.parse(frame));
    }
    // Escapes a gateway may write differently from JSON.stringify.
    const escaped = line('X').replace('"X"', '"caf\\u00e9 \\/ \\"q\\""');
    expect(t.read(escaped)).toEqual(JSON.parse(escaped));
  });

  it('reads nothing that differs elsewhere, or whose middle is not one JSON string', () => {
    const t = learnt(line('The '));
    expect(t.read(line('quick ', 'chatcmpl-2'))).toBeUndefined();
    expect(t.read(`${line('quick ')} `)).toBeUndefined();
    expect(t.read(JSON.stringify({ id: 'chatcmpl-1', choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'stop' }] }))).toBeUndefined();
    // A middle that closes the string early and reopens it, or ends in a lone backslash.
    const prefix = line('X').slice(0, line('X').indexOf('"X"') + 1);
    const suffix = line('X').slice(line('X').indexOf('"X"') + 2);
    expect(t.read(`${prefix}a","extra":"b${suffix}`)).toBeUndefined();
    expect(t.read(`${prefix}a\\${suffix}`)).toBeUndefined();
    // A raw control character is not JSON: left to JSON.parse, which refuses it.
    expect(t.read(`${prefix}a\u0001b${suffix}`)).toBeUndefined();
  });

  it('learns the string where it is, when the same text also appears elsewhere in the frame', () => {
    const frame = JSON.stringify({ id: 'same', choices: [{ index: 0, delta: { content: 'same' }, finish_reason: null }] });
    const t = learnt(frame);
    const next = JSON.stringify({ id: 'same', choices: [{ index: 0, delta: { content: 'other' }, finish_reason: null }] });
    expect(t.read(next)).toEqual(JSON.parse(next));
    // Not compact, and the other occurrence comes last: the line search has to skip it.
    const spaced = new JsonTemplate<unknown>();
    expect(spaced.learn('{"content": "same", "id": "same"}', 'same', (text) => ({ content: text, id: 'same' }))).toBe(true);
    expect(spaced.read('{"content": "other", "id": "same"}')).toEqual({ content: 'other', id: 'same' });
  });

  it('learns compact JSON from its serialization, other spellings from the line itself', () => {
    const compact = new JsonTemplate<unknown>();
    // The string is escaped differently, but the rest is compact JSON: the serialization fits.
    expect(compact.learn('{"content":"caf\\u00e9","n":1}', 'café', (text) => ({ content: text, n: 1 }))).toBe(true);
    expect(compact.read('{"content":"x","n":1}')).toEqual({ content: 'x', n: 1 });
    const spaced = new JsonTemplate<unknown>();
    expect(spaced.learn('{"content": "café", "n": 1}', 'café', (text) => ({ content: text, n: 1 }))).toBe(true);
    expect(spaced.read('{"content": "x\\n", "n": 1}')).toEqual({ content: 'x\n', n: 1 });
    expect(spaced.read('{"content":"x","n":1}')).toBeUndefined();
  });

  it('expects a shape before seeing it: frames that fit are read exactly, others left to JSON.parse', () => {
    const t = new JsonTemplate<unknown>();
    expect(t.expect((text) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }))).toBe(true);
    const fits = '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi \\"there\\""}}';
    expect(t.read(fits)).toEqual(JSON.parse(fits));
    expect(t.read('{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"x"}}')).toBeUndefined();
    expect(t.read('{"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "x"}}')).toBeUndefined();
  });

  it('does not learn when the text is spelled differently in a line that is not compact, and stops learning after a few frames', () => {
    const t = new JsonTemplate<unknown>();
    const escaped = '{"content": "caf\\u00e9"}';
    expect(t.learn(escaped, 'café', (text) => ({ content: text }))).toBe(false);
    expect(t.read('{"content": "x"}')).toBeUndefined();
    for (let i = 0; i < 3; i++) t.learn(escaped, 'café', (text) => ({ content: text }));
    expect(t.canLearn).toBe(false);
    expect(t.learn('{"content":"x"}', 'x', (text) => ({ content: text }))).toBe(false);
  });
});

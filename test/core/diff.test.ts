import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/core/diff.js';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\n', 'a\n', 'a', 'b')).toBe('');
  });

  it('shows a created file', () => {
    expect(unifiedDiff('', 'x\ny\n', '/dev/null', 'f')).toBe('--- /dev/null\n+++ f\n@@ -0,0 +1,2 @@\n+x\n+y\n');
  });

  it('shows one changed line with context', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].join('\n') + '\n';
    const after = before.replace('e\n', 'E\n');
    expect(unifiedDiff(before, after, 'f', 'f')).toBe(
      ['--- f', '+++ f', '@@ -2,7 +2,7 @@', ' b', ' c', ' d', '-e', '+E', ' f', ' g', ' h', ''].join('\n'),
    );
  });

  it('splits distant changes into separate hunks', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `l${i}`);
    const after = [...lines];
    after[2] = 'X';
    after[25] = 'Y';
    const diff = unifiedDiff(lines.join('\n') + '\n', after.join('\n') + '\n', 'f', 'f');
    expect(diff.match(/^@@/gm)).toHaveLength(2);
    expect(diff).toContain('@@ -1,6 +1,6 @@');
    expect(diff).toContain('@@ -23,7 +23,7 @@');
  });

  it('makes CR and a missing final newline visible', () => {
    const diff = unifiedDiff('a\r\nb', 'a\r\nc', 'f', 'f');
    expect(diff).toContain(' a␍');
    expect(diff).toContain('-b\n\\ No newline at end of file');
  });

  it('handles insertions and deletions in the middle', () => {
    const diff = unifiedDiff('a\nb\nc\n', 'a\nx\nc\nd\n', 'f', 'f');
    expect(diff).toBe(['--- f', '+++ f', '@@ -1,3 +1,4 @@', ' a', '-b', '+x', ' c', '+d', ''].join('\n'));
  });
});

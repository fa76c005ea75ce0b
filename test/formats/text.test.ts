import { describe, expect, it } from 'vitest';
import {
  deleteLines,
  detectEol,
  detectIndent,
  insertLinesAfter,
  offsetToLineColumn,
  restoreBom,
  stripBom,
} from '../../src/formats/text.js';

describe('stripBom / restoreBom', () => {
  it('round-trips a BOM and leaves other text alone', () => {
    expect(stripBom('\uFEFFa: 1\n')).toEqual({ bom: true, body: 'a: 1\n' });
    expect(stripBom('a: 1\n')).toEqual({ bom: false, body: 'a: 1\n' });
    expect(restoreBom('x', true)).toBe('\uFEFFx');
    expect(restoreBom('x', false)).toBe('x');
  });
});

describe('detectEol', () => {
  it.each([
    ['', '\n'],
    ['no line break', '\n'],
    ['a\nb\n', '\n'],
    ['a\r\nb\r\n', '\r\n'],
    ['a\r\nb\r\nc\n', '\r\n'],
    ['a\nb\nc\r\n', '\n'],
    ['a\r\nb\n', '\r\n'], // a tie goes to the first one seen
    ['a\nb\r\n', '\n'],
  ])('%j → %j', (text, eol) => {
    expect(detectEol(text)).toBe(eol);
  });
});

describe('detectIndent', () => {
  it('finds 2 and 4 spaces, tabs, and defaults to 2', () => {
    expect(detectIndent('{\n  "a": {\n    "b": 1\n  }\n}\n')).toMatchObject({ tabs: false, size: 2, unit: '  ' });
    expect(detectIndent('{\n    "a": {\n        "b": 1\n    }\n}\n')).toMatchObject({ tabs: false, size: 4, unit: '    ' });
    expect(detectIndent('{\n\t"a": {\n\t\t"b": 1\n\t}\n}\n')).toMatchObject({ tabs: true, unit: '\t' });
    expect(detectIndent('{}')).toMatchObject({ tabs: false, size: 2 });
    expect(detectIndent('a: 1\nb: 2\n')).toMatchObject({ size: 2 });
  });

  it('is not fooled by CRLF or a deeper first level', () => {
    expect(detectIndent('a:\r\n    b:\r\n        c: 1\r\n    d: 2\r\n')).toMatchObject({ size: 4 });
  });
});

describe('offsetToLineColumn', () => {
  it('is 1-based and counts CRLF as one break', () => {
    const text = 'ab\r\ncd\nef';
    expect(offsetToLineColumn(text, 0)).toEqual({ line: 1, column: 1 });
    expect(offsetToLineColumn(text, 1)).toEqual({ line: 1, column: 2 });
    expect(offsetToLineColumn(text, 4)).toEqual({ line: 2, column: 1 });
    expect(offsetToLineColumn(text, 8)).toEqual({ line: 3, column: 2 });
    expect(offsetToLineColumn(text, 999)).toEqual({ line: 3, column: 3 });
  });
});

describe('line helpers keep the final-newline state', () => {
  it('deleteLines', () => {
    expect(deleteLines('a\nb\nc\n', 2, 3)).toBe('a\nc\n');
    expect(deleteLines('a\r\nb\r\nc\r\n', 3, 4)).toBe('a\r\nc\r\n');
    expect(deleteLines('a\nb', 2, 3)).toBe('a');
    expect(deleteLines('a\r\nb', 3, 4)).toBe('a');
    expect(deleteLines('a\nb\nc\n', 0, 3)).toBe('c\n');
  });

  it('insertLinesAfter', () => {
    expect(insertLinesAfter('a\nb\n', 0, ['x'], '\n')).toBe('a\nx\nb\n');
    expect(insertLinesAfter('a\nb', 2, ['x', 'y'], '\n')).toBe('a\nb\nx\ny');
    expect(insertLinesAfter('a\r\nb\r\n', 0, ['x'], '\r\n')).toBe('a\r\nx\r\nb\r\n');
  });
});

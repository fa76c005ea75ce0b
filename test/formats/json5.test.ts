// JSON5-only syntax is refused by the JSON editor with a reason that names it, at its line and
// column; what JSON5 shares with JSONC (comments, trailing commas) still edits normally.
import { describe, expect, it } from 'vitest';
import { jsonEditor } from '../../src/formats/json.js';
import { FormatParseError } from '../../src/formats/types.js';

function refusal(text: string): FormatParseError {
  try {
    jsonEditor.parse(text);
  } catch (error) {
    if (error instanceof FormatParseError) return error;
    throw error;
  }
  throw new Error(`parsed without error: ${text}`);
}

describe('json editor: JSON5 syntax', () => {
  it.each([
    ['an unquoted key', '{\n  // docs style\n  agents: {},\n}', 3, 3, 'an unquoted key (agents)'],
    ['a single-quoted key', "{ 'a': 1 }", 1, 3, 'a single-quoted string'],
    ['a single-quoted value', '{ "a":\n  \'x\' }', 2, 3, 'a single-quoted string'],
    ['a hexadecimal number', '{ "port": 0x1F }', 1, 12, 'a hexadecimal number'],
    ['a leading decimal point', '{ "t": .5 }', 1, 8, 'a number starting with a decimal point'],
    ['a trailing decimal point', '{ "t": 5. }', 1, 8, 'a number ending with a decimal point'],
    ['a plus sign', '{ "t": +1 }', 1, 8, 'a number with a leading plus sign'],
    ['Infinity', '{ "t": Infinity }', 1, 8, 'Infinity as a number'],
    ['NaN', '{ "t": NaN }', 1, 8, 'NaN as a number'],
    ['a line continuation', '{ "a": "x\\\ny" }', 1, 8, 'a string escape JSON does not have'],
    ['a \\x escape', '{ "a": "\\x41" }', 1, 8, 'a string escape JSON does not have'],
  ])('%s', (_name, text, line, column, what) => {
    const error = refusal(text);
    expect(error.message).toContain(what);
    expect(error.message).toContain('is JSON5 syntax, which setup-gateway does not edit without rewriting your file');
    expect([error.line, error.column]).toEqual([line, column]);
  });

  it('keeps the plain JSON reason for errors that are not JSON5 syntax', () => {
    const missingComma = refusal('{\n  "a": 1\n  "b": 2\n}');
    expect(missingComma.message).toBe('invalid JSON: comma expected');
    expect([missingComma.line, missingComma.column]).toEqual([3, 3]);
    expect(refusal('{ "a": True }').message).toBe('invalid JSON: invalid symbol');
  });

  it('edits what JSON5 shares with JSONC: comments and trailing commas', () => {
    const text = '// top\n{\n  "a": 1, // one\n  "b": [1, 2,],\n}\n';
    const next = jsonEditor.edit(text, [{ op: 'set', path: ['c'], value: true }]);
    expect(next).toContain('// top\n');
    expect(next).toContain('"a": 1, // one');
    expect(jsonEditor.parse(next)).toEqual({ a: 1, b: [1, 2], c: true });
  });
});

import { describe, expect, it } from 'vitest';
import { applyOpsToValue, deepEqual } from '../../src/formats/ops.js';
import { FormatParseError, UnsafeEditError, type EditOp, type JsonValue } from '../../src/formats/types.js';
import { yamlEditor as yaml } from '../../src/formats/yaml.js';
import { expectUnownedLinesKept, thrown } from './helpers.js';

function edit(text: string, ops: EditOp[]): string {
  const out = yaml.edit(text, ops);
  expect(deepEqual(yaml.parse(out), applyOpsToValue(yaml.parse(text), ops))).toBe(true);
  expect(yaml.edit(out, ops)).toBe(out);
  return out;
}

const set = (path: (string | number)[], value: JsonValue): EditOp => ({ op: 'set', path, value });

describe('yaml: set', () => {
  it.each<[string, string, EditOp[], string]>([
    ['replace keeps comment and spacing', 'model: old   # mine\nb: 1\n', [set(['model'], 'new')], 'model: new   # mine\nb: 1\n'],
    ['replace a quoted value', "key: 'old'\n", [set(['key'], 'new')], 'key: new\n'],
    ['add after the last key, before trailing comments', 'a: 1\n\n# the end\n', [set(['b'], 2)], 'a: 1\nb: 2\n\n# the end\n'],
    ['nested creation', 'a: 1\n', [set(['p', 'q', 'r'], 'v')], 'a: 1\np:\n  q:\n    r: v\n'],
    ['into a nested map', 'env:\n    A: 1\nb: 2\n', [set(['env', 'B'], 2)], 'env:\n    A: 1\n    B: 2\nb: 2\n'],
    ['empty value', 'env:\nb: 2\n', [set(['env', 'A'], 'x')], 'env:\n  A: x\nb: 2\n'],
    ['empty value, scalar', 'key:\nb: 2\n', [set(['key'], 'x')], 'key: x\nb: 2\n'],
    ['flow map', 'a: {x: 1}\n', [set(['a', 'z'], 'two words')], 'a: {x: 1, z: "two words"}\n'],
    ['empty flow map becomes block', 'a: {}\n', [set(['a', 'k'], 1)], 'a:\n  k: 1\n'],
    ['scalar becomes a block', 'a: 1 # c\n', [set(['a'], { k: 1 })], 'a:\n  k: 1 # c\n'],
    ['block becomes a scalar', 'a:\n  k: 1\nb: 2\n', [set(['a'], 'x')], 'a: x\nb: 2\n'],
    ['list replaced whole', 'l:\n  - a\n  - b\nz: 1\n', [set(['l'], ['c'])], 'l:\n  - c\nz: 1\n'],
    ['CRLF', 'a: 1\r\nenv:\r\n  X: y\r\n', [set(['env', 'Z'], 'w'), set(['k', 'm'], [1])], 'a: 1\r\nenv:\r\n  X: y\r\n  Z: w\r\nk:\r\n  m:\r\n    - 1\r\n'],
    ['BOM', '\uFEFFa: 1\n', [set(['b'], 2)], '\uFEFFa: 1\nb: 2\n'],
    ['no final newline', 'a: 1', [set(['b'], 2)], 'a: 1\nb: 2'],
    ['document start marker', '---\na: 1\n', [set(['b'], 2)], '---\na: 1\nb: 2\n'],
    ['empty file', '', [set(['a'], 1)], 'a: 1\n'],
    ['comments only', '# hello\n#a: 0\n', [set(['a'], 1)], '# hello\n#a: 0\na: 1\n'],
  ])('%s', (_, before, ops, after) => {
    expect(edit(before, ops)).toBe(after);
  });

  it('quotes every string a YAML 1.1 or 1.2 reader could take for something else', () => {
    const values = ['yes', 'No', 'on', 'OFF', 'y', 'null', '~', '123', '0x1F', '1e3', '2001-12-14', '', ' lead', 'a: b', 'x #y', '#c', '- d', '@e', '*f', '&g', '!h', '%i', '{j}', '[k]', 'l,m', "o'p", 'q"r', 'multi\nline', 'tab\there', 'end:', '\u2028', 'é'];
    const ops = values.map((v, i) => set([`k${i}`], v));
    const out = edit('', ops);
    const data = yaml.parse(out) as Record<string, unknown>;
    values.forEach((v, i) => expect(data[`k${i}`]).toBe(v));
    for (const v of ['yes', 'No', 'on', 'null', '123', '2001-12-14', '']) expect(out).toContain(`"${v}"`);
  });

  it('writes URLs, model ids and keys plain', () => {
    expect(edit('', [set(['u'], 'https://gw.example.com/v1'), set(['m'], 'openai/gpt-4o'), set(['k'], 'sk-abc_123')])).toBe(
      'u: https://gw.example.com/v1\nm: openai/gpt-4o\nk: sk-abc_123\n',
    );
  });

  it('round-trips keys with special characters', () => {
    const key = 'a"b#c$d\'e\\f';
    const out = edit('x: 1\n', [set([key, 'ü 🦊'], 'v')]);
    expect(yaml.parse(out)).toEqual({ x: 1, [key]: { 'ü 🦊': 'v' } });
  });

  it('leaves untouched scalars, flow styles and anchors byte for byte', () => {
    const before = [
      "single: 'it''s'",
      'double: "tab\\there"',
      'plain: text   # aligned',
      'folded: >',
      '  folded',
      'flow: {a: 1, b: [x,y]}',
      'base: &base',
      '  t: 30',
      'use:',
      '  <<: *base',
      '  host: h',
      'n: ~',
      '',
    ].join('\n');
    const out = edit(before, [set(['plain'], 'changed'), set(['new'], true)]);
    expect(out).toBe(before.replace('plain: text', 'plain: changed') + 'new: true\n');
  });
});

describe('yaml: delete and upsert', () => {
  it.each<[string, string, (string | number)[], string]>([
    ['a key with its comment', 'a: 1\nb: 2 # two\nc: 3\n', ['b'], 'a: 1\nc: 3\n'],
    ['a block value', 'a:\n  x: 1\n  y: [1]\nb: 2\n', ['a'], 'b: 2\n'],
    ['the only nested key', 'env:\n  A: 1\nb: 2\n', ['env', 'A'], 'env: {}\nb: 2\n'],
    ['the last root key', 'a: 1\nb: 2', ['b'], 'a: 1'],
    ['the only root key', '# c\na: 1\n', ['a'], '# c\n'],
  ])('delete %s', (_, before, path, after) => {
    expect(edit(before, [{ op: 'delete', path }])).toBe(after);
  });

  it('deletes list items (by index, so not idempotent by nature)', () => {
    expect(yaml.edit('l:\n  - a # first\n  - b\n', [{ op: 'delete', path: ['l', 0] }])).toBe('l:\n  - b\n');
    expect(yaml.edit('l:\n  - a\n', [{ op: 'delete', path: ['l', 0] }])).toBe('l: []\n');
  });

  it('keeps y/n keys quoted: YAML 1.1 readers take them for booleans', () => {
    expect(edit('', [set(['y'], 1)])).toBe('"y": 1\n');
  });

  const continueConfig = [
    'name: Local Assistant',
    'version: 1.0.0',
    'schema: v1',
    'models:',
    '  - name: Llama',
    '    provider: ollama',
    '    model: llama3',
    '    roles:',
    '      - chat',
    '  # the gateway',
    '  - name: Gateway',
    '    provider: openai',
    '    model: old',
    '    apiKey: sk-old # remove me',
    '  - name: Last',
    '    provider: ollama',
    'context:',
    '  - provider: code',
    '',
  ].join('\n');
  const entry = { name: 'Gateway', provider: 'openai', model: 'gpt-4o', apiBase: 'https://gw/v1', roles: ['chat', 'edit'] };

  it('upsert replaces one entry of a Continue models list, touching only its lines', () => {
    const out = edit(continueConfig, [{ op: 'upsert', path: ['models'], match: { key: 'name', value: 'Gateway' }, value: entry }]);
    expect(out).toBe(
      continueConfig.replace(
        '    model: old\n    apiKey: sk-old # remove me\n',
        '    model: gpt-4o\n    apiBase: https://gw/v1\n    roles:\n      - chat\n      - edit\n',
      ),
    );
    expectUnownedLinesKept(continueConfig, out, (line) => /model: old|apiKey/.test(line));
  });

  it('upsert appends a new entry after the last one', () => {
    const out = edit(continueConfig, [{ op: 'upsert', path: ['models'], match: { key: 'name', value: 'New' }, value: { name: 'New', roles: ['chat'] } }]);
    expect(out).toBe(continueConfig.replace('    provider: ollama\ncontext:', '    provider: ollama\n  - name: New\n    roles:\n      - chat\ncontext:'));
  });

  it('follows a file whose lists are not indented under their key', () => {
    const before = 'models:\n- name: a\n  model: b\nx: 1\n';
    const out = edit(before, [
      { op: 'upsert', path: ['models'], match: { key: 'name', value: 'c' }, value: { name: 'c', roles: ['chat'] } },
      set(['z', 'list'], ['p', 'q']),
    ]);
    expect(out).toBe('models:\n- name: a\n  model: b\n- name: c\n  roles:\n  - chat\nx: 1\nz:\n  list:\n  - p\n  - q\n');
  });

  it('upsert creates the list, fills an empty one, and appends to a flow one', () => {
    const op: EditOp = { op: 'upsert', path: ['models'], match: { key: 'name', value: 'g' }, value: { name: 'g' } };
    expect(edit('a: 1\n', [op])).toBe('a: 1\nmodels:\n  - name: g\n');
    expect(edit('models:\na: 1\n', [op])).toBe('models:\n  - name: g\na: 1\n');
    expect(edit('models: []\n', [op])).toBe('models:\n  - name: g\n');
    expect(edit('models: [{name: x}]\n', [op])).toBe('models: [{name: x}, { name: g }]\n');
  });

  it('replaces the first key of a list item by pulling the next one up', () => {
    expect(edit('m:\n  - a: 1\n    b: 2\n', [set(['m', 0], { b: 2 })])).toBe('m:\n  - b: 2\n');
  });
});

describe('yaml: refusals and parse errors', () => {
  it('refuses multi-document files', () => {
    expect(() => yaml.edit('a: 1\n---\nb: 2\n', [set(['a'], 2)])).toThrow(UnsafeEditError);
    expect(() => yaml.parse('a: 1\n---\nb: 2\n')).toThrow(/2 YAML documents/);
  });

  it('refuses anchored values, aliases and merge keys', () => {
    expect(() => yaml.edit('a: &x 1\nb: *x\n', [set(['a'], 2)])).toThrow(/anchor &x/);
    expect(() => yaml.edit('a: &x {k: 1}\nb: *x\n', [set(['b', 'j'], 2)])).toThrow(/alias/);
    expect(() => yaml.edit('base: &b\n  k: 1\nuse:\n  <<: *b\n', [set(['use', 'k'], 2)])).toThrow(/merge key/);
    expect(() => yaml.parse('a: &x [*x]\n')).toThrow(UnsafeEditError);
  });

  it('refuses removals inside flow collections and top levels that are not mappings', () => {
    expect(() => yaml.edit('a: {x: 1, y: 2}\n', [{ op: 'delete', path: ['a', 'x'] }])).toThrow(/flow collection/);
    expect(() => yaml.edit('- a\n- b\n', [set(['k'], 1)])).toThrow(UnsafeEditError);
    expect(() => yaml.edit('just text\n', [set(['k'], 1)])).toThrow(UnsafeEditError);
  });

  it.each<[string, string, number, number]>([
    ['tab indentation', 'key: value\n\tother: 1\n', 2, 1],
    ['duplicate key', 'a: 1\na: 2\n', 2, 1],
    ['unterminated quote', 'a: "x\nb: 1\n', 3, 1],
    ['unclosed flow sequence', 'a: 1\nb: [1, 2\nc: 3\n', 3, 1],
    ['alias without anchor', 'x: 1\na: *nope\n', 2, 4],
  ])('%s', (_, text, line, column) => {
    expect(thrown(FormatParseError, () => yaml.parse(text))).toMatchObject({ line, column });
    expect(thrown(FormatParseError, () => yaml.edit(text, [set(['z'], 1)]))).toMatchObject({ line, column });
  });

  it('reads empty and comment-only files as an empty mapping', () => {
    expect(yaml.parse('')).toEqual({});
    expect(yaml.parse('# nothing\n')).toEqual({});
    expect(yaml.parse('---\n')).toEqual({});
  });
});

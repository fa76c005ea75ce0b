import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { applyOpsToValue, deepEqual } from '../../src/formats/ops.js';
import { tomlEditor as toml, TomlScanner } from '../../src/formats/toml.js';
import { FormatParseError, UnsafeEditError, type EditOp, type JsonValue } from '../../src/formats/types.js';
import { thrown } from './helpers.js';

function edit(text: string, ops: EditOp[]): string {
  const out = toml.edit(text, ops);
  expect(deepEqual(toml.parse(out), applyOpsToValue(toml.parse(text), ops))).toBe(true);
  expect(toml.edit(out, ops)).toBe(out);
  return out;
}

const set = (path: string[], value: JsonValue): EditOp => ({ op: 'set', path, value });
const GW = ['model_providers', 'gw'];

describe('toml scanner', () => {
  it('sees only real statements, not look-alikes inside strings, arrays and inline tables', () => {
    const text = [
      'a = """',
      '[fake]',
      'b = 1',
      '"""',
      "c = '''x''''",
      'd = [',
      '  "[also.fake]", # e = 2',
      '  { f = "]" },',
      ']',
      'g = { h = 1,',
      '  i = "}" }',
      '"q.k" . \'lit\' = 1979-05-27 07:32:00 # t',
      '[ t . "x.y" ]  # header',
      'j = 1',
      '[[arr]]',
      '',
    ].join('\n');
    parse(text); // valid TOML
    const statements = new TomlScanner(text).statements();
    expect(statements.map((s) => (s.kind === 'kv' ? s.path.join('/') : `${s.kind}:${s.path.join('/')}`))).toEqual([
      'a',
      'c',
      'd',
      'g',
      'q.k/lit',
      'table:t/x.y',
      't/x.y/j',
      'arrayTable:arr',
    ]);
    const dated = statements[4];
    expect(dated?.kind === 'kv' && text.slice(dated.valueStart, dated.valueEnd)).toBe('1979-05-27 07:32:00');
  });
});

describe('toml: set', () => {
  it.each<[string, string, EditOp[], string]>([
    ['replace keeps the comment', 'model = "o3"   # mine\n', [set(['model'], 'gpt-5')], 'model = "gpt-5"   # mine\n'],
    ['root key after the last root key', 'a = 1\nb = 2\n\n[t]\nc = 3\n', [set(['z'], true)], 'a = 1\nb = 2\nz = true\n\n[t]\nc = 3\n'],
    ['root key after a leading comment block', '# Codex\n\n# providers\n[t]\nc = 3\n', [set(['z'], 1)], '# Codex\n\nz = 1\n\n# providers\n[t]\nc = 3\n'],
    ['root key above comments attached to the first header', '# about t\n[t]\nc = 3\n', [set(['z'], 1)], 'z = 1\n\n# about t\n[t]\nc = 3\n'],
    ['root key into a header-only file', '[t]\nc = 3\n', [set(['z'], 1)], 'z = 1\n\n[t]\nc = 3\n'],
    ['root key after comments only', '# nothing yet\n', [set(['z'], 1)], '# nothing yet\nz = 1\n'],
    ['key into an existing table', '[t]\na = 1 # c\n\n[u]\n', [set(['t', 'b'], 'x')], '[t]\na = 1 # c\nb = "x"\n\n[u]\n'],
    ['key into an empty table', '[t] # mine\n\n[u]\n', [set(['t', 'b'], 'x')], '[t] # mine\nb = "x"\n\n[u]\n'],
    ['key into an indented table', '[t]\n  a = 1\n', [set(['t', 'b'], 2)], '[t]\n  a = 1\n  b = 2\n'],
    ['new table at the end', 'a = 1\n', [set([...GW, 'name'], 'G')], 'a = 1\n\n[model_providers.gw]\nname = "G"\n'],
    ['new table after a trailing blank line', 'a = 1\n\n', [set(['t', 'k'], 1)], 'a = 1\n\n[t]\nk = 1\n'],
    ['new table, no final newline', 'a = 1', [set(['t', 'k'], 1)], 'a = 1\n\n[t]\nk = 1'],
    ['table known only through sub-tables', '[p.x]\nk = 1\n', [set(['p', 'flag'], true)], '[p.x]\nk = 1\n\n[p]\nflag = true\n'],
    ['nested objects become tables', '', [set(['t'], { a: 1, sub: { b: [1, 'x'] }, e: {} })], '[t]\na = 1\n\n[t.sub]\nb = [1, "x"]\n\n[t.e]\n'],
    ['a scalar replaced by a table', 't = 1 # c\nz = 2\n', [set(['t'], { a: 1 })], 'z = 2\n\n[t]\na = 1\n'],
    ['a table replaced by a scalar', 'a = 1\n\n[t]\nx = 1\n\n[t.sub]\ny = 2\n\n[u]\nz = 3\n', [set(['t'], 'flat')], 'a = 1\nt = "flat"\n\n[u]\nz = 3\n'],
    ['a multi-line value replaced whole', 'arr = [\n  "a", # c\n  "b",\n]\nx = 1\n', [set(['arr'], ['c'])], 'arr = ["c"]\nx = 1\n'],
    ['dotted key replaced in place', 'tui.notify = true\n', [set(['tui', 'notify'], false)], 'tui.notify = false\n'],
    ['quoted header', '[projects."/home/me"]\ntrust = "no"\n', [set(['projects', '/home/me', 'trust'], 'yes')], '[projects."/home/me"]\ntrust = "yes"\n'],
    ['CRLF', 'a = 1\r\n\r\n[t]\r\nb = 2\r\n', [set(['z'], 1), set(['t', 'c'], 3), set(['u', 'd'], 4)], 'a = 1\r\nz = 1\r\n\r\n[t]\r\nb = 2\r\nc = 3\r\n\r\n[u]\r\nd = 4\r\n'],
    ['BOM', '\uFEFFa = 1\n', [set(['b'], 2)], '\uFEFFa = 1\nb = 2\n'],
    ['empty file', '', [set(['a'], 1), set(['t', 'b'], 2)], 'a = 1\n\n[t]\nb = 2\n'],
  ])('%s', (_, before, ops, after) => {
    expect(edit(before, ops)).toBe(after);
  });

  it('writes a Codex provider from scratch', () => {
    const ops: EditOp[] = [
      set(['model'], 'gpt-5'),
      set(['model_provider'], 'gw'),
      set([...GW, 'name'], 'AI gateway (setup-gateway)'),
      set([...GW, 'base_url'], 'https://gw.example.com/v1'),
      set([...GW, 'wire_api'], 'responses'),
      { op: 'delete', path: [...GW, 'env_key'] },
    ];
    expect(edit('', ops)).toBe(
      'model = "gpt-5"\nmodel_provider = "gw"\n\n[model_providers.gw]\nname = "AI gateway (setup-gateway)"\nbase_url = "https://gw.example.com/v1"\nwire_api = "responses"\n',
    );
  });

  it('escapes strings and quotes keys so that they round-trip', () => {
    const key = 'a"b#c$d\'e\\f';
    const value = 'line\nbreak\t"q" \\ \u0001 \u007f é 🦊 # not a comment';
    const out = edit('x = 1\n', [set(['t', key], value), set([key], 'v'), set(['ü'], 1.5)]);
    expect(toml.parse(out)).toEqual({ x: 1, [key]: 'v', 'ü': 1.5, t: { [key]: value } });
    expect(out).toContain('"a\\"b#c$d\'e\\\\f" = ');
    expect(out).not.toContain('\u0001');
  });

  it('refuses values TOML cannot hold', () => {
    expect(() => toml.edit('', [set(['a'], null)])).toThrow(/no null/);
    expect(() => toml.edit('', [set(['a'], '\uD800')])).toThrow(/surrogate/);
  });
});

describe('toml: delete', () => {
  it.each<[string, string, string[], string]>([
    ['a key with its comment', 'a = 1\nb = 2 # two\nc = 3\n', ['b'], 'a = 1\nc = 3\n'],
    ['a key in a table', '[t]\na = 1\nb = """\nx\n"""\n\n[u]\n', ['t', 'b'], '[t]\na = 1\n\n[u]\n'],
    ['the last line, no final newline', 'a = 1\nb = 2', ['b'], 'a = 1'],
    ['a table and its sub-tables', 'a = 1\n\n[t]\nx = 1\n# keep me\n\n[t.s]\ny = 1\n\n[u]\nz = 1\n', ['t'], 'a = 1\n# keep me\n\n[u]\nz = 1\n'],
    ['one of two dotted keys', 'tui.a = true\ntui.b = 1\n', ['tui', 'a'], 'tui.b = 1\n'],
  ])('%s', (_, before, path, after) => {
    expect(edit(before, [{ op: 'delete', path }])).toBe(after);
  });
});

describe('toml: refusals and parse errors', () => {
  it.each<[string, string, EditOp]>([
    ['an inline table', 'model_providers = { gw = { name = "x" } }\n', set([...GW, 'base_url'], 'u')],
    ['a key inside an inline table', 'p = { a = 1 }\n', set(['p', 'a'], 2)],
    ['dotted keys defining the parent', 'model_providers.gw.name = "x"\n', set([...GW, 'base_url'], 'u')],
    ['dotted keys inside a table', '[model_providers]\ngw.name = "x"\n', set([...GW, 'base_url'], 'u')],
    ['a table defined by dotted keys, removed', 'a.b = 1\na.c = 2\n', { op: 'delete', path: ['a'] }],
    // Its table would vanish with the line, where the oracle expects an empty table to remain.
    ['the only dotted key of a table', 'tui.notify = true\nb = 1\n', { op: 'delete', path: ['tui', 'notify'] }],
    ['an array item', 'l = ["a"]\n', { op: 'upsert', path: ['l'], match: { key: 'n', value: 'x' }, value: { n: 'x' } }],
  ])('%s', (_, text, op) => {
    expect(() => toml.edit(text, [op])).toThrow(UnsafeEditError);
  });

  it('says why a lone dotted key cannot go', () => {
    expect(() => toml.edit('tui.notify = true\n', [{ op: 'delete', path: ['tui', 'notify'] }])).toThrow(/table tui it alone defines/);
  });

  it('refuses to edit inside arrays of tables', () => {
    const text = '[[model_providers]]\nname = "x"\n';
    expect(() => toml.edit(text, [set([...GW, 'name'], 'y')])).toThrow(UnsafeEditError);
  });

  it.each<[string, string, number, number]>([
    ['unclosed header', 'a = 1\n[t\nb = 2\n', 2, 3],
    ['redefined key', 'a = 1\na = 2\n', 2, 1],
    ['bad escape', 'a = "\\q"\n', 1, 7],
    ['unclosed array', 'a = [1,\nb = 2\n', 2, 1],
  ])('%s', (_, text, line, column) => {
    expect(thrown(FormatParseError, () => toml.parse(text))).toMatchObject({ line, column });
    expect(thrown(FormatParseError, () => toml.edit(text, [set(['z'], 1)]))).toMatchObject({ line, column });
  });

  it('counts lines after a BOM', () => {
    expect(thrown(FormatParseError, () => toml.parse('\uFEFFa = 1\na = 2\n'))).toMatchObject({ line: 2, column: 1 });
  });
});

// Messy real-world files: after a fixed set of edits (a) the result reads back as the oracle says,
// (b) every line that is not ours is still there byte for byte and in order, (c) a second run is
// a no-op, and BOM / final newline / line endings are unchanged.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applyBlock, findBlock } from '../../src/formats/block.js';
import { editorFor } from '../../src/formats/index.js';
import { applyOpsToValue, deepEqual } from '../../src/formats/ops.js';
import { FormatParseError, UnsafeEditError, type EditOp, type ManagedBlock, type StructuredFormat } from '../../src/formats/types.js';
import { expectSameFraming, expectUnownedLinesKept, linesOf } from './helpers.js';

const CORPUS = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'corpus');

function read(format: string, name: string): string {
  return readFileSync(join(CORPUS, format, name), 'utf8');
}

function files(format: string): string[] {
  return readdirSync(join(CORPUS, format)).sort();
}

interface Suite {
  ops: EditOp[];
  owned: (line: string) => boolean;
  normalize?: (line: string) => string;
  /** Files that must be refused, and how. */
  errors: Record<string, { type: typeof FormatParseError | typeof UnsafeEditError; line?: number; column?: number }>;
}

const SUITES: Record<StructuredFormat, Suite> = {
  // Claude Code's settings.json, as a recipe would edit it.
  json: {
    ops: [
      { op: 'set', path: ['env', 'ANTHROPIC_BASE_URL'], value: 'https://gw.example.com' },
      { op: 'set', path: ['env', 'ANTHROPIC_AUTH_TOKEN'], value: 'sk-gw-123' },
      { op: 'delete', path: ['env', 'ANTHROPIC_API_KEY'] },
      { op: 'setDefault', path: ['model'], value: 'sonnet' },
    ],
    owned: (line) => /"(env|ANTHROPIC_BASE_URL|ANTHROPIC_AUTH_TOKEN|ANTHROPIC_API_KEY|model)"/.test(line) || /^\s*[{}[\]]*,?\s*$/.test(line),
    // JSON grammar may add or drop the comma after the member before ours.
    normalize: (line) => line.replace(/,(\s*(\/\/.*)?)(\r?\n)?$/, '$1$3'),
    errors: { 'invalid.json': { type: FormatParseError, line: 4, column: 5 } },
  },
  // Aider's keys plus a Continue-style models entry.
  yaml: {
    ops: [
      { op: 'set', path: ['openai-api-base'], value: 'https://gw.example.com/v1' },
      { op: 'set', path: ['openai-api-key'], value: 'sk-gw-123' },
      { op: 'set', path: ['model'], value: 'openai/gpt-4o' },
      {
        op: 'upsert',
        path: ['models'],
        match: { key: 'name', value: 'Gateway' },
        value: { name: 'Gateway', provider: 'openai', model: 'gpt-4o', apiBase: 'https://gw.example.com/v1' },
      },
    ],
    owned: (line) => /^\s*(model|openai-api-base|openai-api-key|models)\s*:/.test(line) || /Gateway|old-model|old\.example|sk-old/.test(line),
    errors: { 'invalid.yaml': { type: FormatParseError, line: 3, column: 1 } },
  },
  // Codex's config.toml.
  toml: {
    ops: [
      { op: 'set', path: ['model'], value: 'gpt-5' },
      { op: 'set', path: ['model_provider'], value: 'gw' },
      { op: 'set', path: ['model_providers', 'gw', 'name'], value: 'AI gateway (setup-gateway)' },
      { op: 'set', path: ['model_providers', 'gw', 'base_url'], value: 'https://gw.example.com/v1' },
      { op: 'set', path: ['model_providers', 'gw', 'wire_api'], value: 'responses' },
      { op: 'set', path: ['model_providers', 'gw', 'experimental_bearer_token'], value: 'sk-gw-"123"' },
      { op: 'delete', path: ['model_providers', 'gw', 'env_key'] },
    ],
    owned: (line) => /^\s*(model|model_provider|name|base_url|wire_api|env_key|experimental_bearer_token)\s*=/.test(line),
    errors: {
      'inline-table.toml': { type: UnsafeEditError },
      'dotted-provider.toml': { type: UnsafeEditError },
      'invalid.toml': { type: FormatParseError, line: 2, column: 20 },
    },
  },
};

for (const format of ['json', 'yaml', 'toml'] as const) {
  const suite = SUITES[format];
  const editor = editorFor(format);
  describe(`${format} corpus`, () => {
    for (const name of files(format)) {
      const expected = suite.errors[name];
      if (expected) {
        it(`${name} is refused`, () => {
          const text = read(format, name);
          let error: unknown;
          try {
            editor.edit(text, suite.ops);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(expected.type);
          if (expected.line !== undefined) expect(error).toMatchObject({ line: expected.line, column: expected.column });
        });
        continue;
      }
      it(`${name}: oracle, untouched lines, idempotent`, () => {
        const before = read(format, name);
        const after = editor.edit(before, suite.ops);
        expect(deepEqual(editor.parse(after), applyOpsToValue(editor.parse(before), suite.ops))).toBe(true);
        if (before.replace('\uFEFF', '').trim() !== '') expectUnownedLinesKept(before, after, suite.owned, suite.normalize);
        expectSameFraming(before, after);
        expect(editor.edit(after, suite.ops)).toBe(after);
      });
    }
  });
}

describe('json corpus: a ~1 MB file', () => {
  it('edits a large settings file quickly and keeps every other line', () => {
    const lines = ['{', '  // generated: many projects, comments and nesting'];
    for (let i = 0; i < 4000; i++) {
      lines.push(`  "project-${i}": { // project ${i}`, `    "allowedTools": ["Bash(git *)", "Read"],`, `    "history": [${'"x", '.repeat(24)}"end"],`, `    "n": ${i}`, '  },');
    }
    lines.push('  "env": {"KEEP": "1"}', '}', '');
    const before = lines.join('\n');
    expect(before.length).toBeGreaterThan(900_000);
    const ops = SUITES.json.ops;
    const editor = editorFor('json');
    const started = Date.now();
    const after = editor.edit(before, ops);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(deepEqual(editor.parse(after), applyOpsToValue(editor.parse(before), ops))).toBe(true);
    // Only the one-line env object changed; nothing else moved.
    const b = linesOf(before);
    const a = linesOf(after);
    expect(a.slice(0, b.length - 3)).toEqual(b.slice(0, b.length - 3));
    expect(editor.edit(after, ops)).toBe(after);
  });
});

describe('shell corpus', () => {
  const block: ManagedBlock = {
    dialect: 'posix',
    vars: [
      { name: 'OPENAI_BASE_URL', value: 'https://gw.example.com/v1' },
      { name: 'OPENAI_API_KEY', value: "sk-'gw'" },
    ],
  };
  const refused = new Set(['two-blocks', 'unterminated']);
  for (const name of files('shell')) {
    if (refused.has(name)) {
      it(`${name} is refused`, () => {
        expect(() => applyBlock(read('shell', name), block)).toThrow(UnsafeEditError);
      });
      continue;
    }
    it(`${name}: only the block changes, idempotent, removable`, () => {
      const before = read('shell', name);
      const after = applyBlock(before, block);
      const old = findBlock(before);
      const ownedLines = new Set(old ? linesOf(before.slice(old.start, old.end)) : []);
      expectUnownedLinesKept(before, after, (line) => ownedLines.has(line));
      expect(applyBlock(after, block)).toBe(after);
      const found = findBlock(after);
      expect(found).not.toBeNull();
      // Removing it leaves the user's lines, and only those.
      const removed = applyBlock(after, null);
      expect(findBlock(removed)).toBeNull();
      expectUnownedLinesKept(before, removed, (line) => ownedLines.has(line));
      if (before.includes('\r\n')) expect(after.match(/(?<!\r)\n/g)).toBeNull();
    });
  }
});

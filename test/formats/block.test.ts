import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyBlock, BLOCK_END, BLOCK_START, renderAssignment, renderBlock } from '../../src/formats/block.js';
import { UnsafeEditError, type BlockDialect, type ManagedBlock } from '../../src/formats/types.js';

const NOTE = '# Written by setup-gateway: changes inside this block are replaced on the next run.';
const posix = (vars: Record<string, string>, lines?: string[]): ManagedBlock => ({
  dialect: 'posix',
  vars: Object.entries(vars).map(([name, value]) => ({ name, value })),
  ...(lines ? { lines } : {}),
});
const block = (body: string[], eol = '\n') => [BLOCK_START, NOTE, ...body, BLOCK_END].map((l) => l + eol).join('');

describe('renderAssignment quotes per dialect', () => {
  it.each<[BlockDialect, string, string]>([
    ['posix', "it's $HOME `x` \\ \"q\"", `export V='it'\\''s $HOME \`x\` \\ "q"'`],
    ['fish', "it's \\ $x", "set -gx V 'it\\'s \\\\ $x'"],
    ['powershell', "it's ‘smart’ $env:X", "$env:V = 'it''s ‘‘smart’’ $env:X'"],
    ['dotenv', 'a"b$c\\d\ne', 'V="a\\"b\\$c\\\\d\\ne"'],
  ])('%s', (dialect, value, line) => {
    expect(renderAssignment(dialect, 'V', value)).toBe(line);
  });

  it('validates names and refuses values a shell line cannot hold', () => {
    for (const name of ['1X', 'A-B', 'A B', '', 'É']) expect(() => renderAssignment('posix', name, 'v')).toThrow(/invalid environment variable name/);
    for (const dialect of ['posix', 'fish', 'powershell'] as const) {
      expect(() => renderAssignment(dialect, 'V', 'a\nb')).toThrow(/line break/);
      expect(() => renderAssignment(dialect, 'V', 'a\rb')).toThrow(/line break/);
    }
    for (const dialect of ['posix', 'fish', 'powershell', 'dotenv'] as const) expect(() => renderAssignment(dialect, 'V', 'a\0b')).toThrow(/NUL/);
    expect(renderAssignment('dotenv', '_ok9', '')).toBe('_ok9=""');
  });
});

describe('the posix quoting survives a real shell', () => {
  const dir = mkdtempSync(join(tmpdir(), 'setup-gateway-block-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const values = ["it's", '$HOME and `date` and $(id)', 'back\\slash "double" \'single\'', '!history ~tilde *glob ;&|<>', 'ünïcødé 🦊', '', "''"];
  for (const shell of ['sh', 'bash']) {
    it(shell, () => {
      const file = join(dir, `profile-${shell}`);
      writeFileSync(file, applyBlock('', posix(Object.fromEntries(values.map((v, i) => [`V${i}`, v])))));
      const script = `. "${file}"; ${values.map((_, i) => `printf '%s\\0' "$V${i}"`).join('; ')}`;
      let out: string;
      try {
        out = execFileSync(shell, ['-c', script], { encoding: 'utf8' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // shell not installed here
        throw error;
      }
      expect(out.split('\0').slice(0, -1)).toEqual(values);
    });
  }
});

describe('renderBlock', () => {
  it('frames vars and raw lines with the markers', () => {
    expect(renderBlock(posix({ A: '1' }, ['source ~/.gw']), '\r\n')).toBe(block(["export A='1'", 'source ~/.gw'], '\r\n'));
    expect(() => renderBlock(posix({}, ['a\nb']))).toThrow(/line break/);
    expect(() => renderBlock(posix({}, [BLOCK_END]))).toThrow(/marker/);
  });
});

describe('applyBlock', () => {
  const b = posix({ A: '1' });
  const rendered = block(["export A='1'"]);

  it.each<[string, string, string]>([
    ['into an empty file', '', rendered],
    ['after content, with one blank line between', 'alias ll=ls\n', `alias ll=ls\n\n${rendered}`],
    ['after content that already ends with a blank line', 'alias ll=ls\n\n', `alias ll=ls\n\n${rendered}`],
    ['after a last line without a newline', 'alias ll=ls', `alias ll=ls\n\n${rendered}`],
    ['CRLF', 'a=1\r\n', `a=1\r\n\r\n${block(["export A='1'"], '\r\n')}`],
    ['BOM', '\uFEFFa=1\n', `\uFEFFa=1\n\n${rendered}`],
    ['replacing in place', `x=1\n${block(["export OLD='0'"])}y=2\n`, `x=1\n${rendered}y=2\n`],
    ['replacing a hand-edited block, no final newline', `x=1\n${BLOCK_START}\njunk\n${BLOCK_END}`, `x=1\n${rendered.slice(0, -1)}`],
  ])('%s', (_, before, after) => {
    expect(applyBlock(before, b)).toBe(after);
    expect(applyBlock(after, b)).toBe(after);
  });

  it('removes the block and only the block', () => {
    expect(applyBlock(`x=1\n${rendered}y=2\n`, null)).toBe('x=1\ny=2\n');
    expect(applyBlock(`x=1\n\n${rendered}`, null)).toBe('x=1\n\n');
    expect(applyBlock(`x=1\n${BLOCK_START}\n${BLOCK_END}`, null)).toBe('x=1\n');
    const text = 'no block here\n';
    expect(applyBlock(text, null)).toBe(text);
  });

  it('returns the same text when the block is already current', () => {
    const text = `a\n\n${rendered}`;
    expect(applyBlock(text, b)).toBe(text);
  });

  it.each<[string, string]>([
    ['two blocks', `${rendered}x\n${rendered}`],
    ['a start marker without its end', `a\n${BLOCK_START}\nexport A=1\n`],
    ['an end marker without its start', `a\n${BLOCK_END}\n`],
    ['the end before the start', `${BLOCK_END}\n${BLOCK_START}\n`],
  ])('refuses %s', (_, text) => {
    expect(() => applyBlock(text, b)).toThrow(UnsafeEditError);
    expect(() => applyBlock(text, null)).toThrow(UnsafeEditError);
  });
});

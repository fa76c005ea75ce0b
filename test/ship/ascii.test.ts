// Every file of dist/ is ASCII. V8 keeps a script's source for as long as the process runs (it
// compiles functions lazily from it), and one character past Latin-1 anywhere in a file makes it
// keep the whole source at two bytes per character: dist/relay-serve.js, the foreground relay
// that serves for hours, held 338 KB instead of 169 KB because of one regular expression's check
// marks. esbuild escapes strings, not regular expressions: write those marks as \u escapes.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../agents/paths.js';

const dist = join(repoRoot, 'dist');

describe('the built files', () => {
  it('are ASCII, so V8 holds their sources at one byte per character', async () => {
    const files = (await readdir(dist, { recursive: true })).filter((f) => f.endsWith('.js') || f.endsWith('.cjs'));
    expect(files).toContain('relay-serve.js');
    const found: string[] = [];
    for (const file of files) {
      const text = await readFile(join(dist, file), 'utf8');
      const at = text.search(/[^\x00-\x7f]/);
      if (at !== -1) found.push(`${file}: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 10))}`);
    }
    expect(found).toEqual([]);
  });
});

// The README stays in step with the code: every registered recipe has a row in "What each agent
// gets" (and no row names an agent that is gone), and the install one-liner it shows matches
// install.sh.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recipes } from '../../recipes/index.js';
import { repoRoot } from '../agents/paths.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

/** The text of the `## title` section, up to the next `## ` heading. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${title}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

describe('README.md', () => {
  it('"What each agent gets" has a row for every recipe in recipes/index.ts, and only for those', () => {
    const ids = new Set<string>();
    for (const line of section('What each agent gets').split('\n')) {
      const firstCell = /^\|([^|]*)\|/.exec(line)?.[1] ?? '';
      for (const [, id] of firstCell.matchAll(/\(`([a-z0-9-]+)`/g)) ids.add(id!);
    }
    const registered = recipes.map((r) => r.id);
    expect(
      registered.filter((id) => !ids.has(id)),
      'recipes without a row in README.md "What each agent gets" (first column: "Name (`id`)")',
    ).toEqual([]);
    expect([...ids].filter((id) => !registered.includes(id)), 'README rows naming no registered recipe').toEqual([]);
  });

  it('shows the install one-liner the way install.sh takes its arguments', () => {
    const quick = section('Quick start');
    expect(quick).toMatch(/curl -fsSL \S+\/install\.sh \| bash -s -- \S+ --base-url /);
    expect(quick).toContain('npx setup-gateway');
  });

  it('"Commands" is one table: every command has its row in it, none stray below (Markdown renders those as text)', async () => {
    const { commandNames } = await import('../../src/cli/main.js');
    const lines = section('Commands').split('\n');
    const first = lines.findIndex((l) => l.startsWith('| command |'));
    const end = lines.findIndex((l, i) => i > first && !l.startsWith('|'));
    const table = lines.slice(first, end);
    const stray = lines.slice(end).filter((l) => l.startsWith('| `setup-gateway'));
    expect(stray, 'table rows after the table ended').toEqual([]);
    const documented = new Set(table.flatMap((row) => [...row.matchAll(/`setup-gateway ([a-z-]+)/g)].map((m) => m[1])));
    expect(commandNames.filter((c) => !documented.has(c)), 'commands without a row').toEqual([]);
  });
});

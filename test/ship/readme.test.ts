// The README stays in step with the code: every registered recipe has a row in "What each agent
// gets" (and no row names an agent that is gone), and the install one-liner it shows matches
// install.sh.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recipes } from '../../recipes/index.js';
import type { Recipe } from '../../src/core/recipe.js';
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

  it('"What goes through the gateway" has one row per recipe, as its model slots and telemetry say', () => {
    const rows = section('What goes through the gateway')
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| agent |'));
    expect(rows).toEqual(recipes.map(slotRow));
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

/** A recipe's row of "What goes through the gateway", from its slots and telemetry. */
function slotRow(r: Recipe): string {
  // A key in parentheses describes a setting that has no name of its own: shown as text.
  const keys = (ks: readonly string[], tick: boolean) => ks.map((k) => (/^\(.*\)$/.test(k) ? k.slice(1, -1) : tick ? `\`${k}\`` : k)).join(', ');
  const routed = r.slots.filter((s) => s.routable && s.writes !== 'none').map((s) => `${s.role} (${keys(s.keys, true)})`);
  const left = r.slots.filter((s) => s.routable && s.writes === 'none').map((s) => `${s.role} (${keys(s.keys, true)})${s.note ? `: ${s.note}` : ''}`);
  const cannot = r.slots.filter((s) => !s.routable).map((s) => `${s.role} (${keys(s.keys, false)})`);
  const through = [routed.join('; '), left.length ? `left as set: ${left.join('; ')}` : ''].filter(Boolean).join(' · ');
  const telemetry = r.telemetry ? `${r.telemetry.hosts.join(', ')}; off: ${r.telemetry.off}` : '—';
  return `| ${r.name} (\`${r.id}\`) | ${through || '—'} | ${cannot.join('; ') || '—'} | ${telemetry} |`;
}

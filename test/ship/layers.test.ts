// The layers, lowest first: src/formats and src/relay (each on its own) < src/core < src/doctor <
// recipes/ < src/app < src/cli and src/tui < the entry files (src/cli.ts, src/bin.cts). A module
// imports its own layer and the ones below, never one above, and there are no import cycles. Read
// from the sources: every `import … from`, `export … from` and `import(…)` with a relative path.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../agents/paths.js';

type Layer = 'formats' | 'relay' | 'core' | 'doctor' | 'recipes' | 'app' | 'adapters' | 'entry';

/** What each layer may import, besides itself. */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  formats: [],
  // The relay runs on its own (in a background process too): nothing from the rest.
  relay: [],
  core: ['formats', 'relay'],
  doctor: ['core', 'formats', 'relay'],
  recipes: ['doctor', 'core', 'formats'],
  app: ['recipes', 'doctor', 'core', 'formats', 'relay'],
  adapters: ['app', 'recipes', 'doctor', 'core', 'formats', 'relay'],
  entry: ['adapters', 'app', 'recipes', 'doctor', 'core', 'formats', 'relay'],
};

function layerOf(rel: string): Layer | undefined {
  if (rel === 'src/cli.ts' || rel === 'src/bin.cts') return 'entry';
  const [top, sub] = rel.split('/');
  if (top === 'recipes') return 'recipes';
  if (top !== 'src') return undefined;
  if (sub === 'cli' || sub === 'tui') return 'adapters';
  return (['formats', 'relay', 'core', 'doctor', 'app'] as const).find((l) => l === sub);
}

interface Import {
  from: string;
  to: string;
  /** `import(…)`: loaded when called, so it cannot close a cycle at load time. */
  dynamic: boolean;
}

function sources(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir), { recursive: true, encoding: 'utf8' })
    .map((f) => path.posix.join(dir, f.split(path.sep).join('/')))
    .filter((f) => /\.(ts|tsx|cts)$/.test(f) && !f.endsWith('.test.ts'));
}

const FILES = [...sources('src'), ...sources('recipes')];

/** `./x.js` from `src/a/b.ts` → `src/a/x.ts` (or .tsx, .cts): the file it names. */
function resolve(from: string, spec: string): string {
  const target = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  const stem = target.replace(/\.(js|cjs|mjs)$/, '');
  const hit = [`${stem}.ts`, `${stem}.tsx`, `${stem}.cts`, target].find((f) => FILES.includes(f) || f.endsWith('.json'));
  return hit ?? target;
}

function importsOf(file: string): Import[] {
  // Comment lines left out: a comment may show an import as an example.
  const text = readFileSync(path.join(repoRoot, file), 'utf8')
    .split('\n')
    .filter((line) => !/^\s*(\/\/|\/\*|\*)/.test(line))
    .join('\n');
  const out: Import[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"](\.[^'"]+)['"]/gm)) out.push({ from: file, to: resolve(file, m[1]!), dynamic: false });
  for (const m of text.matchAll(/^\s*import\s*['"](\.[^'"]+)['"]/gm)) out.push({ from: file, to: resolve(file, m[1]!), dynamic: false });
  for (const m of text.matchAll(/\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g)) out.push({ from: file, to: resolve(file, m[1]!), dynamic: true });
  return out;
}

const IMPORTS = FILES.flatMap(importsOf);

describe('layers', () => {
  it('finds the sources and their imports', () => {
    expect(FILES).toEqual(expect.arrayContaining(['src/cli.ts', 'src/core/plan.ts', 'src/doctor/run.ts', 'recipes/index.ts']));
    expect(IMPORTS.length).toBeGreaterThan(200);
    // The parser sees multi-line imports and dynamic ones.
    expect(IMPORTS).toEqual(expect.arrayContaining([{ from: 'recipes/index.ts', to: 'recipes/zed/recipe.ts', dynamic: false }]));
    expect(IMPORTS).toEqual(expect.arrayContaining([{ from: 'recipes/codex/recipe.ts', to: 'recipes/codex/doctor.ts', dynamic: true }]));
  });

  it('no module imports a layer above its own (src/relay and src/formats import only themselves)', () => {
    const wrong = IMPORTS.flatMap(({ from, to }) => {
      const a = layerOf(from);
      const b = layerOf(to);
      if (!a || !b || a === b || MAY_IMPORT[a].includes(b)) return [];
      return [`${from} (${a}) imports ${to} (${b})`];
    });
    expect(wrong).toEqual([]);
  });

  it('every import names a file that exists (so the rules above see every edge)', () => {
    const missing = IMPORTS.filter(({ to }) => !FILES.includes(to) && !to.endsWith('.json')).map(({ from, to }) => `${from} → ${to}`);
    expect(missing).toEqual([]);
  });

  // Lazy imports count too: one cannot break a load, but a loop of them still ties two files
  // together (a recipe loads its doctor module lazily, so that module must not import the recipe).
  it('no cycle of imports, lazy ones included', () => {
    const edges = new Map<string, string[]>();
    for (const { from, to } of IMPORTS) edges.set(from, [...(edges.get(from) ?? []), to]);
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, trail: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of edges.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of FILES) visit(file, []);
    expect(cycles).toEqual([]);
  });
});

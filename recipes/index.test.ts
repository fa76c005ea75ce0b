// The registry and the folders agree: adding an agent is one folder (recipe.ts, its tests, and
// doctor.ts when it has checks of its own) plus one line in recipes/index.ts. A folder left out of
// the registry, a doctor.ts no recipe loads, or an id that differs from its folder fails here.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelSlotSchema, TelemetrySchema } from '../src/core/recipe.js';
import { recipes } from './index.js';

const here = import.meta.dirname;
const folders = readdirSync(here, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const filesOf = (id: string) => readdirSync(path.join(here, id));

describe('recipes/index.ts', () => {
  it('every recipe lists its model slots (a main one first) and its telemetry as the schemas say', () => {
    for (const r of recipes) {
      expect(r.slots.length, `${r.id} lists no model slots`).toBeGreaterThan(0);
      expect(r.slots[0]?.role, r.id).toBe('main');
      for (const slot of r.slots) expect(ModelSlotSchema.safeParse(slot).error?.issues, `${r.id}: ${slot.keys.join(', ')}`).toBeUndefined();
      if (r.telemetry) expect(TelemetrySchema.safeParse(r.telemetry).error?.issues, r.id).toBeUndefined();
    }
    // A slot that cannot be routed is never written.
    expect(ModelSlotSchema.safeParse({ role: 'autocomplete', keys: ['x'], routable: false, writes: 'main' }).success).toBe(false);
  });

  it('every recipe says where its model slots come from, with the date they were checked', () => {
    for (const r of recipes) {
      const text = readFileSync(path.join(here, r.id, 'recipe.ts'), 'utf8');
      const at = text.indexOf('// - Model slots');
      expect(at, `${r.id}: no "// - Model slots (source, checked YYYY-MM-DD)" in its header`).toBeGreaterThanOrEqual(0);
      // Up to the next bullet of the header, or its end.
      const ends = ['\n// - ', '\nimport '].map((s) => text.indexOf(s, at + 1)).filter((i) => i > at);
      const paragraph = text.slice(at, Math.min(...ends));
      expect(paragraph, r.id).toMatch(/\b20\d\d-\d\d-\d\d\b/);
    }
  });

  it('registers every folder under recipes/, once, under its folder name', () => {
    const ids = recipes.map((r) => r.id);
    expect(new Set(ids).size, 'ids are unique').toBe(ids.length);
    expect([...ids].sort()).toEqual(folders);
  });

  it('every agent folder holds recipe.ts and tests of its own', () => {
    for (const id of folders) {
      const files = filesOf(id);
      expect(files, id).toContain('recipe.ts');
      expect(files.filter((f) => f.endsWith('.test.ts')), `${id} has no *.test.ts`).not.toEqual([]);
    }
  });

  it("a folder's doctor.ts is its recipe's doctor module, tested in doctor.test.ts", async () => {
    for (const recipe of recipes) {
      const files = filesOf(recipe.id);
      expect(Boolean(recipe.doctor), `${recipe.id}: recipe.doctor is set exactly when doctor.ts exists`).toBe(files.includes('doctor.ts'));
      if (!recipe.doctor) continue;
      expect(files, recipe.id).toContain('doctor.test.ts');
      const module = await recipe.doctor();
      expect(module.checks.length, `${recipe.id}: doctor.ts has checks`).toBeGreaterThan(0);
    }
  });
});

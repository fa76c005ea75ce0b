import { describe, expect, it } from 'vitest';
import { editorFor, jsonEditor, tomlEditor, yamlEditor, type StructuredFormat } from '../../src/formats/index.js';

describe('editorFor', () => {
  it('returns the editor for each format', () => {
    expect(editorFor('json')).toBe(jsonEditor);
    expect(editorFor('yaml')).toBe(yamlEditor);
    expect(editorFor('toml')).toBe(tomlEditor);
    for (const format of ['json', 'yaml', 'toml'] as const) expect(editorFor(format).format).toBe(format);
  });

  it('refuses an unknown format', () => {
    expect(() => editorFor('ini' as StructuredFormat)).toThrow(/no editor/);
  });
});

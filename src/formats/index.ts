// One place to get an editor for a format, and the formats API re-exported.

import { jsonEditor } from './json.js';
import { tomlEditor } from './toml.js';
import type { StructuredEditor, StructuredFormat } from './types.js';
import { yamlEditor } from './yaml.js';

const EDITORS: Readonly<Record<StructuredFormat, StructuredEditor>> = {
  json: jsonEditor,
  yaml: yamlEditor,
  toml: tomlEditor,
};

export function editorFor(format: StructuredFormat): StructuredEditor {
  const editor = EDITORS[format];
  // Formats come from recipes typed at compile time, but a stray string must not pass silently.
  if (editor === undefined) throw new Error(`no editor for format ${JSON.stringify(format)}`);
  return editor;
}

export { jsonEditor, tomlEditor, yamlEditor };
export { applyBlock, renderBlock, renderAssignment, findBlock, BLOCK_START, BLOCK_END } from './block.js';
export { applyOpsToValue, deepEqual, getAt, formatPath } from './ops.js';
export * from './types.js';

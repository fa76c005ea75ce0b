// The contract every structured-format editor fulfils. An editor turns a file's text plus a
// list of edit operations into new text, touching only the bytes those operations own:
// comments, key order, indentation, line endings, BOM and the final newline all survive.

/** A JSON-compatible value, as recipes write it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Where a value lives: object keys are strings, array indices numbers. */
export type KeyPath = readonly (string | number)[];

export type EditOp =
  /** Set the value at `path`, creating parent objects as needed. */
  | { op: 'set'; path: KeyPath; value: JsonValue }
  /** Set the value only when nothing is at `path` yet (e.g. a flag another program owns). */
  | { op: 'setDefault'; path: KeyPath; value: JsonValue }
  /** Remove whatever is at `path`; a no-op when absent. */
  | { op: 'delete'; path: KeyPath }
  /**
   * In the array at `path` (created when absent), replace the first object whose `match.key`
   * equals `match.value` with `value`, or append `value` when none does. Lets a recipe own one
   * entry of a list the user also edits (e.g. one model among many).
   */
  | { op: 'upsert'; path: KeyPath; match: { key: string; value: string }; value: JsonValue };

export type StructuredFormat = 'json' | 'yaml' | 'toml';

/** Thrown by `parse` and `edit` when the input text is not valid; line and column are 1-based. */
export class FormatParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'FormatParseError';
  }
}

/** Thrown when an edit cannot be made without rewriting what the user wrote (e.g. a TOML inline table). */
export class UnsafeEditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeEditError';
  }
}

export interface StructuredEditor {
  readonly format: StructuredFormat;
  /** Parse to plain data (BOM tolerated); an empty or whitespace-only text is an empty object. */
  parse(text: string): unknown;
  /** Apply the operations and return the new text. Pure; returns `text` itself when nothing changes. */
  edit(text: string, ops: readonly EditOp[]): string;
}

/** Shells and env-file dialects a managed block can be written in. */
export type BlockDialect = 'posix' | 'fish' | 'powershell' | 'dotenv';

/** A managed block: the lines between the setup-gateway markers, owned entirely by us. */
export interface ManagedBlock {
  dialect: BlockDialect;
  /** Environment variables to export, in order. */
  vars: ReadonlyArray<{ name: string; value: string }>;
  /** Extra raw lines, already valid in the dialect (e.g. sourcing another file). */
  lines?: readonly string[];
}

// Typed errors. Commands throw these; only src/cli.ts turns them into a message and an exit code.

/** `changes`: `apply --check` found something that would change (and `doctor --against`, drift). */
export const ExitCode = { ok: 0, failure: 1, usage: 2, changes: 3 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Something the user asked for is malformed: bad flag, bad URL, bad key. Exit 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The request was fine but could not be carried out (unreadable file, gateway down…). Exit 1. */
export class SetupError extends Error {
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
    this.name = 'SetupError';
  }
}

/** A config file that does not parse: names the file, line and column. Nothing is written for it. */
export class FileParseError extends SetupError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: ${reason}`);
    this.name = 'FileParseError';
  }
}

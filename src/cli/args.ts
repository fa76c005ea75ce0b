// util.parseArgs with our rules: unknown flags and bad values are usage errors (exit 2) with one
// line per problem, never a stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import { UsageError } from '../core/errors.js';
import { formatZodError } from '../core/zod-errors.js';
import { closest } from './suggest.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parseable = z.core.$ZodType & { safeParse(data: unknown): { success: true; data: unknown } | { success: false; error: z.core.$ZodError } };

/** `schema` is a zod or zod/mini schema (the relay's options use zod/mini, to keep zod out of the relay process). */
export function parseCommand<S extends Parseable>(command: string, argv: readonly string[], options: Options, schema: S): z.core.output<S> {
  let values: Record<string, unknown>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true }));
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify.*$/s, '.');
    // A mistyped flag: name the one meant (`--dryrun` -> `--dry-run`).
    const unknown = /^Unknown option '(-[^']*)'/.exec(message)?.[1];
    const meant = unknown ? closest(unknown, Object.keys(options).map((name) => `--${name}`)) : undefined;
    throw new UsageError(`${command}: ${message}${meant ? ` Did you mean ${meant}?` : ''}`, [`See \`setup-gateway ${command} --help\`.`]);
  }
  if (positionals.length > 0) {
    throw new UsageError(`${command}: unexpected argument "${positionals[0]}".`, [`See \`setup-gateway ${command} --help\`.`]);
  }
  const parsed = schema.safeParse(values);
  if (!parsed.success) throw new UsageError(`${command}: invalid options:`, formatZodError(parsed.error));
  return parsed.data as z.core.output<S>;
}

// How a failed command ends: a typed error becomes its message, its next steps and its exit code;
// anything else is an unexpected error, with the stack only under SETUP_GATEWAY_DEBUG. Shared by
// the dispatcher (main.ts) and the foreground relay (relay-serve.ts), which is built as a file of its
// own: an error never crosses from one build's classes to the other's `instanceof`.
import { ExitCode, SetupError, UsageError } from '../core/errors.js';
import type { Printer } from '../app/io.js';
import { withPrefix } from '../app/command.js';
import { commandOf, type CliIO } from './io.js';

/** commandOf, or the plain form when the environment itself is what failed (no HOME). */
function safeCommandOf(io: CliIO): string {
  try {
    return commandOf(io);
  } catch {
    return 'setup-gateway';
  }
}

export function reportError(error: unknown, print: Printer, io: CliIO): number {
  if (error instanceof UsageError || error instanceof SetupError) {
    print.err(`setup-gateway: ${error.message}`);
    // A next step names commands as they run in the way this one was started (app/command.ts).
    const command = safeCommandOf(io);
    for (const d of error.details) print.err(`  ${withPrefix(d, command)}`);
    return error instanceof UsageError ? ExitCode.usage : ExitCode.failure;
  }
  const e = error instanceof Error ? error : new Error(String(error));
  print.err(`setup-gateway: unexpected error: ${e.message}`);
  if (io.debug) print.err(e.stack ?? '');
  else print.err('  Run with SETUP_GATEWAY_DEBUG=1 for details, and please report it.');
  return ExitCode.failure;
}

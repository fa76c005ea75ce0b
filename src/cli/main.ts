// Dispatch: the command word picks one module; errors become a message and an exit code here,
// so no command ever prints a stack trace.
import { ExitCode, SetupError, UsageError } from '../core/errors.js';
import { applyCommand, applyHelp } from './apply.js';
import { detectCommand, detectHelp } from './detect.js';
import { Printer, type CliIO } from './io.js';
import { recipesCommand, recipesHelp } from './recipes.js';
import { undoCommand, undoHelp } from './undo.js';

type Command = (argv: readonly string[], io: CliIO, print: Printer) => Promise<number>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  apply: { run: applyCommand, help: applyHelp },
  detect: { run: detectCommand, help: detectHelp },
  undo: { run: undoCommand, help: undoHelp },
  recipes: { run: recipesCommand, help: recipesHelp },
};

export const mainHelp = `setup-gateway: route every coding agent through one AI gateway.

Usage: setup-gateway <command> [options]

Commands:
  apply     configure agents for a gateway (--base-url, key, --agent, --model, --dry-run)
  detect    list the agents installed on this machine
  undo      restore the files the last apply changed (--list, --id)
  recipes   the supported agents and what each gets written where

Options:
  -h, --help      show help (also: setup-gateway <command> --help)
  -v, --version   print the version

Exit codes: 0 ok, 1 failure, 2 usage error.
`;

export async function main(argv: readonly string[], io: CliIO, color: boolean): Promise<number> {
  const wantsJson = argv.includes('--json');
  const print = new Printer(io, color && !wantsJson);
  const [command, ...rest] = argv;
  try {
    if (command === '--version' || command === '-v') {
      print.out(io.version);
      return ExitCode.ok;
    }
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      const topic = command === 'help' ? rest[0] : undefined;
      print.out(topic && COMMANDS[topic] ? COMMANDS[topic].help : mainHelp);
      // Bare `setup-gateway` is a usage error until the interactive mode exists.
      return command === undefined ? ExitCode.usage : ExitCode.ok;
    }
    const entry = COMMANDS[command];
    if (!entry) throw new UsageError(`Unknown command "${command}".`, [`Commands: ${Object.keys(COMMANDS).join(', ')}. See \`setup-gateway --help\`.`]);
    if (rest.includes('--help') || rest.includes('-h')) {
      print.out(entry.help);
      return ExitCode.ok;
    }
    return await entry.run(rest, io, print);
  } catch (error) {
    return reportError(error, print, Boolean(io.debug));
  }
}

function reportError(error: unknown, print: Printer, debug: boolean): number {
  if (error instanceof UsageError || error instanceof SetupError) {
    print.err(`setup-gateway: ${error.message}`);
    for (const d of error.details) print.err(`  ${d}`);
    return error instanceof UsageError ? ExitCode.usage : ExitCode.failure;
  }
  const e = error instanceof Error ? error : new Error(String(error));
  print.err(`setup-gateway: unexpected error: ${e.message}`);
  if (debug) print.err(e.stack ?? '');
  else print.err('  Run with SETUP_GATEWAY_DEBUG=1 for details, and please report it.');
  return ExitCode.failure;
}

// What a command may touch of the outside world, wired for real in src/cli.ts and faked in tests.
import type { Environment } from '../core/environment.js';
import type { Fetch } from '../core/gateway.js';
import type { Output } from '../app/io.js';
import type { Terminal } from '../tui/terminal.js';
import { commandPrefix } from '../app/command.js';

export interface CliIO extends Output {
  /** Resolved lazily: `detect --help` must work even without HOME. */
  environment(): Environment;
  /** Reads all of stdin (for --key-stdin). */
  readStdin(): Promise<string>;
  /** Whether a person can answer questions (stdin and stdout are terminals). */
  interactive: boolean;
  /** Asks a yes/no question; only called when `interactive`. */
  confirm(question: string): Promise<boolean>;
  fetch: Fetch;
  version: string;
  /** The script that runs (process.argv[1]): with the environment, tells how the tool was started (app/command.ts). */
  script?: string;
  /** SETUP_GATEWAY_DEBUG: print stack traces of unexpected errors. */
  debug?: boolean;
  /** The current folder, where project-level settings are looked for (`doctor`); optional. */
  cwd?: string;
  /**
   * The terminal for the interactive mode (`setup-gateway` with no command), or undefined when
   * there is none (stdout not a terminal, and no keyboard on stdin or /dev/tty). Optional: an
   * IO without it never starts the interactive mode.
   */
  terminal?(): Promise<Terminal | undefined>;
}

/** How this run prints a setup-gateway command: `setup-gateway`, or `npx setup-gateway@VERSION` when npx started it. */
export function commandOf(io: CliIO): string {
  return commandPrefix({ env: io.environment().env, script: io.script, version: io.version });
}

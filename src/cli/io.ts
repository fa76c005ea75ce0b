// What a command may touch of the outside world, wired for real in src/cli.ts and faked in tests.
import type { Environment } from '../core/environment.js';
import type { Fetch } from '../core/gateway.js';
import { maskSecrets } from '../core/secrets.js';
import type { Terminal } from '../tui/terminal.js';

export interface CliIO {
  /** Resolved lazily: `detect --help` must work even without HOME. */
  environment(): Environment;
  stdout: { write(text: string): void };
  stderr: { write(text: string): void };
  /** Reads all of stdin (for --key-stdin). */
  readStdin(): Promise<string>;
  /** Whether a person can answer questions (stdin and stdout are terminals). */
  interactive: boolean;
  /** Asks a yes/no question; only called when `interactive`. */
  confirm(question: string): Promise<boolean>;
  fetch: Fetch;
  version: string;
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

/** Every line a command prints goes through here, so a key can never be printed by mistake. */
export class Printer {
  private readonly secrets: string[] = [];
  constructor(
    private readonly io: CliIO,
    readonly color: boolean,
  ) {}

  addSecret(secret: string): void {
    this.secrets.push(secret);
  }

  mask(text: string): string {
    return maskSecrets(text, this.secrets);
  }

  out(text = ''): void {
    this.io.stdout.write(`${this.mask(text)}\n`);
  }

  err(text = ''): void {
    this.io.stderr.write(`${this.mask(text)}\n`);
  }

  /** Masks every string before encoding: JSON escaping would otherwise hide a key's spelling. */
  json(value: unknown): void {
    this.out(JSON.stringify(value, (_, v: unknown) => (typeof v === 'string' ? this.mask(v) : v), 2));
  }

  paint(code: 'green' | 'yellow' | 'red' | 'dim' | 'bold' | 'cyan', text: string): string {
    if (!this.color) return text;
    const codes = { green: 32, yellow: 33, red: 31, dim: 2, bold: 1, cyan: 36 } as const;
    return `\u001b[${codes[code]}m${text}\u001b[0m`;
  }
}

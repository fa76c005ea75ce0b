// Output for the use cases and the adapters alike: every line goes through a Printer, which masks
// the secrets it was told about, so a key can never be printed by mistake.
import { maskSecrets } from '../core/secrets.js';
import { wrapText } from '../core/wrap.js';

/** Where a Printer writes: the command's stdout and stderr (or anything shaped like them). */
export interface Output {
  stdout: { write(text: string): void };
  stderr: { write(text: string): void };
  /** The terminal's width when stdout is one: lines are word-wrapped to it. Unset: never wrapped (a pipe, a file). */
  readonly columns?: number | undefined;
}

/** Every line a command prints goes through here, so a key can never be printed by mistake. */
export class Printer {
  private readonly secrets: string[] = [];
  constructor(
    private readonly io: Output,
    readonly color: boolean,
  ) {}

  addSecret(secret: string): void {
    this.secrets.push(secret);
  }

  mask(text: string): string {
    return maskSecrets(text, this.secrets);
  }

  out(text = ''): void {
    this.io.stdout.write(`${this.wrap(this.mask(text))}\n`);
  }

  err(text = ''): void {
    this.io.stderr.write(`${this.wrap(this.mask(text))}\n`);
  }

  /** Masks every string before encoding: JSON escaping would otherwise hide a key's spelling. Never wrapped. */
  json(value: unknown): void {
    this.io.stdout.write(`${this.mask(JSON.stringify(value, (_, v: unknown) => (typeof v === 'string' ? this.mask(v) : v), 2))}\n`);
  }

  /** Text as the terminal should show it: broken between words at its width, when it is one. */
  private wrap(text: string): string {
    const columns = this.io.columns;
    return columns ? wrapText(text, columns) : text;
  }

  paint(code: 'green' | 'yellow' | 'red' | 'dim' | 'bold' | 'cyan', text: string): string {
    if (!this.color) return text;
    const codes = { green: 32, yellow: 33, red: 31, dim: 2, bold: 1, cyan: 36 } as const;
    return `\u001b[${codes[code]}m${text}\u001b[0m`;
  }
}

/** A printer that drops everything (e.g. the relay's own lines where there is no place for them). */
export function quietPrinter(): Printer {
  const none = { write() {} };
  return new Printer({ stdout: none, stderr: none }, false);
}

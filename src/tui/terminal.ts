// Finds the terminal the interactive mode talks to. Loaded at start-up by src/cli.ts, so it
// imports no ink and no react: only node's tty.
//
// stdout must be a terminal. The keyboard is stdin when stdin is a terminal; otherwise (run as
// `curl … | bash`, where stdin is the script) it is /dev/tty, the controlling terminal, when
// this process has one. Without either there is no interactive mode.
import { closeSync, openSync } from 'node:fs';
import tty from 'node:tty';

export interface Terminal {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  /** True when the keyboard is /dev/tty rather than stdin. */
  fromDevTty: boolean;
  /** Releases what was opened here (the /dev/tty stream), so the process can exit. */
  close(): void;
}

export function openTerminal(
  stdin: NodeJS.ReadStream = process.stdin,
  stdout: NodeJS.WriteStream = process.stdout,
  openTty: () => number = () => openSync('/dev/tty', 'r'),
): Terminal | undefined {
  if (!stdout.isTTY) return undefined;
  if (stdin.isTTY) return { stdin, stdout, fromDevTty: false, close() {} };
  let fd: number;
  try {
    fd = openTty();
  } catch {
    // No controlling terminal (CI, a service, Windows): no interactive mode.
    return undefined;
  }
  if (!tty.isatty(fd)) {
    closeSync(fd);
    return undefined;
  }
  const keyboard = new tty.ReadStream(fd);
  return {
    stdin: keyboard as NodeJS.ReadStream,
    stdout,
    fromDevTty: true,
    close() {
      if (keyboard.isRaw) keyboard.setRawMode(false);
      keyboard.destroy();
    },
  };
}

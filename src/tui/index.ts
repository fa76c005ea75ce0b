// The interactive mode's entry, imported by src/cli/main.ts only when `setup-gateway` runs with
// no command on a terminal. Picks the ink TUI or, with --plain / TERM=dumb / CI, the line-by-line
// questions; wires the real world into both; prints the summary; returns the exit code:
// 0 done (or nothing to do), 1 an agent failed or a check did not pass, 130 cancelled.
import { commandPrefix } from '../app/command.js';
import type { Printer } from '../app/io.js';
import type { CliIO } from '../cli/io.js';
import { ExitCode } from '../core/errors.js';
import type { Fetch } from '../core/gateway.js';
import { probeProtocols } from '../app/gateway-check.js';
import { loadStartPoint } from '../app/start.js';
import { doctorChecks } from '../app/verify.js';
import type { Terminal } from './terminal.js';
import { printNothing, printSummary } from './text.js';
import type { SessionDeps } from '../app/session.js';
import { CANCELLED, type TuiResult } from './wizard.js';

export interface InteractiveOptions {
  plain: boolean;
}

export async function runInteractive(options: InteractiveOptions, io: CliIO, print: Printer, terminal: Terminal): Promise<number> {
  const env = io.environment();
  // Cancelling mid-request must not leave the process waiting for the gateway's answer.
  const aborter = new AbortController();
  const deps: SessionDeps = {
    env,
    fetch: abortable(io.fetch, aborter.signal),
    version: io.version,
    probeProtocols,
    verify: doctorChecks,
    ...(io.cwd ? { cwd: io.cwd } : {}),
  };
  let result: TuiResult;
  try {
    // The saved profiles and the last gateway: the run starts from them (none: the first run's list).
    const start = await loadStartPoint(deps, { env: env.env, readStdin: async () => '' });
    if (options.plain || useLineMode(env.env)) {
      const { runPlain } = await import('./plain.js');
      result = await runPlain(deps, terminal, print, start);
    } else {
      const { runTui } = await import('./app.js');
      result = await runTui(deps, terminal, print.color, start);
    }
  } finally {
    aborter.abort();
    terminal.close();
  }
  // The line mode's review stays above the summary; the TUI's left with its alternate screen.
  return finish(result, print, deps, options.plain || useLineMode(env.env), commandPrefix({ env: env.env, script: io.script, version: io.version }));
}

/** Terminals ink cannot drive: no cursor movement (TERM=dumb or unset), or CI, where ink draws only the last frame. */
export function useLineMode(env: Readonly<Record<string, string | undefined>>): boolean {
  if (!env.TERM || env.TERM === 'dumb') return true;
  const ci = env.CI !== undefined && env.CI !== '0' && env.CI !== 'false';
  return ci || env.CONTINUOUS_INTEGRATION !== undefined;
}

function abortable(fetch: Fetch, signal: AbortSignal): Fetch {
  return (input, init) => fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
}

function finish(result: TuiResult, print: Printer, deps: SessionDeps, reviewInView: boolean, command: string): number {
  switch (result.kind) {
    case 'cancelled':
      print.err('Cancelled: nothing was written.');
      return CANCELLED;
    case 'error':
      print.err(`setup-gateway: ${result.message}`);
      return ExitCode.failure;
    case 'nothing':
      print.addSecret(result.review.profile.key);
      printNothing(print, result.review, deps.env);
      return ExitCode.ok;
    case 'done':
      print.addSecret(result.review.profile.key);
      printSummary(print, result.review, result.outcome, deps.env, reviewInView, command);
      return result.outcome.failed ? ExitCode.failure : ExitCode.ok;
  }
}

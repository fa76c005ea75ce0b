#!/usr/bin/env node
// The entry point: wires the real world into the CLI and is the only place that exits.
//
// `--version` is answered before anything else is loaded: it needs no other module, so it costs
// little more than starting node (bench/startup). A foreground relay loads its own file. Every
// other command loads main.js and, through it, only its own chunk (scripts/build.mjs splits the
// bundle at each dynamic import).
import pkg from '../package.json' with { type: 'json' };
import type { CliIO } from './cli/io.js';

// `setup-gateway detect | head` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

const argv = process.argv.slice(2);
const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
if (argv[0] === '--version' || argv[0] === '-v') {
  process.stdout.write(`${pkg.version}\n`);
} else if (argv[0] === 'relay' && (await import('./cli/relay-action.js')).servesInForeground(argv.slice(1))) {
  // A foreground relay serves for hours: its own file (dist/relay-serve.js, see scripts/build.mjs),
  // without the dispatcher and the chunks it shares with the other commands. (The rule is a
  // module of its own, loaded here only: every other start stays the entry file alone.)
  const { relayMain, fromProcess } = await import('./cli/relay-serve.js');
  process.exitCode = await relayMain(argv.slice(1), processIO(fromProcess), color);
} else {
  const [{ main }, { fromProcess }] = await Promise.all([import('./cli/main.js'), import('./core/environment.js')]);
  process.exitCode = await main(argv, processIO(fromProcess), color);
}

/** The real world, as commands see it (faked in tests). */
function processIO(environment: CliIO['environment']): CliIO {
  let networkFetch: Promise<typeof fetch> | undefined;
  return {
    environment,
    stdout: process.stdout,
    stderr: process.stderr,
    // Read at each line: a resized terminal wraps at its new width.
    get columns() {
      return process.stdout.isTTY ? process.stdout.columns : undefined;
    },
    async readStdin() {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    // A getter: touching process.stdin sets up a stream, which most commands have no use for.
    get interactive() {
      return Boolean(process.stdin.isTTY && process.stdout.isTTY);
    },
    async confirm(question) {
      // Loaded only when a question is asked: start-up stays small.
      const { createInterface } = await import('node:readline/promises');
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        const answer = await rl.question(`${question} [y/N] `);
        return /^y(es)?$/i.test(answer.trim());
      } finally {
        rl.close();
      }
    },
    async terminal() {
      // node:tty only, and only for the interactive mode.
      const { openTerminal } = await import('./tui/terminal.js');
      return openTerminal();
    },
    // Node's own fetch ignores HTTPS_PROXY and NO_PROXY: ours honours them (core/net-fetch.ts),
    // loaded at the first request, so commands that make none never load it.
    fetch: async (input, init) => {
      networkFetch ??= import('./core/net-fetch.js').then((m) => m.networkFetch(environment().env));
      return (await networkFetch)(input, init);
    },
    version: pkg.version,
    ...(process.argv[1] ? { script: process.argv[1] } : {}),
    debug: Boolean(process.env.SETUP_GATEWAY_DEBUG),
    cwd: process.cwd(),
  };
}

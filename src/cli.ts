#!/usr/bin/env node
// The entry point: wires the real world into the CLI and is the only place that exits.
import { createInterface } from 'node:readline/promises';
import pkg from '../package.json' with { type: 'json' };
import { main } from './cli/main.js';
import type { CliIO } from './cli/io.js';
import { fromProcess } from './core/environment.js';

const io: CliIO = {
  environment: fromProcess,
  stdout: process.stdout,
  stderr: process.stderr,
  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
  async confirm(question) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      const answer = await rl.question(`${question} [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  },
  fetch: globalThis.fetch,
  version: pkg.version,
  debug: Boolean(process.env.SETUP_GATEWAY_DEBUG),
};

const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
process.exitCode = await main(process.argv.slice(2), io, color);

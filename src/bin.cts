#!/usr/bin/env node
// The `setup-gateway` command (package.json "bin"). CommonJS on purpose: Node starts a CommonJS
// file faster than an ES module (no module loader to set up), so `--version` answers about as
// fast as a bare `node`. Every other use goes on to the ES module bundle, dist/cli.js, which
// loads each command's code on demand. bench/startup measures both.
const { version } = require('../package.json') as { version: string };

const first = process.argv[2];
if (first === '--version' || first === '-v') {
  process.stdout.write(`${version}\n`);
} else {
  // dist/cli.js reads process.argv itself and sets the exit code.
  void import('./cli.js');
}

#!/usr/bin/env node
// `use` benchmark (a plain script, not a test): how long `setup-gateway use NAME` takes to switch
// 15 agents between two gateways, next to a bare `node -e ''`. Target: under 1 s.
//
//   npm run bench:use                    (builds first)
//   node bench/use/run.mjs [--runs N]    (against the current dist/)
//
// A throwaway HOME holds 15 agents (a fake binary on PATH each, so detection finds them) and two
// saved profiles on two loopback mock gateways (each answers /v1/models). After one
// `apply --profile a`, every run is a `use b` or `use a` (alternating, so each one rewrites every
// agent's files: one journaled apply of 15 agents), interleaved with `node -e ''` so a busy
// machine slows both alike. Prints the median and the 90th percentile of each, the ratio, and the
// files one switch wrote.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const cli = join(root, pkg.bin['setup-gateway']);
const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 4) throw new Error('--runs must be an integer >= 4');
if (!existsSync(cli)) {
  console.error(`${cli} is missing: run \`npm run build\` (or \`npm run bench:use\`, which builds)`);
  process.exit(1);
}

/** The agents' binaries: 15 agents with a file setup-gateway writes. */
const AGENTS = ['aider', 'claude', 'cline', 'codex', 'cn', 'copilot', 'crush', 'droid', 'gemini', 'goose', 'kilo', 'openclaw', 'opencode', 'pi', 'qwen'];

const home = mkdtempSync(join(tmpdir(), 'sg-bench-use-'));
const bin = join(home, 'bin');
mkdirSync(bin);
for (const name of AGENTS) {
  writeFileSync(join(bin, name), '#!/bin/sh\n');
  chmodSync(join(bin, name), 0o755);
}
const env = { PATH: [bin, '/usr/bin', '/bin'].join(delimiter), HOME: home, LANG: 'C.UTF-8', GW_A_KEY: 'sk-bench-a-0001', GW_B_KEY: 'sk-bench-b-0002' };

/** A gateway that lists its models and answers every probe: what `use` asks before writing. */
function gateway(models) {
  const server = createServer((req, res) => {
    req.resume();
    res.setHeader('content-type', 'application/json');
    res.end(req.url?.endsWith('/models') ? JSON.stringify({ object: 'list', data: models.map((id) => ({ id, object: 'model' })) }) : '{}');
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

function run(args) {
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', fail);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) fail(new Error(`node ${args.join(' ')} exited ${code}: ${out}`));
      else done({ ms, out });
    });
  });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const stats = (t) => {
  const sorted = [...t].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p90: percentile(sorted, 90) };
};

const [a, b] = await Promise.all([gateway(['model-a']), gateway(['model-b'])]);
try {
  const url = (server) => `http://127.0.0.1:${server.address().port}/v1`;
  await run([cli, 'profile', 'add', 'a', '--base-url', url(a), '--key-env', 'GW_A_KEY', '--model', 'model-a', '--relay', 'never']);
  await run([cli, 'profile', 'add', 'b', '--base-url', url(b), '--key-env', 'GW_B_KEY', '--model', 'model-b', '--relay', 'never']);
  await run([cli, 'apply', '--profile', 'a', '--yes']);
  const status = JSON.parse((await run([cli, 'status', '--json'])).out);
  const managed = status.agents.filter((s) => s.managed).map((s) => s.id);
  if (managed.length !== AGENTS.length) throw new Error(`expected ${AGENTS.length} agents routed by profile a, got ${managed.length}: ${managed.join(', ')}`);

  // Warm-up, then the measured runs: use b, use a, … each switching all 15 agents.
  let next = 'b';
  const use = async () => {
    const r = await run([cli, 'use', next, '--yes', '--json']);
    const doc = JSON.parse(r.out);
    const updated = doc.agents.filter((x) => x.status === 'updated');
    if (updated.length !== AGENTS.length) throw new Error(`use ${next} updated ${updated.length} agents, not ${AGENTS.length}`);
    next = next === 'a' ? 'b' : 'a';
    return { ms: r.ms, files: updated.reduce((n, x) => n + x.files.length, 0) };
  };
  for (let i = 0; i < 2; i++) {
    await run(['-e', '']);
    await use();
  }
  const bare = [];
  const switches = [];
  let files = 0;
  for (let i = 0; i < runs; i++) {
    bare.push((await run(['-e', ''])).ms);
    const r = await use();
    switches.push(r.ms);
    files = r.files;
  }
  const node = stats(bare);
  const used = stats(switches);
  const fmt = (n) => `${n.toFixed(0).padStart(5)} ms`;
  console.log(`setup-gateway use: ${AGENTS.length} agents, ${files} files per switch, ${runs} runs (node ${process.version}, load ${loadavg()[0].toFixed(2)})`);
  console.log(`${'command'.padEnd(36)}  median       p90      ratio`);
  console.log(`${"node -e ''".padEnd(36)}  ${fmt(node.median)}  ${fmt(node.p90)}     1.00x`);
  console.log(`${`setup-gateway use a|b (${AGENTS.length} agents)`.padEnd(36)}  ${fmt(used.median)}  ${fmt(used.p90)}  ${(used.median / node.median).toFixed(2).padStart(7)}x`);
  console.log(`target: under 1000 ms: ${used.median < 1000 ? 'met' : 'NOT met'} (median ${used.median.toFixed(0)} ms)`);
} finally {
  a.close();
  b.close();
  rmSync(home, { recursive: true, force: true });
}

#!/usr/bin/env node
// Start-up benchmark (a plain script, not a test): how long `setup-gateway --version` and
// `setup-gateway detect --json` take next to a bare `node -e ''`, and how big the package is.
//
//   npm run bench:startup                    (builds first)
//   node bench/startup/run.mjs [--runs N]    (against the current dist/)
//
// Each command runs N times (default 40) after 3 warm-up runs, interleaved so that a busy machine
// slows all of them alike, in a throwaway HOME with a minimal environment. Prints the median and
// the 90th percentile of the wall time of each, their ratio to bare node, and the size of the
// tarball `npm pack` makes. Targets: --version within 1.3x of bare node; tarball <= 400 KB.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The command as npm installs it: package.json's bin (dist/bin.cjs, which imports dist/cli.js).
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const cli = join(root, pkg.bin['setup-gateway']);
const { values } = parseArgs({ options: { runs: { type: 'string', default: '40' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 5) throw new Error('--runs must be an integer >= 5');
if (!existsSync(cli)) {
  console.error(`${cli} is missing: run \`npm run build\` (or \`npm run bench:startup\`, which builds)`);
  process.exit(1);
}

const home = mkdtempSync(join(tmpdir(), 'sg-bench-'));
const env = { PATH: [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(delimiter), HOME: home, LANG: 'C.UTF-8' };

const subjects = [
  { name: "node -e ''", args: ['-e', ''] },
  { name: 'setup-gateway --version', args: [cli, '--version'] },
  { name: 'setup-gateway detect --json', args: [cli, 'detect', '--json'] },
];

function once(args) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, cwd: home, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

try {
  for (let i = 0; i < 3; i++) for (const s of subjects) once(s.args);
  const times = subjects.map(() => []);
  for (let i = 0; i < runs; i++) subjects.forEach((s, j) => times[j].push(once(s.args)));

  const stats = times.map((t) => {
    const sorted = [...t].sort((a, b) => a - b);
    return { median: percentile(sorted, 50), p90: percentile(sorted, 90) };
  });
  const [bare] = stats;
  // Short processes on a busy machine are slowed unevenly: the load average says how busy it was.
  console.log(`node ${process.version}, ${runs} runs each, ${new Date().toISOString().slice(0, 10)}, load average ${loadavg()[0].toFixed(1)}`);
  subjects.forEach((s, j) => {
    const { median, p90 } = stats[j];
    const ratio = j === 0 ? '' : `   ${(median / bare.median).toFixed(2)}x / ${(p90 / bare.p90).toFixed(2)}x bare node`;
    console.log(`${s.name.padEnd(28)} median ${median.toFixed(1).padStart(6)} ms   p90 ${p90.toFixed(1).padStart(6)} ms${ratio}`);
  });

  // The tarball as `npm pack` makes it (of the dist/ just measured; no rebuild).
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...env, npm_config_cache: join(home, '.npm'), npm_config_update_notifier: 'false' },
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  )[0];
  console.log(`tarball ${packed.filename}: ${(packed.size / 1024).toFixed(1)} KB (${packed.entryCount} files, ${(packed.unpackedSize / 1024).toFixed(1)} KB unpacked)`);

  const versionRatio = stats[1].median / bare.median;
  console.log(`targets: --version ${versionRatio.toFixed(2)}x bare node (<= 1.30x: ${versionRatio <= 1.3 ? 'met' : 'MISSED'}); tarball ${(packed.size / 1024).toFixed(1)} KB (<= 400 KB: ${packed.size <= 400 * 1024 ? 'met' : 'MISSED'})`);
} finally {
  rmSync(home, { recursive: true, force: true });
}

// Sums the newest profiles promoted-preload.mjs wrote (the relay's and the bare proxy's): the
// sampled bytes whose objects outlived a scavenge, in total and by the function that allocated them (the profiler's own
// allocations included: they are listed under node:inspector). See promoted-preload.mjs.
//
//   node bench/relay/promoted-report.mjs [--top N]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PROFILE_DIR } from './promoted-preload.mjs';

const { values } = parseArgs({ options: { top: { type: 'string', default: '15' } } });
const top = Number(values.top);

let names = [];
try {
  names = readdirSync(PROFILE_DIR).filter((f) => f.endsWith('.json'));
} catch {
  // none yet
}
// The newest profile of each kind of process (earlier runs leave theirs).
const newest = new Map();
for (const name of names) {
  const kind = name.replace(/-\d+\.json$/, '');
  const mtime = statSync(join(PROFILE_DIR, name)).mtimeMs;
  if (!(newest.get(kind)?.mtime >= mtime)) newest.set(kind, { name, mtime });
}
const files = [...newest.values()].map((f) => f.name);
if (!files.length) {
  console.error(`No profiles in ${PROFILE_DIR}: run the bench with the preload first (see promoted-preload.mjs).`);
  process.exitCode = 1;
}

const MiB = 1024 * 1024;
for (const file of files.sort()) {
  const { head } = JSON.parse(readFileSync(join(PROFILE_DIR, file), 'utf8'));
  const byFunction = new Map();
  let total = 0;
  const walk = (node) => {
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    if (node.selfSize) {
      // Positions as editors count them (the profiler's are 0-based).
      const where = `${functionName || '(anonymous)'} ${url.split('/').at(-1) || '(native)'}:${lineNumber + 1}:${columnNumber + 1}`;
      byFunction.set(where, (byFunction.get(where) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    for (const child of node.children) walk(child);
  };
  walk(head);
  console.log(`${file}: ${(total / MiB).toFixed(1)} MiB of sampled allocations outlived a scavenge`);
  for (const [where, bytes] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`  ${(bytes / MiB).toFixed(2).padStart(7)} MiB  ${where}`);
  }
}

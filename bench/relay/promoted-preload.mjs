// What outlives the young generation, in the relay and in the bare proxy under the bench's load
// (issue 15: the relay's peak RSS is old space filled with promoted per-request objects). A
// preload, not a test: it starts V8's sampling heap profiler in those two processes, keeping only
// the samples whose objects survived a scavenge (`includeObjectsCollectedByMinorGC: false`), and
// writes each profile every 2 s. Then `node bench/relay/promoted-report.mjs` sums them by function.
//
//   NODE_OPTIONS="--import $PWD/bench/relay/promoted-preload.mjs" \
//     node bench/relay/bench.mjs --seconds 3 --rounds 1 --skip-ccr
//   node bench/relay/promoted-report.mjs
//
// The profiler costs CPU: read the bench's throughput of such a run as meaningless.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROFILE_DIR = join(tmpdir(), 'setup-gateway-promoted');

const [, script, command, action] = process.argv;
const who = script?.endsWith('bare-proxy.mjs') ? 'bare-proxy' : command === 'relay' && action !== 'token' ? 'relay' : undefined;

if (who) {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: false,
  });
  const save = async () => {
    const { profile } = await session.post('HeapProfiler.getSamplingProfile');
    writeFileSync(join(PROFILE_DIR, `${who}-${process.pid}.json`), JSON.stringify(profile));
  };
  setInterval(() => void save(), 2000).unref();
}

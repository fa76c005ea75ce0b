// Pi, end to end: `setup-gateway apply --agent pi` in a throwaway HOME, then the real Pi (`pi -p`,
// one headless turn; @earendil-works/pi-coding-agent pinned in test/agents/package.json) run with
// the Node runtime install.mjs puts in the cache (Pi needs Node >= 22.19), in an environment
// holding no gateway settings. Only ~/.pi/agent/models.json and settings.json as apply wrote them
// can route the request to the mock gateway; the key holds a `$`, so it only arrives intact if
// apply escaped it the way Pi reads it. Pi must leave both files as written.
//
// Test-only environment (Pi's own switches): PI_OFFLINE=1 (no catalog refresh, offline here),
// PI_SKIP_VERSION_CHECK=1, PI_TELEMETRY=0.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentVersions, piEntry, runtimeNode } from '../../test/agents/paths.js';
import { E2E_TIMEOUT, useE2e } from '../../test/support/e2e.js';
import { agentEnv, runProcess, type ProcessRun, type TempWorld } from '../../test/support/run-agent.js';

const REPLY = 'MOCK-GATEWAY-REPLY pi 3b9e: the route works';
// `$x` would be an environment reference and `$$` a lone `$` to Pi unless written escaped.
const KEY = `sk-test-"q'#$x$$y\\z-e2e`;
const MODEL = 'gateway/e2e-model-1';
const MODELS = join('.pi', 'agent', 'models.json');
const SETTINGS = join('.pi', 'agent', 'settings.json');

const e2e = useE2e({ reply: REPLY, key: KEY, model: MODEL, requires: [runtimeNode, piEntry] });

function runPi(w: TempWorld, args: string[]): Promise<ProcessRun> {
  const env = agentEnv(w.home, { PI_OFFLINE: '1', PI_SKIP_VERSION_CHECK: '1', PI_TELEMETRY: '0' });
  expect(Object.keys(env).filter((k) => /OPENAI|ANTHROPIC|PI_CODING|KEY|TOKEN|XDG_/.test(k))).toEqual([]);
  return runProcess(runtimeNode, [piEntry, ...args], { cwd: w.cwd, env });
}

describe('setup-gateway apply, then Pi', () => {
  it(
    `creates ~/.pi/agent/models.json and settings.json that Pi ${agentVersions.pi} (pi -p, Node ${agentVersions.runtimeNode}) routes through with the key byte for byte, and leaves as written`,
    async () => {
      const world = await e2e.world('sg-e2e-pi-');
      const applied = await e2e.apply(world, 'pi');
      const written = await Promise.all([MODELS, SETTINGS].map((f) => readFile(join(world.home, f))));
      e2e.mock.reset();

      const run = await runPi(world, ['-p', 'say hi']);
      const ctx = await e2e.context(world, run, applied, [MODELS, SETTINGS]);
      e2e.expectRouted(run, '/v1/chat/completions', ctx);
      const after = await Promise.all([MODELS, SETTINGS].map((f) => readFile(join(world.home, f))));
      expect(after.map((b, i) => b.equals(written[i] as Buffer)), ctx).toEqual([true, true]);
    },
    E2E_TIMEOUT,
  );

  it(
    'edits a hand-written models.json (comments, other providers) that Pi then routes through',
    async () => {
      const world = await e2e.world('sg-e2e-pi-');
      await e2e.putFixture(world, 'pi', 'models.json', MODELS);
      const applied = await e2e.apply(world, 'pi');
      expect(await readFile(join(world.home, MODELS), 'utf8')).toContain('// Local models first; comments are allowed in this file.');
      e2e.mock.reset();

      const run = await runPi(world, ['-p', 'say hi']);
      e2e.expectRouted(run, '/v1/chat/completions', await e2e.context(world, run, applied, [MODELS, SETTINGS]));
    },
    E2E_TIMEOUT,
  );
});

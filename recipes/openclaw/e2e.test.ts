// OpenClaw, end to end: `setup-gateway apply --agent openclaw` in a throwaway HOME, then the real
// OpenClaw (`openclaw agent exec`, one headless embedded turn; openclaw pinned in
// test/agents/package.json) run with the Node 24 runtime install.mjs puts in the cache (OpenClaw
// needs Node >= 24), in an environment holding no gateway settings. Only ~/.openclaw/openclaw.json
// as apply wrote it can route the request to the mock gateway. `openclaw config validate` checks
// the edited file against OpenClaw's strict schema (unknown keys are errors there).
//
// The key holds `${HOME}`: OpenClaw substitutes `${VAR}` in config strings, so the request only
// carries the key byte for byte if apply escaped it (`$${HOME}`).
//
// Test-only environment (documented in OpenClaw's docs/gateway/telemetry.md and
// config-runtime.md): CI=1 (no update check or statistics request), DO_NOT_TRACK=1,
// OPENCLAW_NO_AUTO_UPDATE=1.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentVersions, openclawEntry, runtimeNode } from '../../test/agents/paths.js';
import { E2E_TIMEOUT, useE2e } from '../../test/support/e2e.js';
import { agentEnv, runProcess, type ProcessRun, type TempWorld } from '../../test/support/run-agent.js';

const REPLY = 'MOCK-GATEWAY-REPLY openclaw 9b4e: the route works';
const KEY = 'sk-test-"q\'#$x\\y-${HOME}-e2e';
// A slash in the id: OpenClaw takes the provider from the first segment of `<provider>/<model>`.
const MODEL = 'gateway/e2e-model-1';
const CONFIG = join('.openclaw', 'openclaw.json');

const e2e = useE2e({ reply: REPLY, key: KEY, model: MODEL, requires: [runtimeNode, openclawEntry] });

function runOpenclaw(w: TempWorld, args: string[]): Promise<ProcessRun> {
  const env = agentEnv(w.home, { CI: '1', DO_NOT_TRACK: '1', OPENCLAW_NO_AUTO_UPDATE: '1' });
  expect(Object.keys(env).filter((k) => /OPENAI|ANTHROPIC|OPENCLAW_(CONFIG|STATE|HOME)|KEY|TOKEN|XDG_/.test(k))).toEqual([]);
  return runProcess(runtimeNode, [openclawEntry, ...args], { cwd: w.cwd, env });
}

describe('setup-gateway apply, then OpenClaw', () => {
  it(
    `creates ~/.openclaw/openclaw.json that OpenClaw ${agentVersions.openclaw} (agent exec, Node ${agentVersions.runtimeNode}) routes through with the key byte for byte`,
    async () => {
      const world = await e2e.world('sg-e2e-openclaw-');
      const applied = await e2e.apply(world, 'openclaw');
      const written = await readFile(join(world.home, CONFIG));
      e2e.mock.reset();

      const run = await runOpenclaw(world, ['agent', 'exec', 'say hi']);
      const ctx = await e2e.context(world, run, applied, [CONFIG]);
      e2e.expectRouted(run, '/v1/chat/completions', ctx);
      // OpenClaw did not rewrite the file, so `undo` can still restore it.
      expect((await readFile(join(world.home, CONFIG))).equals(written), ctx).toBe(true);
    },
    E2E_TIMEOUT,
  );

  it(
    'edits a hand-written openclaw.json (comments, trailing commas, a model policy without ours) that OpenClaw validates and routes through',
    async () => {
      const world = await e2e.world('sg-e2e-openclaw-');
      await e2e.putFixture(world, 'openclaw', 'openclaw.json', CONFIG);
      const applied = await e2e.apply(world, 'openclaw');
      expect(await readFile(join(world.home, CONFIG), 'utf8')).toContain('/* LM Studio on this machine */');

      const check = await runOpenclaw(world, ['config', 'validate']);
      expect(check.code, await e2e.context(world, check, applied, [CONFIG])).toBe(0);
      e2e.mock.reset();

      const run = await runOpenclaw(world, ['agent', 'exec', 'say hi']);
      const ctx = await e2e.context(world, run, applied, [CONFIG]);
      e2e.expectRouted(run, '/v1/chat/completions', ctx);
    },
    E2E_TIMEOUT,
  );
});

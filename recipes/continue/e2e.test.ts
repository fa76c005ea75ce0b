// Continue, end to end: `setup-gateway apply --agent continue` in a throwaway HOME, then the real
// Continue CLI (`cn -p`, @continuedev/cli pinned in test/agents/package.json) with an environment
// holding no gateway settings. The only way its request can reach the mock gateway, with our key
// and model, is ~/.continue/config.yaml as apply wrote it; `cn` parsing that file with its own
// config schema is the schema check.
//
// Test-only environment: CONTINUE_METRICS_ENABLED=0 (src/telemetry/telemetryService.ts turns
// metrics off); `cn -p` never checks for updates (src/services/UpdateService.ts skips headless).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { agentVersions, continueBin } from '../../test/agents/paths.js';
import { E2E_TIMEOUT, useE2e } from '../../test/support/e2e.js';
import { agentEnv, runProcess, type ProcessRun, type TempWorld } from '../../test/support/run-agent.js';

const REPLY = 'MOCK-GATEWAY-REPLY continue 7d02: the route works';
const KEY = `sk-test-"q'#$x\\y-e2e`;
// A slash in the id, as gateways name models (`vendor/model`).
const MODEL = 'gateway/e2e-model-1';
const CONFIG = join('.continue', 'config.yaml');

const e2e = useE2e({ reply: REPLY, key: KEY, model: MODEL, requires: [continueBin] });

/** `cn -p <prompt>` with nothing but PATH, HOME and the telemetry switch in its environment. */
function runContinue(w: TempWorld, prompt: string): Promise<ProcessRun> {
  const env = agentEnv(w.home, { CONTINUE_METRICS_ENABLED: '0' });
  expect(Object.keys(env).filter((k) => /OPENAI|CONTINUE_(API|GLOBAL)|KEY|TOKEN|XDG_/.test(k))).toEqual([]);
  return runProcess(continueBin, ['-p', prompt], { cwd: w.cwd, env });
}

describe('setup-gateway apply, then Continue', () => {
  it(
    `creates ~/.continue/config.yaml that Continue ${agentVersions.continue} (cn -p) routes through, and cn leaves it as written`,
    async () => {
      const world = await e2e.world('sg-e2e-continue-');
      const applied = await e2e.apply(world, 'continue');
      const written = await readFile(join(world.home, CONFIG));
      e2e.mock.reset();

      const run = await runContinue(world, 'say hi');
      const ctx = await e2e.context(world, run, applied, [CONFIG]);
      e2e.expectRouted(run, '/v1/chat/completions', ctx);
      // Continue did not rewrite the file, so `undo` can still restore it.
      expect((await readFile(join(world.home, CONFIG))).equals(written), ctx).toBe(true);
    },
    E2E_TIMEOUT,
  );

  it(
    'adds its model to a commented config.yaml with an autocomplete-only model, and cn chats through it',
    async () => {
      const world = await e2e.world('sg-e2e-continue-');
      await e2e.putFixture(world, 'continue', 'config.yaml', CONFIG);
      const applied = await e2e.apply(world, 'continue');
      const text = await readFile(join(world.home, CONFIG), 'utf8');
      expect(text).toContain('# Tab completion only, from a local server.');
      expect((parseYaml(text) as { models: Array<{ name: string }> }).models.map((m) => m.name)).toEqual(['Local autocomplete', 'setup-gateway']);
      e2e.mock.reset();

      const run = await runContinue(world, 'say hi');
      const ctx = await e2e.context(world, run, applied, [CONFIG]);
      e2e.expectRouted(run, '/v1/chat/completions', ctx);
    },
    E2E_TIMEOUT,
  );
});

// Factory Droid, end to end: `setup-gateway apply --agent droid` in a throwaway HOME that already
// has a hand-written ~/.factory/settings.json (another custom model first in the list, a Factory
// model as the start-up model), then the real Droid (`droid exec`, one headless turn; npm `droid`
// pinned in test/agents/package.json, its native binary from @factory/cli-<platform>) with no
// Factory login and an environment holding no gateway settings. Only settings.json as apply left it
// can route the request to the mock gateway: without our start-up model `droid exec` asks for a
// Factory login. One test only: a `droid exec` takes 10-20 s here, and the editing itself is
// covered by recipe.test.ts.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentVersions, droidBin } from '../../test/agents/paths.js';
import { E2E_TIMEOUT, useE2e } from '../../test/support/e2e.js';
import { agentEnv, runProcess } from '../../test/support/run-agent.js';

const REPLY = 'MOCK-GATEWAY-REPLY droid 41fa: the route works';
const KEY = `sk-test-"q'#$x\\y-e2e`;
const MODEL = 'gateway/e2e-model-1';
const FILE = join('.factory', 'settings.json');

const e2e = useE2e({ reply: REPLY, key: KEY, model: MODEL, requires: [droidBin] });

describe('setup-gateway apply, then Factory Droid', () => {
  it(
    `edits a hand-written ~/.factory/settings.json that Droid ${agentVersions.droid} (droid exec, no login) routes through, and leaves as written`,
    async () => {
      const world = await e2e.world('sg-e2e-droid-');
      await e2e.putFixture(world, 'droid', 'settings.json', FILE);
      const applied = await e2e.apply(world, 'droid');
      const written = await readFile(join(world.home, FILE));
      e2e.mock.reset();

      const env = agentEnv(world.home);
      expect(Object.keys(env).filter((k) => /OPENAI|FACTORY|KEY|TOKEN|XDG_/.test(k))).toEqual([]);
      const run = await runProcess(droidBin, ['exec', 'say hi'], { cwd: world.cwd, env });
      const ctx = await e2e.context(world, run, applied, [FILE]);
      e2e.expectRouted(run, '/v1/chat/completions', ctx);
      expect((await readFile(join(world.home, FILE))).equals(written), ctx).toBe(true);
    },
    E2E_TIMEOUT,
  );
});

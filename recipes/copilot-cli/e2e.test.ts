// GitHub Copilot CLI, end to end: `setup-gateway apply --agent copilot-cli` in a throwaway HOME
// whose user has a ~/.bashrc, then the real Copilot CLI (`copilot -p`, one headless turn;
// @github/copilot pinned in test/agents/package.json) started from a new interactive bash, as a
// terminal would, with no GitHub login and an environment holding no gateway settings. Only the
// variables apply's block in ~/.bashrc loads can route the request to the mock gateway.
//
// Test-only environment: COPILOT_OFFLINE=true (Copilot's own switch: no GitHub services, which
// this machine cannot reach and on which a run otherwise waits ~30 s), and XDG_CACHE_HOME in the
// agents cache, where Copilot unpacks its 230 MB runtime once instead of once per HOME.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentsCacheDir, agentVersions, copilotBin } from '../../test/agents/paths.js';
import { E2E_TIMEOUT, useE2e } from '../../test/support/e2e.js';
import { agentEnv, runProcess } from '../../test/support/run-agent.js';

const REPLY = 'MOCK-GATEWAY-REPLY copilot-cli 8d27: the route works';
// Shell syntax in the key: the env file must quote it.
const KEY = `sk-test-"q'#$x\\y\`id\`-e2e`;
const MODEL = 'gateway/e2e-model-1';

const e2e = useE2e({ reply: REPLY, key: KEY, model: MODEL, requires: [copilotBin] });

describe('setup-gateway apply, then GitHub Copilot CLI', () => {
  it(
    `writes the BYOK variables that Copilot CLI ${agentVersions.copilot} (copilot -p, from a new bash, no GitHub login) routes through`,
    async () => {
      const world = await e2e.world('sg-e2e-copilot-');
      await writeFile(join(world.home, '.bashrc'), '# my own bashrc\nexport HISTSIZE=5000\n');
      const applied = await e2e.apply(world, 'copilot-cli');
      e2e.mock.reset();

      const cache = join(agentsCacheDir, 'copilot-xdg-cache');
      await mkdir(cache, { recursive: true });
      const env = agentEnv(world.home, { COPILOT_OFFLINE: 'true', XDG_CACHE_HOME: cache });
      expect(Object.keys(env).filter((k) => /OPENAI|COPILOT_(PROVIDER|MODEL)|GITHUB|GH_|KEY|TOKEN/.test(k))).toEqual([]);
      const run = await runProcess('bash', ['-ic', 'exec copilot -p "say hi"'], { cwd: world.cwd, env });
      e2e.expectRouted(run, '/v1/chat/completions', await e2e.context(world, run, applied, ['.bashrc', join('.config', 'setup-gateway', 'env', 'copilot-cli.sh')]));
    },
    E2E_TIMEOUT,
  );
});

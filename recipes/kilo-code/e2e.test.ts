// Kilo Code CLI, end to end: `setup-gateway apply --agent kilo-code` in a throwaway HOME, then the
// real Kilo (`kilo run`, one headless turn; @kilocode/cli pinned in test/agents/package.json) in an
// environment holding no gateway settings. Only ~/.config/kilo/kilo.jsonc as apply wrote it can
// route its request to the mock gateway. One test only: a `kilo run` takes 20-50 s here (start-up,
// the offline model-list refresh), and the editing of existing files is covered by recipe.test.ts.
//
// Test-only environment (Kilo's own switches): KILO_DISABLE_AUTOUPDATE=1, KILO_DISABLE_MODELS_FETCH=1
// (no models.dev, offline here), KILO_DISABLE_SESSION_INGEST=1, KILO_TELEMETRY_LEVEL=off,
// KILO_DISABLE_CODEBASE_INDEXING=1, KILO_DISABLE_SHARE=1.
import { readFile } from 'node:fs/promises';
import { parse as parseJsonc } from 'jsonc-parser';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentVersions, kiloBin } from '../../test/agents/paths.js';
import { E2E_TIMEOUT, useE2e } from '../../test/support/e2e.js';
import { agentEnv, runProcess, type ProcessRun, type TempWorld } from '../../test/support/run-agent.js';

const REPLY = 'MOCK-GATEWAY-REPLY kilo-code 7e2a: the route works';
const KEY = `sk-test-"q'#$x\\y-e2e`;
// A slash in the id: Kilo splits `<provider>/<model>` at the first slash only.
const MODEL = 'gateway/e2e-model-1';
const FILE = join('.config', 'kilo', 'kilo.jsonc');

const e2e = useE2e({ reply: REPLY, key: KEY, model: MODEL, requires: [kiloBin] });

function runKilo(w: TempWorld, args: string[]): Promise<ProcessRun> {
  const env = agentEnv(w.home, {
    KILO_DISABLE_AUTOUPDATE: '1',
    KILO_DISABLE_MODELS_FETCH: '1',
    KILO_DISABLE_SESSION_INGEST: '1',
    KILO_TELEMETRY_LEVEL: 'off',
    KILO_DISABLE_CODEBASE_INDEXING: '1',
    KILO_DISABLE_SHARE: '1',
  });
  expect(Object.keys(env).filter((k) => /OPENAI|KILO_CONFIG|KEY|TOKEN|XDG_/.test(k))).toEqual([]);
  return runProcess(kiloBin, args, { cwd: w.cwd, env });
}

describe('setup-gateway apply, then Kilo Code CLI', () => {
  it(
    `creates ~/.config/kilo/kilo.jsonc that Kilo ${agentVersions.kilo} (kilo run) routes through; Kilo's only change is its one-time bash permission migration`,
    async () => {
      const world = await e2e.world('sg-e2e-kilo-');
      const applied = await e2e.apply(world, 'kilo-code');
      const written = await readFile(join(world.home, FILE), 'utf8');
      e2e.mock.reset();

      const run = await runKilo(world, ['run', 'say hi']);
      const ctx = await e2e.context(world, run, applied, [FILE]);
      e2e.expectRouted(run, '/v1/chat/completions', ctx);
      // The first start of Kilo 7 on a machine whose global config already exists adds
      // `permission.bash: allow` to it (then records that in .bash-permission-migrated); `$schema`
      // is ours, so nothing else changes.
      expect(parseJsonc(await readFile(join(world.home, FILE), 'utf8')), ctx).toEqual({
        ...(parseJsonc(written) as object),
        permission: { bash: 'allow' },
      });
    },
    E2E_TIMEOUT,
  );
});

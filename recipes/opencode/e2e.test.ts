// opencode, end to end: `setup-gateway apply --agent opencode` in a throwaway HOME, then the real
// opencode (`opencode run`, opencode-ai pinned in test/agents/package.json) with an environment
// holding no gateway settings. Only ~/.config/opencode/opencode.json(c) as apply wrote it can route
// its request to the mock gateway. `opencode debug config` checks the edited file against
// opencode's own config schema (a wrong type is an error there).
//
// Test-only environment (documented opencode variables): OPENCODE_DISABLE_AUTOUPDATE=1, and
// OPENCODE_DISABLE_MODELS_FETCH=1 so it does not try models.dev, which is offline here.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentVersions, opencodeBin } from '../../test/agents/paths.js';
import { E2E_TIMEOUT, useE2e } from '../../test/support/e2e.js';
import { agentEnv, runProcess, type ProcessRun, type TempWorld } from '../../test/support/run-agent.js';

const REPLY = 'MOCK-GATEWAY-REPLY opencode 31f8: the route works';
const KEY = `sk-test-"q'#$x\\y-e2e`;
// A slash in the id: opencode splits `<provider>/<model>` at the first slash only.
const MODEL = 'gateway/e2e-model-1';

const e2e = useE2e({ reply: REPLY, key: KEY, model: MODEL, requires: [opencodeBin] });

function runOpencode(w: TempWorld, args: string[]): Promise<ProcessRun> {
  const env = agentEnv(w.home, { OPENCODE_DISABLE_AUTOUPDATE: '1', OPENCODE_DISABLE_MODELS_FETCH: '1' });
  expect(Object.keys(env).filter((k) => /OPENAI|OPENCODE_CONFIG|KEY|TOKEN|XDG_/.test(k))).toEqual([]);
  return runProcess(opencodeBin, args, { cwd: w.cwd, env });
}

describe('setup-gateway apply, then opencode', () => {
  it(
    `creates ~/.config/opencode/opencode.json that opencode ${agentVersions.opencode} (opencode run) routes through, and opencode leaves it as written`,
    async () => {
      const world = await e2e.world('sg-e2e-opencode-');
      const file = join('.config', 'opencode', 'opencode.json');
      const applied = await e2e.apply(world, 'opencode');
      const written = await readFile(join(world.home, file));
      e2e.mock.reset();

      const run = await runOpencode(world, ['run', 'say hi']);
      const ctx = await e2e.context(world, run, applied, [file]);
      e2e.expectRouted(run, '/v1/chat/completions', ctx);
      // opencode adds `$schema` to a config that lacks it; ours has it, so the file stays ours and `undo` works.
      expect((await readFile(join(world.home, file))).equals(written), ctx).toBe(true);
    },
    E2E_TIMEOUT,
  );

  it(
    'edits an existing opencode.jsonc (comments, trailing commas, another provider) that opencode validates and routes through',
    async () => {
      const world = await e2e.world('sg-e2e-opencode-');
      const file = join('.config', 'opencode', 'opencode.jsonc');
      await e2e.putFixture(world, 'opencode', 'opencode.jsonc', file);
      const applied = await e2e.apply(world, 'opencode');
      expect(existsSync(join(world.home, '.config', 'opencode', 'opencode.json'))).toBe(false);
      expect(await readFile(join(world.home, file), 'utf8')).toContain('// A local server I use now and then.');

      const check = await runOpencode(world, ['debug', 'config']);
      const checkCtx = await e2e.context(world, check, applied, [file]);
      expect(check.code, checkCtx).toBe(0);
      const resolved = JSON.parse(check.stdout) as {
        model: string;
        autoupdate: boolean;
        provider: Record<string, { npm?: string; options?: { baseURL?: string }; models?: Record<string, unknown> }>;
      };
      expect(resolved.model, checkCtx).toBe(`setup-gateway/${MODEL}`);
      expect(resolved.autoupdate, checkCtx).toBe(false);
      expect(resolved.provider['setup-gateway'], checkCtx).toMatchObject({
        npm: '@ai-sdk/openai-compatible',
        options: { baseURL: `${e2e.mock.url}/v1` },
        models: { [MODEL]: { name: MODEL } },
      });
      expect(Object.keys(resolved.provider).sort(), checkCtx).toEqual(['ollama', 'setup-gateway']);
      e2e.mock.reset();

      const run = await runOpencode(world, ['run', 'say hi']);
      const ctx = await e2e.context(world, run, applied, [file]);
      e2e.expectRouted(run, '/v1/chat/completions', ctx);
    },
    E2E_TIMEOUT,
  );
});

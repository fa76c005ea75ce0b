// Qwen Code, end to end: `setup-gateway apply --agent qwen-code` in a throwaway HOME, then the
// real Qwen Code (`qwen -p`, one headless turn; pinned in test/agents/package.json) run with the
// Node runtime install.mjs puts in the cache (Qwen Code needs Node >= 22), in an environment
// holding no gateway settings. Only ~/.qwen/settings.json as apply wrote it can route the request
// to the mock gateway, and Qwen Code must leave that file as it is (it rewrites a file without
// `$version: 4`), so `undo` can still restore it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentVersions, qwenEntry, runtimeNode } from '../../test/agents/paths.js';
import { E2E_TIMEOUT, useE2e } from '../../test/support/e2e.js';
import { agentEnv, runProcess, type ProcessRun, type TempWorld } from '../../test/support/run-agent.js';

const REPLY = 'MOCK-GATEWAY-REPLY qwen-code 5c1d: the route works';
// Quotes, backslash, `#` and a lone `$`: JSON escaping must carry them, and `$-` is no reference.
const KEY = 'sk-test-"q\'#$-x\\y-e2e';
const MODEL = 'gateway/e2e-model-1';
const SETTINGS = join('.qwen', 'settings.json');

const e2e = useE2e({ reply: REPLY, key: KEY, model: MODEL, requires: [runtimeNode, qwenEntry] });

function runQwen(w: TempWorld, args: string[]): Promise<ProcessRun> {
  // Test-only: no statistics, no update check, no browser.
  const env = agentEnv(w.home, { CI: '1', DO_NOT_TRACK: '1', NO_BROWSER: '1' });
  expect(Object.keys(env).filter((k) => /OPENAI|ANTHROPIC|QWEN|DASHSCOPE|KEY|TOKEN|XDG_/.test(k))).toEqual([]);
  return runProcess(runtimeNode, [qwenEntry, ...args], { cwd: w.cwd, env });
}

describe('setup-gateway apply, then Qwen Code', () => {
  it(
    `creates ~/.qwen/settings.json that Qwen Code ${agentVersions.qwen} (qwen -p, Node ${agentVersions.runtimeNode}) routes through with the key byte for byte, and leaves as written`,
    async () => {
      const world = await e2e.world('sg-e2e-qwen-');
      const applied = await e2e.apply(world, 'qwen-code');
      const written = await readFile(join(world.home, SETTINGS));
      e2e.mock.reset();

      const run = await runQwen(world, ['-p', 'say hi']);
      const ctx = await e2e.context(world, run, applied, [SETTINGS]);
      e2e.expectRouted(run, '/v1/chat/completions', ctx);
      expect((await readFile(join(world.home, SETTINGS))).equals(written), ctx).toBe(true);
    },
    E2E_TIMEOUT,
  );

  it(
    'edits a hand-written settings.json (comments, another provider selected before) that Qwen Code then routes through',
    async () => {
      const world = await e2e.world('sg-e2e-qwen-');
      await e2e.putFixture(world, 'qwen-code', 'settings.json', SETTINGS);
      const applied = await e2e.apply(world, 'qwen-code');
      expect(await readFile(join(world.home, SETTINGS), 'utf8')).toContain('// A local server I use now and then.');
      e2e.mock.reset();

      const run = await runQwen(world, ['-p', 'say hi']);
      e2e.expectRouted(run, '/v1/chat/completions', await e2e.context(world, run, applied, [SETTINGS]));
    },
    E2E_TIMEOUT,
  );
});

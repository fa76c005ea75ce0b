// The product, end to end: `setup-gateway apply` writes an agent's config in a throwaway HOME,
// then the REAL agent CLI runs headless with an environment that holds no gateway settings at
// all, so the only way its request can reach the mock gateway, with our key and model, is
// through the files `apply` wrote.
//
// Needs `npm run build` (dist/cli.js; SETUP_GATEWAY_CLI=<path> points elsewhere) and the agent
// CLIs (installed by vitest's globalSetup from test/agents/package.json).
import { describe, expect, it } from 'vitest';
import { agentVersions, claudeBin, codexBin } from '../agents/paths.js';
import { E2E_TIMEOUT, useE2e } from '../support/e2e.js';
import { agentEnv, runClaude, runCodex } from '../support/run-agent.js';

const REPLY = 'MOCK-GATEWAY-REPLY e2e 41c9: the route works';
// Characters that need quoting in JSON, TOML and shells; both agents send it verbatim as
// `Authorization: Bearer <key>` (proved by test/e2e/harness.e2e.test.ts).
const KEY = `sk-test-"q'#$x\\y-e2e`;
const MODEL = 'gateway/e2e-model-1';

const e2e = useE2e({ reply: REPLY, key: KEY, model: MODEL, requires: [claudeBin, codexBin] });

describe('setup-gateway apply, then the real agent', () => {
  it(
    `claude-code: Claude Code ${agentVersions.claude} (claude -p) reaches the gateway through ~/.claude/settings.json`,
    async () => {
      const world = await e2e.world('sg-e2e-claude-');
      const applied = await e2e.apply(world, 'claude-code');
      e2e.mock.reset(); // only the agent's own traffic counts below

      const env = agentEnv(world.home);
      expect(Object.keys(env).filter((k) => /ANTHROPIC|CLAUDE|OPENAI|CODEX/.test(k))).toEqual([]);
      const run = await runClaude(world.home, world.cwd, 'say hi');
      const context = await e2e.context(world, run, applied, ['.claude/settings.json', '.claude.json']);

      e2e.expectRouted(run, '/v1/messages', context);
    },
    E2E_TIMEOUT,
  );

  it(
    `codex: Codex ${agentVersions.codex} (codex exec) reaches the gateway through ~/.codex/config.toml, with no key in its environment`,
    async () => {
      const world = await e2e.world('sg-e2e-codex-');
      const applied = await e2e.apply(world, 'codex');
      e2e.mock.reset();

      // The key travels in config.toml (experimental_bearer_token): the child gets no variable.
      const env = agentEnv(world.home);
      expect(Object.keys(env).filter((k) => /ANTHROPIC|CLAUDE|OPENAI|CODEX|KEY|TOKEN/.test(k))).toEqual([]);
      const run = await runCodex(world.home, world.cwd, 'say hi');
      const context = await e2e.context(world, run, applied, ['.codex/config.toml']);

      e2e.expectRouted(run, '/v1/responses', context);
    },
    E2E_TIMEOUT,
  );
});

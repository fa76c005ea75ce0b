// The product, end to end: `setup-gateway apply` writes an agent's config in a throwaway HOME,
// then the REAL agent CLI runs headless with an environment that holds no gateway settings at
// all, so the only way its request can reach the mock gateway, with our key and model, is
// through the files `apply` wrote.
//
// Needs `npm run build` (dist/cli.js; SETUP_GATEWAY_CLI=<path> points elsewhere) and the agent
// CLIs (installed by vitest's globalSetup from test/agents/package.json).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentVersions, agentsBinDir } from '../agents/paths.js';
import { startMockGateway, type MockGateway } from '../support/mock-gateway.js';
import {
  agentEnv,
  assertAgentsInstalled,
  assertCliBuilt,
  describeRun,
  makeAgentHome,
  nodeBinDir,
  routeProblems,
  runClaude,
  runCodex,
  runSetupGateway,
  type ProcessRun,
  type TempWorld,
} from '../support/run-agent.js';

const E2E_TIMEOUT = 120_000;
const REPLY = 'MOCK-GATEWAY-REPLY e2e 41c9: the route works';
// Characters that need quoting in JSON, TOML and shells; both agents send it verbatim as
// `Authorization: Bearer <key>` (proved by test/e2e/harness.e2e.test.ts).
const KEY = `sk-test-"q'#$x\\y-e2e`;
const MODEL = 'gateway/e2e-model-1';

let mock: MockGateway;
let world: TempWorld | undefined;

beforeAll(async () => {
  assertCliBuilt();
  assertAgentsInstalled();
  mock = await startMockGateway({ replyText: REPLY, models: [MODEL], requireKey: KEY });
});
afterAll(async () => {
  await mock?.close();
});
afterEach(async () => {
  mock?.reset();
  await world?.cleanup();
  world = undefined;
});

/** `setup-gateway apply` for one agent; PATH holds only the agents and node, as the brief says. */
async function apply(w: TempWorld, agent: string): Promise<ProcessRun> {
  const run = await runSetupGateway(
    w.home,
    w.cwd,
    ['apply', '--base-url', mock.url, '--key', KEY, '--agent', agent, '--model', MODEL, '--yes'],
    { env: { PATH: [...new Set([agentsBinDir, nodeBinDir])].join(':') } },
  );
  expect(run.code, `setup-gateway apply failed:\n${describeRun(run)}`).toBe(0);
  return run;
}

/** The files apply wrote, for failure messages. */
async function dump(w: TempWorld, files: string[]): Promise<string> {
  const parts = await Promise.all(
    files.map(async (f) => {
      const text = await readFile(join(w.home, f), 'utf8').catch((e: Error) => `(unreadable: ${e.message})`);
      return `--- ~/${f} ---\n${text.trimEnd()}`;
    }),
  );
  return parts.join('\n');
}

describe('setup-gateway apply, then the real agent', () => {
  it(
    `claude-code: Claude Code ${agentVersions.claude} (claude -p) reaches the gateway through ~/.claude/settings.json`,
    async () => {
      world = await makeAgentHome('sg-e2e-claude-');
      const applied = await apply(world, 'claude-code');
      mock.reset(); // only the agent's own traffic counts below

      const env = agentEnv(world.home);
      expect(Object.keys(env).filter((k) => /ANTHROPIC|CLAUDE|OPENAI|CODEX/.test(k))).toEqual([]);
      const run = await runClaude(world.home, world.cwd, 'say hi');
      const context = `${describeRun(run)}\n\napply output:\n${applied.stdout}${applied.stderr}\n${await dump(world, ['.claude/settings.json', '.claude.json'])}`;

      expect(run.code, context).toBe(0);
      expect(routeProblems(mock, { path: '/v1/messages', key: KEY, model: MODEL }), context).toEqual([]);
      expect(run.stdout, context).toContain(REPLY);
    },
    E2E_TIMEOUT,
  );

  it(
    `codex: Codex ${agentVersions.codex} (codex exec) reaches the gateway through ~/.codex/config.toml, with no key in its environment`,
    async () => {
      world = await makeAgentHome('sg-e2e-codex-');
      const applied = await apply(world, 'codex');
      mock.reset();

      // The key travels in config.toml (experimental_bearer_token): the child gets no variable.
      const env = agentEnv(world.home);
      expect(Object.keys(env).filter((k) => /ANTHROPIC|CLAUDE|OPENAI|CODEX|KEY|TOKEN/.test(k))).toEqual([]);
      const run = await runCodex(world.home, world.cwd, 'say hi');
      const context = `${describeRun(run)}\n\napply output:\n${applied.stdout}${applied.stderr}\n${await dump(world, ['.codex/config.toml'])}`;

      expect(run.code, context).toBe(0);
      expect(routeProblems(mock, { path: '/v1/responses', key: KEY, model: MODEL }), context).toEqual([]);
      expect(run.stdout, context).toContain(REPLY);
    },
    E2E_TIMEOUT,
  );
});

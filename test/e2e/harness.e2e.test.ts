// The real agent CLIs, routed to the mock gateway by HAND-WRITTEN config files.
//
// This proves the e2e harness (temp HOME, scrubbed env, process-group timeouts, mock gateway)
// and pins down what each agent really needs, independently of setup-gateway's own writers.
// If an agent upgrade changes its requirements, this file fails first.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentVersions } from '../agents/paths.js';
import { startMockGateway, type MockGateway } from '../support/mock-gateway.js';
import { E2E_TIMEOUT } from '../support/e2e.js';
import {
  GATEWAY_ENV_PATTERN,
  agentEnv,
  assertAgentsInstalled,
  describeRun,
  makeAgentHome,
  routeProblems,
  runClaude,
  runProcess,
  runCodex,
  writeClaudeConfig,
  writeCodexConfig,
  type TempWorld,
} from '../support/run-agent.js';

const REPLY = 'MOCK-GATEWAY-REPLY 7f3a: routed through the mock';
// Quotes, #, $ and a backslash: both agents send it verbatim in the Authorization header.
const KEY = `sk-test-"q'#$x\\y-e2e`;
const MODEL = 'gateway/e2e-model-1';

let mock: MockGateway;
let world: TempWorld | undefined;

beforeAll(async () => {
  assertAgentsInstalled();
  mock = await startMockGateway({ replyText: REPLY, models: [MODEL], requireKey: KEY });
});
afterAll(async () => {
  await mock?.close();
});
afterEach(async () => {
  mock.reset();
  await world?.cleanup();
  world = undefined;
});

const route = () => ({ baseUrl: mock.url, key: KEY, model: MODEL });

describe('agent child environment', () => {
  it('carries nothing that could route an agent, whatever the outer environment holds', () => {
    const leaks = { ANTHROPIC_BASE_URL: 'http://leak.invalid', OPENAI_API_KEY: 'leak', CODEX_HOME: '/leak', XDG_CONFIG_HOME: '/leak' };
    const saved = Object.fromEntries(Object.keys(leaks).map((k) => [k, process.env[k]]));
    Object.assign(process.env, leaks);
    try {
      const env = agentEnv('/tmp/some-home');
      expect(Object.keys(env).filter((k) => GATEWAY_ENV_PATTERN.test(k))).toEqual([]);
      expect(Object.keys(env).sort()).toEqual(['HOME', 'LANG', 'NO_COLOR', 'PATH', 'TERM']);
      expect(env.HOME).toBe('/tmp/some-home');
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('kills the whole process group on timeout instead of hanging', async () => {
    // A grandchild holding the pipes open is what makes naive spawn helpers hang.
    // timing: the sleeps are the hung process under test; the helper's timeout ends them.
    const run = await runProcess('/bin/sh', ['-c', 'sleep 30 & echo started; sleep 30'], {
      cwd: '/',
      env: { PATH: '/usr/bin:/bin' },
      timeoutMs: 500,
    });
    expect(run.timedOut).toBe(true);
    expect(run.stdout).toContain('started');
    expect(run.durationMs).toBeLessThan(5_000);
  });
});

describe(`Claude Code ${agentVersions.claude}, hand-written ~/.claude/settings.json`, () => {
  it(
    'routes `claude -p` to the gateway with the Bearer token and the model',
    async () => {
      world = await makeAgentHome('sg-harness-claude-');
      await writeClaudeConfig(world.home, route());
      const run = await runClaude(world.home, world.cwd, 'say hi');
      expect(run.code, describeRun(run)).toBe(0);
      expect(routeProblems(mock, { path: '/v1/messages', key: KEY, model: MODEL }), describeRun(run)).toEqual([]);
      expect(run.stdout, describeRun(run)).toContain(REPLY);
      // Claude Code 2.1.x: `POST /v1/messages?beta=true`, streaming.
      const msg = mock.requestsTo('/v1/messages')[0];
      expect(msg?.url).toBe('/v1/messages?beta=true');
      expect(msg?.stream).toBe(true);
    },
    E2E_TIMEOUT,
  );

  it(
    'needs no ~/.claude.json (hasCompletedOnboarding) for -p',
    async () => {
      world = await makeAgentHome('sg-harness-claude-');
      await writeClaudeConfig(world.home, route(), { onboarding: false });
      const run = await runClaude(world.home, world.cwd, 'say hi');
      expect(run.code, describeRun(run)).toBe(0);
      expect(routeProblems(mock, { path: '/v1/messages', key: KEY, model: MODEL }), describeRun(run)).toEqual([]);
      expect(run.stdout).toContain(REPLY);
    },
    E2E_TIMEOUT,
  );

  it(
    'fails fast (no minutes of retries) on a wrong key, because the mock sends x-should-retry: false',
    async () => {
      world = await makeAgentHome('sg-harness-claude-');
      await writeClaudeConfig(world.home, { ...route(), key: 'sk-test-wrong' });
      const run = await runClaude(world.home, world.cwd, 'say hi');
      expect(run.timedOut, describeRun(run)).toBe(false);
      expect(run.code, describeRun(run)).not.toBe(0);
      expect(`${run.stdout}${run.stderr}`).toMatch(/401|authenticat/i);
      expect(mock.requestsTo('/v1/messages').map((r) => r.status)).toContain(401);
    },
    E2E_TIMEOUT,
  );
});

describe(`Codex ${agentVersions.codex}, hand-written ~/.codex/config.toml`, () => {
  it(
    'routes `codex exec` with experimental_bearer_token and no key in the environment',
    async () => {
      world = await makeAgentHome('sg-harness-codex-');
      await writeCodexConfig(world.home, route(), { kind: 'bearer-token' });
      const run = await runCodex(world.home, world.cwd, 'say hi');
      expect(run.code, describeRun(run)).toBe(0);
      expect(routeProblems(mock, { path: '/v1/responses', key: KEY, model: MODEL }), describeRun(run)).toEqual([]);
      expect(run.stdout, describeRun(run)).toContain(REPLY);
      expect(mock.requestsTo('/v1/responses')[0]?.stream).toBe(true);
      // No login, no auth.json needed.
      expect(existsSync(join(world.home, '.codex', 'auth.json'))).toBe(false);
    },
    E2E_TIMEOUT,
  );

  it(
    'routes `codex exec` with env_key when that variable is in the environment',
    async () => {
      world = await makeAgentHome('sg-harness-codex-');
      await writeCodexConfig(world.home, route(), { kind: 'env-key', envVar: 'GATEWAY_API_KEY' });
      const run = await runCodex(world.home, world.cwd, 'say hi', { env: { GATEWAY_API_KEY: KEY } });
      expect(run.code, describeRun(run)).toBe(0);
      expect(routeProblems(mock, { path: '/v1/responses', key: KEY, model: MODEL }), describeRun(run)).toEqual([]);
      expect(run.stdout, describeRun(run)).toContain(REPLY);
    },
    E2E_TIMEOUT,
  );

  it(
    'refuses to run with env_key when the variable is missing (the trap experimental_bearer_token avoids)',
    async () => {
      world = await makeAgentHome('sg-harness-codex-');
      await writeCodexConfig(world.home, route(), { kind: 'env-key', envVar: 'GATEWAY_API_KEY' });
      const run = await runCodex(world.home, world.cwd, 'say hi');
      expect(run.code, describeRun(run)).not.toBe(0);
      expect(run.stderr).toContain('Missing environment variable: `GATEWAY_API_KEY`');
      expect(mock.requestsTo('/v1/responses')).toEqual([]);
    },
    E2E_TIMEOUT,
  );
});

// `apply` against a gateway that speaks only OpenAI chat completions: Claude Code (Anthropic
// messages) and Codex (OpenAI responses) are pointed at the local relay, `apply --yes` starts it
// in the background with the key in its environment, and the real agents get their replies
// through it. Nothing but the files apply wrote and the relay it started connects them.
import { freePort } from '../support/e2e.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentsBinDir } from '../agents/paths.js';
import { startMockGateway, type MockGateway } from '../support/mock-gateway.js';
import {
  assertAgentsInstalled,
  assertCliBuilt,
  describeRun,
  makeAgentHome,
  nodeBinDir,
  runClaude,
  runCodex,
  runSetupGateway,
  type TempWorld,
} from '../support/run-agent.js';

const REPLY = 'RELAY-ROUTE-REPLY 7f3a: translated both ways';
const KEY = 'sk-relay-route-e2e-4242';
const MODEL = 'gw/chat-only-model';

let mock: MockGateway;
let world: TempWorld | undefined;

beforeAll(async () => {
  assertCliBuilt();
  assertAgentsInstalled();
  mock = await startMockGateway({ replyText: REPLY, models: [MODEL], requireKey: KEY, protocols: { anthropic: false, responses: false, chat: true } });
});
afterAll(() => mock?.close());
afterEach(async () => {
  if (world) {
    await runSetupGateway(world.home, world.cwd, ['relay', 'stop'], { env: { PATH: nodeBinDir } });
    await world.cleanup();
  }
  world = undefined;
  mock.reset();
});

describe('apply routes agents through the relay when the gateway lacks their protocol', () => {
  it(
    'Claude Code and Codex reach an OpenAI-chat-only gateway through the relay apply started',
    async () => {
      world = await makeAgentHome('sg-e2e-relay-route-');
      const port = await freePort();
      const applied = await runSetupGateway(
        world.home,
        world.cwd,
        ['apply', '--base-url', mock.url, '--key', KEY, '--agent', 'claude-code', '--agent', 'codex', '--model', MODEL, '--yes', '--relay-port', String(port)],
        { env: { PATH: [agentsBinDir, nodeBinDir].join(':') } },
      );
      expect(applied.code, describeRun(applied)).toBe(0);
      expect(applied.stdout).toContain(`via the local relay http://127.0.0.1:${port}`);
      expect(applied.stdout).toMatch(/Started the local relay at http:\/\/127\.0\.0\.1:\d+ \(pid \d+\)/);
      expect(applied.stdout + applied.stderr).not.toContain(KEY);
      mock.reset(); // apply's own protocol probes are not the agents' traffic

      const claude = await runClaude(world.home, world.cwd, 'say hi');
      expect(claude.code, describeRun(claude)).toBe(0);
      expect(claude.stdout).toContain(REPLY);

      const codex = await runCodex(world.home, world.cwd, 'say hi');
      expect(codex.code, describeRun(codex)).toBe(0);
      expect(codex.stdout).toContain(REPLY);

      // What the gateway answered was chat completions only, each with the real key (the agents
      // hold a local token) and the model; the relay's one-time protocol probe got its 404.
      // (The relay probes with an empty body `{}`: that one is not an agent's request.)
      const inference = mock.requests.filter((r) => r.method === 'POST' && r.status === 200 && r.rawBody !== '{}');
      expect(inference.length).toBeGreaterThanOrEqual(2);
      for (const r of inference) {
        expect(r.path).toBe('/v1/chat/completions');
        expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
        expect((r.body as { model?: string }).model).toBe(MODEL);
      }
    },
    120_000,
  );
});

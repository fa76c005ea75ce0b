// Gemini CLI, the real one (`gemini -p`, @google/gemini-cli pinned in test/agents/package.json), after
// `apply` against a gateway that speaks only OpenAI chat completions: apply writes ~/.gemini/.env
// and the auth type, points Gemini CLI at the local relay and starts it (`--yes`); the relay's
// Gemini face translates to the gateway's chat endpoint. The gateway sees its key and the model;
// Gemini CLI prints its reply.
import { mkdir, writeFile } from 'node:fs/promises';
import { freePort } from '../../test/support/e2e.js';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentsBinDir, geminiBin } from '../../test/agents/paths.js';
import { startMockGateway, type MockGateway } from '../../test/support/mock-gateway.js';
import { agentEnv, assertCliBuilt, assertInstalled, DEFAULT_AGENT_TIMEOUT_MS, describeRun, makeAgentHome, nodeBinDir, runProcess, runSetupGateway, type TempWorld } from '../../test/support/run-agent.js';

const REPLY = 'GEMINI-RELAY-REPLY 51c2: through the Gemini face';
const KEY = 'sk-gemini-e2e-7788';
const MODEL = 'gw/chat-only-model';

let mock: MockGateway;
let world: TempWorld | undefined;

beforeAll(async () => {
  assertCliBuilt();
  assertInstalled([geminiBin]);
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

describe('setup-gateway apply, then Gemini CLI', () => {
  it(
    'gemini -p prints the reply of a chat-only gateway, reached through the relay apply started',
    async () => {
      world = await makeAgentHome('sg-e2e-gemini-');
      const port = await freePort();
      const applied = await runSetupGateway(world.home, world.cwd, ['apply', '--base-url', mock.url, '--key', KEY, '--agent', 'gemini-cli', '--model', MODEL, '--yes', '--relay-port', String(port)], {
        env: { PATH: [agentsBinDir, nodeBinDir].join(':') },
      });
      expect(applied.code, describeRun(applied)).toBe(0);
      expect(applied.stdout).toContain(`via the local relay http://127.0.0.1:${port}`);
      expect(applied.stdout + applied.stderr).not.toContain(KEY);
      mock.reset();

      // Gemini CLI reads ~/.gemini/.env only in a trusted folder: trust the project as its prompt would.
      await mkdir(join(world.home, '.gemini'), { recursive: true });
      await writeFile(join(world.home, '.gemini', 'trustedFolders.json'), JSON.stringify({ [world.cwd]: 'TRUST_FOLDER' }));

      const run = await runProcess(geminiBin, ['-p', 'say hi'], { cwd: world.cwd, env: agentEnv(world.home, { PATH: [nodeBinDir, '/usr/bin', '/bin'].join(':') }), timeoutMs: DEFAULT_AGENT_TIMEOUT_MS });
      expect(run.code, describeRun(run)).toBe(0);
      expect(run.stdout).toContain(REPLY);

      const inference = mock.requests.filter((r) => r.method === 'POST' && r.status === 200 && r.rawBody !== '{}');
      expect(inference.length).toBeGreaterThanOrEqual(1);
      for (const r of inference) {
        expect(r.path).toBe('/v1/chat/completions');
        expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
        expect((r.body as { model?: string }).model).toBe(MODEL);
      }
    },
    180_000,
  );
});

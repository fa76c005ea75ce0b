// Gemini CLI, the real one (`gemini -p`, @google/gemini-cli pinned in test/agents/package.json), after
// `apply` against a gateway that speaks only OpenAI chat completions: apply writes ~/.gemini/.env
// and the auth type, points Gemini CLI at the local relay and starts it (`--yes`); the relay's
// Gemini face translates to the gateway's chat endpoint. The gateway sees its key and the model;
// Gemini CLI prints its reply. A second turn goes through a tool: the scripted gateway asks for
// Gemini CLI's read_file on a file in the project, Gemini CLI runs it and sends the result back
// (a functionResponse, which the relay turns into a chat `tool` message), and the gateway's final
// answer quotes it.
import { mkdir, writeFile } from 'node:fs/promises';
import { freePort } from '../../test/support/e2e.js';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentsBinDir, geminiBin } from '../../test/agents/paths.js';
import { startMockGateway, type MockGateway } from '../../test/support/mock-gateway.js';
import { startScriptedUpstream, toolThenAnswer, type ScriptedUpstream } from '../../test/support/scripted-upstream.js';
import { agentEnv, assertCliBuilt, assertInstalled, DEFAULT_AGENT_TIMEOUT_MS, describeRun, makeAgentHome, nodeBinDir, runProcess, runSetupGateway, type TempWorld } from '../../test/support/run-agent.js';

const REPLY = 'GEMINI-RELAY-REPLY 51c2: through the Gemini face';
const KEY = 'sk-gemini-e2e-7788';
const MODEL = 'gw/chat-only-model';

let mock: MockGateway;
let world: TempWorld | undefined;
let scripted: ScriptedUpstream | undefined;

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
  await scripted?.close();
  scripted = undefined;
  mock.reset();
});

/** `apply` for gemini-cli against `gateway` with a relay on a free port; the project folder trusted as Gemini CLI's prompt would. */
async function applyThroughRelay(w: TempWorld, gateway: string): Promise<number> {
  const port = await freePort();
  const applied = await runSetupGateway(w.home, w.cwd, ['apply', '--base-url', gateway, '--key', KEY, '--agent', 'gemini-cli', '--model', MODEL, '--yes', '--relay-port', String(port)], {
    env: { PATH: [agentsBinDir, nodeBinDir].join(':') },
  });
  expect(applied.code, describeRun(applied)).toBe(0);
  expect(applied.stdout).toContain(`via the local relay http://127.0.0.1:${port}`);
  expect(applied.stdout + applied.stderr).not.toContain(KEY);
  // Gemini CLI reads ~/.gemini/.env only in a trusted folder.
  await mkdir(join(w.home, '.gemini'), { recursive: true });
  await writeFile(join(w.home, '.gemini', 'trustedFolders.json'), JSON.stringify({ [w.cwd]: 'TRUST_FOLDER' }));
  return port;
}

function runGemini(w: TempWorld, prompt: string) {
  return runProcess(geminiBin, ['-p', prompt], { cwd: w.cwd, env: agentEnv(w.home, { PATH: [nodeBinDir, '/usr/bin', '/bin'].join(':') }), timeoutMs: DEFAULT_AGENT_TIMEOUT_MS });
}

describe('setup-gateway apply, then Gemini CLI', () => {
  it(
    'gemini -p prints the reply of a chat-only gateway, reached through the relay apply started',
    async () => {
      world = await makeAgentHome('sg-e2e-gemini-');
      await applyThroughRelay(world, mock.url);
      mock.reset();

      const run = await runGemini(world, 'say hi');
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

  it(
    'a turn with a tool: the gateway asks for read_file, Gemini CLI reads the file and the result reaches the gateway, which answers with it',
    async () => {
      world = await makeAgentHome('sg-e2e-gemini-tool-');
      const SECRET = 'KUMQUAT-4471';
      await writeFile(join(world.cwd, 'notes.txt'), `The code word is ${SECRET}.\n`);
      scripted = await startScriptedUpstream({
        protocol: 'chat',
        models: [MODEL],
        requireKey: KEY,
        script: toolThenAnswer('read_file', { file_path: 'notes.txt' }, (result) => `GEMINI-TOOL-FINAL: the file says ${result.includes(SECRET) ? SECRET : `something else: ${result}`}`),
      });
      await applyThroughRelay(world, scripted.url);
      const before = scripted.inference().length;

      const run = await runGemini(world, 'What is the code word in notes.txt? Use your tools.');
      // The model turns (the relay's own probes carry no conversation).
      const turns = scripted.inference().slice(before).filter((r) => Array.isArray(r.body.messages));
      const seen = turns.map((r) => `${r.path} model=${String(r.body.model)} tools=${r.tools.length} results=${JSON.stringify(r.toolResults)}`).join('\n  ');
      expect(run.code, `${describeRun(run)}\ngateway saw:\n  ${seen}`).toBe(0);
      expect(run.stdout, seen).toContain(`GEMINI-TOOL-FINAL: the file says ${SECRET}`);
      // A turn offered Gemini CLI's tools; a later one carried read_file's result as a tool message.
      expect(turns.some((r) => r.tools.includes('read_file')), seen).toBe(true);
      const withResult = turns.find((r) => r.toolResults.some((t) => t.includes(SECRET)));
      expect(withResult, seen).toBeDefined();
      const toolMessages = (withResult?.body.messages as Array<{ role: string; tool_call_id?: string }>).filter((m) => m.role === 'tool');
      expect(toolMessages.length, seen).toBeGreaterThanOrEqual(1);
      expect(toolMessages[0]?.tool_call_id, seen).toBeTruthy();
      for (const r of turns) {
        expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
        expect(r.body.model).toBe(MODEL);
      }
    },
    180_000,
  );
});

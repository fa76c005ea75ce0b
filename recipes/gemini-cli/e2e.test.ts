// Gemini CLI, the real one (`gemini -p`, @google/gemini-cli pinned in test/agents/package.json), after
// `apply` against a gateway that speaks only OpenAI chat completions: apply writes ~/.gemini/.env
// and the auth type, points Gemini CLI at the local relay and starts it (`--yes`); the relay's
// Gemini face translates to the gateway's chat endpoint. The gateway sees its key and the model;
// Gemini CLI prints its reply. A second turn goes through a tool: the scripted gateway asks for
// Gemini CLI's read_file on a file in the project, Gemini CLI runs it and sends the result back
// (a functionResponse, which the relay turns into a chat `tool` message), and the gateway's final
// answer quotes it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { geminiBin } from '../../test/agents/paths.js';
import { E2E_TIMEOUT, useE2e } from '../../test/support/e2e.js';
import { startScriptedUpstream, toolThenAnswer, type ScriptedUpstream } from '../../test/support/scripted-upstream.js';
import { agentEnv, describeRun, nodeBinDir, runProcess, type TempWorld } from '../../test/support/run-agent.js';

const REPLY = 'GEMINI-RELAY-REPLY 51c2: through the Gemini face';
const KEY = 'sk-gemini-e2e-7788';
const MODEL = 'gw/chat-only-model';

const e2e = useE2e({ reply: REPLY, key: KEY, model: MODEL, requires: [geminiBin], protocols: { anthropic: false, responses: false, chat: true } });
let scripted: ScriptedUpstream | undefined;

afterEach(async () => {
  await scripted?.close();
  scripted = undefined;
});

/** `apply` for gemini-cli against `gateway` through the relay; the project folder trusted as Gemini CLI's prompt would. */
async function applyThroughRelay(w: TempWorld, gateway?: string): Promise<void> {
  await e2e.applyThroughRelay(w, ['gemini-cli'], gateway);
  // Gemini CLI reads ~/.gemini/.env only in a trusted folder.
  await mkdir(join(w.home, '.gemini'), { recursive: true });
  await writeFile(join(w.home, '.gemini', 'trustedFolders.json'), JSON.stringify({ [w.cwd]: 'TRUST_FOLDER' }));
}

function runGemini(w: TempWorld, prompt: string) {
  return runProcess(geminiBin, ['-p', prompt], { cwd: w.cwd, env: agentEnv(w.home, { PATH: [nodeBinDir, '/usr/bin', '/bin'].join(':') }) });
}

describe('setup-gateway apply, then Gemini CLI', () => {
  it(
    'gemini -p prints the reply of a chat-only gateway, reached through the relay apply started',
    async () => {
      const world = await e2e.world('sg-e2e-gemini-');
      await applyThroughRelay(world);
      e2e.mock.reset();

      const run = await runGemini(world, 'say hi');
      expect(run.code, describeRun(run)).toBe(0);
      expect(run.stdout).toContain(REPLY);
      e2e.expectRelayedChat(1);
    },
    E2E_TIMEOUT,
  );

  it(
    'a turn with a tool: the gateway asks for read_file, Gemini CLI reads the file and the result reaches the gateway, which answers with it',
    async () => {
      const world = await e2e.world('sg-e2e-gemini-tool-');
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
    E2E_TIMEOUT,
  );
});

// Real agents through the relay: Claude Code (Anthropic Messages) and Codex (Responses) each talk
// to the relay, which talks to a scripted gateway that speaks ONLY OpenAI chat completions. Each
// agent completes a turn with one tool call (a harmless tool it has) and a final answer that
// quotes the tool's result, so the tool really ran and its result really travelled back.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentVersions } from '../agents/paths.js';
import { startRelay, type RunningRelay } from '../../src/relay/index.js';
import { assertAgentsInstalled, describeRun, makeAgentHome, runClaude, runCodex, writeClaudeConfig, writeCodexConfig, type TempWorld } from '../support/run-agent.js';
import { startScriptedUpstream, toolThenAnswer, type ScriptedUpstream } from '../support/scripted-upstream.js';
import { E2E_TIMEOUT } from '../support/e2e.js';

const GATEWAY_KEY = 'sk-gateway-relay-e2e-5150';
const MODEL = 'gw/e2e-chat-model';

let world: TempWorld | undefined;
let upstream: ScriptedUpstream | undefined;
let relay: RunningRelay | undefined;

beforeAll(() => {
  assertAgentsInstalled();
});
afterEach(async () => {
  await relay?.close();
  await upstream?.close();
  await world?.cleanup();
  relay = undefined;
  upstream = undefined;
  world = undefined;
});

/** What the gateway saw, for failure messages. */
function traffic(u: ScriptedUpstream): string {
  return u.requests
    .map((r) => {
      const b = r.body as { model?: unknown; messages?: unknown[]; stream?: unknown };
      return `${r.path} model=${String(b.model)} stream=${String(b.stream)} messages=${b.messages?.length ?? 0} tools=[${r.tools.join(',')}] results=${JSON.stringify(r.toolResults)}`;
    })
    .join('\n  ');
}

describe('agents through the relay to a chat-completions-only gateway', () => {
  it(
    `Claude Code ${agentVersions.claude}: one Read tool call, then the final answer`,
    async () => {
      world = await makeAgentHome('sg-relay-claude-');
      const notes = join(world.cwd, 'notes.txt');
      await writeFile(notes, 'The secret word is PAPAYA-7731.\n');
      upstream = await startScriptedUpstream({
        protocol: 'chat',
        requireKey: GATEWAY_KEY,
        script: toolThenAnswer('Read', { file_path: notes }, (result) => `RELAY-FINAL: the file says ${result.includes('PAPAYA-7731') ? 'PAPAYA-7731' : `something else: ${result}`}`),
      });
      relay = await startRelay({ upstream: `${upstream.url}/v1`, key: GATEWAY_KEY, port: 0 });
      // Claude Code holds only a local token; the relay injects the gateway key.
      await writeClaudeConfig(world.home, { baseUrl: relay.url, key: 'local-relay-token', model: MODEL });

      const run = await runClaude(world.home, world.cwd, 'What is the secret word in notes.txt?');
      const context = `${describeRun(run)}\n\ngateway traffic:\n  ${traffic(upstream)}`;
      expect(run.code, context).toBe(0);
      expect(run.stdout, context).toContain('RELAY-FINAL: the file says PAPAYA-7731');
      const turns = upstream.inference().filter((r) => r.tools.includes('Read'));
      expect(turns.length, context).toBeGreaterThanOrEqual(2);
      expect(turns.every((r) => r.headers.authorization === `Bearer ${GATEWAY_KEY}` && r.body.model === MODEL), context).toBe(true);
      // The relay found out by itself that the gateway has no /v1/messages.
      expect(upstream.requests.some((r) => r.path === '/v1/messages'), context).toBe(true);
    },
    E2E_TIMEOUT,
  );

  it(
    `Codex ${agentVersions.codex}: one get_goal tool call, then the final answer`,
    async () => {
      world = await makeAgentHome('sg-relay-codex-');
      upstream = await startScriptedUpstream({
        protocol: 'chat',
        requireKey: GATEWAY_KEY,
        script: toolThenAnswer('get_goal', {}, (result) => `RELAY-FINAL: goal tool said ${JSON.stringify(result)}`),
      });
      relay = await startRelay({ upstream: upstream.url, key: GATEWAY_KEY, port: 0 });
      await writeCodexConfig(world.home, { baseUrl: relay.url, key: 'local-relay-token', model: MODEL });

      const run = await runCodex(world.home, world.cwd, 'Check the current goal, then say done.');
      const context = `${describeRun(run)}\n\ngateway traffic:\n  ${traffic(upstream)}`;
      expect(run.code, context).toBe(0);
      expect(run.stdout, context).toContain('RELAY-FINAL: goal tool said');
      // (The relay's one-off probes carry an empty body: not turns.)
      const turns = upstream.inference().filter((r) => Array.isArray(r.body.messages));
      expect(turns.length, context).toBeGreaterThanOrEqual(2);
      expect(turns.at(-1)?.toolResults.length, context).toBe(1);
      expect(turns.every((r) => r.headers.authorization === `Bearer ${GATEWAY_KEY}` && r.body.model === MODEL), context).toBe(true);
    },
    E2E_TIMEOUT,
  );
});

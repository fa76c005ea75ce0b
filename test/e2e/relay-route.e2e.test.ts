// `apply` against a gateway that speaks only OpenAI chat completions: Claude Code (Anthropic
// messages) and Codex (OpenAI responses) are pointed at the local relay, `apply --yes` starts it
// in the background with the key in its environment, and the real agents get their replies
// through it. Nothing but the files apply wrote and the relay it started connects them.
import { describe, expect, it } from 'vitest';
import { claudeBin, codexBin } from '../agents/paths.js';
import { E2E_TIMEOUT, useE2e } from '../support/e2e.js';
import { describeRun, runClaude, runCodex } from '../support/run-agent.js';

const REPLY = 'RELAY-ROUTE-REPLY 7f3a: translated both ways';
const KEY = 'sk-relay-route-e2e-4242';
const MODEL = 'gw/chat-only-model';

const e2e = useE2e({ reply: REPLY, key: KEY, model: MODEL, requires: [claudeBin, codexBin], protocols: { anthropic: false, responses: false, chat: true } });

describe('apply routes agents through the relay when the gateway lacks their protocol', () => {
  it(
    'Claude Code and Codex reach an OpenAI-chat-only gateway through the relay apply started',
    async () => {
      const world = await e2e.world('sg-e2e-relay-route-');
      await e2e.applyThroughRelay(world, ['claude-code', 'codex']);
      e2e.mock.reset(); // apply's own protocol probes are not the agents' traffic

      const claude = await runClaude(world.home, world.cwd, 'say hi');
      expect(claude.code, describeRun(claude)).toBe(0);
      expect(claude.stdout).toContain(REPLY);

      const codex = await runCodex(world.home, world.cwd, 'say hi');
      expect(codex.code, describeRun(codex)).toBe(0);
      expect(codex.stdout).toContain(REPLY);

      // What the gateway answered was chat completions only, each with the real key (the agents
      // hold a local token) and the model; the relay's one-time protocol probe got its 404.
      e2e.expectRelayedChat(2);
    },
    E2E_TIMEOUT,
  );
});

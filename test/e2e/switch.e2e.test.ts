// A switch between two gateways, proved by the real agents: two recording mock gateways on two
// ports, a saved profile for each, `apply --profile a`, the agent answers from A; `use b`, the
// same agent's next run answers from B, and A sees nothing more. The keys come from the
// environment of setup-gateway only (the profiles name the variables); the agents' environment
// holds no gateway settings, so only the files apply and use wrote can route them.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentsBinDir, agentVersions, claudeBin, codexBin } from '../agents/paths.js';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { E2E_TIMEOUT, freePort } from '../support/e2e.js';
import { startMockGateway, type MockGateway } from '../support/mock-gateway.js';
import {
  assertCliBuilt,
  assertInstalled,
  describeRun,
  makeAgentHome,
  nodeBinDir,
  runClaude,
  agentEnv,
  runCodex,
  runProcess,
  runSetupGateway,
  type ProcessRun,
  type TempWorld,
} from '../support/run-agent.js';

const MODEL = 'gw/switch-model';
const A = { reply: 'GATEWAY-A-REPLY 5c1e: from the first gateway', key: 'sk-switch-a-7001' };
const B = { reply: 'GATEWAY-B-REPLY 9d4b: from the second gateway', key: 'sk-switch-b-7002' };

let mockA: MockGateway;
let mockB: MockGateway;
let world: TempWorld | undefined;

beforeAll(async () => {
  assertCliBuilt();
  assertInstalled([claudeBin, codexBin]);
  mockA = await startMockGateway({ replyText: A.reply, models: [MODEL], requireKey: A.key });
  mockB = await startMockGateway({ replyText: B.reply, models: [MODEL], requireKey: B.key });
});
afterAll(async () => {
  await mockA?.close();
  await mockB?.close();
});
afterEach(async () => {
  if (world) {
    await setupGateway(world, ['relay', 'stop']);
    await world.cleanup();
  }
  world = undefined;
  mockA.reset();
  mockB.reset();
});

/** setup-gateway with both keys in its environment (the profiles name them), the agents on PATH. */
function setupGateway(w: TempWorld, args: string[]): Promise<ProcessRun> {
  return runSetupGateway(w.home, w.cwd, args, { env: { PATH: [agentsBinDir, nodeBinDir].join(':'), GW_A_KEY: A.key, GW_B_KEY: B.key } });
}

async function ok(w: TempWorld, args: string[]): Promise<ProcessRun> {
  const run = await setupGateway(w, args);
  expect(run.code, describeRun(run)).toBe(0);
  expect(run.stdout + run.stderr).not.toContain(A.key);
  expect(run.stdout + run.stderr).not.toContain(B.key);
  return run;
}

/** Two saved profiles, A and B, their keys by reference. */
async function twoProfiles(w: TempWorld, extra: string[] = []): Promise<void> {
  await ok(w, ['profile', 'add', 'a', '--base-url', mockA.url, '--key-env', 'GW_A_KEY', '--model', MODEL, ...extra]);
  await ok(w, ['profile', 'add', 'b', '--base-url', mockB.url, '--key-env', 'GW_B_KEY', '--model', MODEL, ...extra]);
}

/** The agent's inference requests a mock answered (not apply's probes, not the relay's `{}` probe). */
function answered(mock: MockGateway, path: string): number {
  return mock.requests.filter((r) => r.method === 'POST' && r.path === path && r.status === 200 && r.rawBody !== '{}').length;
}

function expectAnswer(run: ProcessRun, from: typeof A, not: typeof A): void {
  expect(run.code, describeRun(run)).toBe(0);
  expect(run.stdout, describeRun(run)).toContain(from.reply);
  expect(run.stdout).not.toContain(not.reply);
}

describe('use switches real agents from gateway A to gateway B', () => {
  it(
    `Claude Code ${agentVersions.claude}: claude -p answers from A, then after \`use b\` from B`,
    async () => {
      world = await makeAgentHome('sg-e2e-switch-claude-');
      await twoProfiles(world);
      await ok(world, ['apply', '--profile', 'a', '--agent', 'claude-code', '--yes']);
      mockA.reset();

      const first = await runClaude(world.home, world.cwd, 'say hi');
      expectAnswer(first, A, B);
      expect(answered(mockA, '/v1/messages')).toBeGreaterThan(0);
      expect(mockA.requests.filter((r) => r.path === '/v1/messages').every((r) => r.headers.authorization === `Bearer ${A.key}` || r.headers['x-api-key'] === A.key)).toBe(true);

      const used = await ok(world, ['use', 'b', '--yes']);
      expect(used.stdout).toContain('claude-code');
      mockA.reset();
      mockB.reset();

      const second = await runClaude(world.home, world.cwd, 'say hi again');
      expectAnswer(second, B, A);
      expect(answered(mockB, '/v1/messages')).toBeGreaterThan(0);
      expect(mockA.requests.filter((r) => r.method === 'POST')).toEqual([]);
    },
    E2E_TIMEOUT,
  );

  it(
    `Codex ${agentVersions.codex}: codex exec answers from A, then after \`use b\` from B`,
    async () => {
      world = await makeAgentHome('sg-e2e-switch-codex-');
      await twoProfiles(world);
      await ok(world, ['apply', '--profile', 'a', '--agent', 'codex', '--yes']);
      mockA.reset();

      const first = await runCodex(world.home, world.cwd, 'say hi');
      expectAnswer(first, A, B);
      expect(answered(mockA, '/v1/responses')).toBeGreaterThan(0);

      await ok(world, ['use', 'b', '--yes']);
      mockA.reset();
      mockB.reset();

      const second = await runCodex(world.home, world.cwd, 'say hi again');
      expectAnswer(second, B, A);
      expect(answered(mockB, '/v1/responses')).toBeGreaterThan(0);
      expect(mockA.requests.filter((r) => r.method === 'POST')).toEqual([]);
    },
    E2E_TIMEOUT,
  );
});

describe('Codex sessions survive a switch', () => {
  it(
    `Codex ${agentVersions.codex}: a session made through A continues through B with codex exec resume --last (one provider id for every profile)`,
    async () => {
      world = await makeAgentHome('sg-e2e-switch-codex-resume-');
      await twoProfiles(world);
      await ok(world, ['apply', '--profile', 'a', '--agent', 'codex', '--yes']);
      const first = await runCodex(world.home, world.cwd, 'remember the word PELICAN');
      expectAnswer(first, A, B);
      const session = /session id: ([0-9a-f-]{36})/.exec(first.stdout + first.stderr)?.[1];
      expect(session, describeRun(first)).toBeDefined();

      await ok(world, ['use', 'b', '--yes']);
      mockA.reset();
      mockB.reset();
      const resumed = await runProcess(codexBin, ['exec', '--skip-git-repo-check', 'resume', '--last', 'what was the word?'], { cwd: world.cwd, env: agentEnv(world.home), timeoutMs: 90_000 });
      expectAnswer(resumed, B, A);
      // The same session, not a new one, and B got the earlier turn with it.
      expect(resumed.stdout + resumed.stderr).toContain(`session id: ${session}`);
      const sent = mockB.requests.filter((r) => r.method === 'POST' && r.path === '/v1/responses' && r.rawBody !== '{}');
      expect(sent.some((r) => r.rawBody.includes('PELICAN'))).toBe(true);
      expect(mockA.requests.filter((r) => r.method === 'POST')).toEqual([]);
    },
    E2E_TIMEOUT,
  );
});

describe('Codex sessions across the vendor and the gateway (issue 13, section 3)', () => {
  it(
    `Codex ${agentVersions.codex}: apply and undo say what happens to the sessions, and it does: earlier ones hidden while the gateway is set and back after undo; gateway ones refused after undo until \`use\` brings the provider back`,
    async () => {
      // A third mock stands in for OpenAI: the built-in provider pointed at it (openai_base_url), its key as Codex takes it in CI.
      const vendor = await startMockGateway({ replyText: 'VENDOR-REPLY 0a1f: from the vendor', models: [MODEL], requireKey: 'sk-vendor-7000' });
      try {
        world = await makeAgentHome('sg-e2e-codex-sessions-');
        const w = world;
        await mkdir(join(w.home, '.codex'), { recursive: true });
        await writeFile(join(w.home, '.codex', 'config.toml'), `model = "${MODEL}"\nopenai_base_url = "${vendor.url}/v1"\n`);
        const codex = (args: string[]) =>
          runProcess(codexBin, ['exec', '--skip-git-repo-check', ...args], { cwd: w.cwd, env: agentEnv(w.home, { CODEX_API_KEY: 'sk-vendor-7000' }), timeoutMs: 90_000 });
        const sessionOf = (run: ProcessRun) => /session id: ([0-9a-f-]{36})/.exec(run.stdout + run.stderr)?.[1];

        const before = await codex(['remember the word HERON']);
        expect(before.stdout, describeRun(before)).toContain('VENDOR-REPLY');
        const earlier = sessionOf(before);
        expect(earlier, describeRun(before)).toBeDefined();

        await twoProfiles(w);
        const applied = await ok(w, ['apply', '--profile', 'a', '--agent', 'codex', '--yes']);
        expect(applied.stdout).toContain('Codex: 1 session made before (1 with "openai") will not show in `codex resume`');

        // What the review said: not listed (resume --last starts from another), not continued through the gateway.
        const last = await codex(['resume', '--last', 'what was the word?']);
        expectAnswer(last, A, B);
        expect(sessionOf(last)).not.toBe(earlier);
        const refused = await codex(['resume', earlier as string, 'what was the word?']);
        expect(refused.code).not.toBe(0);
        expect(refused.stdout + refused.stderr).toContain("Cannot change this thread's model provider");
        // Meanwhile Codex's own per-run override, as the note says, continues it with its vendor.
        expect(applied.stdout).toContain('`codex -c model_provider=openai resume` continues them with their own provider meanwhile');
        vendor.reset();
        const own = await runProcess(codexBin, ['exec', '--skip-git-repo-check', '-c', 'model_provider=openai', 'resume', '--last', 'what was the word?'], {
          cwd: w.cwd,
          env: agentEnv(w.home, { CODEX_API_KEY: 'sk-vendor-7000' }),
          timeoutMs: 90_000,
        });
        expect(own.stdout, describeRun(own)).toContain('VENDOR-REPLY');
        expect(sessionOf(own)).toBe(earlier);
        expect(vendor.requests.some((r) => r.method === 'POST' && r.rawBody.includes('HERON'))).toBe(true);

        const through = await codex(['remember the word EGRET']);
        expectAnswer(through, A, B);
        const gatewaySession = sessionOf(through);

        const undone = await ok(w, ['undo', '--yes']);
        expect(undone.stdout).toContain('Codex: 2 sessions made through the gateway will not show in `codex resume`, and Codex refuses to continue them');

        // The earlier session continues with its vendor again, as the review said.
        vendor.reset();
        const back = await codex(['resume', earlier as string, 'what was the word?']);
        expect(back.stdout, describeRun(back)).toContain('VENDOR-REPLY');
        expect(sessionOf(back)).toBe(earlier);
        expect(vendor.requests.some((r) => r.method === 'POST' && r.rawBody.includes('HERON'))).toBe(true);

        // The gateway session is refused while its provider is gone, as undo said; `use a` brings it back.
        const orphan = await codex(['resume', gatewaySession as string, 'what was the word?']);
        expect(orphan.code).not.toBe(0);
        expect(orphan.stdout + orphan.stderr).toContain('modelProviderNotConfigured');
        await ok(w, ['use', 'a', '--agent', 'codex', '--yes']);
        mockA.reset();
        const resumed = await codex(['resume', gatewaySession as string, 'what was the word?']);
        expectAnswer(resumed, A, B);
        expect(sessionOf(resumed)).toBe(gatewaySession);
        expect(mockA.requests.some((r) => r.method === 'POST' && r.rawBody.includes('EGRET'))).toBe(true);
      } finally {
        await vendor.close();
      }
    },
    E2E_TIMEOUT * 2,
  );
});

describe('use switches the running relay in place (the hot switch)', () => {
  it(
    `Claude Code ${agentVersions.claude} through the relay: claude -p answers from A, \`use b\` re-targets the relay, the next claude -p answers from B, no Claude Code file changed`,
    async () => {
      world = await makeAgentHome('sg-e2e-hot-switch-');
      await twoProfiles(world, ['--relay', 'always']);
      const port = await freePort();
      const applied = await ok(world, ['apply', '--profile', 'a', '--agent', 'claude-code', '--yes', '--relay-port', String(port)]);
      expect(applied.stdout).toContain(`via the local relay http://127.0.0.1:${port}`);
      const relayBefore = JSON.parse((await ok(world, ['relay', 'status', '--json'])).stdout) as { pid: number; upstream: string[] };
      expect(relayBefore.upstream).toEqual([mockA.url]);
      mockA.reset();

      const first = await runClaude(world.home, world.cwd, 'say hi');
      expectAnswer(first, A, B);
      expect(answered(mockA, '/v1/messages')).toBeGreaterThan(0);

      // Claude Code's files as they are now (it writes ~/.claude.json itself while it runs).
      const files = ['.claude/settings.json', '.claude.json'];
      const snapshot = () => Promise.all(files.map((f) => readFile(join(world?.home ?? '', f))));
      const before = await snapshot();
      const used = await ok(world, ['use', 'b']);
      expect(used.stdout).toMatch(new RegExp(`Switched the running local relay at http://127\\.0\\.0\\.1:${port} \\(pid ${relayBefore.pid}\\) in place`));
      expect(used.stdout).toMatch(/= claude-code\s+unchanged/);
      const after = await snapshot();
      after.forEach((bytes, i) => expect(bytes.equals(before[i] as Buffer), `${files[i]} changed`).toBe(true));
      const relayAfter = JSON.parse((await ok(world, ['relay', 'status', '--json'])).stdout) as { pid: number; upstream: string[] };
      expect(relayAfter).toMatchObject({ pid: relayBefore.pid, upstream: [mockB.url] });
      mockA.reset();
      mockB.reset();

      const second = await runClaude(world.home, world.cwd, 'say hi again');
      expectAnswer(second, B, A);
      expect(answered(mockB, '/v1/messages')).toBeGreaterThan(0);
      expect(mockB.requests.filter((r) => r.method === 'POST').every((r) => r.headers.authorization === `Bearer ${B.key}` || r.headers['x-api-key'] === B.key)).toBe(true);
      expect(mockA.requests.filter((r) => r.method === 'POST')).toEqual([]);
    },
    E2E_TIMEOUT,
  );
});

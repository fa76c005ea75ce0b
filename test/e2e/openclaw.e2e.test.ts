// OpenClaw, end to end: `setup-gateway apply --agent openclaw` in a throwaway HOME, then the real
// OpenClaw (`openclaw agent exec`, one headless embedded turn; openclaw pinned in
// test/agents/package.json) run with the Node 24 runtime install.mjs puts in the cache (OpenClaw
// needs Node >= 24), in an environment holding no gateway settings. Only ~/.openclaw/openclaw.json
// as apply wrote it can route the request to the mock gateway. `openclaw config validate` checks
// the edited file against OpenClaw's strict schema (unknown keys are errors there).
//
// The key holds `${HOME}`: OpenClaw substitutes `${VAR}` in config strings, so the request only
// carries the key byte for byte if apply escaped it (`$${HOME}`).
//
// Test-only environment (documented in OpenClaw's docs/gateway/telemetry.md and
// config-runtime.md): CI=1 (no update check or statistics request), DO_NOT_TRACK=1,
// OPENCLAW_NO_AUTO_UPDATE=1.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentVersions, agentsBinDir, openclawEntry, repoRoot, runtimeNode } from '../agents/paths.js';
import { startMockGateway, type MockGateway } from '../support/mock-gateway.js';
import {
  agentEnv,
  assertCliBuilt,
  describeRun,
  makeAgentHome,
  nodeBinDir,
  routeProblems,
  runProcess,
  runSetupGateway,
  type ProcessRun,
  type TempWorld,
} from '../support/run-agent.js';

const E2E_TIMEOUT = 120_000;
const REPLY = 'MOCK-GATEWAY-REPLY openclaw 9b4e: the route works';
const KEY = 'sk-test-"q\'#$x\\y-${HOME}-e2e';
// A slash in the id: OpenClaw takes the provider from the first segment of `<provider>/<model>`.
const MODEL = 'gateway/e2e-model-1';
const CONFIG = join('.openclaw', 'openclaw.json');

let mock: MockGateway;
let world: TempWorld | undefined;

beforeAll(async () => {
  assertCliBuilt();
  for (const f of [runtimeNode, openclawEntry]) {
    if (!existsSync(f)) throw new Error(`${f} is missing: run \`node test/agents/install.mjs\``);
  }
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

async function apply(w: TempWorld): Promise<ProcessRun> {
  const run = await runSetupGateway(
    w.home,
    w.cwd,
    ['apply', '--base-url', mock.url, '--key', KEY, '--agent', 'openclaw', '--model', MODEL, '--yes'],
    { env: { PATH: [...new Set([agentsBinDir, nodeBinDir])].join(':') } },
  );
  expect(run.code, `setup-gateway apply failed:\n${describeRun(run)}`).toBe(0);
  return run;
}

function runOpenclaw(w: TempWorld, args: string[]): Promise<ProcessRun> {
  const env = agentEnv(w.home, { CI: '1', DO_NOT_TRACK: '1', OPENCLAW_NO_AUTO_UPDATE: '1' });
  expect(Object.keys(env).filter((k) => /OPENAI|ANTHROPIC|OPENCLAW_(CONFIG|STATE|HOME)|KEY|TOKEN|XDG_/.test(k))).toEqual([]);
  return runProcess(runtimeNode, [openclawEntry, ...args], { cwd: w.cwd, env, timeoutMs: 90_000 });
}

async function context(w: TempWorld, run: ProcessRun, applied: ProcessRun): Promise<string> {
  const text = await readFile(join(w.home, CONFIG), 'utf8').catch((e: Error) => `(unreadable: ${e.message})`);
  return `${describeRun(run)}\n\napply output:\n${applied.stdout}${applied.stderr}\n--- ~/${CONFIG} ---\n${text}`;
}

describe('setup-gateway apply, then OpenClaw', () => {
  it(
    `creates ~/.openclaw/openclaw.json that OpenClaw ${agentVersions.openclaw} (agent exec, Node ${agentVersions.runtimeNode}) routes through with the key byte for byte`,
    async () => {
      world = await makeAgentHome('sg-e2e-openclaw-');
      const applied = await apply(world);
      const written = await readFile(join(world.home, CONFIG));
      mock.reset();

      const run = await runOpenclaw(world, ['agent', 'exec', 'say hi']);
      const ctx = await context(world, run, applied);
      expect(run.code, ctx).toBe(0);
      expect(routeProblems(mock, { path: '/v1/chat/completions', key: KEY, model: MODEL }), ctx).toEqual([]);
      expect(run.stdout, ctx).toContain(REPLY);
      // OpenClaw did not rewrite the file, so `undo` can still restore it.
      expect((await readFile(join(world.home, CONFIG))).equals(written), ctx).toBe(true);
    },
    E2E_TIMEOUT,
  );

  it(
    'edits a hand-written openclaw.json (comments, trailing commas, a model policy without ours) that OpenClaw validates and routes through',
    async () => {
      world = await makeAgentHome('sg-e2e-openclaw-');
      await mkdir(join(world.home, '.openclaw'), { recursive: true });
      await copyFile(join(repoRoot, 'test', 'fixtures', 'recipes', 'openclaw', 'openclaw.json'), join(world.home, CONFIG));
      const applied = await apply(world);
      expect(await readFile(join(world.home, CONFIG), 'utf8')).toContain('/* LM Studio on this machine */');

      const check = await runOpenclaw(world, ['config', 'validate']);
      expect(check.code, await context(world, check, applied)).toBe(0);
      mock.reset();

      const run = await runOpenclaw(world, ['agent', 'exec', 'say hi']);
      const ctx = await context(world, run, applied);
      expect(run.code, ctx).toBe(0);
      expect(routeProblems(mock, { path: '/v1/chat/completions', key: KEY, model: MODEL }), ctx).toEqual([]);
      expect(run.stdout, ctx).toContain(REPLY);
    },
    E2E_TIMEOUT,
  );
});

// Continue, end to end: `setup-gateway apply --agent continue` in a throwaway HOME, then the real
// Continue CLI (`cn -p`, @continuedev/cli pinned in test/agents/package.json) with an environment
// holding no gateway settings. The only way its request can reach the mock gateway, with our key
// and model, is ~/.continue/config.yaml as apply wrote it; `cn` parsing that file with its own
// config schema is the schema check.
//
// Test-only environment: CONTINUE_METRICS_ENABLED=0 (src/telemetry/telemetryService.ts turns
// metrics off); `cn -p` never checks for updates (src/services/UpdateService.ts skips headless).
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentVersions, agentsBinDir, continueBin, repoRoot } from '../agents/paths.js';
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
const REPLY = 'MOCK-GATEWAY-REPLY continue 7d02: the route works';
const KEY = `sk-test-"q'#$x\\y-e2e`;
// A slash in the id, as gateways name models (`vendor/model`).
const MODEL = 'gateway/e2e-model-1';
const CONFIG = join('.continue', 'config.yaml');

let mock: MockGateway;
let world: TempWorld | undefined;

beforeAll(async () => {
  assertCliBuilt();
  if (!existsSync(continueBin)) throw new Error(`${continueBin} is missing: run \`node test/agents/install.mjs\``);
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
    ['apply', '--base-url', mock.url, '--key', KEY, '--agent', 'continue', '--model', MODEL, '--yes'],
    { env: { PATH: [...new Set([agentsBinDir, nodeBinDir])].join(':') } },
  );
  expect(run.code, `setup-gateway apply failed:\n${describeRun(run)}`).toBe(0);
  return run;
}

/** `cn -p <prompt>` with nothing but PATH, HOME and the telemetry switch in its environment. */
function runContinue(w: TempWorld, prompt: string): Promise<ProcessRun> {
  const env = agentEnv(w.home, { CONTINUE_METRICS_ENABLED: '0' });
  expect(Object.keys(env).filter((k) => /OPENAI|CONTINUE_(API|GLOBAL)|KEY|TOKEN|XDG_/.test(k))).toEqual([]);
  return runProcess(continueBin, ['-p', prompt], { cwd: w.cwd, env, timeoutMs: 60_000 });
}

async function context(w: TempWorld, run: ProcessRun, applied: ProcessRun): Promise<string> {
  const text = await readFile(join(w.home, CONFIG), 'utf8').catch((e: Error) => `(unreadable: ${e.message})`);
  return `${describeRun(run)}\n\napply output:\n${applied.stdout}${applied.stderr}\n--- ~/${CONFIG} ---\n${text}`;
}

describe('setup-gateway apply, then Continue', () => {
  it(
    `creates ~/.continue/config.yaml that Continue ${agentVersions.continue} (cn -p) routes through, and cn leaves it as written`,
    async () => {
      world = await makeAgentHome('sg-e2e-continue-');
      const applied = await apply(world);
      const written = await readFile(join(world.home, CONFIG));
      mock.reset();

      const run = await runContinue(world, 'say hi');
      const ctx = await context(world, run, applied);
      expect(run.code, ctx).toBe(0);
      expect(routeProblems(mock, { path: '/v1/chat/completions', key: KEY, model: MODEL }), ctx).toEqual([]);
      expect(run.stdout, ctx).toContain(REPLY);
      // Continue did not rewrite the file, so `undo` can still restore it.
      expect((await readFile(join(world.home, CONFIG))).equals(written), ctx).toBe(true);
    },
    E2E_TIMEOUT,
  );

  it(
    'adds its model to a commented config.yaml with an autocomplete-only model, and cn chats through it',
    async () => {
      world = await makeAgentHome('sg-e2e-continue-');
      await mkdir(join(world.home, '.continue'), { recursive: true });
      const fixture = join(repoRoot, 'test', 'fixtures', 'recipes', 'continue', 'config.yaml');
      await copyFile(fixture, join(world.home, CONFIG));
      const applied = await apply(world);
      const text = await readFile(join(world.home, CONFIG), 'utf8');
      expect(text).toContain('# Tab completion only, from a local server.');
      expect((parseYaml(text) as { models: Array<{ name: string }> }).models.map((m) => m.name)).toEqual(['Local autocomplete', 'setup-gateway']);
      mock.reset();

      const run = await runContinue(world, 'say hi');
      const ctx = await context(world, run, applied);
      expect(run.code, ctx).toBe(0);
      expect(routeProblems(mock, { path: '/v1/chat/completions', key: KEY, model: MODEL }), ctx).toEqual([]);
      expect(run.stdout, ctx).toContain(REPLY);
    },
    E2E_TIMEOUT,
  );
});

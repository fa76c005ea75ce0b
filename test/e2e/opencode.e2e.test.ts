// opencode, end to end: `setup-gateway apply --agent opencode` in a throwaway HOME, then the real
// opencode (`opencode run`, opencode-ai pinned in test/agents/package.json) with an environment
// holding no gateway settings. Only ~/.config/opencode/opencode.json(c) as apply wrote it can route
// its request to the mock gateway. `opencode debug config` checks the edited file against
// opencode's own config schema (a wrong type is an error there).
//
// Test-only environment (documented opencode variables): OPENCODE_DISABLE_AUTOUPDATE=1, and
// OPENCODE_DISABLE_MODELS_FETCH=1 so it does not try models.dev, which is offline here.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentVersions, agentsBinDir, opencodeBin, repoRoot } from '../agents/paths.js';
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
const REPLY = 'MOCK-GATEWAY-REPLY opencode 31f8: the route works';
const KEY = `sk-test-"q'#$x\\y-e2e`;
// A slash in the id: opencode splits `<provider>/<model>` at the first slash only.
const MODEL = 'gateway/e2e-model-1';

let mock: MockGateway;
let world: TempWorld | undefined;

beforeAll(async () => {
  assertCliBuilt();
  if (!existsSync(opencodeBin)) throw new Error(`${opencodeBin} is missing: run \`node test/agents/install.mjs\``);
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
    ['apply', '--base-url', mock.url, '--key', KEY, '--agent', 'opencode', '--model', MODEL, '--yes'],
    { env: { PATH: [...new Set([agentsBinDir, nodeBinDir])].join(':') } },
  );
  expect(run.code, `setup-gateway apply failed:\n${describeRun(run)}`).toBe(0);
  return run;
}

function runOpencode(w: TempWorld, args: string[]): Promise<ProcessRun> {
  const env = agentEnv(w.home, { OPENCODE_DISABLE_AUTOUPDATE: '1', OPENCODE_DISABLE_MODELS_FETCH: '1' });
  expect(Object.keys(env).filter((k) => /OPENAI|OPENCODE_CONFIG|KEY|TOKEN|XDG_/.test(k))).toEqual([]);
  return runProcess(opencodeBin, args, { cwd: w.cwd, env, timeoutMs: 60_000 });
}

async function context(w: TempWorld, file: string, run: ProcessRun, applied: ProcessRun): Promise<string> {
  const text = await readFile(join(w.home, file), 'utf8').catch((e: Error) => `(unreadable: ${e.message})`);
  return `${describeRun(run)}\n\napply output:\n${applied.stdout}${applied.stderr}\n--- ~/${file} ---\n${text}`;
}

describe('setup-gateway apply, then opencode', () => {
  it(
    `creates ~/.config/opencode/opencode.json that opencode ${agentVersions.opencode} (opencode run) routes through, and opencode leaves it as written`,
    async () => {
      world = await makeAgentHome('sg-e2e-opencode-');
      const file = join('.config', 'opencode', 'opencode.json');
      const applied = await apply(world);
      const written = await readFile(join(world.home, file));
      mock.reset();

      const run = await runOpencode(world, ['run', 'say hi']);
      const ctx = await context(world, file, run, applied);
      expect(run.code, ctx).toBe(0);
      expect(routeProblems(mock, { path: '/v1/chat/completions', key: KEY, model: MODEL }), ctx).toEqual([]);
      expect(run.stdout, ctx).toContain(REPLY);
      // opencode adds `$schema` to a config that lacks it; ours has it, so the file stays ours and `undo` works.
      expect((await readFile(join(world.home, file))).equals(written), ctx).toBe(true);
    },
    E2E_TIMEOUT,
  );

  it(
    'edits an existing opencode.jsonc (comments, trailing commas, another provider) that opencode validates and routes through',
    async () => {
      world = await makeAgentHome('sg-e2e-opencode-');
      const file = join('.config', 'opencode', 'opencode.jsonc');
      await mkdir(join(world.home, '.config', 'opencode'), { recursive: true });
      await copyFile(join(repoRoot, 'test', 'fixtures', 'recipes', 'opencode', 'opencode.jsonc'), join(world.home, file));
      const applied = await apply(world);
      expect(existsSync(join(world.home, '.config', 'opencode', 'opencode.json'))).toBe(false);
      expect(await readFile(join(world.home, file), 'utf8')).toContain('// A local server I use now and then.');

      const check = await runOpencode(world, ['debug', 'config']);
      const checkCtx = await context(world, file, check, applied);
      expect(check.code, checkCtx).toBe(0);
      const resolved = JSON.parse(check.stdout) as {
        model: string;
        autoupdate: boolean;
        provider: Record<string, { npm?: string; options?: { baseURL?: string }; models?: Record<string, unknown> }>;
      };
      expect(resolved.model, checkCtx).toBe(`setup-gateway/${MODEL}`);
      expect(resolved.autoupdate, checkCtx).toBe(false);
      expect(resolved.provider['setup-gateway'], checkCtx).toMatchObject({
        npm: '@ai-sdk/openai-compatible',
        options: { baseURL: `${mock.url}/v1` },
        models: { [MODEL]: { name: MODEL } },
      });
      expect(Object.keys(resolved.provider).sort(), checkCtx).toEqual(['ollama', 'setup-gateway']);
      mock.reset();

      const run = await runOpencode(world, ['run', 'say hi']);
      const ctx = await context(world, file, run, applied);
      expect(run.code, ctx).toBe(0);
      expect(routeProblems(mock, { path: '/v1/chat/completions', key: KEY, model: MODEL }), ctx).toEqual([]);
      expect(run.stdout, ctx).toContain(REPLY);
    },
    E2E_TIMEOUT,
  );
});

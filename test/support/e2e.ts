/**
 * The skeleton every `setup-gateway apply, then the real agent` e2e file shares: the mock
 * gateway for the whole file, a throwaway world per test, `apply` through the built CLI with
 * only the agents and node on PATH, the written files for failure messages, and the check that
 * the agent's request reached the mock with our key and model and that the reply came back.
 *
 * `useE2e()` registers the beforeAll / afterAll / afterEach hooks of the file that calls it. A mock
 * that lacks an agent's protocol makes `apply` route that agent through the local relay it starts
 * (`applyThroughRelay`), stopped again after the test.
 */
import { createServer as createNetServer } from 'node:net';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { agentsBinDir, repoRoot } from '../agents/paths.js';
import { startMockGateway, type MockGateway, type MockGatewayOptions } from './mock-gateway.js';
import {
  assertCliBuilt,
  assertInstalled,
  describeRun,
  makeAgentHome,
  DEFAULT_AGENT_TIMEOUT_MS,
  nodeBinDir,
  routeProblems,
  runSetupGateway,
  type ProcessRun,
  type TempWorld,
} from './run-agent.js';

/** The per-test timeout of the agent e2e tests: room for two agent runs and the setup around them. */
export const E2E_TIMEOUT = 2 * DEFAULT_AGENT_TIMEOUT_MS + 60_000;

export interface E2eOptions {
  /** What the mock answers; the agent must print it. */
  reply: string;
  /** The gateway key: the mock refuses any other. */
  key: string;
  model: string;
  /** Files the tests run (agent binaries, runtimes): checked, with the built CLI, before the mock starts. */
  requires: readonly string[];
  /** The protocols the mock serves (default: all). */
  protocols?: MockGatewayOptions['protocols'];
}

export interface E2e {
  /** The mock gateway, started once for the file. */
  readonly mock: MockGateway;
  /** A throwaway HOME (with an empty project folder) for this test, removed after it. */
  world(prefix: string): Promise<TempWorld>;
  /** Copies recipes/<recipe>/fixtures/<name> to `rel` under the world's HOME. */
  putFixture(w: TempWorld, recipe: string, name: string, rel: string): Promise<void>;
  /** `setup-gateway apply` for `agent` with the key and model (and `extra` arguments), PATH holding only the agents and node; must exit 0. */
  apply(w: TempWorld, agent: string, extra?: readonly string[]): Promise<ProcessRun>;
  /**
   * `apply --yes --relay-port PORT` for `agents` against `gateway` (default: the mock), on a free
   * port: must exit 0, route through the relay it starts on PORT, and print no key. The relay is
   * stopped after the test. Apply's own probes are left in the mock's record (reset it to drop them).
   */
  applyThroughRelay(w: TempWorld, agents: readonly string[], gateway?: string): Promise<{ run: ProcessRun; port: number }>;
  /**
   * The agents' requests the mock answered (at least `min`; the relay's empty-body protocol probe
   * is not one) were all chat completions with the key and model.
   */
  expectRelayedChat(min: number): void;
  /** A failure message: the run, apply's output, and the `files` (relative to HOME) as they are now. */
  context(w: TempWorld, run: ProcessRun, applied: ProcessRun, files: readonly string[]): Promise<string>;
  /** The run exited 0, every request to `path` carried the key and model, and the reply came back. */
  expectRouted(run: ProcessRun, path: string, context: string): void;
}

export function useE2e(opts: E2eOptions): E2e {
  let mock: MockGateway | undefined;
  let world: TempWorld | undefined;
  /** The world whose relay `applyThroughRelay` started. */
  let relayed: TempWorld | undefined;

  beforeAll(async () => {
    assertCliBuilt();
    assertInstalled(opts.requires);
    mock = await startMockGateway({ replyText: opts.reply, models: [opts.model], requireKey: opts.key, ...(opts.protocols ? { protocols: opts.protocols } : {}) });
  });
  afterAll(async () => {
    await mock?.close();
  });
  afterEach(async () => {
    mock?.reset();
    if (relayed) await runSetupGateway(relayed.home, relayed.cwd, ['relay', 'stop'], { env: { PATH: nodeBinDir } });
    relayed = undefined;
    await world?.cleanup();
    world = undefined;
  });

  const started = (): MockGateway => {
    if (!mock) throw new Error('the mock gateway is not started (useE2e hooks not run)');
    return mock;
  };

  /** `setup-gateway apply --yes` for `agents` with the key and model, PATH holding only the agents and node; must exit 0. */
  const apply = async (w: TempWorld, gateway: string, agents: readonly string[], extra: readonly string[]): Promise<ProcessRun> => {
    const run = await runSetupGateway(
      w.home,
      w.cwd,
      ['apply', '--base-url', gateway, '--key', opts.key, ...agents.flatMap((a) => ['--agent', a]), '--model', opts.model, '--yes', ...extra],
      { env: { PATH: [...new Set([agentsBinDir, nodeBinDir])].join(':') } },
    );
    expect(run.code, `setup-gateway apply failed:\n${describeRun(run)}`).toBe(0);
    return run;
  };

  return {
    get mock() {
      return started();
    },

    async world(prefix) {
      world = await makeAgentHome(prefix);
      return world;
    },

    async putFixture(w, recipe, name, rel) {
      const file = join(w.home, rel);
      await mkdir(dirname(file), { recursive: true });
      await copyFile(join(repoRoot, 'recipes', recipe, 'fixtures', name), file);
    },

    apply(w, agent, extra = []) {
      return apply(w, started().url, [agent], extra);
    },

    async applyThroughRelay(w, agents, gateway = started().url) {
      const port = await freePort();
      relayed = w;
      const run = await apply(w, gateway, agents, ['--relay-port', String(port)]);
      expect(run.stdout).toContain(`via the local relay http://127.0.0.1:${port}`);
      expect(run.stdout).toMatch(/Started the local relay at http:\/\/127\.0\.0\.1:\d+ \(pid \d+\)/);
      expect(run.stdout + run.stderr).not.toContain(opts.key);
      return { run, port };
    },

    expectRelayedChat(min) {
      const inference = started().requests.filter((r) => r.method === 'POST' && r.status === 200 && r.rawBody !== '{}');
      expect(inference.length).toBeGreaterThanOrEqual(min);
      for (const r of inference) {
        expect(r.path).toBe('/v1/chat/completions');
        expect(r.headers.authorization).toBe(`Bearer ${opts.key}`);
        expect((r.body as { model?: string }).model).toBe(opts.model);
      }
    },

    async context(w, run, applied, files) {
      const parts = await Promise.all(
        files.map(async (f) => {
          const text = await readFile(join(w.home, f), 'utf8').catch((e: Error) => `(unreadable: ${e.message})`);
          return `--- ~/${f} ---\n${text.trimEnd()}`;
        }),
      );
      return `${describeRun(run)}\n\napply output:\n${applied.stdout}${applied.stderr}\n${parts.join('\n')}`;
    },

    expectRouted(run, path, context) {
      expect(run.code, context).toBe(0);
      expect(routeProblems(started(), { path, key: opts.key, model: opts.model }), context).toEqual([]);
      expect(run.stdout, context).toContain(opts.reply);
    },
  };
}

/** A loopback port free right now (for a relay the test starts through apply). */
export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

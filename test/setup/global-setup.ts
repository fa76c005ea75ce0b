/**
 * vitest globalSetup: installs the pinned agent CLIs once per test run
 * (test/agents/install.mjs is a no-op when .cache/agents is up to date).
 *
 * SETUP_GATEWAY_SKIP_AGENT_INSTALL=1 skips it (e.g. offline unit-test runs);
 * the e2e suites then fail with a message naming the missing binary.
 */
import { spawnSync } from 'node:child_process';
import { installScript, repoRoot } from '../agents/paths.js';

export default function setup(): void {
  if (process.env.SETUP_GATEWAY_SKIP_AGENT_INSTALL === '1') return;
  const r = spawnSync(process.execPath, [installScript], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 20 * 60_000,
  });
  if (r.status !== 0) {
    throw new Error(
      `Installing the agent CLIs for the e2e tests failed (node test/agents/install.mjs, exit ${r.status}${
        r.error ? `, ${r.error.message}` : ''
      }):\n${r.stderr ?? ''}${r.stdout ?? ''}`,
    );
  }
}

/**
 * vitest globalSetup: installs the pinned agent CLIs once per test run
 * (test/agents/install.mjs is a no-op when .cache/agents is up to date), and zsh and fish from
 * Debian's packages when the machine has neither (test/shells/install.mjs), put first on PATH
 * for the test processes, which start after this.
 *
 * SETUP_GATEWAY_SKIP_AGENT_INSTALL=1 skips both (e.g. offline unit-test runs); the e2e suites
 * then fail with a message naming the missing binary, and the zsh and fish tests are skipped.
 */
import { spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { installScript, repoRoot } from '../agents/paths.js';

export default function setup(): void {
  if (process.env.SETUP_GATEWAY_SKIP_AGENT_INSTALL === '1') return;
  installShells();
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

/** zsh and fish for the shell start-up tests; a machine that cannot get them skips those tests (the script says why). */
function installShells(): void {
  const r = spawnSync(process.execPath, [join(repoRoot, 'test', 'shells', 'install.mjs')], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 5 * 60_000 });
  const bin = r.status === 0 ? r.stdout.trim() : '';
  if (bin) process.env.PATH = `${bin}${delimiter}${process.env.PATH ?? ''}`;
}

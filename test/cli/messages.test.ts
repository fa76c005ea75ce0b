// What the command line says when something is off: a gateway that does not answer, a mistyped
// command or flag, a dry run without a key. Messages and exit codes, in-process in a temp home.
import { access } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fetch } from '../../src/core/gateway.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';
import { runCli } from '../support/run-cli.js';

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome();
});
afterEach(() => t.cleanup());

const KEY = 'sk-messages-test-0000';

/** What undici throws when nothing listens on the port, and how many times it was asked. */
function refusing(): Fetch & { calls: number } {
  const f = Object.assign(
    async () => {
      f.calls += 1;
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4000'), { code: 'ECONNREFUSED' }) });
    },
    { calls: 0 },
  );
  return f as unknown as Fetch & { calls: number };
}

const exists = (p: string) => access(path.join(t.home, p)).then(() => true, () => false);

describe('apply to a gateway that is down', () => {
  const args = ['apply', '--base-url', 'http://localhost:4000', '--key', KEY, '--agent', 'claude-code', '--model', 'm'];

  it('warns, naming the cause, and points to --offline (the files are written all the same)', async () => {
    const run = await runCli(args, { env: t.env, fetch: refusing() });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Warning: the gateway did not answer: GET http://localhost:4000/v1/models failed: connection refused on localhost:4000 (nothing listens there).');
    expect(run.stderr).toContain('they fail until the gateway answers');
    expect(run.stderr).toContain('add --offline');
    expect(await exists('.claude/settings.json')).toBe(true);
  });

  it('in a dry run too, and in --json as gateway.unreachable', async () => {
    const dry = await runCli([...args, '--dry-run'], { env: t.env, fetch: refusing() });
    expect(dry.stderr).toContain('Warning: the gateway did not answer');
    expect(dry.stderr).toContain('Applying would configure the agents all the same');
    const json = await runCli([...args, '--json'], { env: t.env, fetch: refusing() });
    expect(JSON.parse(json.stdout).gateway.unreachable).toContain('connection refused on localhost:4000');
  });

  it('--offline asks the gateway nothing and says nothing about it', async () => {
    const fetch = refusing();
    const run = await runCli([...args, '--offline'], { env: t.env, fetch });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(fetch.calls).toBe(0);
    expect(await exists('.claude/settings.json')).toBe(true);
  });

  it('--offline is in apply --help', async () => {
    expect((await runCli(['apply', '--help'], { env: t.env })).stdout).toMatch(/--offline +ask the gateway nothing/);
  });
});

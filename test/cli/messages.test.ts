// What the command line says when something is off: a gateway that does not answer, a mistyped
// command or flag, a dry run without a key. Messages and exit codes, in-process in a temp home.
import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandNames } from '../../src/cli/main.js';
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

describe('a mistyped command or flag: "did you mean", exit 2', () => {
  it.each([
    [['doctr'], 'Unknown command "doctr". Did you mean `doctor`?'],
    [['aply', '--base-url', 'https://gw.example.com'], 'Unknown command "aply". Did you mean `apply`?'],
    [['stauts'], 'Unknown command "stauts". Did you mean `status`?'],
    [['apply', '--dryrun'], "apply: Unknown option '--dryrun'. Did you mean --dry-run?"],
    [['apply', '--base-url', 'https://gw.example.com', '--modle', 'm'], "apply: Unknown option '--modle'. Did you mean --model?"],
    [['doctor', '--offlin'], "doctor: Unknown option '--offlin'. Did you mean --offline?"],
    [['undo', '--dry_run'], "undo: Unknown option '--dry_run'. Did you mean --dry-run?"],
    [['--dryrun'], "apply: Unknown option '--dryrun'. Did you mean --dry-run?"],
    [['relay', 'strat'], 'relay: unknown action "strat". Did you mean `relay start`?'],
    [['profile', 'lsit'], 'profile: unknown subcommand "lsit". Did you mean `profile list`?'],
  ])('%j', async (argv, message) => {
    const run = await runCli(argv, { env: t.env });
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(`setup-gateway: ${message}`);
  });

  it('no guess when nothing is close', async () => {
    const run = await runCli(['frobnicate'], { env: t.env });
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('Did you mean');
    const flag = await runCli(['apply', '--zzz'], { env: t.env });
    expect(flag.code).toBe(2);
    expect(flag.stderr).not.toContain('Did you mean');
  });
});

describe('--help of every command ends with examples', () => {
  it.each([...commandNames, 'the main help'])('%s', async (name) => {
    const run = await runCli(name === 'the main help' ? ['--help'] : [name, '--help'], { env: t.env });
    expect(run.code).toBe(0);
    const [body, examples] = run.stdout.split('\nExamples:\n');
    expect(examples, 'an Examples: section').toBeDefined();
    const lines = (examples as string).split('\n').filter((l) => l.trim());
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      expect(line).toMatch(/^  (\S+=\S+ |printf .*\| )?setup-gateway\b/);
      // Every flag an example uses is one the help documents above it.
      for (const flag of line.match(/ --[a-z-]+/g) ?? []) expect(body, `${flag.trim()} in ${name}'s options`).toContain(flag.trim());
    }
  });
});

describe('apply --dry-run without a key', () => {
  it('shows a placeholder where the key goes, says so, and exits 0', async () => {
    const run = await runCli(['apply', '--base-url', 'https://gw.example.com/v1', '--agent', 'codex', '--model', 'm', '--dry-run'], { env: t.env });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('No key given: this dry run shows YOUR_GATEWAY_KEY where the key goes.');
    expect(run.stdout).toContain('+experimental_bearer_token = "YOUR_GATEWAY_KEY"');
    // The header says it too, rather than mask the placeholder as if it were a key ("YOU…_KEY").
    expect(run.stdout).toContain('Gateway https://gw.example.com/v1 (no key given: YOUR_GATEWAY_KEY stands for it)');
    expect(run.stdout).not.toContain('YOU…');
    expect(await exists('.codex/config.toml')).toBe(false);
  });

  it('a real apply still needs one (exit 2)', async () => {
    const run = await runCli(['apply', '--base-url', 'https://gw.example.com/v1', '--agent', 'codex', '--model', 'm'], { env: t.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('a gateway key is required');
  });
});

describe('what apply will do and what it did: the tense, and a mode change said once', () => {
  const withApiKey = async () => {
    await mkdir(path.join(t.home, '.claude'));
    await writeFile(path.join(t.home, '.claude/settings.json'), '{"env":{"ANTHROPIC_API_KEY":"sk-ant-old-key-0000"}}\n', { mode: 0o644 });
  };
  const args = ['apply', '--base-url', 'https://gw.example.com/v1', '--key', KEY, '--agent', 'claude-code', '--model', 'm', '--yes'];

  it('a dry run says "Will remove", and the mode change only in the diff', async () => {
    await withApiKey();
    const run = await runCli([...args, '--dry-run'], { env: t.env });
    expect(run.stdout).toContain('Will remove env.ANTHROPIC_API_KEY from ~/.claude/settings.json.');
    expect(run.stdout).not.toContain('Removed');
    expect(run.stdout.match(/tightened|0644 → 0600/g)).toEqual(['0644 → 0600']);
    expect(run.stdout).toContain('~/.claude/settings.json: mode 0644 → 0600 (it holds the key)');
  });

  it('after writing, "Removed", and the mode change once', async () => {
    await withApiKey();
    const run = await runCli(args, { env: t.env });
    expect(run.stdout).toContain('Removed env.ANTHROPIC_API_KEY from ~/.claude/settings.json.');
    expect(run.stdout).not.toContain('Will remove');
    expect(run.stdout.match(/tightened|0644 → 0600/g)).toEqual(['tightened']);
    expect(run.stdout).toContain('~/.claude/settings.json holds the key: permissions tightened from 0644 to 0600.');
  });
});

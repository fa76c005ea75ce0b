// The text output: marks (Unicode or ASCII), colour (and NO_COLOR), what --verbose adds, the
// summary line, and exit codes with and without --strict.
import { chmod } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import type { Environment } from '../../src/core/environment.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';
import { runCli } from '../support/run-cli.js';
import { ALL_AGENTS, KEY, MODEL } from './helpers.js';

const GW = 'https://gw.example.com';
const OFFLINE = ['doctor', '--base-url', GW, '--key', KEY, '--offline'];

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome();
  const run = await runCli(['apply', '--base-url', GW, '--key', KEY, ...ALL_AGENTS, '--model', MODEL], { env: t.env });
  expect(run.code).toBe(0);
  await chmod(path.join(t.home, '.aider.conf.yml'), 0o644); // one warning
});
afterEach(() => t.cleanup());

function envWith(vars: Record<string, string>): Environment {
  return { ...t.env, env: { ...t.env.env, ...vars } };
}

/** main() with colour allowed, as on a terminal. */
async function onTerminal(argv: string[], env: Environment): Promise<string> {
  let out = '';
  const io: CliIO = {
    environment: () => env,
    stdout: { write: (s) => void (out += s) },
    stderr: { write: (s) => void (out += s) },
    readStdin: async () => '',
    interactive: false,
    confirm: async () => false,
    fetch: async () => new Response('', { status: 599 }),
    version: 'test',
  };
  await main(argv, io, true);
  return out;
}

describe('doctor output', () => {
  it('Unicode marks with a UTF-8 locale, ASCII ones without or on a dumb terminal', async () => {
    const utf8 = await runCli(OFFLINE, { env: envWith({ LANG: 'en_US.UTF-8' }) });
    expect(utf8.stdout).toMatch(/^\[✓\] /m);
    expect(utf8.stdout).toMatch(/^\[!\] .*FILE_MODE$/m);
    const plain = await runCli(OFFLINE, { env: t.env });
    expect(plain.stdout).toMatch(/^\[ok\] /m);
    expect(plain.stdout).toMatch(/^\[!!\] .*FILE_MODE$/m);
    expect(plain.stdout).not.toMatch(/[✓✗☠]/);
    const dumb = await runCli(OFFLINE, { env: envWith({ LANG: 'en_US.UTF-8', TERM: 'dumb' }) });
    expect(dumb.stdout).toMatch(/^\[ok\] /m);
  });

  it('groups by gateway and agent, shows why and fix for problems only, and a summary line', async () => {
    const run = await runCli(OFFLINE, { env: t.env });
    const lines = run.stdout.split('\n');
    expect(lines).toContain('Gateway');
    expect(lines).toContain('Claude Code (claude-code)');
    const warn = lines.findIndex((l) => l.includes('FILE_MODE') && l.startsWith('[!!]'));
    expect(lines[warn + 1]).toMatch(/^\s+at ~\/\.aider\.conf\.yml$/);
    expect(lines[warn + 2]).toMatch(/^\s+why: /);
    expect(lines[warn + 3]).toMatch(/^\s+fix: chmod 600/);
    const ok = lines.findIndex((l) => l.includes('URL_OK'));
    expect(lines[ok + 1]).not.toMatch(/why:/);
    expect(run.stdout.trimEnd().split('\n').pop()).toMatch(/^Doctor found 1 warning; \d+ of \d+ checks passed\.$/);
    expect(run.code).toBe(0);
  });

  it('--verbose adds why (and where) to passing checks', async () => {
    const run = await runCli([...OFFLINE, '--verbose'], { env: t.env });
    const lines = run.stdout.split('\n');
    const ok = lines.findIndex((l) => l.includes('URL_OK') && l.includes('aider') === false && l.includes('.claude'));
    expect(lines[ok + 2]).toMatch(/^\s+why: The form Claude Code needs/);
  });

  it('--strict turns warnings into exit 1', async () => {
    expect((await runCli([...OFFLINE, '--strict'], { env: t.env })).code).toBe(1);
  });

  it('colours on a terminal, none with NO_COLOR', async () => {
    expect(await onTerminal(OFFLINE, t.env)).toContain('\u001b[');
    expect(await onTerminal(OFFLINE, envWith({ NO_COLOR: '1' }))).not.toContain('\u001b[');
  });

  it('usage errors exit 2', async () => {
    expect((await runCli(['doctor', '--agent', 'nope'], { env: t.env })).code).toBe(2);
    expect((await runCli(['doctor', '--timeout', 'soon'], { env: t.env })).code).toBe(2);
    expect((await runCli(['doctor', '--key', 'a', '--key-env', 'B'], { env: t.env })).code).toBe(2);
    expect((await runCli(['doctor', '--offline', '--probe-completion'], { env: t.env })).code).toBe(2);
  });
});

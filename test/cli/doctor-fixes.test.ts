// Every fix doctor prints runs as printed (issue 14): the test takes the command doctor suggests,
// runs it, and doctor then finds that problem gone. Agents set up by hand are "not checked".
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempHome, putBinary, type TempHome } from '../support/temp-home.js';
import { modelsFetch, runCli } from '../support/run-cli.js';

let t: TempHome;
const KEY = 'sk-doctor-fix-test-0000';
beforeEach(async () => {
  t = await makeTempHome({ XDG_STATE_HOME: '', SETUP_GATEWAY_KEY: KEY });
  await putBinary(t.home, 'claude');
});
afterEach(() => t.cleanup());

/** The command of a `fix:` line: what comes before a parenthesised remark. */
function fixCommands(stdout: string, code: string): string[] {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => l.includes(code));
  const fix = lines.slice(at + 1).find((l) => /^\s+fix: /.test(l));
  if (at < 0 || !fix) throw new Error(`no ${code} with a fix in:\n${stdout}`);
  return fix
    .replace(/^\s+fix: /, '')
    .split(/ \(or: /)
    .map((c) => c.replace(/\)$/, '').replace(/ \(.*$/, '').trim());
}

function argv(command: string): string[] {
  const words = command.split(/\s+/);
  expect(words[0]).toBe('setup-gateway');
  return words.slice(1);
}

describe('doctor on a fresh HOME', () => {
  const fetch = modelsFetch(['auto']);

  it("the fix for an agent that is not configured runs as printed (apply, then doctor --fix's alternative)", async () => {
    const doctor = ['doctor', '--base-url', 'https://gw.example.com/v1', '--agent', 'claude-code', '--offline'];
    const first = await runCli(doctor, { env: t.env, fetch });
    const [apply, alternative] = fixCommands(first.stdout, 'AGENT_NOT_CONFIGURED');
    expect(apply).toBe('setup-gateway apply --agent claude-code --base-url https://gw.example.com/v1');
    const ran = await runCli(argv(apply as string), { env: t.env, fetch });
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect((await runCli(doctor, { env: t.env, fetch })).stdout).not.toContain('AGENT_NOT_CONFIGURED');
    // The alternative runs too (here with nothing left to fix).
    expect(alternative).toBe('setup-gateway doctor --fix');
    expect((await runCli([...argv(alternative as string), '--base-url', 'https://gw.example.com/v1', '--offline'], { env: t.env, fetch })).code).not.toBe(2);
  });

  it('without any gateway known, the fix is the interactive mode, never a command missing its --base-url', async () => {
    const first = await runCli(['doctor'], { env: { ...t.env, env: { ...t.env.env, SETUP_GATEWAY_KEY: '' } }, fetch });
    for (const code of ['GATEWAY_UNKNOWN', 'AGENT_NOT_CONFIGURED']) expect(fixCommands(first.stdout, code)[0]).toBe('setup-gateway');
    expect(first.stdout).not.toMatch(/fix: setup-gateway apply/);
  });

  it('an agent set up by hand is "not checked", not passed', async () => {
    const r = await runCli(['doctor', '--base-url', 'https://gw.example.com/v1', '--agent', 'cursor', '--offline'], { env: t.env, fetch });
    expect(r.stdout).toMatch(/\[--\] Cursor: not checked\. It is set up by hand/); // ASCII marks: no UTF-8 locale here
    expect(r.stdout).not.toMatch(/\[(ok|✓)\] Cursor is set up by hand/);
    expect(r.stdout).toMatch(/1 not checked \(set up by hand\)/);
  });
});

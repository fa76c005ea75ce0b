// Commands printed for the user to run are in the form that works in the way the tool was started:
// `npx setup-gateway@<version> …` after npx or the install.sh one-liner (nothing put
// `setup-gateway` on PATH), `setup-gateway …` when installed. One rule (src/app/command.ts);
// apply's undo line and doctor's fixes agree on it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandPrefix, startedByNpx, withPrefix } from '../../src/app/command.js';
import { makeTempHome, putBinary, type TempHome } from '../support/temp-home.js';
import { modelsFetch, runCli } from '../support/run-cli.js';

describe('commandPrefix: how this process was started', () => {
  const version = '1.2.3';
  it.each([
    ['npx (npm 7+ runs it as npm exec), script unknown', { npm_command: 'exec' }, undefined, true],
    ['installed, but below an npx (inherited npm_command=exec)', { npm_command: 'exec' }, '/usr/lib/node_modules/setup-gateway/dist/bin.cjs', false],
    ["npx's cache folder", {}, '/home/ana/.npm/_npx/5a1b2c3d/node_modules/setup-gateway/dist/bin.cjs', true],
    ["npx's cache folder on Windows", {}, 'C:\\Users\\ana\\AppData\\Local\\npm-cache\\_npx\\5a1b\\node_modules\\setup-gateway\\dist\\bin.cjs', true],
    ['the npx lifecycle event', { npm_lifecycle_event: 'npx' }, undefined, true],
    ['installed globally', {}, '/usr/lib/node_modules/setup-gateway/dist/bin.cjs', false],
    ['a project script (npm run)', { npm_command: 'run-script', npm_lifecycle_event: 'setup' }, '/work/app/node_modules/setup-gateway/dist/bin.cjs', false],
  ])('%s', (_what, env, script, npx) => {
    expect(startedByNpx({ env, script, version })).toBe(npx);
    expect(commandPrefix({ env, script, version })).toBe(npx ? 'npx setup-gateway@1.2.3' : 'setup-gateway');
  });

  it('withPrefix rewrites the command word only', () => {
    const p = 'npx setup-gateway@1.2.3';
    expect(withPrefix('setup-gateway doctor --fix (or: setup-gateway apply --agent codex)', p)).toBe(`${p} doctor --fix (or: ${p} apply --agent codex)`);
    expect(withPrefix('setup-gateway (asks for the gateway and the key)', p)).toBe(`${p} (asks for the gateway and the key)`);
    expect(withPrefix('Start it: `setup-gateway relay stop`.', p)).toBe(`Start it: \`${p} relay stop\`.`);
    expect(withPrefix("Keep exactly one setup-gateway block; setup-gateway's files", p)).toBe("Keep exactly one setup-gateway block; setup-gateway's files");
    expect(withPrefix('setup-gateway doctor --fix', 'setup-gateway')).toBe('setup-gateway doctor --fix');
  });
});

describe('apply and doctor print the same form', () => {
  let t: TempHome;
  const KEY = 'sk-command-form-0000';
  beforeEach(async () => {
    t = await makeTempHome({ XDG_STATE_HOME: '', SETUP_GATEWAY_KEY: KEY });
    await putBinary(t.home, 'claude');
    await putBinary(t.home, 'codex');
  });
  afterEach(() => t.cleanup());
  const fetch = modelsFetch(['auto']);

  /** The command word(s) before `rest` in `text`. */
  const prefixBefore = (text: string, rest: RegExp) => new RegExp(`((?:npx )?setup-gateway(?:@\\S+)?) ${rest.source}`).exec(text)?.[1];

  for (const [how, extra, expected] of [
    ['through npx', { npm_command: 'exec', npm_lifecycle_event: 'npx' }, 'npx setup-gateway@0.0.0-test'],
    ['installed', {}, 'setup-gateway'],
  ] as const) {
    it(how, async () => {
      const env = { ...t.env, env: { ...t.env.env, ...extra } };
      const applied = await runCli(['apply', '--base-url', 'https://gw.example.com/v1', '--agent', 'claude-code'], { env, fetch });
      expect(applied.code).toBe(0);
      const undo = prefixBefore(applied.stdout, /undo --id \S+/);
      const doctor = await runCli(['doctor', '--base-url', 'https://gw.example.com/v1', '--agent', 'claude-code', '--agent', 'codex', '--offline'], { env, fetch });
      const fix = prefixBefore(doctor.stdout, /apply --agent codex/);
      expect(undo).toBe(expected);
      expect(fix).toBe(undo);
      if (expected === 'setup-gateway') expect(doctor.stdout).not.toContain('npx');
      // What follows the prefix runs as printed.
      const args = (/apply --agent codex [^(\n]*/.exec(doctor.stdout)?.[0] ?? '').trim().split(/\s+/);
      const ran = await runCli(args, { env, fetch });
      expect(ran.code).toBe(0);
    });
  }
});

describe('through npx, every command printed after use, relay rotate-token and undo has the npx form', () => {
  let t: TempHome;
  beforeEach(async () => {
    t = await makeTempHome({ XDG_STATE_HOME: '', XDG_CONFIG_HOME: '', KEY_A: 'sk-command-form-a-0000', npm_command: 'exec', npm_lifecycle_event: 'npx' });
    await putBinary(t.home, 'aider');
  });
  afterEach(() => t.cleanup());

  it('use NAME, use --vendor, relay rotate-token, undo --dry-run and the next step of a second undo', async () => {
    const cli = (...argv: string[]) => runCli(argv, { env: t.env });
    const npx = 'npx setup-gateway@0.0.0-test';
    for (const name of ['a', 'b']) expect((await cli('profile', 'add', name, '--base-url', `https://${name}.example.com`, '--key-env', 'KEY_A', '--model', 'm')).code).toBe(0);
    expect((await cli('apply', '--profile', 'a', '--agent', 'aider')).code).toBe(0);
    const outputs = [await cli('use', 'b'), await cli('use', '--vendor'), await cli('relay', 'rotate-token')];
    for (const run of outputs) expect(run.stdout).toMatch(new RegExp(`Undo with: ${npx} undo --id \\S+`));
    const dry = await cli('undo', '--dry-run');
    expect(dry.stdout).toContain(`To do it: ${npx} undo`);
    for (let i = 0; i < 4; i++) expect((await cli('undo')).code).toBe(0);
    const none = await cli('undo');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`Past applies, undone or not: ${npx} undo --list`);
    for (const run of [...outputs, dry, none]) expect(run.stdout + run.stderr).not.toMatch(/(?<!npx )setup-gateway (undo|use|relay|doctor|apply)\b/);
  });
});

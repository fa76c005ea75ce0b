// Every fix doctor prints runs as printed (issue 14): the test takes the command doctor suggests,
// runs it, and doctor then finds that problem gone. Agents set up by hand are "not checked".
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createProfile } from '../../src/core/profile.js';
import { recipes } from '../../recipes/index.js';
import type { CliIO } from '../../src/cli/io.js';
import type { Terminal } from '../../src/tui/terminal.js';
import { waitUntil } from '../support/wait.js';
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

/** Runs the CLI on a fake line-mode terminal until `question` shows, then presses Esc. */
async function onTerminal(args: string[], question: string): Promise<{ code: number; output: string }> {
  let output = '';
  const keyboard = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, setRawMode: () => keyboard });
  const screen = Object.assign(new Writable({ write: (chunk, _enc, cb) => void ((output += String(chunk)), cb()) }), { isTTY: true, columns: 80, rows: 24 });
  const terminal: Terminal = { stdin: keyboard as unknown as NodeJS.ReadStream, stdout: screen as unknown as NodeJS.WriteStream, fromDevTty: false, close: () => {} };
  const io: CliIO = {
    environment: () => ({ ...t.env, env: { ...t.env.env, SETUP_GATEWAY_KEY: '', TERM: 'dumb' } }),
    stdout: { write: (s) => void (output += s) },
    stderr: { write: (s) => void (output += s) },
    readStdin: async () => '',
    interactive: true,
    confirm: async () => false,
    fetch: modelsFetch(['auto']),
    version: '0.0.0-test',
    terminal: async () => terminal,
  };
  const done = main(args, io, false);
  await waitUntil(() => output.includes(question), () => `the question ${question}; output:\n${output}`);
  keyboard.write('\u001b');
  return { code: await done, output };
}

function argv(command: string): string[] {
  const words = command.split(/\s+/);
  expect(words[0]).toBe('setup-gateway');
  return words.slice(1);
}

describe('doctor on a fresh HOME', () => {
  const fetch = modelsFetch(['auto']);

  const doctor = ['doctor', '--base-url', 'https://gw.example.com/v1', '--agent', 'claude-code', '--offline'];

  it('the fix for an agent that is not configured runs as printed: apply', async () => {
    const first = await runCli(doctor, { env: t.env, fetch });
    const [apply] = fixCommands(first.stdout, 'AGENT_NOT_CONFIGURED');
    expect(apply).toBe('setup-gateway apply --agent claude-code --base-url https://gw.example.com/v1');
    const ran = await runCli(argv(apply as string), { env: t.env, fetch });
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    expect((await runCli(doctor, { env: t.env, fetch })).stdout).not.toContain('AGENT_NOT_CONFIGURED');
  });

  it("the fix's alternative runs as printed too: doctor --fix, with the gateway doctor was given", async () => {
    const first = await runCli(doctor, { env: t.env, fetch });
    const [, alternative] = fixCommands(first.stdout, 'AGENT_NOT_CONFIGURED');
    expect(alternative).toBe('setup-gateway doctor --fix --agent claude-code --base-url https://gw.example.com/v1');
    // On a terminal, where the user answers yes to the diff it shows.
    const ran = await runCli(argv(alternative as string), { env: t.env, fetch, interactive: true, answer: true });
    expect(ran.stderr).toBe('');
    expect(ran.code).not.toBe(2);
    expect(ran.stdout).toContain('fixed claude-code');
    expect((await runCli(doctor, { env: t.env, fetch })).stdout).not.toContain('AGENT_NOT_CONFIGURED');
  });

  it('a key from a named variable is named in both commands', async () => {
    const env = { ...t.env, env: { ...t.env.env, SETUP_GATEWAY_KEY: '', GW_KEY: KEY } };
    const first = await runCli([...doctor, '--key-env', 'GW_KEY'], { env, fetch });
    const commands = fixCommands(first.stdout, 'AGENT_NOT_CONFIGURED');
    expect(commands).toEqual([
      'setup-gateway apply --agent claude-code --base-url https://gw.example.com/v1 --key-env GW_KEY',
      'setup-gateway doctor --fix --agent claude-code --base-url https://gw.example.com/v1 --key-env GW_KEY',
    ]);
    for (const command of commands) expect((await runCli(argv(command), { env, fetch, interactive: true, answer: true })).code).not.toBe(2);
    expect((await runCli([...doctor, '--key-env', 'GW_KEY'], { env, fetch })).stdout).not.toContain('AGENT_NOT_CONFIGURED');
  });

  it('without any gateway known, the fix is the interactive mode, never a command missing its --base-url', async () => {
    const first = await runCli(['doctor'], { env: { ...t.env, env: { ...t.env.env, SETUP_GATEWAY_KEY: '' } }, fetch });
    for (const code of ['GATEWAY_UNKNOWN', 'AGENT_NOT_CONFIGURED']) expect(fixCommands(first.stdout, code)[0]).toBe('setup-gateway');
    expect(first.stdout).not.toMatch(/fix: setup-gateway apply/);
    // As printed, on a terminal: the interactive mode starts and asks for the gateway (Esc leaves it).
    const ran = await onTerminal(argv('setup-gateway'), 'Which gateway should your coding agents use?');
    expect(ran.code).toBe(130);
  });

  it('an agent set up by hand is "not checked", not passed', async () => {
    const r = await runCli(['doctor', '--base-url', 'https://gw.example.com/v1', '--agent', 'cursor', '--offline'], { env: t.env, fetch });
    expect(r.stdout).toMatch(/\[--\] Cursor: not checked\. It is set up by hand/); // ASCII marks: no UTF-8 locale here
    expect(r.stdout).not.toMatch(/\[(ok|✓)\] Cursor is set up by hand/);
    expect(r.stdout).toMatch(/1 not checked \(set up by hand\)/);
  });
});

describe('a model changed since the last apply', () => {
  const fetch = modelsFetch(['auto', 'model-a', 'model-b']);

  /** Every file of the agents (not setup-gateway's own state) with `from` replaced by `to`, as a hand edit would. */
  async function editModel(from: string, to: string): Promise<string[]> {
    const edited: string[] = [];
    for (const entry of await readdir(t.home, { recursive: true, withFileTypes: true })) {
      const file = path.join(entry.parentPath, entry.name);
      if (!entry.isFile() || /[/\\](\.local[/\\]state|bin)[/\\]/.test(file)) continue;
      const text = await readFile(file, 'utf8');
      if (!text.includes(from)) continue;
      await writeFile(file, text.replaceAll(from, to));
      edited.push(path.relative(t.home, file));
    }
    return edited;
  }

  // Every agent whose files hold a model (not one set up by hand in its app, nor shell-env's variables).
  const model = 'sentinel-model-7f3a';
  const sample = { profile: createProfile({ baseUrl: 'https://gw.example.com', key: 'k', model }), env: { platform: 'linux' as const, home: '/h', env: {}, wsl: false }, evidence: [], model };
  const withModel = recipes.filter((r) => JSON.stringify(r.plan(sample).files).includes(model));

  it.each(withModel.map((r) => r.id))('%s: MODEL_DRIFT, and both fixes run as printed', async (id) => {
    const doctor = ['doctor', '--agent', id, '--offline'];
    expect((await runCli(['apply', '--base-url', 'https://gw.example.com/v1', '--agent', id, '--model', 'model-a', '--yes'], { env: t.env, fetch })).code).toBe(0);
    expect((await runCli(doctor, { env: t.env, fetch })).stdout).not.toContain('MODEL_DRIFT');
    expect(await editModel('model-a', 'model-b')).not.toEqual([]);

    const drifted = await runCli(doctor, { env: t.env, fetch });
    expect(drifted.stdout).toMatch(/uses model model-b .*; setup-gateway applied model-a\. MODEL_DRIFT$/m);
    const [putBack, keep] = fixCommands(drifted.stdout, 'MODEL_DRIFT');
    expect(putBack).toBe(`setup-gateway doctor --fix --agent ${id}`);
    expect(keep).toBe(`setup-gateway apply --agent ${id} --base-url https://gw.example.com/v1 --model model-b`);

    const fixed = await runCli(argv(putBack as string), { env: t.env, fetch, interactive: true, answer: true });
    expect(fixed.stdout).toContain(`fixed ${id}`);
    const after = await runCli(doctor, { env: t.env, fetch });
    expect(after.stdout).not.toContain('MODEL_DRIFT');
    expect(after.stdout).not.toMatch(/^\[!!\] .* DRIFT$/m);

    await editModel('model-a', 'model-b');
    expect((await runCli(argv(keep as string), { env: t.env, fetch })).code).toBe(0);
    expect((await runCli(doctor, { env: t.env, fetch })).stdout).not.toContain('MODEL_DRIFT');
  });

  it('an agent pointed at another gateway since is not compared with the model applied for the first one', async () => {
    expect((await runCli(['apply', '--base-url', 'https://gw.example.com/v1', '--agent', 'codex', '--model', 'model-a'], { env: t.env, fetch })).code).toBe(0);
    const config = path.join(t.home, '.codex/config.toml');
    await writeFile(config, (await readFile(config, 'utf8')).replaceAll('model-a', 'model-b').replace('https://gw.example.com/v1', 'https://other.example.org/v1'));
    const run = await runCli(['doctor', '--agent', 'codex', '--offline'], { env: t.env, fetch });
    expect(run.stdout).toMatch(/URL_MISMATCH|DRIFT/);
    expect(run.stdout).not.toContain('MODEL_DRIFT');
  });

  it('MODEL_MISSING: the fix names the model applied before (else the gateway\'s auto) and runs as printed', async () => {
    const doctor = ['doctor', '--agent', 'codex', '--offline'];
    const config = path.join(t.home, '.codex/config.toml');
    expect((await runCli(['apply', '--base-url', 'https://gw.example.com/v1', '--agent', 'codex', '--model', 'model-a'], { env: t.env, fetch })).code).toBe(0);
    const dropModel = async () => writeFile(config, (await readFile(config, 'utf8')).replace(/^model = .*\n/m, ''));
    await dropModel();
    const [fix] = fixCommands((await runCli(doctor, { env: t.env, fetch })).stdout, 'MODEL_MISSING');
    expect(fix).toBe('setup-gateway apply --agent codex --base-url https://gw.example.com/v1 --model model-a');
    expect((await runCli(argv(fix as string), { env: t.env, fetch })).code).toBe(0);
    expect((await runCli(doctor, { env: t.env, fetch })).stdout).not.toContain('MODEL_MISSING');

    // No model recorded: the gateway's auto when it lists one, else the interactive mode (which lists the gateway's models).
    await rm(path.join(t.home, '.local/state/setup-gateway/applied.json'));
    await dropModel();
    const online = fixCommands((await runCli(['doctor', '--agent', 'codex'], { env: t.env, fetch })).stdout, 'MODEL_MISSING');
    expect(online).toEqual(['setup-gateway apply --agent codex --base-url https://gw.example.com/v1 --model auto']);
    expect((await runCli(argv(online[0] as string), { env: t.env, fetch })).code).toBe(0);
    await rm(path.join(t.home, '.local/state/setup-gateway/applied.json'));
    await dropModel();
    expect(fixCommands((await runCli(doctor, { env: t.env, fetch })).stdout, 'MODEL_MISSING')).toEqual(['setup-gateway']);
  });

  it('DRIFT: the fix names the agent and the gateway doctor was given, and runs as printed', async () => {
    expect((await runCli(['apply', '--base-url', 'https://gw.example.com/v1', '--agent', 'aider', '--model', 'model-a'], { env: t.env, fetch })).code).toBe(0);
    const conf = path.join(t.home, '.aider.conf.yml');
    await writeFile(conf, (await readFile(conf, 'utf8')).replace(/^openai-api-base:.*$/m, 'openai-api-base: https://elsewhere.example.com/v1'));
    const doctor = ['doctor', '--agent', 'aider', '--base-url', 'https://gw.example.com/v1', '--offline'];
    const [fix] = fixCommands((await runCli(doctor, { env: t.env, fetch })).stdout, '. DRIFT');
    expect(fix).toBe('setup-gateway doctor --fix --agent aider --base-url https://gw.example.com/v1');
    expect((await runCli(argv(fix as string), { env: t.env, fetch, interactive: true, answer: true })).stdout).toContain('fixed aider');
    expect((await runCli(doctor, { env: t.env, fetch })).stdout).not.toMatch(/^\[!!\] .* DRIFT$/m);
  });

  it('MODEL_NOT_LISTED: the fix picks a model the gateway lists and runs as printed', async () => {
    expect((await runCli(['apply', '--base-url', 'https://gw.example.com/v1', '--agent', 'codex', '--model', 'model-z'], { env: t.env, fetch })).code).toBe(0);
    const run = await runCli(['doctor', '--agent', 'codex'], { env: t.env, fetch });
    expect(run.stdout).toContain('fix: setup-gateway apply --agent codex --base-url https://gw.example.com/v1 --model auto (or another it lists: model-a, model-b)');
    const [fix] = fixCommands(run.stdout, 'MODEL_NOT_LISTED');
    expect((await runCli(argv(fix as string), { env: t.env, fetch })).code).toBe(0);
    expect((await runCli(['doctor', '--agent', 'codex'], { env: t.env, fetch })).stdout).not.toContain('MODEL_NOT_LISTED');
  });

  it('KEY_MISSING without a key doctor knows: the interactive mode, which asks for it', async () => {
    const env = { ...t.env, env: { ...t.env.env, SETUP_GATEWAY_KEY: '' } };
    expect((await runCli(['apply', '--base-url', 'https://gw.example.com/v1', '--agent', 'aider', '--model', 'model-a', '--key', KEY], { env, fetch })).code).toBe(0);
    const conf = path.join(t.home, '.aider.conf.yml');
    await writeFile(conf, (await readFile(conf, 'utf8')).replace(/^openai-api-key:.*$/m, 'openai-api-key: ""'));
    const run = await runCli(['doctor', '--agent', 'aider', '--offline'], { env, fetch });
    expect(fixCommands(run.stdout, 'KEY_MISSING')).toEqual(['setup-gateway']);
  });

  it('through the local relay: --fix puts the model back and the agent stays at the relay', async () => {
    const doctor = ['doctor', '--agent', 'claude-code', '--offline'];
    expect((await runCli(['apply', '--base-url', 'https://gw.example.com/v1', '--agent', 'claude-code', '--model', 'model-a', '--relay', 'always'], { env: t.env, fetch })).code).toBe(0);
    const settings = path.join(t.home, '.claude/settings.json');
    const applied = await readFile(settings, 'utf8');
    expect(applied).toContain('http://127.0.0.1:4850');
    await editModel('model-a', 'model-b');

    const drifted = await runCli(doctor, { env: t.env, fetch });
    expect(drifted.stdout).toMatch(/uses model model-b .*; setup-gateway applied model-a\. MODEL_DRIFT$/m);
    // Only the fix that keeps the relay: an apply would choose the route anew.
    expect(fixCommands(drifted.stdout, 'MODEL_DRIFT')).toEqual(['setup-gateway doctor --fix --agent claude-code']);
    const fixed = await runCli(['doctor', '--fix', '--agent', 'claude-code'], { env: t.env, fetch, interactive: true, answer: true });
    expect(fixed.stdout).toContain('fixed claude-code');
    expect(await readFile(settings, 'utf8')).toBe(applied);
  });
});

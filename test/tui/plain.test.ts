// `setup-gateway` with no command, through src/cli/main.ts, on a fake terminal: the line-by-line
// mode (numbered choices, typed answers), which is also what TERM=dumb and CI get, fed keys on a
// fake tty.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import type { Fetch } from '../../src/core/gateway.js';
import type { Terminal } from '../../src/tui/terminal.js';
import { readRelayToken } from '../../src/core/relay-token.js';
import { modelsFetch, runCli } from '../support/run-cli.js';
import { makeTempHome, putBinary, type TempHome } from '../support/temp-home.js';
import { waitUntil } from '../support/wait.js';

const KEY = 'sk-test-plain-secret-4242';
const K = { down: '\u001b[B', up: '\u001b[A', enter: '\r', esc: '\u001b' };

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome();
  await putBinary(t.home, 'claude');
});
afterEach(() => t.cleanup());

interface Run {
  done: Promise<number>;
  /** Everything written: the questions and the printed lines. */
  output(): string;
  /** Waits until `text` appears after what was already waited for, then sends `keys`. */
  answer(text: string | RegExp, ...keys: string[]): Promise<void>;
  closed: { value: boolean };
}

function run(argv: string[], opts: { fetch?: Fetch; env?: Record<string, string>; terminal?: boolean } = {}): Run {
  let out = '';
  let seen = 0;
  const sink = Object.assign(
    new Writable({
      write(chunk, _enc, cb) {
        out += String(chunk);
        cb();
      },
    }),
    { isTTY: true, columns: 80, rows: 24 },
  );
  const keyboard = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, setRawMode: () => keyboard });
  const closed = { value: false };
  const terminal: Terminal = {
    stdin: keyboard as unknown as NodeJS.ReadStream,
    stdout: sink as unknown as NodeJS.WriteStream,
    fromDevTty: false,
    close: () => void (closed.value = true),
  };
  const io: CliIO = {
    environment: () => ({ ...t.env, env: { ...t.env.env, ...opts.env } }),
    stdout: { write: (s) => void (out += s) },
    stderr: { write: (s) => void (out += s) },
    readStdin: async () => '',
    interactive: true,
    confirm: async () => false,
    fetch: opts.fetch ?? gatewayFetch,
    version: '0.0.0-test',
    ...(opts.terminal === false ? { terminal: async () => undefined } : { terminal: async () => terminal }),
  };
  const done = main(argv, io, false);
  return {
    done,
    closed,
    output: () => out,
    async answer(text, ...keys) {
      // A question is written once it listens to the keyboard: keys sent after it is shown reach it.
      seen += await waitUntil(
        () => {
          const rest = out.slice(seen);
          if (typeof text === 'string') return rest.includes(text) ? rest.indexOf(text) + text.length : undefined;
          const m = text.exec(rest);
          return m ? m.index + m[0].length : undefined;
        },
        () => `the question ${String(text)}; output:\n${out}`,
      );
      for (const k of keys) keyboard.write(k);
    },
  };
}

/** A gateway that lists models and serves every protocol (an empty conversation is refused with 400, as real ones do). */
const gatewayFetch: Fetch = async (input, init) => {
  if ((init?.method ?? 'GET') === 'POST') return Response.json({ error: { message: 'messages: empty' } }, { status: 400 });
  return modelsFetch(['auto', 'gw-model'])(input, init);
};

/** The gateway question answered with "5) Custom URL" and http://gw.test:4000/v1 typed. */
async function customGateway(r: Run): Promise<void> {
  await r.answer('Type a number', '5', K.enter);
  await r.answer("The gateway's URL", 'http://gw.test:4000/v1', K.enter);
}

/** customGateway, then KEY typed, the gateway's answer, and the agents found (Claude Code) kept: up to Claude Code's model. */
async function customGatewayKeyTyped(r: Run): Promise<void> {
  await customGateway(r);
  await r.answer('The key for http://gw.test:4000/v1', KEY, K.enter);
  await r.answer('answered with your key');
  await r.answer('Which agents should use http://gw.test:4000/v1?');
  await r.answer('Type the numbers', K.enter);
  await r.answer('Model for Claude Code (optional)');
}

const entries = async () => (await readdir(t.home, { recursive: true })).filter((e) => !e.startsWith('bin')).sort();

describe('setup-gateway with no command', () => {
  it('without a terminal: prints the help and exits 2 (a pipe, CI)', async () => {
    const r = run([], { terminal: false });
    expect(await r.done).toBe(2);
    expect(r.output()).toMatch(/^Usage: setup-gateway/m);
  });

  it('with options and no command: does what apply does', async () => {
    const r = run(['--base-url', 'https://gw.example.com/v1', '--key', KEY, '--agent', 'claude-code', '--dry-run'], { terminal: false });
    expect(await r.done).toBe(0);
    expect(r.output()).toMatch(/Dry run: nothing is written/);
    expect(r.output()).not.toContain(KEY);
    expect(await entries()).toEqual([]);
  });

  it('--plain asks every question line by line, writes after the confirmation, and prints the summary', async () => {
    const r = run(['--plain']);
    await r.answer('Which gateway should your coding agents use?'); // 5) Custom URL
    await customGatewayKeyTyped(r);
    await r.answer('Type a number, a model id', K.enter);
    await r.answer('Claude Code · model auto · will write 2 files');
    expect(await entries()).toEqual([]);
    await r.answer('Write these changes?', K.enter);
    expect(await r.done).toBe(0);
    const out = r.output();
    expect(out).toMatch(/✓ claude-code\s+updated/);
    expect(out).toMatch(/Undo with: setup-gateway undo --id \S+/);
    expect(out).toMatch(/✓ claude-code: doctor: \d+ checks? passed/);
    // The summary repeats nothing the review showed, and ends with the outcome (issue 14).
    expect(out.match(/Gateway http:\/\/gw\.test:4000\/v1/g)).toHaveLength(1);
    expect(out.trimEnd().split('\n').slice(-2)[0]).toMatch(/^Done: 1 updated/);
    expect(out.trimEnd().split('\n').at(-1)).toMatch(/^Undo with: setup-gateway undo --id \S+$/);
    expect(out).not.toContain(KEY);
    expect(r.closed.value).toBe(true);
    const settings = JSON.parse(await readFile(path.join(t.home, '.claude', 'settings.json'), 'utf8'));
    expect(settings.env).toMatchObject({ ANTHROPIC_BASE_URL: 'http://gw.test:4000', ANTHROPIC_AUTH_TOKEN: KEY, ANTHROPIC_MODEL: 'auto' });
    // `undo --list` names the run by what made it.
    const list = await runCli(['undo', '--list', '--json'], { env: t.env });
    expect(JSON.parse(list.stdout).applies.map((a: { by: string }) => a.by)).toEqual(['setup-gateway (interactive)']);
  });

  it('--plain against a gateway without Anthropic messages: Claude Code goes through the relay, declining to start it names the command', async () => {
    const noAnthropic: Fetch = async (input, init) => {
      if (String(input).endsWith('/v1/messages')) return new Response('not found', { status: 404 });
      return gatewayFetch(input, init);
    };
    const r = run(['--plain'], { fetch: noAnthropic, env: { SETUP_GATEWAY_KEY: KEY } });
    await customGateway(r);
    await r.answer('✗ Anthropic messages (not served)');
    await r.answer('Which agents should use http://gw.test:4000/v1?');
    await r.answer('Type the numbers', K.enter);
    await r.answer('Model for Claude Code (optional)');
    await r.answer('Type a number, a model id', K.enter);
    await r.answer(/via the local relay http:\/\/127\.0\.0\.1:4850: the gateway does not serve Anthropic messages \(404\)/);
    await r.answer('The local relay must run for Claude Code: it is not running');
    await r.answer('Write these changes?', K.enter);
    await r.answer('Start the local relay now?', 'n', K.enter);
    const code = await r.done;
    const out = r.output();
    expect(out).not.toContain('Starting the local relay');
    // doctor checks Claude Code against the relay (not the gateway), and says the relay is not running: exit 1.
    expect(out).toMatch(/✓ claude-code: doctor: \d+ checks? passed/);
    expect(out).toMatch(/✗ gateway: doctor: The relay is not running; Claude Code sends requests to it/);
    expect(code).toBe(1);
    expect(out).toMatch(/✓ claude-code\s+updated/);
    expect(out).toMatch(/Start the local relay before using Claude Code, with SETUP_GATEWAY_KEY set: setup-gateway relay start --upstream http:\/\/gw\.test:4000\/v1 --port 4850/);
    expect(out).not.toContain(KEY);
    const settings = JSON.parse(await readFile(path.join(t.home, '.claude', 'settings.json'), 'utf8'));
    const token = await readRelayToken(t.env);
    expect(token).toMatch(/^sgr-[0-9a-f]{64}$/);
    expect(out).not.toContain(token);
    expect(settings.env).toMatchObject({ ANTHROPIC_BASE_URL: 'http://127.0.0.1:4850', ANTHROPIC_AUTH_TOKEN: token });
  });

  it('without TERM (or TERM=dumb) uses the line mode too; a failed check can be retried', async () => {
    let calls = 0;
    const flaky: Fetch = async (input, init) => {
      if (String(input).endsWith('/models') && ++calls === 1) return new Response('down', { status: 503 });
      return modelsFetch(['auto'])(input, init);
    };
    const r = run([], { fetch: flaky, env: { SETUP_GATEWAY_KEY: KEY, TERM: 'dumb' } });
    await r.answer('Which gateway should your coding agents use?');
    await r.answer('Type a number', K.enter);
    await r.answer('Using the key from SETUP_GATEWAY_KEY (sk-…4242)');
    await r.answer('answered HTTP 503');
    await r.answer('What now?');
    await r.answer('Type a number', K.enter); // 1) Try again
    await r.answer('https://www.coderouter.io/api/v1 answered with your key');
    await r.answer('Which agents');
    await r.answer('Type the numbers', K.esc);
    expect(await r.done).toBe(130);
    expect(r.output()).toContain('Cancelled: nothing was written.');
    expect(calls).toBe(2);
    expect(await entries()).toEqual([]);
  });

  it('Esc at the key question cancels with 130, nothing written', async () => {
    const r = run(['--plain']);
    await r.answer('Which gateway should your coding agents use?');
    await r.answer('Type a number', K.enter);
    await r.answer('The key for https://www.coderouter.io/api/v1', 'abc', K.esc);
    expect(await r.done).toBe(130);
    expect(await entries()).toEqual([]);
    expect(r.closed.value).toBe(true);
  });

  it('answers stay above the next question, one line each; "b" goes back; Esc clears a model filter (issue 14)', async () => {
    await putBinary(t.home, 'codex');
    const r = run(['--plain'], { env: { SETUP_GATEWAY_KEY: KEY } });
    await customGateway(r);
    await r.answer('✓ Gateway: http://gw.test:4000/v1 (✓ 2 models)');
    await r.answer('✓ Key: sk-…4242 (from SETUP_GATEWAY_KEY)');
    await r.answer('Which agents should use http://gw.test:4000/v1?');
    await r.answer('"a" for all found', 'a', K.enter);
    await r.answer('✓ Agents: Claude Code, Codex CLI');
    await r.answer('One model for all 2 agents (Claude Code, Codex CLI)');
    await r.answer(/\* auto/);
    await r.answer('b: back', 'gw', K.enter); // filters
    await r.answer(/\d\) {3}gw-model/);
    await r.answer('Type a number', K.esc); // the filter goes, the run stays
    await r.answer(/\d\) \* auto/);
    await r.answer('Type a number', 'b', K.enter); // back to the agents
    await r.answer('Which agents should use');
    await r.answer('Type the numbers', '1', K.enter); // Claude Code only, this time
    await r.answer('Model for Claude Code (optional)');
    await r.answer('Type a number', K.enter);
    await r.answer('Claude Code · model auto');
    await r.answer('Write these changes?', K.esc);
    expect(await r.done).toBe(130);
    const out = r.output();
    expect(out).not.toContain('\u001b');
    expect(out.match(/✓ Gateway:/g)).toHaveLength(1); // each answer once, not again after going back
    expect(out).not.toContain('Change the model of single agents?');
  });

  it('two agents: one model for both, then single agents can be changed; after a 401, "Use another key" is what Enter takes (issue 14)', async () => {
    await putBinary(t.home, 'codex');
    const refuses: Fetch = async (input, init) => {
      if (new Headers(init?.headers).get('authorization') !== `Bearer ${KEY}`) return new Response('{}', { status: 401 });
      return gatewayFetch(input, init);
    };
    const r = run(['--plain'], { fetch: refuses, env: { SETUP_GATEWAY_KEY: 'sk-wrong-key-00000' } });
    await customGateway(r);
    await r.answer('rejected the key');
    await r.answer(/\* Use another key/);
    await r.answer('Type a number (Enter: 2', K.enter);
    await r.answer('The key for http://gw.test:4000/v1', KEY, K.enter);
    await r.answer('Type the numbers', K.enter);
    await r.answer('One model for all 2 agents');
    await r.answer('Type a number', K.enter); // auto
    await r.answer('Change the model of single agents?');
    await r.answer('Type a number', '3', K.enter); // 3) Change Codex CLI
    await r.answer('Model for Codex CLI');
    await r.answer('Type a number', 'gw-model', K.enter);
    await r.answer(/Change Codex CLI {2}\(gw-model\)/);
    await r.answer('Type a number', K.enter); // continue
    await r.answer('Claude Code · model auto');
    await r.answer('Codex CLI · model gw-model');
    await r.answer('Write these changes?', 'n', K.enter);
    expect(await r.done).toBe(130);
  });

  it('TERM=dumb is plain: numbered choices, typed answers, no escape sequence written (issue 14)', async () => {
    const r = run([], { env: { TERM: 'dumb' } });
    await r.answer('Which gateway should your coding agents use?');
    await r.answer('5)   Custom URL');
    await r.answer('Type a number (Enter: 1): ', '9', K.enter); // out of range: asked again
    await r.answer('Type one number from 1 to 5.');
    await customGatewayKeyTyped(r);
    await r.answer('Type a number, a model id', 'gw', K.enter); // filters
    await r.answer(/1\) {3}no model[\s\S]*3\) {3}gw-model/);
    await r.answer('Type a number, a model id', '3', K.enter);
    await r.answer('Claude Code · model gw-model · will write 2 files');
    await r.answer('Write these changes? [Y/n, b: back]', K.enter);
    expect(await r.done).toBe(0);
    const out = r.output();
    expect(out).not.toContain('\u001b');
    expect(out).not.toContain(KEY);
    expect(out).toContain('•'.repeat(KEY.length)); // the key, echoed masked
    const settings = JSON.parse(await readFile(path.join(t.home, '.claude', 'settings.json'), 'utf8'));
    expect(settings.env).toMatchObject({ ANTHROPIC_MODEL: 'gw-model' });
  });

  it('questions and choices are word-wrapped at the terminal width, a choice hanging under its title (issue 14)', async () => {
    const r = run([], { env: { TERM: 'dumb' } });
    await customGateway(r);
    await r.answer('The key for http://gw.test:4000/v1', KEY, K.enter);
    await r.answer('Which agents should use http://gw.test:4000/v1?');
    await r.answer('Type the numbers', K.esc);
    expect(await r.done).toBe(130);
    const out = r.output();
    const list = out.slice(out.indexOf('Which agents should use'), out.indexOf('Type the numbers'));
    const lines = list.split('\n');
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    // A not-installed agent's hint goes on the next line whole, under the agent's name, never cut in a word.
    expect(list).toMatch(/^ {2}18\) \[ \] Kilo Code CLI: not installed {2}\(not found here; select it to configure\n {10}it anyway\)$/m);
    expect(list).not.toMatch(/confi\ngure|anywa\ny/);
    // The prompt keeps its trailing space, the answer typed after it.
    expect(out).toMatch(/\(Enter: the ones\nmarked \[x\]; b: back\): $/m);
  });
});

describe('--plain starts from the profiles and the last gateway (issue 13)', () => {
  /** A gateway that answers only this key: a run that checks with another fails. */
  const only = (key: string): Fetch => async (input, init) => {
    if (new Headers(init?.headers).get('authorization') !== `Bearer ${key}`) return new Response('{}', { status: 401 });
    return gatewayFetch(input, init);
  };

  it('the second run marks the last gateway, takes its key from the files the first wrote (not asked), and marks the last agents', async () => {
    const first = run(['--plain'], { fetch: only(KEY) });
    await first.answer('Which gateway should your coding agents use?');
    await customGatewayKeyTyped(first);
    await first.answer('Type a number, a model id', K.enter);
    await first.answer('Write these changes?', K.enter);
    expect(await first.done).toBe(0);

    const second = run(['--plain'], { fetch: only(KEY) });
    await second.answer('Which gateway should your coding agents use?');
    await second.answer(/1\) \* default \(last used\) {2}\(http:\/\/gw\.test:4000\/v1 · key from the last apply\)/);
    await second.answer('2)   Add a new gateway');
    await second.answer('Type a number (Enter: 1)', K.enter);
    await second.answer('✓ http://gw.test:4000/v1 answered with your key');
    await second.answer('Which agents should use http://gw.test:4000/v1?');
    await second.answer(/\[x\] Claude Code/);
    await second.answer('Type the numbers', K.enter);
    await second.answer('Model for Claude Code (optional)');
    await second.answer('Type a number, a model id', K.enter);
    await second.answer('Claude Code · model auto · already routed here');
    expect(await second.done).toBe(0);
    const out = second.output();
    expect(out).not.toContain('The key for');
    expect(out).toContain('✓ Key: sk-…4242 (from the last apply)');
    expect(out).not.toContain(KEY);
  });

  it('a saved profile whose reference resolves is not asked for its key; one that names no key gets the masked question; the run is recorded under its name', async () => {
    const store = { profiles: [
      { name: 'a', baseUrl: 'http://gw.test:4000/v1', key: 'env:GW_A_KEY', model: 'gw-model' },
      { name: 'b', baseUrl: 'http://gw-b.test:4000/v1' },
    ] };
    await mkdir(path.join(t.home, '.config', 'setup-gateway'), { recursive: true });
    await writeFile(path.join(t.home, '.config', 'setup-gateway', 'profiles.json'), JSON.stringify(store));
    const first = run(['--plain'], { fetch: only(KEY), env: { GW_A_KEY: KEY } });
    await first.answer(/1\) \* a {2}\(http:\/\/gw\.test:4000\/v1 · key from env:GW_A_KEY\)/);
    await first.answer('2)   b  (http://gw-b.test:4000/v1 · key asked)');
    await first.answer('Type a number (Enter: 1)', K.enter);
    await first.answer('✓ Gateway: http://gw.test:4000/v1 (profile a) (✓ 2 models)');
    await first.answer('Type the numbers', K.enter);
    await first.answer(/Model for Claude Code \(optional\)[\s\S]*\* gw-model/); // the profile's model
    await first.answer('Type a number, a model id', K.enter);
    await first.answer('Write these changes?', K.enter);
    expect(await first.done).toBe(0);
    expect(first.output()).not.toContain('The key for');
    const applied = JSON.parse(await readFile(path.join(t.home, '.local', 'state', 'setup-gateway', 'applied.json'), 'utf8'));
    expect(applied.agents['claude-code']).toMatchObject({ profile: 'a', baseUrl: 'http://gw.test:4000/v1' });

    const second = run(['--plain'], { fetch: only(KEY), env: { GW_A_KEY: KEY } });
    await second.answer(/1\) \* a {2}\(http:\/\/gw\.test:4000\/v1 · key from env:GW_A_KEY · last used\)/);
    await second.answer('Type a number (Enter: 1)', '2', K.enter);
    await second.answer('The key for http://gw-b.test:4000/v1 (profile b)', KEY, K.enter);
    await second.answer('Which agents should use http://gw-b.test:4000/v1?', K.esc);
    expect(await second.done).toBe(130);
    expect(second.output()).toContain('•'.repeat(KEY.length));
    expect(second.output()).not.toContain(KEY);
  });

  it('a new gateway can be saved as a profile: its URL and model, not its key', async () => {
    await mkdir(path.join(t.home, '.config', 'setup-gateway'), { recursive: true });
    await writeFile(path.join(t.home, '.config', 'setup-gateway', 'profiles.json'), JSON.stringify({ profiles: [{ name: 'a', baseUrl: 'http://gw-a.test/v1' }] }));
    const r = run(['--plain'], { env: { SETUP_GATEWAY_KEY: KEY } });
    await r.answer('2)   Add a new gateway');
    await r.answer('Type a number (Enter: 1)', '2', K.enter);
    await customGateway(r);
    await r.answer('Save http://gw.test:4000/v1 as a profile?', 'a', K.enter);
    await r.answer('The name: a profile named "a" exists.');
    await r.answer('Its name', 'mygw', K.enter);
    await r.answer('Which agents should use http://gw.test:4000/v1?');
    await r.answer('Type the numbers', K.enter);
    await r.answer('Type a number, a model id', K.enter);
    await r.answer('Write these changes?', K.enter);
    expect(await r.done).toBe(0);
    const store = JSON.parse(await readFile(path.join(t.home, '.config', 'setup-gateway', 'profiles.json'), 'utf8'));
    expect(store.profiles).toEqual([{ name: 'a', baseUrl: 'http://gw-a.test/v1' }, { name: 'mygw', baseUrl: 'http://gw.test:4000/v1', model: 'auto' }]);
    const applied = JSON.parse(await readFile(path.join(t.home, '.local', 'state', 'setup-gateway', 'applied.json'), 'utf8'));
    expect(applied.agents['claude-code']).toMatchObject({ profile: 'mygw' });
  });
});

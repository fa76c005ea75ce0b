// The built CLI in a real terminal: tmux runs `node dist/cli.js` (no command) in an 80×24 pane,
// in a temp HOME, against the mock gateway; keys go in with send-keys, the screen comes back
// with capture-pane. Asserts the files written, the final screen, the exit code, that the
// terminal is restored, and NO_COLOR.
//
// Needs tmux: when it is missing and apt-get can be used (as root, as in CI), it is installed
// here; otherwise the suite fails saying how to install it. Needs `npm run build` (npm test does).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMockGateway, type MockGateway } from '../support/mock-gateway.js';
import { assertCliBuilt, cliPath } from '../support/run-agent.js';
import { putBinary } from '../support/temp-home.js';
import { matches, waitUntil, type FrameMatch } from '../support/wait.js';

const KEY = 'sk-test-tmux-route-9137';
// A private tmux server: never the user's sessions, never their ~/.tmux.conf.
const SOCKET = `sg-tui-test-${process.pid}`;

function ensureTmux(): void {
  if (spawnSync('tmux', ['-V']).status === 0) return;
  const root = process.getuid?.() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get']).status === 0;
  if (!root || !apt) {
    throw new Error('test/tui/tmux.test.ts needs tmux, which is not installed: install it (e.g. `sudo apt-get install -y tmux`, `brew install tmux`).');
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'tmux']]) {
    const r = spawnSync('apt-get', args, { env, encoding: 'utf8', timeout: 5 * 60_000 });
    if (r.status !== 0) throw new Error(`test/tui/tmux.test.ts needs tmux; \`apt-get ${args.join(' ')}\` failed:\n${r.stderr}${r.stdout}`);
  }
  if (spawnSync('tmux', ['-V']).status !== 0) throw new Error('tmux was installed but `tmux -V` still fails');
}

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });
}

let mock: MockGateway;
let home: string;
let session = 0;

beforeAll(async () => {
  ensureTmux();
  assertCliBuilt();
  mock = await startMockGateway({ models: ['auto', 'mock-model'], requireKey: KEY });
}, 6 * 60_000);
afterAll(async () => {
  spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  await mock?.close();
});
afterEach(async () => {
  if (home) await rm(home, { recursive: true, force: true });
});

interface Pane {
  name: string;
  screen(opts?: { escapes?: boolean; history?: boolean; joined?: boolean }): string;
  until(text: FrameMatch, timeoutMs?: number): Promise<string>;
  keys(...keys: string[]): void;
  text(literal: string): void;
}

/**
 * Starts `node dist/cli.js` in an 80×24 pane, with a clean environment and the given extra
 * variables. Claude Code is installed (a binary on PATH is what detection looks for), and so are
 * the `agents` given; `files` are put in the home first.
 */
async function startCli(extraEnv: Record<string, string>, opts: { stdinIsAPipe?: boolean; agents?: string[]; files?: Record<string, string> } = {}): Promise<Pane> {
  home = await mkdtemp(path.join(tmpdir(), 'sg-tmux-'));
  const bin = path.dirname(await putBinary(home, 'claude', '#!/bin/sh\necho 2.1.0\n'));
  for (const agent of opts.agents ?? []) await putBinary(home, agent, '#!/bin/sh\necho 1.0.0\n');
  for (const [file, text] of Object.entries(opts.files ?? {})) {
    await mkdir(path.dirname(path.join(home, file)), { recursive: true });
    await writeFile(path.join(home, file), text);
  }
  const env: Record<string, string> = {
    HOME: home,
    PATH: `${bin}:${path.dirname(process.execPath)}:/usr/bin:/bin`,
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    ...extraEnv,
  };
  const script = path.join(home, 'run.sh');
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  await writeFile(
    script,
    [
      '#!/bin/sh',
      'before=$(stty -g)',
      `${opts.stdinIsAPipe ? 'echo "the rest of an install script" | ' : ''}env -i ${Object.entries(env).map(([k, v]) => q(`${k}=${v}`)).join(' ')} ${q(process.execPath)} ${q(cliPath)}`,
      'code=$?',
      '[ "$(stty -g)" = "$before" ] && echo "TTY:restored"',
      'echo "EXIT:$code"',
      'sleep 600', // timing: keeps the pane (and its last screen) until the session is killed
      '',
    ].join('\n'),
  );
  await chmod(script, 0o755);
  const name = `sg${++session}`;
  tmux('new-session', '-d', '-s', name, '-x', '80', '-y', '24', script);
  const pane: Pane = {
    name,
    // `joined`: lines the terminal wrapped are joined back (-J), so a line that did not fit shows.
    screen: (opts = {}) =>
      tmux('capture-pane', '-p', '-t', name, ...(opts.escapes ? ['-e'] : []), ...(opts.history ? ['-S', '-'] : []), ...(opts.joined ? ['-J'] : [])),
    // A screen the TUI has drawn takes keys: it draws its first one once it reads the keyboard,
    // and each next one after the keys for it are in place.
    until: (text, timeoutMs = 20_000) => {
      let last = '';
      return waitUntil(
        () => {
          last = pane.screen();
          return matches(last, text) ? last : undefined;
        },
        () => `the screen to show ${String(text)}:\n${last}`,
        timeoutMs,
        50,
      );
    },
    keys: (...keys) => void tmux('send-keys', '-t', name, ...keys),
    text: (literal) => void tmux('send-keys', '-t', name, '-l', literal),
  };
  return pane;
}

describe('the TUI in a real terminal (tmux, 80×24)', () => {
  it('routes Claude Code and Codex through the gateway with the keyboard alone', async () => {
    const pane = await startCli({ SETUP_GATEWAY_KEY: KEY });
    await pane.until('Which gateway should your coding agents use?');
    expect(pane.screen({ escapes: true })).toMatch(/\u001b\[[\d;]*3[1-7]m/); // coloured (no NO_COLOR here)
    pane.keys('Up'); // wraps to "Custom URL"
    await pane.until('› Custom URL');
    pane.keys('Enter');
    await pane.until('URL:');
    pane.text(`${mock.url}/v1`);
    pane.keys('Enter');
    let screen = await pane.until('answered with your key');
    expect(screen).toContain('Models (2): auto, mock-model');
    expect(screen).toMatch(/✓ Anthropic messages\s+✓ OpenAI chat\s+✓ OpenAI responses/);
    pane.keys('Enter');
    screen = await pane.until('Which agents should use');
    expect(screen).toMatch(/› \[x\] Claude Code\s+direct to its vendor; will change 2 files/);
    pane.keys('Down', 'Space'); // Codex too, though not installed
    await pane.until('[x] Codex CLI');
    pane.keys('Enter');
    await pane.until('One model for all 2 agents');
    pane.keys('Enter'); // auto
    await pane.until('Change the model of single agents?');
    pane.keys('Down', 'Down', 'Enter'); // Change Codex CLI
    await pane.until('Model for Codex CLI');
    pane.keys('Down'); // mock-model
    await pane.until('› mock-model');
    pane.keys('Enter');
    await pane.until(/Change Codex CLI\s+mock-model/);
    pane.keys('Enter'); // continue with these models
    screen = await pane.until('Claude Code · model auto · will write 2 files');
    expect(screen).toContain('"ANTHROPIC_AUTH_TOKEN": "sk-…9137"');
    await expect(stat(path.join(home, '.claude'))).rejects.toThrow(); // nothing before the confirmation
    pane.keys('Enter');
    screen = await pane.until('EXIT:');

    // The final screen: the TUI is gone (alternate screen left), the summary stays.
    expect(screen).toContain('EXIT:0');
    expect(screen).toContain('TTY:restored');
    expect(screen).not.toContain('[Review]');
    expect(screen).toMatch(/✓ claude-code\s+updated\s+~\/\.claude\/settings\.json, ~\/\.claude\.json/);
    expect(screen).toMatch(/✓ codex\s+updated\s+~\/\.codex\/config\.toml/);
    expect(screen).toMatch(/Undo with: setup-gateway undo --id \S+/);
    // doctor's checks on what was written.
    expect(screen).toMatch(/✓ claude-code: doctor: \d+ checks? passed/);
    expect(screen).toMatch(/✓ codex: doctor: \d+ checks? passed/);
    expect(pane.screen({ history: true })).not.toContain(KEY);

    const settings = JSON.parse(await readFile(path.join(home, '.claude', 'settings.json'), 'utf8'));
    expect(settings.env).toMatchObject({ ANTHROPIC_BASE_URL: mock.url, ANTHROPIC_AUTH_TOKEN: KEY, ANTHROPIC_MODEL: 'auto' });
    expect((await stat(path.join(home, '.claude', 'settings.json'))).mode & 0o777).toBe(0o600);
    const toml = await readFile(path.join(home, '.codex', 'config.toml'), 'utf8');
    expect(toml).toMatch(/^model = "mock-model"$/m);
    expect(toml).toContain(`base_url = "${mock.url}/v1"`);
    // The live check reached the gateway with the key.
    expect(mock.requestsTo('/v1/models').some((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);
  });

  it('keys that arrive in one read are each handled: a URL pasted with its Enter, "aaa", "Space Enter" (issue 14)', async () => {
    const pane = await startCli({ SETUP_GATEWAY_KEY: KEY }, { agents: ['codex'] });
    await pane.until('Which gateway should your coding agents use?');
    pane.keys('Up');
    await pane.until('› Custom URL');
    pane.keys('Enter');
    await pane.until('URL:');
    pane.text(`${mock.url}/v1\r`); // one write to the terminal, so one read: the URL and its Enter
    await pane.until('answered with your key');
    pane.keys('Enter');
    await pane.until(/› \[x\] Claude Code[\s\S]*\[x\] Codex CLI/);
    pane.text('aaa'); // all found: off, on, off
    await pane.until(/› \[ \] Claude Code[\s\S]*\[ \] Codex CLI/);
    pane.text(' \r'); // Claude Code on, and on to its model
    const screen = await pane.until('Model for Claude Code');
    expect(screen).toMatch(/✓ Agents: +Claude Code$/m);
  });

  it('run as `curl … | bash` (stdin a pipe): reads the keys from /dev/tty; honours NO_COLOR; q cancels with 130', async () => {
    const pane = await startCli({ NO_COLOR: '1' }, { stdinIsAPipe: true });
    await pane.until('Which gateway should your coding agents use?');
    const plain = pane.screen({ escapes: true });
    expect(plain).toContain('› CodeRouter');
    expect(plain).not.toMatch(/\u001b\[[\d;]*(3[0-7]|9[0-7]|38;)/);
    pane.keys('Down'); // the keyboard works although stdin is the pipe
    await pane.until('› OpenRouter');
    pane.keys('q');
    const screen = await pane.until('EXIT:');
    expect(screen).toContain('Cancelled: nothing was written.');
    expect(screen).toContain('EXIT:130');
    expect(screen).toContain('TTY:restored');
    await expect(stat(path.join(home, '.claude'))).rejects.toThrow();
  });

  it('a first run at 80×24 with an agent set up by hand and a key to remove: no line of the review or the summary is cut or split (issue 14)', async () => {
    // Claude Code with an ANTHROPIC_API_KEY in a one-line env object; Codex; Cursor (set up by hand,
    // and the gateway is on loopback, which Cursor's servers cannot reach: its warning).
    const pane = await startCli(
      { SETUP_GATEWAY_KEY: KEY },
      { agents: ['codex', 'cursor'], files: { '.claude/settings.json': '{\n  "env": { "ANTHROPIC_API_KEY": "sk-ant-old-key-000000", "DISABLE_TELEMETRY": "1" }\n}\n' } },
    );
    await pane.until('Which gateway should your coding agents use?');
    pane.keys('Up');
    await pane.until('› Custom URL');
    pane.keys('Enter');
    await pane.until('URL:');
    pane.text(`${mock.url}/v1`);
    pane.keys('Enter');
    await pane.until('answered with your key');
    pane.keys('Enter');
    let screen = await pane.until('Which agents should use');
    expect(screen).toMatch(/\[x\] Claude Code[\s\S]*\[x\] Codex CLI[\s\S]*\[x\] Cursor/);
    pane.keys('Enter');
    await pane.until('One model for all 3 agents');
    pane.keys('Enter'); // auto
    await pane.until('Change the model of single agents?');
    pane.keys('Enter'); // continue
    await pane.until('Yes, remove it');
    pane.keys('y');
    // Every page of the review.
    screen = await pane.until('enter write these files');
    const review = [screen];
    for (;;) {
      const at = /lines (\d+)–(\d+) of (\d+)/.exec(screen);
      if (!at || at[2] === at[3]) break;
      const before = screen;
      pane.keys('PageDown');
      screen = await pane.until((s) => s !== before && /lines \d+–\d+ of \d+/.test(s));
      review.push(screen);
    }
    expect(review.join('\n')).toContain('Cursor · ');
    expect(review.join('\n')).toContain('WARNING');
    // Cursor Tab cannot be routed: the review says so (the summary does not repeat it).
    expect(review.join('\n')).toContain('Cannot go through the gateway: autocomplete (Cursor Tab)');
    pane.keys('Enter');
    screen = await pane.until('EXIT:');
    expect(screen).toContain('EXIT:0');
    const history = pane.screen({ history: true });
    const summary = history.slice(history.indexOf('Checks'), history.indexOf('TTY:restored')).trimEnd();
    for (const text of [...review, summary]) {
      const lines = text.split('\n');
      for (const [i, line] of lines.entries()) {
        expect([...line].length, line).toBeLessThanOrEqual(80);
        expect(line.trimEnd(), 'a line cut with …').not.toMatch(/…$/);
        // A word split across lines: a line filled to the edge with a letter, the next one going on with a letter.
        const next = lines[i + 1];
        if ([...line].length === 80 && next !== undefined) expect(`${line.slice(-1)}${next.slice(0, 1)}`, `${line}\n${next}`).not.toMatch(/^\w\w$/);
      }
    }
    // No line of the summary was wider than the terminal (it would have wrapped mid-word): joining
    // the terminal's wraps changes nothing.
    expect(pane.screen({ history: true, joined: true }).split('\n').length).toBe(history.split('\n').length);
    // The outcome is last and short: it ends the summary, in view on the final 80×24 screen.
    const last = screen.split('\n').filter((l) => l.trim());
    expect(last.at(-4)).toMatch(/^Done: /);
    expect(last.at(-3)).toMatch(/^Undo with: setup-gateway undo --id \S+$/);
    expect(summary).toContain('Cursor, by hand:');
    expect(summary).not.toContain('Gateway http'); // the review's first line, not repeated
    expect(summary).not.toContain('Cannot go through the gateway');
    expect(summary.split('\n').length).toBeLessThanOrEqual(40);
    if (process.env.SG_PRINT_SCREENS) console.log(`${review.map((r, i) => `--- review ${i + 1}\n${r}`).join('\n')}\n--- summary (final screen)\n${screen}\n--- summary (all)\n${summary}`);
  });
});

// The ink TUI, screen by screen, with ink-testing-library: keyboard paths, cancelling at every
// step, a failing gateway and its retry, consent, nothing to do, resizing. The gateway fetch and
// the environment are injected; every file lands in a temp home.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { render } from 'ink-testing-library';
import { createElement as h } from 'react';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claudeCode } from '../../recipes/claude-code/recipe.js';
import { codex } from '../../recipes/codex/recipe.js';
import { cursor } from '../../recipes/cursor/recipe.js';
import { shellEnv } from '../../recipes/shell-env/recipe.js';
import type { Fetch } from '../../src/core/gateway.js';
import { readRelayToken } from '../../src/core/relay-token.js';
import { App } from '../../src/tui/app.js';
import { ColorContext } from '../../src/tui/components.js';
import { probeProtocols } from '../../src/app/gateway-check.js';
import { doctorChecks } from '../../src/app/verify.js';
import type { SessionDeps } from '../../src/app/session.js';
import { loadStartPoint, type StartPoint } from '../../src/app/start.js';
import type { TuiResult } from '../../src/tui/wizard.js';
import { startMockGateway, type MockGateway } from '../support/mock-gateway.js';
import { modelsFetch } from '../support/run-cli.js';
import { makeTempHome, putBinary, type TempHome } from '../support/temp-home.js';
import { waitForFrame, waitUntil, type FrameMatch } from '../support/wait.js';

const KEY = 'sk-test-tui-secret-7781';
const GATEWAY = 'http://gw.test:4000/v1';
const K = {
  up: '\u001b[A',
  down: '\u001b[B',
  enter: '\r',
  esc: '\u001b',
  ctrlC: '\u0003',
  ctrlU: '\u0015',
  space: ' ',
  pageDown: '\u001b[6~',
  left: '\u001b[D',
};

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome();
  await putBinary(t.home, 'claude');
});
afterEach(() => t.cleanup());

interface Session {
  frame(): string;
  frames: string[];
  results: TuiResult[];
  /**
   * Sends keys. ink handles a key as it is written (the screen on display gets it, its state and
   * the next frame are updated before write returns), so nothing is waited for here; the test
   * then waits for the frame it expects.
   */
  press(...keys: string[]): void;
  type(text: string): void;
  until(match: FrameMatch, timeoutMs?: number): Promise<string>;
  resize(columns: number, rows: number): void;
}

function start(overrides: Partial<SessionDeps> = {}, env: Record<string, string> = {}, from?: StartPoint): Session {
  const deps: SessionDeps = {
    env: { ...t.env, env: { ...t.env.env, ...env } },
    fetch: modelsFetch(['auto', 'gw-model', 'other-model']),
    version: '0.0.0-test',
    recipes: [claudeCode, codex],
    ...overrides,
  };
  const results: TuiResult[] = [];
  const r = render(h(ColorContext.Provider, { value: false }, h(App, { deps, onExit: (result: TuiResult) => results.push(result), start: from })));
  const session: Session = {
    frame: () => r.lastFrame() ?? '',
    frames: r.frames,
    results,
    press(...keys) {
      for (const k of keys) r.stdin.write(k);
    },
    type(text) {
      r.stdin.write(text);
    },
    // The first screen is drawn once the keyboard is read (KeysProvider): a frame on display takes keys.
    until: (match, timeoutMs) => waitForFrame(r.lastFrame, match, timeoutMs),
    resize(columns, rows) {
      Object.defineProperty(r.stdout, 'columns', { configurable: true, get: () => columns });
      Object.defineProperty(r.stdout, 'rows', { configurable: true, get: () => rows });
      r.stdout.emit('resize');
    },
  };
  // Every screen is drawn for a standard 80×24 terminal.
  session.resize(80, 24);
  return session;
}

async function homeEntries(): Promise<string[]> {
  return (await readdir(t.home, { recursive: true })).filter((e) => !e.startsWith('bin')).sort();
}

/** From the list of presets: "Custom URL" (the last one), `gateway` typed, up to the check's result (returned). */
async function customGateway(s: Session, gateway: string): Promise<string> {
  s.press(K.up, K.enter);
  await s.until('URL:');
  s.type(gateway);
  s.press(K.enter);
  return s.until('answered with your key');
}

/** From the first screen to the agents list, with the key taken from the environment. */
async function toAgents(s: Session, gateway = GATEWAY): Promise<void> {
  await s.until('Which gateway');
  await customGateway(s, gateway);
  s.press(K.enter);
  await s.until('Which agents');
}

/** A loopback gateway (which Cursor cannot reach), Claude Code and Cursor with one model for both: up to the review. */
async function toReviewWithCursor(s: Session): Promise<void> {
  await toAgents(s, 'http://127.0.0.1:4000/v1');
  s.press(K.down, K.space, K.enter);
  await s.until('One model for all 2 agents');
  s.press(K.enter);
  await s.until('Change the model of single agents?');
  s.press(K.enter);
}

describe('the TUI at 80×24', () => {
  it('goes from nothing to routed with the keyboard alone: custom URL, key, check, agents, models, review, apply', async () => {
    const s = start();
    let f = await s.until('Which gateway should your coding agents use?');
    expect(f).toContain('CodeRouter');
    expect(f).toContain('https://openrouter.ai/api/v1');
    s.press(K.up); // wraps to "Custom URL"
    await s.until('› Custom URL');
    s.press(K.enter);
    await s.until('URL:');
    s.type('not a url');
    s.press(K.enter);
    await s.until('is not a URL');
    s.press(K.ctrlU);
    s.type(GATEWAY);
    s.press(K.enter);
    f = await s.until('The key for http://gw.test:4000/v1');
    // The trail of answers starts with the first one (issue 14).
    expect(f).toContain('✓ Gateway: http://gw.test:4000/v1');
    s.type(KEY);
    f = await s.until('Key: •••');
    expect(f).not.toContain(KEY);
    s.press(K.enter);
    f = await s.until('answered with your key');
    expect(f).toContain('Models (3): auto, gw-model, other-model');
    expect(f).toContain('Key: sk-…7781');
    s.press(K.enter);
    f = await s.until('Which agents should use http://gw.test:4000/v1?');
    // Claude Code is detected (a binary in the temp home's PATH) and pre-selected; Codex is not.
    expect(f).toMatch(/› \[x\] Claude Code\s+direct to its vendor; will change 2 files/);
    expect(f).toMatch(/\[ \] Codex CLI\s+not installed/);
    expect(f).toContain('Claude Code: ~/bin/claude');
    s.press(K.down, K.space);
    await s.until('[x] Codex CLI');
    s.press(K.enter);
    // One model question for both (issue 14), the gateway's auto marked; then single agents.
    f = await s.until('One model for all 2 agents');
    expect(f).toMatch(/› auto/);
    expect(f).toMatch(/✓ Agents:\s+Claude Code, Codex CLI/);
    s.press(K.enter);
    f = await s.until('Change the model of single agents?');
    expect(f).toMatch(/✓ Models:\s+auto for all/);
    expect(f).toMatch(/› Continue with these models/);
    expect(f).toMatch(/Change Codex CLI\s+auto/);
    s.press(K.down, K.down, K.enter);
    await s.until('Model for Codex CLI');
    s.type('/');
    s.type('other');
    f = await s.until('Filter: other');
    expect(f).toContain('› other-model');
    expect(f).not.toContain('gw-model');
    s.press(K.enter);
    f = await s.until(/Change Codex CLI\s+other-model/);
    expect(f).toMatch(/✓ Models:\s+auto \(Claude Code\) · other-model \(Codex CLI\)/);
    s.press(K.enter);
    f = await s.until('Gateway http://gw.test:4000/v1');
    expect(f).toContain('Claude Code · model auto · will write 2 files');
    expect(f).toContain('+    "ANTHROPIC_AUTH_TOKEN": "sk-…7781",');
    expect(await homeEntries()).toEqual([]); // nothing written before the confirmation
    s.press(K.pageDown);
    f = await s.until('Codex CLI · model other-model · will write 1 file');
    s.press(K.enter);
    await ended(s);
    const [result] = s.results;
    expect(result?.kind).toBe('done');
    if (result?.kind !== 'done') return;
    expect(result.outcome.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.outcome.failed).toBe(false);
    expect(result.outcome.runId).toMatch(/\S/);
    expect(result.outcome.checks.map((c) => c.ok)).toEqual([true, true]);
    const settings = JSON.parse(await readFile(path.join(t.home, '.claude', 'settings.json'), 'utf8'));
    expect(settings.env).toMatchObject({ ANTHROPIC_BASE_URL: 'http://gw.test:4000', ANTHROPIC_AUTH_TOKEN: KEY, ANTHROPIC_MODEL: 'auto' });
    expect(await readFile(path.join(t.home, '.codex', 'config.toml'), 'utf8')).toMatch(/^model = "other-model"$/m);
    for (const frame of s.frames) {
      expect(frame).not.toContain(KEY);
      const lines = frame.split('\n');
      expect(lines.length).toBeLessThanOrEqual(23);
      for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
    }
  });

  it('uses SETUP_GATEWAY_KEY without asking for it', async () => {
    const s = start({}, { SETUP_GATEWAY_KEY: KEY });
    await s.until('Which gateway');
    s.press(K.enter); // CodeRouter
    const f = await s.until('answered with your key');
    expect(f).toContain('https://www.coderouter.io/api/v1 answered');
    expect(f).toContain('Key: sk-…7781 (from SETUP_GATEWAY_KEY)');
  });

  it('redraws for the new size when the terminal is resized, and scrolls long lists', async () => {
    const s = start({ recipes: undefined }, { SETUP_GATEWAY_KEY: KEY });
    await toAgents(s);
    s.resize(60, 12);
    // With every agent, the list may scroll at 80×24 already: wait for the 60×12 frame.
    let f = await s.until((frame) => /↓ \d+ more/.test(frame) && frame.split('\n').length <= 11);
    expect(f.split('\n').length).toBeLessThanOrEqual(11);
    for (const line of f.split('\n')) expect([...line].length).toBeLessThanOrEqual(60);
    s.resize(100, 40);
    f = await s.until((frame) => !/↓ \d+ more/.test(frame));
    expect(f).toContain('Codex CLI');
  });
});

/** Until the run has ended (onExit called). */
function ended(s: Session): Promise<TuiResult[]> {
  return waitUntil(() => (s.results.length > 0 ? s.results : undefined), () => `the run to end; last frame:\n${s.frame()}`);
}

describe('cancelling', () => {
  const cases: Array<{ at: string; key: string; reach(s: Session): Promise<void> }> = [
    { at: 'the gateway list, with q', key: 'q', reach: (s) => s.until('Which gateway').then(() => undefined) },
    {
      at: 'the URL input, with Esc (q is typed there)',
      key: K.esc,
      reach: async (s) => {
        await s.until('Which gateway');
        s.press(K.up, K.enter);
        await s.until('URL:');
        s.type('q');
        await s.until('URL: q');
      },
    },
    {
      at: 'the key input, with Ctrl-C',
      key: K.ctrlC,
      reach: async (s) => {
        await s.until('Which gateway');
        s.press(K.enter);
        await s.until('Key:');
      },
    },
    { at: 'the agents list, with q', key: 'q', reach: toAgents },
    {
      at: 'the model list, with q',
      key: 'q',
      reach: async (s) => {
        await toAgents(s);
        s.press(K.enter);
        await s.until('Model for Claude Code');
      },
    },
    {
      at: 'the review, with Esc',
      key: K.esc,
      reach: async (s) => {
        await toAgents(s);
        s.press(K.enter);
        await s.until('Model for Claude Code');
        s.press(K.enter);
        await s.until('will write 2 files');
      },
    },
  ];
  for (const c of cases) {
    it(`at ${c.at}: ends cancelled, nothing written`, async () => {
      const env: Record<string, string> = c.at.includes('key input') ? {} : { SETUP_GATEWAY_KEY: KEY };
      const s = start({}, env);
      await c.reach(s);
      s.press(c.key);
      await ended(s);
      expect(s.results).toEqual([{ kind: 'cancelled' }]);
      expect(await homeEntries()).toEqual([]);
    });
  }
});

describe('a gateway that fails', () => {
  it('shows the reason, and Try again checks again', async () => {
    let calls = 0;
    const flaky: Fetch = async (input, init) => {
      calls += 1;
      if (calls === 1) throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
      return modelsFetch(['auto'])(input, init);
    };
    const s = start({ fetch: flaky }, { SETUP_GATEWAY_KEY: KEY });
    await s.until('Which gateway');
    s.press(K.enter);
    let f = await s.until(/✗ GET https:\/\/www\.coderouter\.io\/api\/v1\/models failed: connection refused on\s+www\.coderouter\.io:443/);
    expect(f).toContain('› Try again');
    s.press(K.enter);
    f = await s.until('answered with your key');
    expect(f).toContain('Models (1): auto');
    expect(calls).toBe(2);
  });

  it('a retry that fails again says so: the cause, and how many times it tried', async () => {
    let calls = 0;
    const down: Fetch = async () => {
      calls += 1;
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4000'), { code: 'ECONNREFUSED' }) });
    };
    const s = start({ fetch: down }, { SETUP_GATEWAY_KEY: KEY });
    await s.until('Which gateway');
    s.press(K.enter);
    let f = await s.until(/connection refused on\s+www\.coderouter\.io:443/);
    expect(f).not.toContain('tried');
    s.press(K.enter);
    f = await s.until(/\(tried\s+2\s+times\)/);
    expect(f).toMatch(/connection refused on\s+www\.coderouter\.io:443\s+\(nothing\s+listens\s+there\)\s+\(tried\s+2\s+times\)/);
    s.press(K.enter);
    await s.until(/\(tried\s+3\s+times\)/);
    expect(calls).toBe(3);
  });

  it('a refused key: Use another key asks for one and checks with it', async () => {
    const byKey: Fetch = async (input, init) => {
      const auth = new Headers(init?.headers).get('authorization');
      if (auth !== `Bearer ${KEY}`) return new Response('{}', { status: 401 });
      return modelsFetch(['auto'])(input, init);
    };
    const s = start({ fetch: byKey }, { SETUP_GATEWAY_KEY: 'sk-wrong-key-0000' });
    await s.until('Which gateway');
    s.press(K.enter);
    const refused = await s.until(/rejected\s+the key/);
    // What to do after a 401 is another key: marked, so enter takes it (issue 14).
    expect(refused).toContain('› Use another key');
    s.press(K.enter);
    await s.until('Key:');
    s.type(KEY);
    s.press(K.enter);
    const f = await s.until('answered with your key');
    expect(f).toContain('Key: sk-…7781');
  });

  it('Continue without checking: a model is then typed by hand', async () => {
    const down: Fetch = async () => new Response('bad gateway', { status: 502 });
    const s = start({ fetch: down }, { SETUP_GATEWAY_KEY: KEY });
    await s.until('Which gateway');
    s.press(K.enter);
    await s.until('answered HTTP 502');
    s.press(K.up, K.enter); // the last choice
    await s.until('Which agents');
    s.press(K.down, K.space, K.up, K.space, K.enter); // Codex only
    let f = await s.until('Model for Codex CLI');
    expect(f).toContain('› Type a model id…');
    s.press(K.enter);
    await s.until('Model:');
    s.press(K.enter);
    await s.until('The model id: the model id is empty.');
    s.type('typed/model-1');
    s.press(K.enter);
    f = await s.until('Codex CLI · model typed/model-1 · will write 1 file');
    expect(f).toContain('+model = "typed/model-1"');
  });
});

describe('consent and nothing to do', () => {
  it('asks before removing ANTHROPIC_API_KEY; yes puts the removal in the review', async () => {
    await mkdir(path.join(t.home, '.claude'));
    await writeFile(path.join(t.home, '.claude', 'settings.json'), `${JSON.stringify({ env: { ANTHROPIC_API_KEY: 'sk-ant-old-00000000' } }, null, 2)}\n`);
    const s = start({}, { SETUP_GATEWAY_KEY: KEY });
    await toAgents(s);
    s.press(K.enter);
    await s.until('Model for Claude Code');
    s.press(K.enter);
    let f = await s.until('Claude Code, ~/.claude/settings.json');
    expect(f).toMatch(/ANTHROPIC_API_KEY .* Remove it\?/s);
    s.press('y');
    f = await s.until('will write 2 files');
    // The removed key is another secret of the user's: masked too.
    expect(f).toMatch(/-\s+"ANTHROPIC_API_KEY": "sk-…0000"/);
    expect(f).not.toContain('sk-ant-old');
  });

  it('an agent already routed here: the review says so and enter ends with nothing written', async () => {
    const s1 = start({}, { SETUP_GATEWAY_KEY: KEY });
    await toAgents(s1);
    s1.press(K.enter);
    await s1.until('Model for Claude Code');
    s1.press(K.enter);
    await s1.until('will write 2 files');
    s1.press(K.enter);
    await ended(s1);
    expect(s1.results[0]?.kind).toBe('done');

    const s = start({}, { SETUP_GATEWAY_KEY: KEY });
    await toAgents(s);
    expect(s.frame()).toMatch(/\[x\] Claude Code\s+already routed here/);
    s.press(K.enter);
    await s.until('Model for Claude Code');
    s.press(K.enter);
    const f = await s.until('Nothing to write.');
    expect(f).toContain('Claude Code · model auto · already routed here: nothing to write');
    s.press(K.enter);
    await ended(s);
    expect(s.results[0]?.kind).toBe('nothing');
  });

  it('an unexpected error is shown, and leaving it ends the run as an error', async () => {
    const broken = async () => Promise.reject(new Error('the disk went away'));
    const s = start({ probe: { exists: broken, isExecutableFile: broken, readText: broken, realpath: broken, listDir: broken } }, { SETUP_GATEWAY_KEY: KEY });
    await s.until('Which gateway');
    s.press(K.enter);
    await s.until('answered with your key');
    s.press(K.enter);
    await s.until('Something went wrong: the disk went away');
    s.press('q');
    await ended(s);
    expect(s.results).toEqual([{ kind: 'error', message: 'the disk went away' }]);
  });

  it('checks that cannot run after the write still end with the report of what was written', async () => {
    const s = start({ verify: async () => Promise.reject(new Error('the checker broke')) }, { SETUP_GATEWAY_KEY: KEY });
    await toAgents(s);
    s.press(K.enter);
    await s.until('Model for Claude Code');
    s.press(K.enter);
    await s.until('will write 2 files');
    s.press(K.enter);
    await ended(s);
    const [result] = s.results;
    expect(result?.kind).toBe('done');
    if (result?.kind !== 'done') return;
    expect(result.outcome.runId).toMatch(/\S/);
    expect(result.outcome.failed).toBe(true);
    expect(result.outcome.checks).toEqual([{ agent: 'checks', ok: false, detail: 'could not run: the checker broke' }]);
  });
});

describe('the TUI with a gateway that does not serve Anthropic messages', () => {
  let mock: MockGateway;
  beforeAll(async () => {
    mock = await startMockGateway({ models: ['auto'], protocols: { anthropic: false } });
  });
  afterAll(() => mock.close());

  it('shows Claude Code going through the relay in the review, asks to start the relay after writing, and starts it on yes', async () => {
    const starts: string[] = [];
    const s = start(
      {
        fetch,
        probeProtocols,
        startRelay: async (_env, profile, url) => {
          starts.push(`${url} -> ${profile.urls.openai}`);
          return { pid: 777, url, upstream: [profile.urls.openai], protocol: 'auto', startedAt: '', log: '' };
        },
      },
      { SETUP_GATEWAY_KEY: KEY },
    );
    await s.until('Which gateway');
    let f = await customGateway(s, `${mock.url}/v1`);
    expect(f).toContain('✗ Anthropic messages (not served)');
    s.press(K.enter);
    await s.until('Which agents');
    s.press(K.enter);
    await s.until('Model for Claude Code');
    s.press(K.enter);
    f = await s.until('via the local relay');
    expect(f).toContain('via the local relay http://127.0.0.1:4850');
    s.press(K.enter);
    f = await s.until('Start the local relay now?');
    expect(f).toMatch(/Claude Code goes through the local relay at http:\/\/127\.0\.0\.1:4850/);
    expect(starts).toEqual([]);
    s.press('y');
    await ended(s);
    expect(starts).toEqual([`http://127.0.0.1:4850 -> ${mock.url}/v1`]);
    const result = s.results[0];
    expect(result?.kind).toBe('done');
    if (result?.kind !== 'done') return;
    expect(result.outcome.relay).toMatchObject({ running: true, started: true, pid: 777 });
    expect(result.outcome.nextSteps[0]).toMatch(/local relay was started at http:\/\/127\.0\.0\.1:4850 \(pid 777\)/);
    const settings = JSON.parse(await readFile(path.join(t.home, '.claude', 'settings.json'), 'utf8'));
    // The install's local token, saved when the files were written, is what the agent holds.
    const token = await readRelayToken(t.env);
    expect(token).toMatch(/^sgr-[0-9a-f]{64}$/);
    expect(settings.env).toMatchObject({ ANTHROPIC_BASE_URL: 'http://127.0.0.1:4850', ANTHROPIC_AUTH_TOKEN: token });
  });

  it('Esc at the relay question, after writing, declines the relay: the run still ends with what was written', async () => {
    const starts: string[] = [];
    const s = start(
      {
        fetch,
        probeProtocols,
        startRelay: async (_env, _profile, url) => {
          starts.push(url);
          return undefined;
        },
      },
      { SETUP_GATEWAY_KEY: KEY },
    );
    await toAgents(s, `${mock.url}/v1`);
    s.press(K.enter);
    await s.until('Model for Claude Code');
    s.press(K.enter);
    await s.until('via the local relay');
    s.press(K.enter);
    await s.until('Start the local relay now?');
    s.press(K.esc);
    const [result] = await ended(s);
    expect(starts).toEqual([]);
    expect(result?.kind).toBe('done');
    if (result?.kind !== 'done') return;
    expect(result.outcome.runId).toMatch(/\S/);
    expect(result.outcome.relay).toMatchObject({ running: false, started: false });
    expect(result.outcome.nextSteps[0]).toMatch(/Start the local relay before using Claude Code/);
  });
});

describe('the review at 80×24 (issue 14)', () => {
  it("wraps the lines to approve instead of cutting them: Cursor's loopback warning and its steps are whole", async () => {
    const s = start({ recipes: [claudeCode, cursor] }, { SETUP_GATEWAY_KEY: KEY });
    await toReviewWithCursor(s);
    // Every page of the review, down to its last line.
    let f = await s.until('enter write these files');
    const pages = [f];
    while (/lines \d+–(\d+) of (\d+)/.exec(f)?.slice(1, 3).reduce((a, b) => (a === b ? '' : 'more')) === 'more') {
      const before = f;
      s.press(K.pageDown);
      f = await s.until((frame) => frame !== before);
      pages.push(f);
    }
    const lines = pages.join('\n').split('\n');
    expect(lines.join('\n')).toContain('Cursor · ');
    for (const line of lines) {
      expect([...line].length).toBeLessThanOrEqual(80);
      expect(line.trimEnd()).not.toMatch(/…$/);
    }
    // The warning reads whole once its lines are joined, its continuation hanging under its text.
    const joined = lines.map((l) => l.trim()).join(' ');
    expect(joined).toContain("Cursor sends these requests from Cursor's own servers, not from this computer, so they cannot reach it.");
  });
});

describe('a first run with an agent set up by hand (issue 14)', () => {
  it("succeeds: Cursor's steps not done yet are a warning, not a failure", async () => {
    // A gateway that serves every protocol (an empty conversation is refused with 400, as real ones do).
    const models = modelsFetch(['auto', 'gw-model']);
    const fetch: Fetch = async (input, init) =>
      (init?.method ?? 'GET') === 'POST' ? Response.json({ error: { message: 'messages: empty' } }, { status: 400 }) : models(input, init);
    const s = start({ recipes: [claudeCode, cursor], verify: doctorChecks, fetch, probeProtocols }, { SETUP_GATEWAY_KEY: KEY });
    await toReviewWithCursor(s);
    await s.until('enter write these files');
    s.press(K.enter);
    await waitUntil(() => s.results.length > 0 || undefined, () => `the run to end:\n${s.frame()}`);
    const result = s.results[0];
    if (result?.kind !== 'done') throw new Error(`expected done, got ${result?.kind}`);
    const cursorCheck = result.outcome.checks.find((c) => c.agent === 'cursor');
    expect(cursorCheck).toMatchObject({ ok: true, pending: true });
    expect(cursorCheck?.detail).toMatch(/manual steps are not done yet/);
    expect(result.outcome.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.outcome.failed).toBe(false);
  });
});

describe('the agents list (issue 14)', () => {
  it('a selects the installed agents only, a again none', async () => {
    const s = start({ recipes: [claudeCode, codex, cursor] }, { SETUP_GATEWAY_KEY: KEY });
    await toAgents(s);
    s.press(K.space); // Claude Code off: nothing selected
    await s.until('› [ ] Claude Code');
    s.type('a');
    let f = await s.until('› [x] Claude Code');
    expect(f).toMatch(/\[ \] Codex CLI/);
    expect(f).toMatch(/\[ \] Cursor/);
    s.type('a');
    f = await s.until('› [ ] Claude Code');
    expect(f).not.toContain('[x]');
  });

  it('at 100 columns names are whole when there is room', async () => {
    const s = start({ recipes: [claudeCode, shellEnv] }, { SETUP_GATEWAY_KEY: KEY });
    s.resize(100, 30);
    await toAgents(s);
    const f = await s.until('Shell environment');
    expect(f).toContain('[ ] Shell environment (OPENAI_BASE_URL, OPENAI_API_KEY)  only when you select it');
  });
});

describe('back (issue 14)', () => {
  it('Left, Backspace and b go back to the question before, its answer kept; the first question has none', async () => {
    const s = start({}, { SETUP_GATEWAY_KEY: KEY });
    let f = await s.until('Which gateway');
    expect(f).not.toContain('back');
    s.press('\u001b[D', 'b', '\u007f'); // nothing before the first question
    s.press(K.up, K.enter);
    f = await s.until('URL:');
    expect(f).toContain('← (empty) back');
    s.press('\u001b[D'); // an empty input: back
    f = await s.until('› Custom URL');
    s.press(K.enter);
    await s.until('URL:');
    s.type(GATEWAY);
    s.press(K.enter);
    await s.until('answered with your key');
    s.press(K.enter);
    await s.until('Which agents');
    s.press(K.down, K.space); // Claude Code and Codex
    await s.until('› [x] Codex CLI');
    s.press(K.enter);
    await s.until('One model for all 2 agents');
    s.type('b');
    f = await s.until('Which agents');
    expect(f).toMatch(/\[x\] Claude Code[\s\S]*\[x\] Codex CLI/); // as answered
    s.press('\u007f'); // Backspace: the check passed, nothing was asked there: the URL
    f = await s.until(`URL: ${GATEWAY}`);
    s.press('\u007f'); // in a typed text, Backspace deletes
    await s.until(`URL: ${GATEWAY.slice(0, -1)}▏`);
    s.type('1');
    s.press(K.enter);
    await s.until('answered with your key');
    expect(s.results).toEqual([]);
  });

  it('Esc while filtering the model list clears the filter; Esc again cancels', async () => {
    const s = start({}, { SETUP_GATEWAY_KEY: KEY });
    await toAgents(s);
    s.press(K.enter);
    await s.until('Model for Claude Code');
    s.type('/gw');
    let f = await s.until('Filter: gw');
    expect(f).not.toContain('other-model');
    s.type('b'); // a letter of the filter, not back
    await s.until('Filter: gwb');
    s.press(K.esc);
    f = await s.until((frame) => frame.includes('other-model') && !frame.includes('Filter:'));
    expect(s.results).toEqual([]);
    s.press(K.esc);
    await ended(s);
    expect(s.results).toEqual([{ kind: 'cancelled' }]);
  });
});

describe('several keys in one read (issue 14)', () => {
  it('handles each: "Space Enter" together selects and confirms; "aaa" toggles all three times', async () => {
    const s = start({}, { SETUP_GATEWAY_KEY: KEY });
    await toAgents(s);
    s.press(K.down);
    await s.until('› [ ] Codex CLI');
    s.type('aaa'); // the installed ones (Claude Code, preselected): off, on, off
    await s.until(/\[ \] Claude Code[\s\S]*› \[ \] Codex CLI/);
    s.type(' \r'); // Codex on, and on to its model
    await s.until('Model for Codex CLI');
  });

  it('a typed answer and its Enter in one read: the URL is taken and submitted', async () => {
    const s = start({}, { SETUP_GATEWAY_KEY: KEY });
    await s.until('Which gateway');
    s.press(K.up, K.enter);
    await s.until('URL:');
    s.type(`${GATEWAY}\r`);
    await s.until('answered with your key');
  });
});

describe('the TUI starts from the profiles and the last gateway (issue 13)', () => {
  /** A gateway that answers only KEY. */
  const only: Fetch = async (input, init) => {
    if (new Headers(init?.headers).get('authorization') !== `Bearer ${KEY}`) return new Response('{}', { status: 401 });
    return modelsFetch(['auto', 'gw-model', 'other-model'])(input, init);
  };
  /** The run as `setup-gateway` starts it: the start point read from the temp home. */
  async function startFrom(env: Record<string, string> = {}): Promise<Session> {
    const e = { ...t.env, env: { ...t.env.env, ...env } };
    return start({ fetch: only }, env, await loadStartPoint({ env: e, recipes: [claudeCode, codex] }, { env: e.env, readStdin: async () => '' }));
  }
  const saveStore = async (profiles: unknown[]) => {
    await mkdir(path.join(t.home, '.config', 'setup-gateway'), { recursive: true });
    await writeFile(path.join(t.home, '.config', 'setup-gateway', 'profiles.json'), JSON.stringify({ profiles }));
  };

  it('the second run marks the last gateway, takes its key from the files the first wrote (not asked), and marks the last agents', async () => {
    const first = start({ fetch: only }, { SETUP_GATEWAY_KEY: KEY });
    await toAgents(first);
    first.press(K.down, K.space, K.enter); // Claude Code and Codex
    await first.until('One model for all 2 agents');
    first.press(K.enter);
    await first.until('Change the model of single agents?');
    first.press(K.enter);
    await first.until('will write 2 files');
    first.press(K.enter);
    await ended(first);
    expect(first.results[0]?.kind).toBe('done');

    const s = await startFrom();
    let f = await s.until('Which gateway should your coding agents use?');
    expect(f).toMatch(/› default \(last used\)\s+http:\/\/gw\.test:4000\/v1 · key from the last apply/);
    expect(f).toContain('Add a new gateway');
    s.press(K.enter);
    f = await s.until('answered with your key');
    expect(f).toContain('Key: sk-…7781');
    s.press(K.enter);
    f = await s.until('Which agents should use http://gw.test:4000/v1?');
    expect(f).toMatch(/\[x\] Claude Code\s+already routed here/);
    expect(f).toMatch(/\[x\] Codex CLI/); // not installed, but chosen last time
    expect(f).toMatch(/Key:\s+sk-…7781 \(from the last apply\)/);
    expect(s.frames.join('\n')).not.toContain('The key for');
    for (const frame of s.frames) expect(frame).not.toContain(KEY);
  });

  it('a saved profile whose reference resolves is not asked for its key; one that names no key gets the masked question', async () => {
    await saveStore([
      { name: 'a', baseUrl: 'http://gw.test:4000/v1', key: 'env:GW_A_KEY', model: 'gw-model' },
      { name: 'b', baseUrl: 'http://gw-b.test:4000/v1' },
    ]);
    const s = await startFrom({ GW_A_KEY: KEY });
    let f = await s.until('Which gateway should your coding agents use?');
    expect(f).toMatch(/› a\s+http:\/\/gw\.test:4000\/v1 · key from env:GW_A_KEY/);
    expect(f).toMatch(/b\s+http:\/\/gw-b\.test:4000\/v1 · key asked/);
    s.press(K.enter);
    await s.until('answered with your key');
    s.press(K.enter);
    f = await s.until('Which agents should use http://gw.test:4000/v1?');
    expect(f).toMatch(/Gateway:\s+http:\/\/gw\.test:4000\/v1 \(profile a\)/);
    s.press(K.enter);
    f = await s.until('Model for Claude Code');
    expect(f).toMatch(/› gw-model/); // the profile's model
    s.press(K.left); // back to the agents
    await s.until('Which agents');
    s.press(K.left); // back to the profiles: the check passed, nothing was asked there
    await s.until('Which gateway should your coding agents use?');
    s.press(K.down, K.enter);
    f = await s.until('The key for http://gw-b.test:4000/v1 (profile b)');
    s.type(KEY);
    f = await s.until('Key: •••');
    expect(f).not.toContain(KEY);
  });

  it('a new gateway can be saved as a profile, recorded under its name', async () => {
    await saveStore([{ name: 'a', baseUrl: 'http://gw-a.test/v1' }]);
    const s = await startFrom({ SETUP_GATEWAY_KEY: KEY });
    await s.until('Which gateway should your coding agents use?');
    s.press(K.down, K.enter);
    await s.until('CodeRouter');
    await customGateway(s, GATEWAY);
    s.press(K.enter);
    await s.until('Save http://gw.test:4000/v1 as a profile?');
    s.type('a');
    s.press(K.enter);
    await s.until('The name: a profile named "a" exists.');
    s.press(K.ctrlU);
    s.type('mygw');
    s.press(K.enter);
    const f = await s.until('Which agents');
    expect(f).toMatch(/Gateway:\s+http:\/\/gw\.test:4000\/v1 \(saved as profile mygw\)/);
    s.press(K.enter);
    await s.until('Model for Claude Code');
    s.press(K.enter);
    await s.until('will write 2 files');
    s.press(K.enter);
    await ended(s);
    expect(s.results[0]?.kind).toBe('done');
    const store = JSON.parse(await readFile(path.join(t.home, '.config', 'setup-gateway', 'profiles.json'), 'utf8'));
    expect(store.profiles).toEqual([{ name: 'a', baseUrl: 'http://gw-a.test/v1' }, { name: 'mygw', baseUrl: 'http://gw.test:4000/v1', model: 'auto' }]);
    const applied = JSON.parse(await readFile(path.join(t.home, '.local', 'state', 'setup-gateway', 'applied.json'), 'utf8'));
    expect(applied.agents['claude-code']).toMatchObject({ profile: 'mygw' });
  });
});

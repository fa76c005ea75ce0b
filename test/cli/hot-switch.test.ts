// The hot switch: `use NAME` re-targets a running relay in place (relay-retarget.ts), so agents
// routed through it keep their files and their next request reaches the new gateway. The relay
// runs in this process (its signal is sent to this pid), wired as `relay` wires a background run.
import { chmod, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acceptRetargets, recordBackgroundRun, RELAY_STATE_ENV } from '../../src/app/relay-run.js';
import { useProfile } from '../../src/app/use.js';
import { normalizeBaseUrl } from '../../src/core/profile.js';
import { retargetRequestPath, takeRetargetRequest, writeRetargetRequest } from '../../src/core/relay-retarget.js';
import { readRelayState, relayStatePath } from '../../src/core/relay-state.js';
import { startRelay, type RunningRelay } from '../../src/relay/index.js';
import { scriptedFetch } from '../relay/helpers.js';
import { runCli } from '../support/run-cli.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';

const KEY_X = 'sk-hot-x-key-00000000';
const KEY_Y = 'sk-hot-y-key-11111111';
const TOKEN = `sgr-${'ab'.repeat(32)}`;
let t: TempHome;
let relay: RunningRelay | undefined;
let stopListening: (() => void) | undefined;
beforeEach(async () => {
  t = await makeTempHome({ KEY_X, KEY_Y, XDG_CONFIG_HOME: '', XDG_STATE_HOME: '' });
});
afterEach(async () => {
  stopListening?.();
  stopListening = undefined;
  await relay?.close();
  relay = undefined;
  await t.cleanup();
});

const cli = (...argv: string[]) => runCli(argv, { env: t.env });
const chatReply = (text: string) => Response.json({ id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] });

/** Profiles x and y (same model, relay always), Claude Code applied with x, and a relay for x running here, recorded as a background run is. */
async function relayedWorld() {
  expect((await cli('profile', 'add', 'x', '--base-url', 'https://x.example.com/v1', '--key-env', 'KEY_X', '--model', 'm', '--relay', 'always')).code).toBe(0);
  expect((await cli('profile', 'add', 'y', '--base-url', 'https://y.example.com', '--key-env', 'KEY_Y', '--model', 'm', '--relay', 'always')).code).toBe(0);
  await mkdir(path.dirname(relayStatePath(t.env)), { recursive: true });
  await writeFile(path.join(path.dirname(relayStatePath(t.env)), 'relay-token'), `${TOKEN}\n`, { mode: 0o600 });
  const { fetch, calls } = scriptedFetch((c) => chatReply(`answer from ${new URL(c.url).host}`));
  relay = await startRelay({ upstream: 'https://x.example.com', key: KEY_X, token: TOKEN, protocol: 'openai', fetch, port: 0, pingIntervalMs: 0 });
  const env = { ...t.env, env: { ...t.env.env, [RELAY_STATE_ENV]: relayStatePath(t.env) } };
  const record = await recordBackgroundRun(env, { url: relay.url, upstream: ['https://x.example.com'], protocol: 'openai', version: '0.0.0-test' });
  const log: string[] = [];
  const running = relay;
  stopListening = acceptRetargets(
    t.env,
    (request) => {
      const roots = request.upstream.map((u) => normalizeBaseUrl(u).anthropic);
      running.relay.retarget({ upstream: roots, key: request.key, protocol: request.protocol });
      return roots;
    },
    record,
    (line) => log.push(line),
  );
  const port = new URL(relay.url).port;
  expect((await cli('apply', '--profile', 'x', '--agent', 'claude-code', '--relay-port', port)).code).toBe(0);
  const settings = path.join(t.home, '.claude', 'settings.json');
  expect(await readFile(settings, 'utf8')).toContain(relay.url);
  return { calls, log, settings };
}

/** One request as Claude Code sends it, with the token its settings hold. */
async function ask(): Promise<string> {
  const res = await fetch(`${relay?.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': TOKEN, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }) });
  return JSON.stringify(await res.json());
}

const world = () => ({ env: t.env, fetch: async () => new Response('no network in tests', { status: 599 }), version: '0.0.0-test', keys: { env: t.env.env, readStdin: async () => '' } });

describe('use re-targets a running relay in place', () => {
  it('switches the relay to the new gateway and key, with no agent file changed, and says so', async () => {
    const { calls, settings } = await relayedWorld();
    expect(await ask()).toContain('answer from x.example.com');
    const before = await readFile(settings);
    const pid = (await readRelayState(t.env))?.pid;

    const used = await cli('use', 'y');
    expect(used.code, used.stderr).toBe(0);
    expect(used.stdout).toMatch(/Switched the running local relay at http:\/\/127\.0\.0\.1:\d+ \(pid \d+\) in place from https:\/\/x\.example\.com to https:\/\/y\.example\.com\/v1: claude-code keep their files/);
    expect(used.stdout + used.stderr).not.toContain(KEY_Y);
    expect((await readFile(settings)).equals(before)).toBe(true);
    expect(await readRelayState(t.env)).toMatchObject({ pid, upstream: ['https://y.example.com'], lastRetarget: { ok: true } });
    await expect(stat(retargetRequestPath(t.env))).rejects.toThrow(); // the key left the disk

    expect(await ask()).toContain('answer from y.example.com');
    const last = calls.at(-1);
    expect(new URL(last?.url ?? '').host).toBe('y.example.com');
    expect(calls.filter((c) => c.url.startsWith('https://x.example.com')).length).toBe(1);
    expect(last?.headers.authorization).toBe(`Bearer ${KEY_Y}`);
  });

  it('a dry run says it would switch in place, and sends nothing', async () => {
    const { calls } = await relayedWorld();
    const dry = await cli('use', 'y', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Would switch the running local relay from https://x.example.com to https://y.example.com/v1 in place');
    expect((await readRelayState(t.env))?.upstream).toEqual(['https://x.example.com']);
    await ask();
    expect(calls.at(-1)?.url).toMatch(/^https:\/\/x\.example\.com\//);
  });

  it('falls back to asking for a restart when the relay refuses the request, and the old gateway stays', async () => {
    const { log } = await relayedWorld();
    // A relay whose switch fails (here: its retarget throws) keeps its gateway and says why.
    stopListening?.();
    stopListening = acceptRetargets(
      t.env,
      () => {
        throw new Error('upstream refused for the test');
      },
      await recordBackgroundRun({ ...t.env, env: { ...t.env.env, [RELAY_STATE_ENV]: relayStatePath(t.env) } }, { url: relay?.url ?? '', upstream: ['https://x.example.com'], protocol: 'openai' }),
      (line) => log.push(line),
    );
    const result = await useProfile({ profile: 'y', agents: [], dryRun: false, yes: false }, { ...world(), confirm: async () => false });
    expect(result).toMatchObject({ kind: 'done', relayUpstream: { retargeted: false, restarted: false, reason: 'upstream refused for the test' } });
    expect(log.at(-1)).toMatch(/re-target failed, still forwarding where it did: upstream refused for the test/);
    expect(await ask()).toContain('answer from x.example.com');
  });
});

describe('the re-target request', () => {
  const request = { id: '0123456789abcdef', upstream: ['https://y.example.com'], key: KEY_Y, protocol: 'auto' as const };
  const uid = process.getuid?.();

  it('is written 0600 and taken once (read, then removed)', async () => {
    await writeRetargetRequest(t.env, request);
    expect((await stat(retargetRequestPath(t.env))).mode & 0o777).toBe(0o600);
    expect(await takeRetargetRequest(t.env, uid)).toEqual({ request });
    expect(await takeRetargetRequest(t.env, uid)).toEqual({ error: 'no re-target request was waiting' });
  });

  it('is refused when others may read it, when it is a link, or when another user owns it', async () => {
    await writeRetargetRequest(t.env, request);
    await chmod(retargetRequestPath(t.env), 0o644);
    expect(await takeRetargetRequest(t.env, uid)).toEqual({ error: 'the re-target request is readable or writable by other users: refused' });

    const elsewhere = path.join(t.home, 'elsewhere.json');
    await writeFile(elsewhere, JSON.stringify(request), { mode: 0o600 });
    await symlink(elsewhere, retargetRequestPath(t.env));
    expect(await takeRetargetRequest(t.env, uid)).toEqual({ error: 'the re-target request is a symbolic link: refused' });

    await writeRetargetRequest(t.env, request);
    expect(await takeRetargetRequest(t.env, (uid ?? 0) + 1)).toMatchObject({ error: expect.stringMatching(/not to this relay's user: refused/) });
    await expect(stat(retargetRequestPath(t.env))).rejects.toThrow();
  });

  it('is refused when malformed', async () => {
    await mkdir(path.dirname(retargetRequestPath(t.env)), { recursive: true });
    await writeFile(retargetRequestPath(t.env), JSON.stringify({ ...request, upstream: [] }), { mode: 0o600 });
    expect(await takeRetargetRequest(t.env, uid)).toEqual({ error: 'the re-target request is malformed' });
  });
});

describe("the relay's record", () => {
  it('is never seen half-written while the relay updates it (use polls it for the re-target outcome)', async () => {
    await mkdir(path.dirname(relayStatePath(t.env)), { recursive: true });
    const env = { ...t.env, env: { ...t.env.env, [RELAY_STATE_ENV]: relayStatePath(t.env) } };
    const record = await recordBackgroundRun(env, { url: 'http://127.0.0.1:9', upstream: ['https://x.example.com'], protocol: 'openai', version: '0.0.0-test' });
    let writing = true;
    const writes = (async () => {
      for (let i = 0; i < 300; i++) await record.update({ lastRetarget: { id: String(i), ok: true } });
      writing = false;
    })();
    let reads = 0;
    let unreadable = 0;
    while (writing) {
      if ((await readRelayState(t.env)) === undefined) unreadable += 1;
      reads += 1;
    }
    await writes;
    expect(reads).toBeGreaterThan(0);
    expect(unreadable).toBe(0);
  });
});

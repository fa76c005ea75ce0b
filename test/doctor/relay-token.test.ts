// The relay's local token end to end, in-process: apply writes the install's token into the agents
// it routes through the relay; `relay rotate-token` replaces it in the token file and in every such
// agent through the applier (undo puts the previous one back), and a running relay follows both;
// doctor says when an agent holds another token than the relay's (the old public constant of
// earlier versions included), and its fix, run as printed, makes doctor green again.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LEGACY_RELAY_TOKEN, newRelayToken, readRelayToken, relayTokenPath, relayTokenSource } from '../../src/core/relay-token.js';
import { relayStatePath } from '../../src/core/relay-state.js';
import { startRelay, type RunningRelay } from '../../src/relay/index.js';
import { startMockGateway, type MockGateway } from '../support/mock-gateway.js';
import { runCli } from '../support/run-cli.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';
import { codes, doctorJson, find, KEY, MODEL, problems } from './helpers.js';

let t: TempHome;
let g: MockGateway;
let relay: RunningRelay | undefined;
beforeEach(async () => {
  t = await makeTempHome();
  // A gateway that serves only OpenAI chat: Claude Code and Codex go through the relay.
  g = await startMockGateway({ models: [MODEL, 'auto'], requireKey: KEY, strict: true, protocols: { anthropic: false, responses: false } });
});
afterEach(async () => {
  await relay?.close();
  relay = undefined;
  await g.close();
  await t.cleanup();
});

const world = () => ({ env: t.env, fetch: globalThis.fetch });
const read = (rel: string) => readFile(path.join(t.home, rel), 'utf8');
const claudeToken = async () => (JSON.parse(await read('.claude/settings.json')) as { env: Record<string, string> }).env.ANTHROPIC_AUTH_TOKEN;
const codexToken = async () => (parseToml(await read('.codex/config.toml')) as { model_providers: Record<string, Record<string, string>> }).model_providers['setup-gateway']?.experimental_bearer_token;

async function apply(): Promise<void> {
  const run = await runCli(['apply', '--base-url', g.url, '--key', KEY, '--agent', 'claude-code', '--agent', 'codex', '--agent', 'aider', '--model', MODEL, '--json'], world());
  if (run.code !== 0) throw new Error(`apply failed: ${run.stdout}${run.stderr}`);
}

/** The relay as `relay` runs it (the install's token, re-read when the file changes), recorded as the running one. */
async function runRelay(token?: string): Promise<RunningRelay> {
  relay = await startRelay({ upstream: g.url, key: KEY, protocol: 'openai', port: 0, pingIntervalMs: 0, token: token ?? (await relayTokenSource(t.env)) });
  await mkdir(path.dirname(relayStatePath(t.env)), { recursive: true });
  await writeFile(relayStatePath(t.env), JSON.stringify({ pid: process.pid, url: relay.url, upstream: [g.url], protocol: 'openai', startedAt: 'now', log: 'x', version: '0.0.0-test' }));
  return relay;
}

function models(url: string, token: string): Promise<number> {
  return fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
}

describe('relay rotate-token', () => {
  it('writes a new token into the token file and every relayed agent in one undoable run; a running relay follows', async () => {
    const r = await runRelay();
    await apply();
    const first = (await readRelayToken(t.env)) as string;
    expect(await claudeToken()).toBe(first);
    expect(await codexToken()).toBe(first);
    const aider = await read('.aider.conf.yml'); // direct to the gateway: the token is none of its business
    expect(aider).toContain(`openai-api-base: ${g.url}/v1`);
    expect(await models(r.url, first)).toBe(200);

    const rotated = await runCli(['relay', 'rotate-token'], world());
    expect(rotated.code, rotated.stdout + rotated.stderr).toBe(0);
    const second = (await readRelayToken(t.env)) as string;
    expect(second).toMatch(/^sgr-[0-9a-f]{64}$/);
    expect(second).not.toBe(first);
    expect((await stat(relayTokenPath(t.env))).mode & 0o777).toBe(0o600);
    expect(await claudeToken()).toBe(second);
    expect(await codexToken()).toBe(second);
    expect(await read('.aider.conf.yml')).toBe(aider);
    expect(rotated.stdout).toMatch(/✓ claude-code\s+updated/);
    expect(rotated.stdout).toMatch(/✓ codex\s+updated/);
    expect(rotated.stdout).not.toContain('aider');
    expect(rotated.stdout).toContain(`New local token sgr…${second.slice(-4)}`);
    expect(rotated.stdout + rotated.stderr).not.toContain(second);
    const runId = /undo --id (\S+)/.exec(rotated.stdout)?.[1] as string;
    expect(runId).toBeDefined();

    // The running relay takes up the new token at its first request, and refuses the old one from then on.
    expect(await models(r.url, second)).toBe(200);
    expect(await models(r.url, first)).toBe(401);

    // Undo puts the previous token back, in the file and the agents together; the relay follows.
    const undone = await runCli(['undo', '--id', runId], world());
    expect(undone.code, undone.stdout + undone.stderr).toBe(0);
    expect(await readRelayToken(t.env)).toBe(first);
    expect(await claudeToken()).toBe(first);
    expect(await codexToken()).toBe(first);
    expect(await models(r.url, first)).toBe(200);
    expect(await models(r.url, second)).toBe(401);
  });

  it('with no agent at the relay, it still makes a new token (and says so)', async () => {
    const rotated = await runCli(['relay', 'rotate-token', '--json'], world());
    expect(rotated.code).toBe(0);
    const doc = JSON.parse(rotated.stdout) as { token: string; agents: unknown[]; runId: string };
    expect(doc.agents).toEqual([]);
    expect(doc.token).toMatch(/^sgr…[0-9a-f]{4}$/);
    expect(await readRelayToken(t.env)).toMatch(new RegExp(`${doc.token.slice(-4)}$`));
    expect((await runCli(['relay', 'rotate-token'], world())).stdout).toContain('No agent uses the relay yet');
  });
});

describe('doctor and the relay token', () => {
  it('the current token: KEY_OK, and the running relay accepts it (RELAY_OK)', async () => {
    await runRelay();
    await apply();
    const run = await doctorJson([], world());
    expect(problems(run.doc.findings)).toEqual([]);
    expect(run.code).toBe(0);
    const claude = run.doc.findings.filter((f) => f.agent === 'claude-code' && f.level === 'ok');
    expect(claude.find((f) => f.code === 'KEY_OK')?.message).toContain("holds the relay's local token");
    expect(codes(run.doc.findings, 'ok')).toContain('RELAY_OK');
    expect(run.stdout).not.toContain((await readRelayToken(t.env)) as string);
  });

  it('agents only behind the relay and no key given: each holds "the relay\'s local token (the relay adds the gateway key)", and no KEY_UNKNOWN warning beside it', async () => {
    await runRelay();
    const applied = await runCli(['apply', '--base-url', g.url, '--key', KEY, '--agent', 'claude-code', '--agent', 'codex', '--model', MODEL, '--json'], world());
    expect(applied.code).toBe(0);
    const run = await doctorJson([], world());
    const claude = run.doc.findings.find((f) => f.agent === 'claude-code' && f.code === 'KEY_OK');
    expect(claude?.message).toBe("env.ANTHROPIC_AUTH_TOKEN in ~/.claude/settings.json holds the relay's local token (the relay adds the gateway key).");
    expect(codes(run.doc.findings)).not.toContain('KEY_UNKNOWN');
    expect(run.doc.findings.find((f) => f.code === 'KEY_AT_RELAY')).toMatchObject({ level: 'ok', message: expect.stringContaining('Claude Code, Codex CLI go through the local relay, which adds it') });
    expect(problems(run.doc.findings)).toEqual([]);
  });

  it('the old public token of earlier versions: RELAY_TOKEN_STALE, whose fix, run as printed, makes doctor green', async () => {
    await runRelay();
    await apply();
    // As an earlier version left things: the constant in the agents, no token file.
    const token = (await readRelayToken(t.env)) as string;
    for (const rel of ['.claude/settings.json', '.codex/config.toml']) await writeFile(path.join(t.home, rel), (await read(rel)).replaceAll(token, LEGACY_RELAY_TOKEN));
    await rm(relayTokenPath(t.env));
    const before = await doctorJson([], world());
    expect(before.code).toBe(1);
    expect(problems(before.doc.findings).sort()).toEqual(['claude-code:RELAY_TOKEN_STALE', 'codex:RELAY_TOKEN_STALE']);
    const stale = find(before.doc.findings, 'RELAY_TOKEN_STALE', 'claude-code');
    expect(stale.message).toContain('holds the old public relay token');
    expect(stale.file).toBe(path.join(t.home, '.claude', 'settings.json'));
    expect(stale.fix).toBe('setup-gateway relay rotate-token');

    const fix = await runCli(stale.fix.split(' ').slice(1), world());
    expect(fix.code, fix.stdout + fix.stderr).toBe(0);
    const after = await doctorJson([], world());
    expect(problems(after.doc.findings)).toEqual([]);
    expect(after.code).toBe(0);
    const fresh = (await readRelayToken(t.env)) as string;
    expect(await claudeToken()).toBe(fresh);
    expect(await codexToken()).toBe(fresh);
  });

  it('another token than the current one: RELAY_TOKEN_STALE (and the drift), fixed the same way', async () => {
    await runRelay();
    await apply();
    const other = newRelayToken();
    const token = (await readRelayToken(t.env)) as string;
    await writeFile(path.join(t.home, '.claude/settings.json'), (await read('.claude/settings.json')).replace(token, other));
    const before = await doctorJson([], world());
    expect(problems(before.doc.findings).sort()).toEqual(['claude-code:DRIFT', 'claude-code:RELAY_TOKEN_STALE']);
    const stale = find(before.doc.findings, 'RELAY_TOKEN_STALE', 'claude-code');
    expect(stale.message).toContain("holds another token than the relay's current one");
    expect(before.stdout).not.toContain(other);
    expect((await runCli(stale.fix.split(' ').slice(1), world())).code).toBe(0);
    expect(problems((await doctorJson([], world())).doc.findings)).toEqual([]);
  });

  it('a relay that requires another token than this install has: RELAY_TOKEN_REFUSED', async () => {
    await runRelay(newRelayToken());
    await apply();
    const run = await doctorJson([], world());
    expect(problems(run.doc.findings)).toEqual(['-:RELAY_TOKEN_REFUSED']);
    expect(find(run.doc.findings, 'RELAY_TOKEN_REFUSED').fix).toContain('setup-gateway relay stop, then setup-gateway relay start --upstream');
  });
});

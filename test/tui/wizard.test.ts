// The interactive mode's engine calls (src/app), without any UI: gateway check, agent states
// derived by planning, review, write, checks, in a temp home.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claudeCode } from '../../recipes/claude-code/recipe.js';
import { codex } from '../../recipes/codex/recipe.js';
import { recipes } from '../../recipes/index.js';
import { readRelayToken } from '../../src/core/relay-token.js';
import { normalizeBaseUrl } from '../../src/core/profile.js';
import { probeProtocols } from '../../src/app/gateway-check.js';
import { doctorChecks } from '../../src/app/verify.js';
import { readDoctorRecord } from '../../src/app/doctor-record.js';
import { useLineMode } from '../../src/tui/index.js';
import { reviewLines } from '../../src/tui/text.js';
import { discoverAgents, type AgentRow } from '../../src/app/agents.js';
import { checkGateway, parseGatewayUrl, servedOf } from '../../src/app/gateway-check.js';
import { keyFromEnvironment } from '../../src/app/key.js';
import { proposedModel } from '../../src/app/model.js';
import { pendingConsents, planReview, reviewSections, type SessionDeps } from '../../src/app/session.js';
import { checkWritten, noDrift } from '../../src/app/verify.js';
import { relayToStart, startLocalRelay, writeReview } from '../../src/app/write.js';
import { describeEvidence } from '../../src/tui/wizard.js';
import { lastApply, loadStartPoint } from '../../src/app/start.js';
import { startMockGateway, type MockGateway } from '../support/mock-gateway.js';
import { modelsFetch } from '../support/run-cli.js';
import { makeTempHome, putBinary, type TempHome } from '../support/temp-home.js';

const KEY = `sk-test-"q'#$x\\y-wiz1`;
const urls = normalizeBaseUrl('https://gw.example.com/v1');

let t: TempHome;
let deps: SessionDeps;
beforeEach(async () => {
  t = await makeTempHome();
  deps = { env: t.env, fetch: modelsFetch(['auto', 'gw-model']), version: '0.0.0-test', recipes: [claudeCode, codex] };
});
afterEach(() => t.cleanup());

const file = (p: string) => path.join(t.home, p);
const put = async (p: string, text: string) => {
  await mkdir(path.dirname(file(p)), { recursive: true });
  await writeFile(file(p), text);
};
const installClaude = () => putBinary(t.home, 'claude');
const stateOf = (rows: AgentRow[], id: string) => rows.find((r) => r.recipe.id === id)?.state;

describe('step 1: the gateway', () => {
  it('parses a URL in any usual spelling and explains one it cannot use', () => {
    expect(parseGatewayUrl('https://gw.example.com/v1/chat/completions')).toEqual({ ok: true, urls });
    const bad = parseGatewayUrl('gw.example.com');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/is not a URL/);
    expect(parseGatewayUrl('  ').ok).toBe(false);
  });

  it('takes the key from SETUP_GATEWAY_KEY only when it is a usable key', () => {
    expect(keyFromEnvironment({ ...t.env, env: { SETUP_GATEWAY_KEY: 'sk-env-key-123456' } })).toBe('sk-env-key-123456');
    expect(keyFromEnvironment({ ...t.env, env: { SETUP_GATEWAY_KEY: 'has space' } })).toBeUndefined();
    expect(keyFromEnvironment(t.env)).toBeUndefined();
  });

  it('lists the models, and says why not without showing the key', async () => {
    expect(await checkGateway(urls, KEY, deps)).toEqual({ ok: true, models: ['auto', 'gw-model'] });
    const refused = await checkGateway(urls, KEY, { fetch: async () => new Response('no', { status: 401 }) });
    expect(refused).toEqual({ ok: false, reason: expect.stringMatching(/401: the gateway rejected the key/), keyRefused: true });
    const echoing = await checkGateway(urls, KEY, {
      fetch: async () => {
        throw new Error(`bad header ${KEY}`);
      },
    });
    expect(echoing.ok).toBe(false);
    if (!echoing.ok) expect(echoing.reason).not.toContain(KEY);
  });

  it('asks the protocol probe with the models found, and survives a probe that throws', async () => {
    const seen: string[][] = [];
    const check = await checkGateway(urls, KEY, {
      fetch: deps.fetch,
      probeProtocols: async (_u, _k, _f, models) => {
        seen.push([...models]);
        return [{ protocol: 'OpenAI chat', ok: true }];
      },
    });
    expect(seen).toEqual([['auto', 'gw-model']]);
    expect(check).toEqual({ ok: true, models: ['auto', 'gw-model'], protocols: [{ protocol: 'OpenAI chat', ok: true }] });
    const broken = await checkGateway(urls, KEY, {
      fetch: deps.fetch,
      probeProtocols: async () => {
        throw new Error('probe blew up');
      },
    });
    expect(broken).toMatchObject({ ok: true, protocols: [{ ok: false, detail: 'probe blew up' }] });
  });
});

describe('protocol probe (doctor network layer) against the mock gateway', () => {
  let mock: MockGateway;
  beforeAll(async () => {
    mock = await startMockGateway({ models: ['auto'], protocols: { responses: false }, requireKey: 'sk-right-key-000' });
  });
  afterAll(() => mock.close());

  it('tells served, not served and refused apart', async () => {
    const gw = normalizeBaseUrl(mock.url);
    const good = await probeProtocols(gw, 'sk-right-key-000', fetch, ['auto']);
    expect(good).toEqual([
      { protocol: 'Anthropic messages', id: 'anthropic-messages', ok: true },
      { protocol: 'OpenAI chat', id: 'openai-chat', ok: true },
      { protocol: 'OpenAI responses', id: 'openai-responses', ok: false, detail: 'not served' },
    ]);
    const wrong = await probeProtocols(gw, 'sk-wrong-key-000', fetch, ['auto']);
    expect(wrong.filter((p) => p.protocol !== 'OpenAI responses').map((p) => p.detail)).toEqual(['key refused', 'key refused']);
  });
});

describe('step 2: agents and their current state', () => {
  it('lists every recipe of the registry, detected ones with their evidence', async () => {
    await installClaude();
    const rows = await discoverAgents({ ...deps, recipes: undefined }, urls, KEY, ['auto']);
    expect(rows.map((r) => r.recipe.id)).toEqual(recipes.map((r) => r.id));
    const claude = rows.find((r) => r.recipe.id === 'claude-code');
    expect(claude?.found).toBe(true);
    expect(describeEvidence(claude?.evidence ?? [], t.env)).toBe('~/bin/claude');
    expect(rows.filter((r) => r.recipe.id !== 'claude-code').every((r) => !r.found)).toBe(true);
  });

  it('direct to the vendor: no URL set, or the vendor API set by hand', async () => {
    let rows = await discoverAgents(deps, urls, KEY, ['auto']);
    expect(stateOf(rows, 'claude-code')).toEqual({ kind: 'vendor', detail: 'direct to its vendor', files: 2 });
    await put('.claude/settings.json', JSON.stringify({ env: { ANTHROPIC_BASE_URL: 'https://api.anthropic.com' } }));
    rows = await discoverAgents(deps, urls, KEY, ['auto']);
    expect(stateOf(rows, 'claude-code')).toEqual({ kind: 'vendor', detail: 'direct to Anthropic', files: 2 });
  });

  it('another gateway: names its host', async () => {
    await put('.codex/config.toml', 'model = "x"\nmodel_provider = "gw"\n\n[model_providers.setup-gateway]\nbase_url = "https://other.example.net/v1"\n');
    const rows = await discoverAgents(deps, urls, KEY, ['auto']);
    expect(stateOf(rows, 'codex')).toEqual({ kind: 'other-gateway', url: 'other.example.net', files: 1 });
  });

  it('already routed here after a write; routed but updating when only the model differs', async () => {
    const choices = [
      { recipe: claudeCode, evidence: [], model: 'auto' },
      { recipe: codex, evidence: [], model: 'auto' },
    ];
    await writeReview(await planReview(deps, urls, KEY, choices, new Set()), deps);
    let rows = await discoverAgents(deps, urls, KEY, ['auto']);
    expect([stateOf(rows, 'claude-code'), stateOf(rows, 'codex')]).toEqual([{ kind: 'routed' }, { kind: 'routed' }]);
    // Without `auto`, Codex (model required) defaults to the first model; Claude Code keeps its own.
    rows = await discoverAgents(deps, urls, KEY, ['gw-model']);
    expect([stateOf(rows, 'claude-code'), stateOf(rows, 'codex')]).toEqual([{ kind: 'routed' }, { kind: 'routed-update', files: 1 }]);
  });

  it('a file that does not parse is the state, with its line', async () => {
    await put('.claude/settings.json', '{ "env": { ,, } }');
    const state = stateOf(await discoverAgents(deps, urls, KEY, []), 'claude-code');
    expect(state?.kind).toBe('error');
    if (state?.kind === 'error') expect(state.message).toMatch(/settings\.json:1:\d+/);
  });

  it('proposes the gateway auto model; a required model otherwise the first listed', () => {
    expect(proposedModel(claudeCode, ['x', 'auto'])).toBe('auto');
    expect(proposedModel(claudeCode, ['x'])).toBeUndefined();
    expect(proposedModel(codex, ['x', 'y'])).toBe('x');
    expect(proposedModel(codex, [])).toBeUndefined();
  });
});

describe('steps 3 and 4: review, write, check', () => {
  it('asks before removing a conflicting key; the review masks every spelling of the key', async () => {
    await put('.claude/settings.json', JSON.stringify({ env: { ANTHROPIC_API_KEY: 'sk-ant-old-0000000' } }, null, 2));
    const choices = [{ recipe: claudeCode, evidence: [], model: 'auto' }];
    const first = await planReview(deps, urls, KEY, choices, new Set());
    const questions = pendingConsents(first, t.env);
    expect(questions).toEqual([{ agent: 'claude-code', name: 'Claude Code', file: '~/.claude/settings.json', question: expect.stringMatching(/ANTHROPIC_API_KEY.*Remove it\?$/) }]);
    const granted = await planReview(deps, urls, KEY, choices, new Set(['claude-code']));
    expect(pendingConsents(granted, t.env)).toEqual([]);
    const [section] = reviewSections(granted, t.env);
    expect(section?.diff).toMatch(/^-\s+"ANTHROPIC_API_KEY"/m);
    const text = reviewLines(granted, t.env).map((l) => l.text).join('\n');
    expect(text).toContain('sk-…wiz1');
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(JSON.stringify(KEY).slice(1, -1));
    expect(text).toMatch(/2 files to write/);
    // Before anything is written: the future tense, and the mode change said once (by the diff, with why).
    expect(text).toContain('Will remove env.ANTHROPIC_API_KEY from ~/.claude/settings.json.');
    expect(text).not.toMatch(/Removed env/);
    expect(text.match(/tightened|0644 → 0600/g)).toEqual(['0644 → 0600']);
    expect(text).toContain('~/.claude/settings.json: mode 0644 → 0600 (it holds the key)');
  });

  it('names the model slots an agent cannot send to the gateway, for those agents only', async () => {
    const copilot = recipes.find((r) => r.id === 'copilot');
    if (!copilot) throw new Error('the copilot recipe');
    const choices = [
      { recipe: claudeCode, evidence: [], model: 'auto' },
      { recipe: copilot, evidence: [], model: 'auto' },
    ];
    const review = await planReview(deps, urls, KEY, choices, new Set());
    const sections = reviewSections(review, t.env);
    expect(sections.map((s) => [s.agent, s.unroutable])).toEqual([
      ['claude-code', undefined],
      ['copilot', 'autocomplete (inline suggestions); embed (semantic search, embeddings)'],
    ]);
    const text = reviewLines(review, t.env).map((l) => l.text);
    expect(text.filter((l) => l.includes('Cannot go through the gateway'))).toEqual(['  Cannot go through the gateway: autocomplete (inline suggestions); embed (semantic search, embeddings)']);
    expect(text.findIndex((l) => l.startsWith('GitHub Copilot Chat (VS Code) · '))).toBe(text.findIndex((l) => l.includes('Cannot go through')) - 1 - (sections[1]?.messages.length ?? 0));
  });

  it('writes the small model a choice carries into the small slots (ANTHROPIC_DEFAULT_HAIKU_MODEL), the main one elsewhere', async () => {
    const choices = [{ recipe: claudeCode, evidence: [], model: 'claude-sonnet-4.5', smallModel: 'claude-haiku-4.5' }];
    const review = await planReview(deps, urls, KEY, choices, new Set());
    const settings = review.plans[0]?.changes.find((c) => c.path.endsWith('settings.json'));
    const env = (JSON.parse(settings?.after.toString('utf8') ?? '{}') as { env: Record<string, string> }).env;
    expect([env.ANTHROPIC_MODEL, env.ANTHROPIC_DEFAULT_SONNET_MODEL, env.ANTHROPIC_DEFAULT_HAIKU_MODEL]).toEqual(['claude-sonnet-4.5', 'claude-sonnet-4.5', 'claude-haiku-4.5']);
  });

  it('writes with the one applier (0600 for the key), then finds no drift', async () => {
    const choices = [
      { recipe: claudeCode, evidence: [], model: undefined },
      { recipe: codex, evidence: [], model: 'gw-model' },
    ];
    const review = await planReview(deps, urls, KEY, choices, new Set());
    const written = await writeReview(review, deps);
    expect(written.runId).toMatch(/\S/);
    expect(written.reports.map((r) => [r.id, r.status])).toEqual([
      ['claude-code', 'updated'],
      ['codex', 'updated'],
    ]);
    expect((await stat(file('.claude/settings.json'))).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file('.claude/settings.json'), 'utf8')).env.ANTHROPIC_MODEL).toBeUndefined();
    expect(await readFile(file('.codex/config.toml'), 'utf8')).toMatch(/^model = "gw-model"$/m);
    const outcome = await checkWritten(review, written, deps);
    expect(outcome.failed).toBe(false);
    expect(outcome.checks).toEqual([
      { agent: 'claude-code', ok: true, detail: expect.stringMatching(/no drift/) },
      { agent: 'codex', ok: true, detail: expect.stringMatching(/no drift/) },
    ]);
    expect(outcome.nextSteps.join('\n')).toMatch(/new session of Claude Code, Codex CLI/);
  });

  it('reports drift when a file changed after the write, and uses an injected verifier when given', async () => {
    const choices = [{ recipe: claudeCode, evidence: [], model: 'auto' }];
    const review = await planReview(deps, urls, KEY, choices, new Set());
    await writeReview(review, deps);
    await put('.claude/settings.json', '{}\n');
    expect(await noDrift(review, deps)).toEqual([{ agent: 'claude-code', ok: false, detail: 'drift: ~/.claude/settings.json would still change' }]);
    const written = { runId: null, reports: [] };
    const outcome = await checkWritten(review, written, { ...deps, verify: async () => [{ agent: 'claude-code', ok: false, detail: `bad ${KEY}` }] });
    expect(outcome.failed).toBe(true);
    expect(outcome.checks[0]?.detail).toBe('bad sk-…wiz1');
  });

  it('an agent whose file does not parse fails alone; the others are written', async () => {
    await put('.codex/config.toml', 'model = \n');
    const choices = [
      { recipe: claudeCode, evidence: [], model: 'auto' },
      { recipe: codex, evidence: [], model: 'auto' },
    ];
    const review = await planReview(deps, urls, KEY, choices, new Set());
    const outcome = await checkWritten(review, await writeReview(review, deps), deps);
    expect(outcome.reports.map((r) => [r.id, r.status])).toEqual([
      ['claude-code', 'updated'],
      ['codex', 'failed'],
    ]);
    expect(outcome.failed).toBe(true);
    expect(outcome.checks.map((c) => c.agent)).toEqual(['claude-code']);
    expect(await readFile(file('.codex/config.toml'), 'utf8')).toBe('model = \n');
  });
});

describe('line mode', () => {
  it('is used where ink cannot draw: TERM dumb or unset, and CI', () => {
    expect(useLineMode({ TERM: 'xterm-256color' })).toBe(false);
    expect(useLineMode({ TERM: 'dumb' })).toBe(true);
    expect(useLineMode({})).toBe(true);
    expect(useLineMode({ TERM: 'xterm', CI: 'true' })).toBe(true);
    expect(useLineMode({ TERM: 'xterm', CI: 'false' })).toBe(false);
  });
});

describe('the terminal', () => {
  const tty = (isTTY: boolean) => ({ isTTY }) as unknown as NodeJS.ReadStream & NodeJS.WriteStream;
  it('is stdin and stdout when both are terminals', async () => {
    const { openTerminal } = await import('../../src/tui/terminal.js');
    const stdin = tty(true);
    const found = openTerminal(stdin, tty(true), () => {
      throw new Error('not opened');
    });
    expect(found?.stdin).toBe(stdin);
    expect(found?.fromDevTty).toBe(false);
  });
  it('is none when stdout is not a terminal, or stdin is not and there is no /dev/tty', async () => {
    const { openTerminal } = await import('../../src/tui/terminal.js');
    expect(openTerminal(tty(true), tty(false))).toBeUndefined();
    const noTty = () => {
      throw Object.assign(new Error('ENXIO'), { code: 'ENXIO' });
    };
    expect(openTerminal(tty(false), tty(true), noTty)).toBeUndefined();
  });
});

describe('doctor after apply', () => {
  let mock: MockGateway;
  beforeAll(async () => {
    mock = await startMockGateway({ models: ['auto'], requireKey: KEY });
  });
  afterAll(() => mock.close());

  it('passes the agents just written, and names what doctor finds wrong', async () => {
    const gw = normalizeBaseUrl(mock.url);
    const live = { ...deps, fetch: globalThis.fetch };
    const choices = [{ recipe: claudeCode, evidence: [], model: 'auto' }];
    const review = await planReview(live, gw, KEY, choices, new Set());
    await writeReview(review, live);
    const checks = await doctorChecks(review, live);
    expect(checks).toEqual([{ agent: 'claude-code', ok: true, detail: expect.stringMatching(/^doctor: \d+ checks? passed/) }]);
    // Kept for `status`, as the doctor command's result is.
    expect((await readDoctorRecord(live.env)).agents['claude-code']).toMatchObject({ errors: 0, offline: false });
    // Someone points the file elsewhere after the write.
    const settings = JSON.parse(await readFile(file('.claude/settings.json'), 'utf8'));
    settings.env.ANTHROPIC_BASE_URL = 'https://elsewhere.example.org';
    await put('.claude/settings.json', JSON.stringify(settings));
    const bad = await doctorChecks(review, live);
    expect(bad[0]).toMatchObject({ agent: 'claude-code', ok: false, detail: expect.stringMatching(/^doctor: .*elsewhere\.example\.org/) });
    expect(bad[0]?.detail).not.toContain(KEY);
    expect((await readDoctorRecord(live.env)).agents['claude-code']?.errors).toBeGreaterThan(0);
  });
});

describe('relay routing: a gateway that does not serve Anthropic messages', () => {
  let mock: MockGateway;
  beforeAll(async () => {
    mock = await startMockGateway({ models: ['auto'], protocols: { anthropic: false } });
  });
  afterAll(() => mock.close());

  const gw = () => normalizeBaseUrl(mock.url);
  const relayDeps = (over: Partial<SessionDeps> = {}): SessionDeps => ({ ...deps, fetch, probeProtocols, ...over });
  const choices = () => [
    { recipe: claudeCode, evidence: [], model: 'auto' },
    { recipe: codex, evidence: [], model: 'auto' },
  ];
  const planned = async (over: Partial<SessionDeps> = {}) => {
    const d = relayDeps(over);
    const check = await checkGateway(gw(), KEY, d);
    return { d, review: await planReview(d, gw(), KEY, choices(), new Set(), servedOf(check)) };
  };

  it('maps the protocol probe to what is served, and only "not served" counts as not', () => {
    expect(servedOf({ ok: true, models: [], protocols: [
      { protocol: 'Anthropic messages', id: 'anthropic-messages', ok: false, detail: 'not served' },
      { protocol: 'OpenAI chat', id: 'openai-chat', ok: true },
      { protocol: 'OpenAI responses', id: 'openai-responses', ok: false, detail: 'key refused' },
    ] })).toEqual({ 'anthropic-messages': false, 'openai-chat': true });
    expect(servedOf({ ok: false, reason: 'down' })).toEqual({});
    expect(servedOf(undefined)).toEqual({});
  });

  it('routes Claude Code through the relay with the relay profile; Codex stays direct; the review says why and that the relay must run', async () => {
    const { review } = await planned();
    expect(review.served).toMatchObject({ 'anthropic-messages': false, 'openai-chat': true, 'openai-responses': true });
    expect(review.relay.routes.map((r) => r.agent)).toEqual(['claude-code']);
    expect(review.relay).toMatchObject({ url: 'http://127.0.0.1:4850', running: false });
    const claudeAfter = review.plans[0]?.changes.find((c) => c.path.endsWith('settings.json'))?.after.toString('utf8') ?? '';
    // A fresh install has no relay token yet: one is made for the plan, and saved only when the review is written.
    expect(review.relay.token).toMatchObject({ saved: false, value: expect.stringMatching(/^sgr-[0-9a-f]{64}$/) });
    expect(await readRelayToken(t.env)).toBeUndefined();
    expect(JSON.parse(claudeAfter).env).toMatchObject({ ANTHROPIC_BASE_URL: 'http://127.0.0.1:4850', ANTHROPIC_AUTH_TOKEN: review.relay.token?.value });
    expect(claudeAfter).not.toContain(KEY);
    const codexAfter = review.plans[1]?.changes.map((c) => c.after.toString('utf8')).join('\n') ?? '';
    expect(codexAfter).toContain(`${mock.url}/v1`);
    const sections = reviewSections(review, t.env);
    expect(sections.map((s) => [s.agent, s.relay])).toEqual([
      ['claude-code', expect.stringMatching(/does not serve Anthropic messages \(404\)/)],
      ['codex', undefined],
    ]);
    const text = reviewLines(review, t.env).map((l) => l.text).join('\n');
    expect(text).toMatch(/via the local relay http:\/\/127\.0\.0\.1:4850: the gateway does not serve Anthropic messages/);
    expect(text).toMatch(/The local relay must run for Claude Code: it is not running/);
  });

  it('with everything served, or no probe at all, nobody goes through the relay', async () => {
    const d = relayDeps({ probeProtocols: undefined });
    const check = await checkGateway(gw(), KEY, d);
    const review = await planReview(d, gw(), KEY, choices(), new Set(), servedOf(check));
    expect(review.relay.routes).toEqual([]);
    expect(reviewLines(review, t.env).map((l) => l.text).join('\n')).not.toContain('relay');
  });

  it('after writing: offers the relay, starts it with the injected starter, and the next steps name the running relay', async () => {
    const started: Array<{ url: string; upstream: string; key: string }> = [];
    const { d, review } = await planned({
      startRelay: async (_env, profile, url) => {
        started.push({ url, upstream: profile.urls.openai, key: profile.key });
        return { pid: 4242, url, upstream: [profile.urls.openai], protocol: 'auto', startedAt: '', log: '' };
      },
    });
    const written = await writeReview(review, d);
    expect(written.reports.map((r) => [r.id, r.relay?.url])).toEqual([
      ['claude-code', 'http://127.0.0.1:4850'],
      ['codex', undefined],
    ]);
    expect(await relayToStart(written, d)).toBe(true);
    const relay = await startLocalRelay(review, d);
    expect(started).toEqual([{ url: 'http://127.0.0.1:4850', upstream: `${mock.url}/v1`, key: KEY }]);
    expect(relay).toEqual({ url: 'http://127.0.0.1:4850', running: true, started: true, pid: 4242 });
    const outcome = await checkWritten(review, written, d, relay);
    expect(outcome.failed).toBe(false); // re-planning with the same routes: no drift
    expect(outcome.relay).toEqual(relay);
    expect(outcome.nextSteps[0]).toMatch(/^The local relay was started at http:\/\/127\.0\.0\.1:4850 \(pid 4242\): keep it running for Claude Code/);
    expect(outcome.nextSteps.join('\n')).not.toContain('relay start --upstream');
  });

  it('not started (declined, or the starter fails): the next steps give the relay start command', async () => {
    const { d, review } = await planned({
      startRelay: async () => {
        throw new Error(`port busy ${KEY}`);
      },
    });
    const written = await writeReview(review, d);
    const declined = await checkWritten(review, written, d);
    expect(declined.relay).toEqual({ url: 'http://127.0.0.1:4850', running: false, started: false });
    expect(declined.nextSteps[0]).toBe(
      `Start the local relay before using Claude Code, with SETUP_GATEWAY_KEY set: setup-gateway relay start --upstream ${mock.url}/v1 --port 4850 (or at every login: setup-gateway relay install-service --upstream ${mock.url}/v1).`,
    );
    const failed = await startLocalRelay(review, d);
    expect(failed).toMatchObject({ running: false, started: false, error: expect.stringContaining('port busy') });
    expect(failed.error).not.toContain(KEY);
    const outcome = await checkWritten(review, written, d, failed);
    expect(outcome.nextSteps[0]).toMatch(/^The local relay could not start \(port busy .*\)\. Start the local relay before using Claude Code/);
  });
});

describe('the start point: saved profiles and the last apply (issue 13)', () => {
  const world = (env: Record<string, string> = {}) => ({ env: { ...t.env.env, ...env }, readStdin: async () => '' });
  const store = async (profiles: unknown[]) => put('.config/setup-gateway/profiles.json', JSON.stringify({ profiles }));

  it('resolves each key reference, says why one does not resolve, and gives SETUP_GATEWAY_KEY to a profile that names none', async () => {
    await put('keys/gw', 'sk-from-file-123456\n');
    await store([
      { name: 'env', baseUrl: 'https://gw.example.com/v1', key: 'env:GW_KEY' },
      { name: 'unset', baseUrl: 'https://gw.example.com/v1', key: 'env:NOT_SET' },
      { name: 'file', baseUrl: 'https://gw.example.com/v1', key: `file:${file('keys/gw')}` },
      { name: 'none', baseUrl: 'https://gw.example.com/v1' },
    ]);
    const start = await loadStartPoint(deps, world({ GW_KEY: 'sk-from-env-123456', SETUP_GATEWAY_KEY: 'sk-setup-env-12345' }));
    expect(start.names).toEqual(['env', 'unset', 'file', 'none']);
    expect(start.choices.map((c) => [c.name, c.key, c.keyFrom])).toEqual([
      ['env', 'sk-from-env-123456', 'env:GW_KEY'],
      ['unset', undefined, undefined],
      ['file', 'sk-from-file-123456', `file:${file('keys/gw')}`],
      ['none', 'sk-setup-env-12345', 'SETUP_GATEWAY_KEY'],
    ]);
    expect(start.choices[1]?.keyProblem).toMatch(/environment variable NOT_SET, which is not set/);
    expect(start.agents).toEqual([]);
  });

  it('the last apply: its gateway (a saved profile when it is one), its agents, and the key its agents hold when pointed at it directly', async () => {
    await installClaude();
    await put('bin/codex', '#!/bin/sh\n');
    const review = await planReview(deps, urls, KEY, [
      { recipe: claudeCode, evidence: [], model: 'auto' },
      { recipe: codex, evidence: [], model: 'auto' },
    ], new Set());
    await writeReview(review, deps);
    let start = await loadStartPoint(deps, world());
    expect(start.choices).toEqual([{ name: 'default', baseUrl: 'https://gw.example.com/v1', saved: false, last: true, key: KEY, keyFrom: 'the last apply' }]);
    expect(start.agents.sort()).toEqual(['claude-code', 'codex']);
    // A saved profile for that gateway is the last one; its key, none named, comes from the files.
    await store([{ name: 'work', baseUrl: 'https://gw.example.com' }, { name: 'other', baseUrl: 'https://other.example.com/v1' }]);
    start = await loadStartPoint(deps, world());
    expect(start.choices.map((c) => [c.name, c.last, c.key])).toEqual([['work', true, KEY], ['other', false, undefined]]);
    // Files changed by hand to another gateway hold no key of the last one.
    await put('.claude/settings.json', JSON.stringify({ env: { ANTHROPIC_BASE_URL: 'https://elsewhere.example.com', ANTHROPIC_AUTH_TOKEN: 'sk-elsewhere-12345' } }));
    await put('.codex/config.toml', '');
    start = await loadStartPoint(deps, world());
    expect(start.choices[0]?.key).toBeUndefined();
  });

  it('lastApply: the newest record and every agent of its run', () => {
    const rec = (profile: string, runId: string | null, at: string) => ({ profile, baseUrl: 'https://gw.example.com/v1', runId, at });
    expect(lastApply({ agents: {} })).toBeUndefined();
    expect(lastApply({ agents: { a: rec('x', 'r1', '2026-01-01'), b: rec('y', 'r2', '2026-01-02'), c: rec('y', 'r2', '2026-01-02'), d: rec('x', 'r1', '2026-01-01') } })).toEqual({
      profile: 'y',
      baseUrl: 'https://gw.example.com/v1',
      agents: ['b', 'c'],
    });
  });
});

// Whole doctor runs against the recording mock gateway (and, for failures a local server cannot
// produce, a fetch that fails the way undici does): exit codes and the gateway's findings.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fetch } from '../../src/core/gateway.js';
import { startMockGateway, type MockGateway } from '../support/mock-gateway.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';
import { applyAll, codes, doctorJson, find, KEY, MODEL, problems } from './helpers.js';

let t: TempHome;
let g: MockGateway | undefined;
beforeEach(async () => {
  t = await makeTempHome();
});
afterEach(async () => {
  await g?.close();
  g = undefined;
  await t.cleanup();
});

const world = () => ({ env: t.env, fetch: globalThis.fetch });

async function gateway(options: Parameters<typeof startMockGateway>[0] = {}): Promise<MockGateway> {
  g = await startMockGateway({ models: [MODEL, 'auto'], requireKey: KEY, strict: true, ...options });
  return g;
}

/** A fetch that throws what undici throws for a failed connection. */
function failingFetch(code: string): Fetch {
  return async () => {
    throw new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ${code}`), { code }) });
  };
}

describe('doctor against the gateway', () => {
  it('good key: every agent applied, everything green, exit 0', async () => {
    const mock = await gateway({ traceHeaders: { 'x-coderouter-model': 'deepseek-chat' } });
    await applyAll(world(), mock.url);
    const run = await doctorJson([], world());
    expect(problems(run.doc.findings)).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.doc.ok).toBe(true);
    expect(codes(run.doc.findings, 'ok')).toEqual(expect.arrayContaining(['GATEWAY_REACHABLE', 'GATEWAY_KEY', 'GATEWAY_MODELS', 'PROTOCOL_OK', 'GATEWAY_TRACE']));
    expect(run.doc.findings.filter((f) => f.code === 'PROTOCOL_OK')).toHaveLength(3);
    expect(run.doc.findings.find((f) => f.code === 'GATEWAY_TRACE')?.message).toContain('x-coderouter-model: deepseek-chat');
    // The gateway and the key were learned from the last apply and the agents' files.
    expect(run.doc.gateway.baseUrl).toBe(`${mock.url}/v1`);
    expect(run.doc.gateway.keySource).toBe('agent');
    expect(run.stdout).not.toContain(`q'#$x`);
    expect(run.stdout).not.toContain('doctor-1234"');
  });

  it('sends no completion unless asked: empty conversations with X-Dry-Run, which a strict API refuses', async () => {
    const mock = await gateway();
    await applyAll(world(), mock.url);
    mock.reset();
    await doctorJson([], world());
    const convo = mock.requests.filter((r) => r.route === 'messages' || r.route === 'chat' || r.route === 'responses');
    expect(convo).toHaveLength(3);
    for (const r of convo) {
      expect(r.headers['x-dry-run']).toBe('true');
      expect(r.status).toBe(400);
      const body = r.body as { messages?: unknown[]; input?: unknown[] };
      expect(body.messages ?? body.input).toEqual([]);
    }
  });

  it('shows the routing decision when the gateway honours X-Dry-Run', async () => {
    const mock = await gateway({ honourDryRun: true });
    await applyAll(world(), mock.url);
    const run = await doctorJson([], world());
    const ok = run.doc.findings.filter((f) => f.code === 'PROTOCOL_OK').map((f) => f.message);
    expect(ok.every((m) => m.includes(`dry run: routed to ${MODEL}`))).toBe(true);
  });

  it('--probe-completion sends one 1-token completion per protocol the agents use', async () => {
    const mock = await gateway();
    await applyAll(world(), mock.url);
    mock.reset();
    const run = await doctorJson(['--probe-completion'], world());
    expect(run.code).toBe(0);
    expect(run.doc.findings.filter((f) => f.code === 'COMPLETION_OK')).toHaveLength(3);
    const real = mock.requests.filter((r) => r.status === 200 && r.route !== 'models');
    expect(real.map((r) => r.route).sort()).toEqual(['chat', 'messages', 'responses']);
    for (const r of real) {
      expect(r.headers['x-dry-run']).toBeUndefined();
      const body = r.body as { max_tokens?: number; max_output_tokens?: number; model: string };
      expect(body.max_tokens ?? body.max_output_tokens).toBeLessThanOrEqual(16);
      expect(body.model).toBe(MODEL);
    }
  });

  it('bad key: the gateway answers 401, doctor says so and exits 1', async () => {
    const mock = await gateway({ requireKey: 'sk-the-right-key-000000' });
    await applyAll(world(), mock.url);
    const run = await doctorJson([], world());
    expect(run.code).toBe(1);
    const f = find(run.doc.findings, 'GATEWAY_KEY_REJECTED');
    expect(f.level).toBe('error');
    expect(f.message).toContain('401');
    expect(f.why).toMatch(/does not know the key/);
    expect(run.stdout).not.toContain(`q'#$x`);
  });

  it('gateway down (closed port): GATEWAY_UNREACHABLE, exit 1', async () => {
    const mock = await gateway();
    await applyAll(world(), mock.url);
    await mock.close();
    g = undefined;
    const run = await doctorJson([], world());
    expect(run.code).toBe(1);
    const f = find(run.doc.findings, 'GATEWAY_UNREACHABLE');
    // The cause in words, with the host and port asked (once).
    expect(f.message).toBe(`Cannot connect: connection refused on 127.0.0.1:${new URL(mock.url).port} (nothing listens there) (ECONNREFUSED).`);
    // One verdict about the gateway, not one per protocol.
    expect(codes(run.doc.findings)).not.toContain('PROTOCOL_UNREACHABLE');
  });

  it('gateway slow: each request has a deadline (GATEWAY_TIMEOUT), exit 1', async () => {
    const mock = await gateway({ delayMs: 3000 });
    await applyAll(world(), mock.url, ['--model', MODEL]);
    const run = await doctorJson(['--timeout', '0.2'], world());
    expect(run.code).toBe(1);
    expect(find(run.doc.findings, 'GATEWAY_TIMEOUT').message).toContain('0.2 s');
  });

  it('OpenAI-only gateway: Claude Code cannot use it (PROTOCOL_MISSING), the OpenAI agents can', async () => {
    const mock = await gateway({ protocols: { anthropic: false } });
    // --relay never: Claude Code is written for the gateway itself, as a hand-made config would be.
    await applyAll(world(), mock.url, ['--relay', 'never']);
    const run = await doctorJson([], world());
    expect(run.code).toBe(1);
    expect(problems(run.doc.findings)).toEqual(['-:PROTOCOL_MISSING']);
    const f = find(run.doc.findings, 'PROTOCOL_MISSING');
    expect(f.message).toContain('Anthropic messages');
    expect(f.message).toContain('Claude Code');
    expect(f.fix).toMatch(/relay/);
    // Only Claude Code is checked: nobody needs the missing protocol, which is fine.
    const claudeFree = await doctorJson(['--agent', 'codex', '--agent', 'aider'], world());
    expect(claudeFree.code).toBe(0);
    expect(codes(claudeFree.doc.findings, 'ok')).toContain('PROTOCOL_NOT_SERVED');
  });

  it('OpenAI-only gateway after a plain apply: Claude Code goes through the relay, and doctor says the relay must run', async () => {
    const mock = await gateway({ protocols: { anthropic: false } });
    await applyAll(world(), mock.url);
    const run = await doctorJson([], world());
    expect(run.code).toBe(1);
    expect(problems(run.doc.findings)).toEqual(['-:RELAY_DOWN']);
    const down = find(run.doc.findings, 'RELAY_DOWN');
    expect(down.message).toContain('Claude Code');
    expect(down.fix).toContain(`relay start --upstream ${mock.url}/v1 --port 4850`);
    // Its URL and token are the relay's, and its files hold what apply writes for the relay: no drift.
    expect(codes(run.doc.findings.filter((f: { agent?: string }) => f.agent === 'claude-code'), 'ok')).toEqual(
      expect.arrayContaining(['URL_OK', 'KEY_OK', 'DRIFT']),
    );
  });

  it('--offline asks the network nothing', async () => {
    const mock = await gateway();
    await applyAll(world(), mock.url);
    mock.reset();
    const run = await doctorJson(['--offline'], world());
    expect(run.code).toBe(0);
    expect(mock.requests).toHaveLength(0);
    expect(codes(run.doc.findings, 'ok')).toContain('NETWORK_SKIPPED');
  });

  it('a model the gateway does not list: MODEL_NOT_LISTED for each agent', async () => {
    const mock = await gateway({ models: ['something-else'] });
    await applyAll(world(), mock.url);
    const run = await doctorJson([], world());
    expect(run.code).toBe(1);
    expect(problems(run.doc.findings).sort()).toEqual(['aider:MODEL_NOT_LISTED', 'claude-code:MODEL_NOT_LISTED', 'codex:MODEL_NOT_LISTED']);
    expect(find(run.doc.findings, 'MODEL_NOT_LISTED', 'codex').fix).toContain('something-else');
  });

  it('no key anywhere and a gateway that wants one: GATEWAY_KEY_REQUIRED and KEY_UNKNOWN', async () => {
    const mock = await gateway();
    const run = await doctorJson(['--base-url', mock.url], world());
    expect(run.code).toBe(1);
    expect(codes(run.doc.findings, ['warn', 'error'])).toEqual(expect.arrayContaining(['KEY_UNKNOWN', 'GATEWAY_KEY_REQUIRED', 'NO_AGENTS']));
  });

  it('the key from --key-env is used, and masked', async () => {
    const mock = await gateway();
    const run = await doctorJson(['--base-url', `${mock.url}/v1/chat/completions`, '--key-env', 'GW'], { env: { ...t.env, env: { ...t.env.env, GW: KEY } }, fetch: globalThis.fetch });
    expect(run.doc.gateway.keySource).toBe('flag');
    expect(codes(run.doc.findings, 'ok')).toContain('GATEWAY_KEY');
    expect(run.stdout).toContain('sk-…1234');
    expect(mock.requestsTo('/v1/models')[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });
});

describe('connection failures the mock cannot stage', () => {
  const base = ['--base-url', 'https://gw.example.com', '--key', KEY];

  it('DNS: GATEWAY_DNS', async () => {
    const run = await doctorJson(base, { env: t.env, fetch: failingFetch('ENOTFOUND') });
    expect(run.code).toBe(1);
    expect(find(run.doc.findings, 'GATEWAY_DNS').message).toContain('gw.example.com does not resolve');
  });

  it('TLS: GATEWAY_TLS with the reason in words', async () => {
    const run = await doctorJson(base, { env: t.env, fetch: failingFetch('CERT_HAS_EXPIRED') });
    expect(run.code).toBe(1);
    expect(find(run.doc.findings, 'GATEWAY_TLS').message).toContain('the certificate has expired');
  });

  it('a failure without a system code names its cause, never a bare "fetch failed"', async () => {
    const closed: Fetch = async () => {
      throw new TypeError('fetch failed', { cause: new Error('other side closed') });
    };
    const run = await doctorJson(base, { env: t.env, fetch: closed });
    expect(run.code).toBe(1);
    expect(find(run.doc.findings, 'GATEWAY_UNREACHABLE').message).toBe('Cannot connect to gw.example.com: the request failed: other side closed (FETCH_FAILED).');
  });

  it('a valid certificate is reported as such', async () => {
    const fetchOk: Fetch = async (input) =>
      String(input).endsWith('/models') ? Response.json({ data: [{ id: 'm' }] }) : Response.json({ error: { message: 'messages: empty' } }, { status: 400 });
    const run = await doctorJson(base, { env: t.env, fetch: fetchOk });
    expect(codes(run.doc.findings, 'ok')).toEqual(expect.arrayContaining(['GATEWAY_TLS', 'GATEWAY_REACHABLE', 'GATEWAY_KEY']));
  });

  it('a redirect: GATEWAY_REDIRECT names the target', async () => {
    const fetchRedirect: Fetch = async () => new Response(null, { status: 301, headers: { location: 'https://www.gw.example.com/api/v1/models' } });
    const run = await doctorJson(base, { env: t.env, fetch: fetchRedirect });
    expect(run.code).toBe(1);
    expect(find(run.doc.findings, 'GATEWAY_REDIRECT').fix).toContain('https://www.gw.example.com/api/v1');
  });

  it('protocol errors: 5xx, refused key on one route, no answer on another', async () => {
    const fetchMixed: Fetch = async (input) => {
      const url = String(input);
      if (url.endsWith('/models')) return Response.json({ data: [{ id: 'm' }] });
      if (url.endsWith('/chat/completions')) return Response.json({ error: { message: 'upstream down' } }, { status: 502 });
      if (url.endsWith('/responses')) return Response.json({ error: { message: 'not on your plan' } }, { status: 403 });
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }) });
    };
    const run = await doctorJson(base, { env: t.env, fetch: fetchMixed });
    expect(codes(run.doc.findings, ['warn', 'error'])).toEqual(expect.arrayContaining(['PROTOCOL_ERROR', 'PROTOCOL_KEY_REJECTED', 'PROTOCOL_UNREACHABLE']));
    expect(find(run.doc.findings, 'PROTOCOL_ERROR').message).toContain('upstream down');
  });

  it('a completion that fails: COMPLETION_FAILED', async () => {
    const fetchNoModel: Fetch = async (input, init) => {
      if (String(input).endsWith('/models')) return Response.json({ data: [{ id: 'm' }] });
      const dry = new Headers(init?.headers).get('x-dry-run');
      return dry ? Response.json({ error: { message: 'empty' } }, { status: 400 }) : Response.json({ error: { message: 'no provider for m' } }, { status: 404 });
    };
    const run = await doctorJson([...base, '--probe-completion'], { env: t.env, fetch: fetchNoModel });
    expect(run.code).toBe(1);
    expect(find(run.doc.findings, 'COMPLETION_FAILED').message).toContain('no provider for m');
  });

  it('plain http to a remote host: GATEWAY_PLAIN_HTTP (a warning: exit 0, or 1 with --strict)', async () => {
    const args = ['--base-url', 'http://gw.example.com', '--key', KEY, '--offline', '--agent', 'aider'];
    const run = await doctorJson(args, { env: t.env });
    expect(codes(run.doc.findings, 'warn')).toContain('GATEWAY_PLAIN_HTTP');
    const strict = await doctorJson([...args, '--strict'], { env: t.env });
    expect(run.doc.findings.some((f) => f.level === 'error')).toBe(true); // aider is named but not configured
    expect(strict.code).toBe(1);
  });

  it('nothing to go on: GATEWAY_UNKNOWN, exit 1', async () => {
    const run = await doctorJson([], { env: t.env });
    expect(run.code).toBe(1);
    expect(codes(run.doc.findings, 'error')).toEqual(['GATEWAY_UNKNOWN']);
  });
});

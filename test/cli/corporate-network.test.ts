// Behind a company proxy that inspects TLS: every request setup-gateway makes (the relay's to the
// gateway, doctor's and apply's probes) goes through HTTPS_PROXY with the credentials in its URL,
// trusts the company CA given by NODE_EXTRA_CA_CERTS or the relay's --ca-file, and never prints the
// proxy password. The gateway is https://gateway.test, a name only the test proxy resolves (to a
// TLS front signed by a stand-in company CA, test/fixtures/tls/README.md), so a request that did
// not go through the proxy cannot reach it.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readRelayToken } from '../../src/core/relay-token.js';
import { startRecordingProxy, type RecordingProxy } from '../support/recording-proxy.js';
import { CORP_CA_PATH, startTlsFront } from '../support/tls-front.js';
import { startMockGateway } from '../support/mock-gateway.js';
import { agentEnv, assertCliBuilt, cliPath, describeRun, runProcess } from '../support/run-agent.js';
import { runCli } from '../support/run-cli.js';
import { startScriptedUpstream } from '../support/scripted-upstream.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';
import { startForegroundRelay } from '../support/foreground-relay.js';

const KEY = 'sk-corp-network-test-777777';
const PASSWORD = 'pr0xy-s3cret-pw';
const closers: Array<() => Promise<void>> = [];
let home: TempHome | undefined;

afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
  await home?.cleanup();
  home = undefined;
});

/** https://gateway.test behind an authenticating proxy, in front of `port`. */
async function corporateNetwork(port: number): Promise<RecordingProxy> {
  const front = await startTlsFront(port);
  closers.push(() => front.close());
  const proxy = await startRecordingProxy({ forward: { 'gateway.test': front.address }, credentials: { user: 'dev', password: PASSWORD } });
  closers.push(() => proxy.close());
  return proxy;
}

/** `setup-gateway relay` in the foreground, stopped after the test; resolves once its banner is out. */
async function foregroundRelay(args: string[], env: Record<string, string>): Promise<{ url: string; output: () => string }> {
  const relay = await startForegroundRelay(args, env);
  closers.push(async () => {
    relay.child.kill('SIGINT');
    await relay.exited;
  });
  return { url: relay.url, output: () => relay.stdout() + relay.stderr() };
}

async function askRelay(url: string, token: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
  });
  return { status: res.status, text: await res.text() };
}

describe('the relay behind a company proxy (built CLI)', () => {
  for (const trust of ['--ca-file', 'NODE_EXTRA_CA_CERTS'] as const) {
    it(`reaches the gateway through the proxy with its credentials, trusting the company CA from ${trust}; the password never shows`, async () => {
      assertCliBuilt();
      home = await makeTempHome();
      const upstream = await startScriptedUpstream({ protocol: 'chat', requireKey: KEY, script: () => ({ text: 'through the proxy' }) });
      closers.push(() => upstream.close());
      const proxy = await corporateNetwork(Number(new URL(upstream.url).port));
      const env = agentEnv(home.home, { SETUP_GATEWAY_KEY: KEY, HTTPS_PROXY: proxy.authUrl, ...(trust === 'NODE_EXTRA_CA_CERTS' ? { NODE_EXTRA_CA_CERTS: CORP_CA_PATH } : {}) });
      const args = ['--upstream', 'https://gateway.test', '--upstream-protocol', 'openai', '--port', '0', ...(trust === '--ca-file' ? ['--ca-file', CORP_CA_PATH] : [])];
      const relay = await foregroundRelay(args, env);
      const token = (await readRelayToken(home.env)) as string;
      const answer = await askRelay(relay.url, token);
      expect(answer.status, answer.text + relay.output()).toBe(200);
      expect(answer.text).toContain('through the proxy');
      expect(proxy.connections).toEqual([{ kind: 'connect', target: 'gateway.test:443', host: 'gateway.test', port: 443, method: 'CONNECT', authorization: `Basic ${Buffer.from(`dev:${PASSWORD}`).toString('base64')}` }]);
      expect(relay.output()).toContain(`To gateway.test: through the proxy http://dev:****@127.0.0.1:${proxy.port} (HTTPS_PROXY)`);
      expect(relay.output()).not.toContain(PASSWORD);
    });
  }

  it('without the company CA, the gateway is refused as an interception (SELF_SIGNED_CERT_IN_CHAIN) and nothing is answered from it', async () => {
    assertCliBuilt();
    home = await makeTempHome();
    const upstream = await startScriptedUpstream({ protocol: 'chat', requireKey: KEY, script: () => ({ text: 'unreachable' }) });
    closers.push(() => upstream.close());
    const proxy = await corporateNetwork(Number(new URL(upstream.url).port));
    const relay = await foregroundRelay(['--upstream', 'https://gateway.test', '--upstream-protocol', 'openai', '--port', '0'], agentEnv(home.home, { SETUP_GATEWAY_KEY: KEY, HTTPS_PROXY: proxy.authUrl }));
    const answer = await askRelay(relay.url, (await readRelayToken(home.env)) as string);
    expect(answer.status).toBeGreaterThanOrEqual(500);
    expect(answer.text + relay.output()).toContain('SELF_SIGNED_CERT_IN_CHAIN');
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('doctor and apply behind a company proxy (built CLI)', () => {
  it('doctor names a TLS interception and the proxy it used (masked); with NODE_EXTRA_CA_CERTS it gets through', async () => {
    assertCliBuilt();
    home = await makeTempHome();
    const gateway = await startMockGateway({ models: ['gw-model'], requireKey: KEY });
    closers.push(() => gateway.close());
    const proxy = await corporateNetwork(gateway.port);
    const base = { SETUP_GATEWAY_KEY: KEY, HTTPS_PROXY: proxy.authUrl };
    const opts = { cwd: home.home, timeoutMs: 30_000 };
    const args = [cliPath, 'doctor', '--base-url', 'https://gateway.test/v1', '--json'];
    const blocked = await runProcess(process.execPath, args, { ...opts, env: agentEnv(home.home, base) });
    const findings = (run: typeof blocked) => (JSON.parse(run.stdout) as { findings: Array<{ code: string; level: string; message: string; fix: string }> }).findings;
    const tls = findings(blocked).find((f) => f.code === 'GATEWAY_TLS');
    expect(tls, describeRun(blocked)).toMatchObject({ level: 'error', message: expect.stringContaining('a proxy or company CA intercepts TLS') });
    expect(tls?.message).toContain('SELF_SIGNED_CERT_IN_CHAIN');
    expect(tls?.fix).toContain('NODE_EXTRA_CA_CERTS');
    expect(findings(blocked).find((f) => f.code === 'GATEWAY_NETWORK')?.message).toBe(
      `Requests to gateway.test go through the proxy http://dev:****@127.0.0.1:${proxy.port} (HTTPS_PROXY); TLS trusts Node's CA list (NODE_EXTRA_CA_CERTS is not set).`,
    );

    const through = await runProcess(process.execPath, args, { ...opts, env: agentEnv(home.home, { ...base, NODE_EXTRA_CA_CERTS: CORP_CA_PATH }) });
    const codes = findings(through).map((f) => `${f.code}:${f.level}`);
    expect(codes, describeRun(through)).toEqual(expect.arrayContaining(['GATEWAY_REACHABLE:ok', 'GATEWAY_TLS:ok', 'GATEWAY_KEY:ok']));
    expect(findings(through).find((f) => f.code === 'GATEWAY_NETWORK')?.message).toContain(`and NODE_EXTRA_CA_CERTS (${CORP_CA_PATH})`);
    expect(gateway.requests.some((r) => r.route === 'models')).toBe(true);
    expect(proxy.connections.every((r) => r.kind === 'connect' && r.target === 'gateway.test:443' && !r.authRefused)).toBe(true);
    for (const run of [blocked, through]) expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });

  it('doctor says when the proxy wants credentials (GATEWAY_PROXY)', async () => {
    assertCliBuilt();
    home = await makeTempHome();
    const gateway = await startMockGateway({ models: ['gw-model'], requireKey: KEY });
    closers.push(() => gateway.close());
    const proxy = await corporateNetwork(gateway.port);
    const run = await runProcess(process.execPath, [cliPath, 'doctor', '--base-url', 'https://gateway.test/v1', '--json'], {
      cwd: home.home,
      timeoutMs: 30_000,
      env: agentEnv(home.home, { SETUP_GATEWAY_KEY: KEY, HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: CORP_CA_PATH }),
    });
    const finding = (JSON.parse(run.stdout) as { findings: Array<{ code: string; message: string; fix: string }> }).findings.find((f) => f.code === 'GATEWAY_PROXY');
    expect(finding, describeRun(run)).toMatchObject({ message: expect.stringContaining('(PROXY_AUTH_REQUIRED)'), fix: expect.stringContaining('http://user:password@proxy:port') });
  });

  it("apply's probes go through the proxy too", async () => {
    assertCliBuilt();
    home = await makeTempHome();
    const gateway = await startMockGateway({ models: ['gw-model'], requireKey: KEY });
    closers.push(() => gateway.close());
    const proxy = await corporateNetwork(gateway.port);
    const run = await runProcess(process.execPath, [cliPath, 'apply', '--base-url', 'https://gateway.test/v1', '--agent', 'codex', '--model', 'gw-model', '--dry-run'], {
      cwd: home.home,
      timeoutMs: 30_000,
      env: agentEnv(home.home, { SETUP_GATEWAY_KEY: KEY, HTTPS_PROXY: proxy.authUrl, NODE_EXTRA_CA_CERTS: CORP_CA_PATH }),
    });
    expect(run.code, describeRun(run)).toBe(0);
    expect(gateway.requests.length, describeRun(run)).toBeGreaterThan(0);
    expect(proxy.connections.length).toBeGreaterThan(0);
    expect(proxy.connections.every((r) => r.target === 'gateway.test:443' && !r.authRefused)).toBe(true);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });
});

describe('relay --ca-file and the service (in-process)', () => {
  it('refuses a missing or non-PEM --ca-file at start', async () => {
    home = await makeTempHome({ SETUP_GATEWAY_KEY: KEY });
    const missing = await runCli(['relay', '--upstream', 'https://gw.example.com', '--ca-file', path.join(home.home, 'nope.pem')], { env: home.env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.pem: no such file');
    const junk = path.join(home.home, 'junk.pem');
    await writeFile(junk, 'not a certificate\n');
    const notPem = await runCli(['relay', '--upstream', 'https://gw.example.com', '--ca-file', junk], { env: home.env });
    expect(notPem.code).toBe(2);
    expect(notPem.stderr).toContain('holds no PEM certificate');
    const broken = path.join(home.home, 'broken.pem');
    await writeFile(broken, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const bad = await runCli(['relay', '--upstream', 'https://gw.example.com', '--ca-file', broken], { env: home.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('certificate 1 cannot be read');
  });

  it('install-service: the proxy variables and NODE_EXTRA_CA_CERTS go with the service, --ca-file as an absolute path', async () => {
    home = await makeTempHome({ SETUP_GATEWAY_KEY: KEY, HTTPS_PROXY: `http://dev:${PASSWORD}@proxy.corp:3128`, no_proxy: '.corp.example', NODE_EXTRA_CA_CERTS: CORP_CA_PATH });
    const r = await runCli(['relay', 'install-service', '--upstream', 'https://gw.example.com', '--ca-file', path.relative(process.cwd(), CORP_CA_PATH)], { env: home.env, cwd: process.cwd() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    const envFile = await readFile(path.join(home.home, '.local', 'state', 'setup-gateway', 'relay.env'), 'utf8');
    expect(envFile).toBe(`SETUP_GATEWAY_KEY='${KEY}'\nHTTPS_PROXY='http://dev:${PASSWORD}@proxy.corp:3128'\nno_proxy='.corp.example'\nNODE_EXTRA_CA_CERTS='${CORP_CA_PATH}'\n`);
    const unit = await readFile(path.join(home.home, '.config', 'systemd', 'user', 'setup-gateway-relay.service'), 'utf8');
    expect(unit).toContain(`"--ca-file" "${CORP_CA_PATH}"`);
    expect(unit).not.toContain(PASSWORD);
  });
});

// `apply --profile FILE|URL [--sha256 HEX] [--check]`: a team's profile document rolled out by a
// configuration-management run. Checks write nothing and exit 0 / 3; a malformed document, a URL
// that does not answer and a pin that does not match fail before anything is written.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSetupGateway } from '../support/run-agent.js';
import { runCli, type FakeWorld } from '../support/run-cli.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';
import { put, read, tree } from '../support/recipe-helpers.js';

const KEY = 'sk-team-key-0042';
const DOC = { name: 'acme', baseUrl: 'https://gw.acme.example/v1', model: 'acme/default', models: { codex: 'acme/coder' }, key: 'env:ACME_GW_KEY', relay: 'never' };
const TEXT = `${JSON.stringify(DOC, null, 2)}\n`;
const SHA = createHash('sha256').update(TEXT).digest('hex');
const AGENTS = ['--agent', 'codex', '--agent', 'aider'];

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome({ ACME_GW_KEY: KEY });
});
afterEach(() => t.cleanup());

function cli(args: string[], world: Partial<FakeWorld> = {}) {
  return runCli(args, { env: t.env, cwd: t.home, ...world });
}

/** A fetch that serves `body` at one URL and refuses everything else. */
function serving(url: string, body: string, status = 200): FakeWorld['fetch'] {
  return async (input) => {
    const asked = String(input instanceof Request ? input.url : input);
    if (asked !== url) throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`connect ECONNREFUSED ${new URL(asked).host}`), { code: 'ECONNREFUSED' }) });
    return new Response(body, { status });
  };
}

describe('apply --profile FILE', () => {
  it('applies the document (key from its env: reference), records its name, and status names it', async () => {
    await put(t.home, 'team/gw.json', TEXT);
    const run = await cli(['apply', '--profile', './team/gw.json', ...AGENTS, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(await read(t.home, '.codex/config.toml')).toContain('model = "acme/coder"');
    expect(await read(t.home, '.aider.conf.yml')).toContain('openai-api-base: https://gw.acme.example/v1');
    expect(run.stdout).not.toContain(KEY);
    const status = JSON.parse((await cli(['status', '--json'])).stdout) as { agents: Array<{ id: string; profile: string | null; via: string }> };
    expect(status.agents.find((a) => a.id === 'codex')).toMatchObject({ via: 'profile', profile: 'acme' });
  });

  it('--check: exit 3 listing what would change, writing nothing; after apply exit 0, all unchanged', async () => {
    await put(t.home, 'gw.json', TEXT);
    const before = await tree(t.home);
    const check = await cli(['apply', '--profile', 'gw.json', ...AGENTS, '--check', '--json']);
    expect(check.code, check.stderr).toBe(3);
    const doc = JSON.parse(check.stdout) as { check: boolean; changed: string[]; unchanged: string[]; files: Array<{ agent: string; state: string }> };
    expect(doc.check).toBe(true);
    expect(doc.changed).toEqual([path.join(t.home, '.codex', 'config.toml'), path.join(t.home, '.aider.conf.yml')]);
    expect(doc.unchanged).toEqual([]);
    expect(await tree(t.home)).toEqual(before);
    expect(existsSync(path.join(t.home, '.local', 'state'))).toBe(false);

    expect((await cli(['apply', '--profile', 'gw.json', ...AGENTS])).code).toBe(0);
    const again = await cli(['apply', '--profile', 'gw.json', ...AGENTS, '--check', '--json']);
    expect(again.code, again.stdout).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: [], unchanged: [path.join(t.home, '.codex', 'config.toml'), path.join(t.home, '.aider.conf.yml')] });

    // Drift by hand is a change again, and the words say so.
    await put(t.home, '.aider.conf.yml', 'model: openai/other\n');
    const drift = await cli(['apply', '--profile', 'gw.json', ...AGENTS, '--check']);
    expect(drift.code).toBe(3);
    expect(drift.stdout).toMatch(/Check: 1 file would change \(~\/\.aider\.conf\.yml\); run without --check to apply\./);
  });

  it.each([
    ['not JSON', '{ "name": "acme", ', /gw\.json:1:\d+: not valid JSON/],
    ['an unknown field', JSON.stringify({ ...DOC, apiKey: 'x' }), /not a profile document:[\s\S]*Unrecognized key: "apiKey"/i],
    ['a bad URL', JSON.stringify({ ...DOC, baseUrl: 'ftp://gw' }), /baseUrl: the scheme must be http or https/],
    ['the key itself', JSON.stringify({ ...DOC, key: 'sk-live-123' }), /the profile holds a key/],
  ])('a document with %s: exit 2, nothing written', async (_what, text, message) => {
    await put(t.home, 'gw.json', text);
    const before = await tree(t.home);
    const run = await cli(['apply', '--profile', 'gw.json', ...AGENTS]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/Nothing was written/);
    expect(run.stderr).not.toContain('sk-live-123');
    expect(await tree(t.home)).toEqual(before);
  });

  it('a missing file: exit 1, named', async () => {
    const run = await cli(['apply', '--profile', './nope.json', ...AGENTS]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Cannot read the profile ${path.join(t.home, 'nope.json')}: no such file.`);
  });

  it('--sha256 pins a file too; a saved profile cannot be pinned', async () => {
    await put(t.home, 'gw.json', TEXT);
    expect((await cli(['apply', '--profile', 'gw.json', '--sha256', SHA, ...AGENTS])).code).toBe(0);
    const saved = await cli(['apply', '--profile', 'work', '--sha256', SHA, ...AGENTS]);
    expect(saved.code).toBe(2);
    expect(saved.stderr).toContain('--sha256 pins a profile file or URL, not a saved profile.');
  });
});

describe('apply --profile URL', () => {
  const URL_ = 'https://config.acme.example/gw.json';

  it('fetches the document; --sha256 must match its bytes or nothing is written', async () => {
    const before = await tree(t.home);
    const wrong = await cli(['apply', '--profile', URL_, '--sha256', 'ab'.repeat(32), ...AGENTS], { fetch: serving(URL_, TEXT) });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`the profile's sha256 is ${SHA}, not the pinned ${'ab'.repeat(32)}; nothing was written.`);
    expect(await tree(t.home)).toEqual(before);

    const right = await cli(['apply', '--profile', URL_, '--sha256', SHA.toUpperCase(), ...AGENTS], { fetch: serving(URL_, TEXT) });
    expect(right.code, right.stderr).toBe(0);
    expect(await read(t.home, '.codex/config.toml')).toContain('https://gw.acme.example/v1');
  });

  it.each([
    ['does not answer', 1, serving('https://elsewhere.example/', ''), /Cannot fetch the profile https:\/\/config\.acme\.example\/gw\.json: connection refused on config\.acme\.example:443/],
    ['answers 404', 1, serving(URL_, 'not here', 404), /answered HTTP 404, not the profile; nothing was written/],
    ['serves a malformed document', 2, serving(URL_, '[1, 2]'), /not a profile document/],
  ])('a URL that %s: exit %i, nothing written', async (_what, code, fetch, message) => {
    const before = await tree(t.home);
    const run = await cli(['apply', '--profile', URL_, ...AGENTS], { fetch });
    expect(run.code).toBe(code);
    expect(run.stderr).toMatch(message);
    expect(await tree(t.home)).toEqual(before);
  });

  it('plain http only to this machine; a bad pin is a usage error', async () => {
    const http = await cli(['apply', '--profile', 'http://config.acme.example/gw.json', ...AGENTS]);
    expect(http.code).toBe(2);
    expect(http.stderr).toContain('plain http is allowed only to this machine');
    const loopback = await cli(['apply', '--profile', 'http://127.0.0.1:9/gw.json', ...AGENTS, '--check'], { fetch: serving('http://127.0.0.1:9/gw.json', TEXT) });
    expect(loopback.code, loopback.stderr).toBe(3);
    const pin = await cli(['apply', '--profile', URL_, '--sha256', 'xyz', ...AGENTS]);
    expect(pin.code).toBe(2);
    expect(pin.stderr).toContain('is not a SHA-256 hash');
  });
});

/** A certificate for localhost made here with openssl, or the committed test-only one. */
function certificate(dir: string): { cert: string; key: string } {
  try {
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
    return { cert, key };
  } catch {
    const fixtures = path.join(import.meta.dirname, '..', 'fixtures', 'tls');
    return { cert: path.join(fixtures, 'tls-test-cert.pem'), key: path.join(fixtures, 'tls-test-key.pem') };
  }
}

describe('apply --profile https://localhost… --check, the built CLI against a real TLS server', () => {
  let dir: string;
  let server: Server;
  let url: string;
  let ca: string;
  let asked = 0;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sg-tls-'));
    const { cert, key } = certificate(dir);
    ca = cert;
    server = createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
      asked++;
      if (req.url !== '/team/gw.json') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(TEXT);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://localhost:${(server.address() as AddressInfo).port}/team/gw.json`;
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('exit 3 before, 0 after apply; the certificate is trusted through NODE_EXTRA_CA_CERTS only', async () => {
    const env = { ACME_GW_KEY: KEY, NODE_EXTRA_CA_CERTS: ca };
    const args = ['apply', '--profile', url, '--sha256', SHA, '--agent', 'codex', '--offline'];
    const check = await runSetupGateway(t.home, t.home, [...args, '--check', '--json'], { env });
    expect(check.code, check.stderr).toBe(3);
    expect(JSON.parse(check.stdout).changed).toEqual([path.join(t.home, '.codex', 'config.toml')]);
    expect(existsSync(path.join(t.home, '.codex'))).toBe(false);

    expect((await runSetupGateway(t.home, t.home, args, { env })).code).toBe(0);
    expect(await readFile(path.join(t.home, '.codex', 'config.toml'), 'utf8')).toContain('acme/coder');
    const again = await runSetupGateway(t.home, t.home, [...args, '--check'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Check: every agent already matches; nothing would change.');

    // Without the CA the certificate is refused, and said so.
    const untrusted = await runSetupGateway(t.home, t.home, [...args, '--check'], { env: { ACME_GW_KEY: KEY } });
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/Cannot fetch the profile https:\/\/localhost:\d+\/team\/gw\.json: TLS error/);
    expect(asked).toBeGreaterThanOrEqual(3);
  });
});

describe('doctor --against FILE|URL', () => {
  interface DoctorJson {
    ok: boolean;
    against: { name: string; from: string; sha256?: string };
    findings: Array<{ code: string; level: string; agent?: string; message: string; fix: string }>;
  }
  const against = async (...extra: string[]) => {
    const run = await cli(['doctor', '--against', 'gw.json', '--offline', '--json', ...AGENTS, ...extra]);
    return { code: run.code, doc: JSON.parse(run.stdout) as DoctorJson, stderr: run.stderr };
  };
  const profileFindings = (doc: DoctorJson) => Object.fromEntries(doc.findings.filter((f) => f.code.startsWith('PROFILE_')).map((f) => [f.agent, f.code]));

  it('reports each agent against the team profile: matches, then the drift made by hand, with the fix', async () => {
    await put(t.home, 'gw.json', TEXT);
    const before = await against();
    expect(profileFindings(before.doc)).toEqual({ codex: 'PROFILE_NOT_APPLIED', aider: 'PROFILE_NOT_APPLIED' });
    expect(before.code).toBe(1);

    expect((await cli(['apply', '--profile', 'gw.json', ...AGENTS])).code).toBe(0);
    const clean = await against('--sha256', SHA);
    expect(profileFindings(clean.doc)).toEqual({ codex: 'PROFILE_MATCHES', aider: 'PROFILE_MATCHES' });
    expect(clean.doc.against).toEqual({ name: 'acme', from: path.join(t.home, 'gw.json'), baseUrl: DOC.baseUrl, sha256: SHA });

    const aider = (await read(t.home, '.aider.conf.yml')).replace('model: openai/acme/default', 'model: openai/cheaper');
    await put(t.home, '.aider.conf.yml', aider);
    const codex = (await read(t.home, '.codex/config.toml')).replace('https://gw.acme.example/v1', 'https://gw.other.example/v1');
    await put(t.home, '.codex/config.toml', codex);
    const drift = await against();
    expect(profileFindings(drift.doc)).toEqual({ codex: 'PROFILE_OTHER_GATEWAY', aider: 'PROFILE_MODEL_DRIFT' });
    expect(drift.code).toBe(1);
    const model = drift.doc.findings.find((f) => f.code === 'PROFILE_MODEL_DRIFT');
    expect(model).toMatchObject({ level: 'error', message: "model cheaper, not the profile's acme/default", fix: 'setup-gateway apply --profile gw.json --agent aider' });

    // The printed form names the profile and the codes.
    const text = await cli(['doctor', '--against', 'gw.json', '--offline', ...AGENTS]);
    expect(text.stdout).toMatch(/routes to https:\/\/gw\.other\.example, not to profile "acme" \(https:\/\/gw\.acme\.example\) PROFILE_OTHER_GATEWAY/);
  });

  it('a document that does not load fails as apply does, and --sha256 needs --against', async () => {
    await put(t.home, 'gw.json', '{');
    expect((await cli(['doctor', '--against', 'gw.json', '--offline'])).code).toBe(2);
    const pin = await cli(['doctor', '--sha256', SHA]);
    expect(pin.code).toBe(2);
    expect(pin.stderr).toContain('--sha256 pins the profile of --against FILE|URL.');
  });
});

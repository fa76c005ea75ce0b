// `setup-gateway relay`: usage errors and the service files in-process; the foreground relay and
// `relay start|status|stop` with the built CLI as real processes in a temp HOME.
import { spawn } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LEGACY_RELAY_TOKEN, readRelayToken } from '../../src/core/relay-token.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';
import { runCli } from '../support/run-cli.js';
import { agentEnv, assertCliBuilt, cliPath, describeRun, runProcess } from '../support/run-agent.js';
import { startForegroundRelay, type ForegroundRelay } from '../support/foreground-relay.js';
import { startScriptedUpstream, type ScriptedUpstream } from '../support/scripted-upstream.js';

const KEY = 'sk-relay-cli-test-424242';
let home: TempHome | undefined;
let upstream: ScriptedUpstream | undefined;
let foreground: ForegroundRelay | undefined;

afterEach(async () => {
  // A foreground relay a failed test left running.
  if (foreground && foreground.child.exitCode === null && foreground.child.signalCode === null) {
    foreground.child.kill('SIGKILL');
    await foreground.exited;
  }
  foreground = undefined;
  // A background relay left by a failed test: stop it by its recorded pid.
  if (home) {
    const state = await readFile(path.join(home.home, '.local', 'state', 'setup-gateway', 'relay.json'), 'utf8').catch(() => '');
    const pid = state ? (JSON.parse(state) as { pid: number }).pid : undefined;
    if (pid) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await home.cleanup();
  }
  await upstream?.close();
  home = undefined;
  upstream = undefined;
});

describe('relay: usage', () => {
  it('needs a key, an upstream, a loopback host, and a known action', async () => {
    home = await makeTempHome();
    const noKey = await runCli(['relay', '--upstream', 'https://gw.example/v1'], { env: home.env });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('the gateway key is missing: set SETUP_GATEWAY_KEY');

    const withKey = { ...home.env, env: { ...home.env.env, GW: KEY } };
    const noUpstream = await runCli(['relay', '--key-env', 'GW'], { env: withKey });
    expect(noUpstream.code).toBe(2);
    expect(noUpstream.stderr).toContain('--upstream URL is required');

    const remote = await runCli(['relay', '--key-env', 'GW', '--upstream', 'https://gw.example', '--host', '0.0.0.0'], { env: withKey });
    expect(remote.code).toBe(2);
    expect(remote.stderr).toContain('not a loopback address');

    const bad = await runCli(['relay', 'restart'], { env: withKey });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown action "restart"');

    const proto = await runCli(['relay', '--upstream-protocol', 'grpc'], { env: withKey });
    expect(proto.code).toBe(2);
    for (const r of [noKey, noUpstream, remote, bad, proto]) expect(r.stdout + r.stderr).not.toContain(KEY);
  });

  it('status says not running (exit 1) in a fresh home', async () => {
    home = await makeTempHome();
    const r = await runCli(['relay', 'status', '--json'], { env: home.env });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ running: false, healthy: false });
  });
});

describe('relay stop', () => {
  it('never signals a process that merely reuses the recorded pid', async () => {
    home = await makeTempHome();
    const other = spawn('sleep', ['30'], { stdio: 'ignore' }); // timing: a stand-in live process, killed below
    try {
      const dir = path.join(home.home, '.local', 'state', 'setup-gateway');
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, 'relay.json'), JSON.stringify({ pid: other.pid, url: 'http://127.0.0.1:9', upstream: ['x'], protocol: 'auto', startedAt: 'then', log: 'x' }));
      const r = await runCli(['relay', 'stop'], { env: home.env });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('is now another program; left alone');
      expect(other.exitCode).toBeNull();
      expect(() => process.kill(other.pid!, 0)).not.toThrow();
      await expect(stat(path.join(dir, 'relay.json'))).rejects.toThrow();
    } finally {
      other.kill('SIGKILL');
    }
  });
});

describe('relay install-service', () => {
  it('linux: a systemd user unit and a 0600 env file holding the key, through the applier (undo removes them)', async () => {
    home = await makeTempHome({ SETUP_GATEWAY_KEY: KEY });
    const args = ['relay', 'install-service', '--upstream', 'https://gw.example.com/v1', '--port', '4999', '--model', 'claude-*=gw-big,gw-small'];
    const r = await runCli(args, { env: home.env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(KEY);
    const unitPath = path.join(home.home, '.config', 'systemd', 'user', 'setup-gateway-relay.service');
    const envPath = path.join(home.home, '.local', 'state', 'setup-gateway', 'relay.env');
    const unit = await readFile(unitPath, 'utf8');
    expect(unit).not.toContain(KEY);
    expect(unit).toContain(`EnvironmentFile=${envPath}`);
    expect(unit).toMatch(/^ExecStart="[^"]*" "--max-semi-space-size=4" "[^"]*" "relay" "--upstream" "https:\/\/gw.example.com\/v1" "--port" "4999" "--model" "claude-\*=gw-big,gw-small" "--key-env" "SETUP_GATEWAY_KEY"$/m);
    expect(await readFile(envPath, 'utf8')).toBe(`SETUP_GATEWAY_KEY='${KEY}'\n`);
    expect((await stat(envPath)).mode & 0o777).toBe(0o600);
    expect(r.stdout).toContain('systemctl --user enable --now setup-gateway-relay.service');

    const again = await runCli(args, { env: home.env });
    expect(again.stdout).toContain('already up to date');

    const undo = await runCli(['undo'], { env: home.env });
    expect(undo.code, undo.stdout + undo.stderr).toBe(0);
    await expect(stat(unitPath)).rejects.toThrow();
    await expect(stat(envPath)).rejects.toThrow();
  });

  it('macOS: a launchd agent, 0600 because it holds the key', async () => {
    home = await makeTempHome({ SETUP_GATEWAY_KEY: `${KEY}&<x>` });
    const env = { ...home.env, platform: 'darwin' as const };
    const r = await runCli(['relay', 'install-service', '--upstream', 'https://gw.example.com'], { env });
    expect(r.code, r.stderr).toBe(0);
    const plistPath = path.join(home.home, 'Library', 'LaunchAgents', 'dev.setup-gateway.relay.plist');
    const plist = await readFile(plistPath, 'utf8');
    expect(plist).toContain(`<key>SETUP_GATEWAY_KEY</key><string>${KEY}&amp;&lt;x&gt;</string>`);
    expect(plist).toContain('<string>relay</string>');
    expect((await stat(plistPath)).mode & 0o777).toBe(0o600);
    expect(r.stdout).toContain('launchctl bootstrap');
    expect(plist).not.toContain('XDG_STATE_HOME');
  });

  it('a state folder set with XDG_STATE_HOME reaches the service, so it requires the same local token', async () => {
    home = await makeTempHome({ SETUP_GATEWAY_KEY: KEY });
    const state = path.join(home.home, 'my state');
    const linux = { ...home.env, env: { ...home.env.env, XDG_STATE_HOME: state } };
    expect((await runCli(['relay', 'install-service', '--upstream', 'https://gw.example.com'], { env: linux })).code).toBe(0);
    expect(await readFile(path.join(state, 'setup-gateway', 'relay.env'), 'utf8')).toBe(`SETUP_GATEWAY_KEY='${KEY}'\nXDG_STATE_HOME='${state}'\n`);
    const mac = { ...linux, platform: 'darwin' as const };
    expect((await runCli(['relay', 'install-service', '--upstream', 'https://gw.example.com'], { env: mac })).code).toBe(0);
    const plist = await readFile(path.join(home.home, 'Library', 'LaunchAgents', 'dev.setup-gateway.relay.plist'), 'utf8');
    expect(plist).toContain(`<key>XDG_STATE_HOME</key><string>${state}</string>`);
  });
});

describe('relay processes (built CLI)', () => {
  it('foreground: serves, then stops cleanly on Ctrl-C (SIGINT) with exit 0', async () => {
    assertCliBuilt();
    home = await makeTempHome();
    upstream = await startScriptedUpstream({ protocol: 'chat', requireKey: KEY, script: () => ({ text: 'foreground ok' }) });
    const relay = (foreground = await startForegroundRelay(['--upstream', upstream.url, '--port', '0'], agentEnv(home.home, { SETUP_GATEWAY_KEY: KEY })));
    const { url } = relay;
    const out = relay.stdout();
    // Started with only --upstream, it made the install's token and says (masked) how to get it.
    const token = await readRelayToken(home.env);
    expect(token).toMatch(/^sgr-[0-9a-f]{64}$/);
    expect(out).toContain(`Clients send the local token sgr…${token?.slice(-4)} as their API key: \`setup-gateway relay token\` prints it`);
    const printed = await runCli(['relay', 'token'], { env: home.env });
    expect(printed.stdout.trim()).toBe(token);
    const body = JSON.stringify({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
    const res = await fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': token as string }, body });
    expect(((await res.json()) as { content: unknown }).content).toEqual([{ type: 'text', text: 'foreground ok' }]);
    // The old public constant, or nothing, is refused before the gateway is asked.
    const asked = upstream.requests.length;
    for (const headers of [{ 'x-api-key': LEGACY_RELAY_TOKEN }, { authorization: `Bearer ${LEGACY_RELAY_TOKEN}` }, {}] as Array<Record<string, string>>) {
      const refused = await fetch(`${url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { error: { type: string } }).error.type).toBe('authentication_error');
    }
    expect(upstream.requests).toHaveLength(asked);
    relay.child.kill('SIGINT');
    expect(await relay.exited).toBe(0);
    const err = relay.stderr();
    expect(err).toContain('stopping');
    // One log line per request, and never the key or the token.
    expect(err).toMatch(/POST \/v1\/messages -> upstream \/v1\/chat\/completions m 200/);
    expect(err).toMatch(/POST \/v1\/messages: 401, the local token is missing or wrong/);
    expect(relay.stdout() + err).not.toContain(KEY);
    expect(relay.stdout() + err).not.toContain(token);
  });

  it('foreground: a stop sent the moment the banner starts still closes it cleanly and forgets its record', async () => {
    assertCliBuilt();
    home = await makeTempHome();
    upstream = await startScriptedUpstream({ protocol: 'chat', requireKey: KEY, script: () => ({ text: 'x' }) });
    const child = spawn(process.execPath, [cliPath, 'relay', '--upstream', upstream.url, '--port', '0'], { env: agentEnv(home.home, { SETUP_GATEWAY_KEY: KEY }), stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
    // The first banner line: the run is not recorded yet, and the relay has not printed the rest.
    child.stdout.setEncoding('utf8').once('data', () => child.kill('SIGTERM'));
    expect(await exited, err).toEqual([0, null]);
    expect(err).toContain('stopping');
    await expect(stat(path.join(home.home, '.local', 'state', 'setup-gateway', 'relay.json'))).rejects.toThrow();
  });

  it('start, status, stop: a background relay recorded in the state folder', async () => {
    assertCliBuilt();
    home = await makeTempHome();
    upstream = await startScriptedUpstream({ protocol: 'anthropic', requireKey: KEY, script: () => ({ text: 'background ok' }) });
    const env = agentEnv(home.home, { SETUP_GATEWAY_KEY: KEY });
    const opts = { cwd: home.home, env, timeoutMs: 30_000 };
    const started = await runProcess(process.execPath, [cliPath, 'relay', 'start', '--upstream', upstream.url, '--port', '0', '--upstream-protocol', 'anthropic'], opts);
    expect(started.code, describeRun(started)).toBe(0);
    const url = /Relay started at (http:\/\/127\.0\.0\.1:\d+)/.exec(started.stdout)?.[1];
    expect(url, started.stdout).toBeDefined();

    const status = await runProcess(process.execPath, [cliPath, 'relay', 'status', '--json'], opts);
    expect(status.code, describeRun(status)).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ running: true, healthy: true, url, protocol: 'anthropic' });
    // Started with small semi-spaces (RELAY_NODE_FLAGS), which only node's command line can set.
    if (process.platform === 'linux') {
      const { pid } = JSON.parse(status.stdout) as { pid: number };
      expect((await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0')).toContain('--max-semi-space-size=4');
    }

    const token = (await readRelayToken(home.env)) as string;
    const chat = (u: string, key: string) =>
      fetch(`${u}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }) });
    const res = await chat(url as string, token);
    expect(((await res.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content).toBe('background ok');
    expect((await chat(url as string, LEGACY_RELAY_TOKEN)).status).toBe(401);

    const twice = await runProcess(process.execPath, [cliPath, 'relay', 'start', '--upstream', upstream.url], opts);
    expect(twice.stdout).toContain('already running');

    const stopped = await runProcess(process.execPath, [cliPath, 'relay', 'stop'], opts);
    expect(stopped.code, describeRun(stopped)).toBe(0);
    expect(stopped.stdout).toContain('Relay stopped');

    // Started again, it requires the same token: agents configured before keep working.
    const again = await runProcess(process.execPath, [cliPath, 'relay', 'start', '--upstream', upstream.url, '--port', '0', '--upstream-protocol', 'anthropic'], opts);
    expect(again.code, describeRun(again)).toBe(0);
    const url2 = /Relay started at (http:\/\/127\.0\.0\.1:\d+)/.exec(again.stdout)?.[1] as string;
    expect(await readRelayToken(home.env)).toBe(token);
    expect((await chat(url2, token)).status).toBe(200);
    expect((await chat(url2, LEGACY_RELAY_TOKEN)).status).toBe(401);
    expect((await runProcess(process.execPath, [cliPath, 'relay', 'stop'], opts)).code).toBe(0);
    const after = await runProcess(process.execPath, [cliPath, 'relay', 'status'], opts);
    expect(after.code).toBe(1);
    await expect(fetch(`${url}/`)).rejects.toThrow();
    const log = await readFile(path.join(home.home, '.local', 'state', 'setup-gateway', 'relay.log'), 'utf8');
    expect(log).toContain('listening on');
    expect(log).not.toContain(KEY);
  }, 60_000);
});

// Saved profiles through the CLI: `profile add|list|show|remove|rename`, `apply --profile`,
// `status` and `use` (one apply run, byte-exact A -> B -> A, undo of a use).
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { useProfile } from '../../src/app/use.js';
import { relayStatePath } from '../../src/core/relay-state.js';
import type { Profile } from '../../src/core/profile.js';
import { runCli } from '../support/run-cli.js';
import { makeTempHome, putBinary, type TempHome } from '../support/temp-home.js';

const KEY_A = 'sk-profile-a-key-0000';
const KEY_B = 'sk-profile-b-key-1111';
let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome({ KEY_A, KEY_B, XDG_CONFIG_HOME: '', XDG_STATE_HOME: '' });
});
afterEach(() => t.cleanup());

const cli = (...argv: string[]) => runCli(argv, { env: t.env });
const storeFile = () => path.join(t.home, '.config', 'setup-gateway', 'profiles.json');
const addAB = async () => {
  expect((await cli('profile', 'add', 'a', '--base-url', 'https://a.example.com/v1', '--key-env', 'KEY_A', '--model', 'model-a')).code).toBe(0);
  expect((await cli('profile', 'add', 'b', '--base-url', 'https://b.example.com', '--key-env', 'KEY_B', '--model', 'model-b', '--model', 'codex=codex-b')).code).toBe(0);
};

describe('profile', () => {
  it('adds profiles as key references, lists and shows them', async () => {
    await addAB();
    const stored = JSON.parse(await readFile(storeFile(), 'utf8'));
    expect(stored).toEqual({
      profiles: [
        { name: 'a', baseUrl: 'https://a.example.com/v1', model: 'model-a', key: 'env:KEY_A' },
        { name: 'b', baseUrl: 'https://b.example.com', model: 'model-b', models: { codex: 'codex-b' }, key: 'env:KEY_B' },
      ],
    });
    expect((await stat(storeFile())).mode & 0o777).toBe(0o644);
    const list = await cli('profile', 'list', '--json');
    expect(JSON.parse(list.stdout).profiles.map((p: { name: string }) => p.name)).toEqual(['a', 'b']);
    const text = await cli('profile', 'list');
    expect(text.stdout).toMatch(/^a\s+https:\/\/a\.example\.com\/v1\s+model model-a\s+key: environment variable KEY_A$/m);
    const show = await cli('profile', 'show', 'b');
    expect(show.stdout).toContain('base URL  https://b.example.com');
    expect(show.stdout).toContain('model     codex: codex-b');
    expect(JSON.parse((await cli('profile', 'show', 'a', '--json')).stdout)).toEqual(stored.profiles[0]);
  });

  it('keeps a key given by value only with --save-key, then in a 0600 file, masked in output', async () => {
    const refused = await cli('profile', 'add', 'x', '--base-url', 'https://x.example.com', '--key', 'sk-secret-value-9999');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/kept only with --save-key/);
    await expect(stat(storeFile())).rejects.toThrow();

    const saved = await runCli(['profile', 'add', 'x', '--base-url', 'https://x.example.com', '--key-stdin', '--save-key'], { env: t.env, stdin: 'sk-secret-value-9999\n' });
    expect(saved.code).toBe(0);
    expect((await stat(storeFile())).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(storeFile(), 'utf8')).profiles[0].key).toBe('sk-secret-value-9999');
    for (const run of [saved, await cli('profile', 'show', 'x'), await cli('profile', 'show', 'x', '--json'), await cli('profile', 'list', '--json')]) {
      expect(run.stdout + run.stderr).not.toContain('sk-secret-value-9999');
    }
  });

  it('stores --key-file as a file: reference, checked when added', async () => {
    const keyFile = path.join(t.home, 'gw-key');
    await writeFile(keyFile, `${KEY_A}\n`);
    expect((await cli('profile', 'add', 'f', '--base-url', 'https://f.example.com', '--key-file', keyFile)).code).toBe(0);
    expect(JSON.parse(await readFile(storeFile(), 'utf8')).profiles[0].key).toBe(`file:${keyFile}`);
    const missing = await cli('profile', 'add', 'g', '--base-url', 'https://g.example.com', '--key-file', path.join(t.home, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--key-file .*nope: cannot read the key file \(ENOENT\)/);
  });

  it('refuses bad names, duplicates, bad URLs and unknown profiles with usage errors', async () => {
    await addAB();
    const before = await readFile(storeFile(), 'utf8');
    const cases: Array<[string[], RegExp]> = [
      [['profile', 'add', 'a', '--base-url', 'https://z.example.com'], /a profile named "a" exists.*\n.*--replace/],
      [['profile', 'add', 'default', '--base-url', 'https://z.example.com'], /name: "default" is reserved/],
      [['profile', 'add', 'bad name', '--base-url', 'https://z.example.com'], /name: a profile name is/],
      [['profile', 'add', 'z', '--base-url', 'ftp://z.example.com'], /baseUrl: the scheme must be http or https/],
      [['profile', 'add', 'z'], /base-url: is required/],
      [['profile', 'show', 'nope'], /No profile named "nope"\.\n {2}Saved profiles: a, b\./],
      [['profile', 'remove', 'nope'], /No profile named "nope"/],
      [['profile', 'rename', 'a', 'b'], /a profile named "b" exists/],
      [['profile', 'rename', 'a'], /usage: profile rename OLD NEW/],
      [['profile', 'frob'], /unknown subcommand "frob"/],
      [['profile'], /say what to do/],
      [['use'], /name the profile/],
      [['use', 'nope'], /No profile named "nope"/],
      [['apply', '--profile', 'nope'], /No profile named "nope"/],
      [['apply', '--profile', 'a', '--base-url', 'https://a.example.com'], /--profile or --base-url, not both/],
    ];
    for (const [argv, message] of cases) {
      const run = await cli(...argv);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.stderr, argv.join(' ')).toMatch(message);
    }
    expect(await readFile(storeFile(), 'utf8')).toBe(before);
  });

  it('replaces, renames and removes', async () => {
    await addAB();
    expect((await cli('profile', 'add', 'a', '--base-url', 'https://a2.example.com', '--replace', '--relay', 'always')).code).toBe(0);
    expect((await cli('profile', 'rename', 'a', 'alpha')).stdout).toBe('Renamed profile "a" to "alpha".\n');
    expect((await cli('profile', 'remove', 'b')).code).toBe(0);
    expect(JSON.parse(await readFile(storeFile(), 'utf8'))).toEqual({ profiles: [{ name: 'alpha', baseUrl: 'https://a2.example.com', relay: 'always' }] });
  });

  it('reports a malformed profiles file with line and column, and writes nothing', async () => {
    await mkdir(path.dirname(storeFile()), { recursive: true });
    const broken = '{\n  "profiles": [\n    { "name": "a", }\n  ]\n}\n';
    await writeFile(storeFile(), broken);
    for (const argv of [['profile', 'list'], ['profile', 'add', 'b', '--base-url', 'https://b.example.com'], ['status'], ['use', 'a']]) {
      const run = await cli(...argv);
      expect(run.code, argv.join(' ')).toBe(1);
      expect(run.stderr).toMatch(/profiles\.json:3:20: not valid JSON \(property name expected\)/);
    }
    await writeFile(storeFile(), '{\n  "profiles": [\n    { "name": "a", "baseUrl": 42 }\n  ]\n}\n');
    const wrong = await cli('profile', 'list');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/not a profiles file:\n {2}3:31 profiles\.0\.baseUrl: Invalid input: expected string, received number/);
    expect(await readFile(storeFile(), 'utf8')).toContain('"baseUrl": 42');
  });

  it('has --help with examples for profile, use and status, and lists them in the main help', async () => {
    for (const command of ['profile', 'use', 'status']) {
      const run = await cli(command, '--help');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: setup-gateway ${command}`));
      expect(run.stdout).toContain('Examples:');
    }
    const main = await cli('--help');
    expect(main.stdout).toMatch(/^ {2}profile {3}/m);
    expect(main.stdout).toMatch(/^ {2}use {7}/m);
    expect(main.stdout).toMatch(/^ {2}status {4}/m);
  });
});

describe('status', () => {
  it('names each agent by profile, default, its vendor or another gateway, with the model', async () => {
    await addAB();
    await putBinary(t.home, 'aider');
    await putBinary(t.home, 'codex');
    await putBinary(t.home, 'claude');
    expect((await cli('apply', '--profile', 'a', '--agent', 'aider')).code).toBe(0);
    expect((await cli('apply', '--base-url', 'https://plain.example.com', '--key', KEY_A, '--model', 'm0', '--agent', 'codex')).code).toBe(0);
    await mkdir(path.join(t.home, '.claude'));
    await writeFile(path.join(t.home, '.claude/settings.json'), '{"env":{"ANTHROPIC_BASE_URL":"https://elsewhere.example.org"}}');

    const run = await cli('status', '--json');
    expect(run.code).toBe(0);
    const byId = Object.fromEntries(JSON.parse(run.stdout).agents.map((a: { id: string }) => [a.id, a]));
    expect(byId.aider).toEqual({ id: 'aider', name: 'Aider', installed: true, via: 'profile', profile: 'a', url: 'https://a.example.com', model: 'model-a', managed: true, doctor: null });
    expect(byId.codex).toMatchObject({ via: 'profile', profile: 'default', url: 'https://plain.example.com', model: 'm0', managed: true });
    expect(byId['claude-code']).toMatchObject({ via: 'other', profile: null, url: 'https://elsewhere.example.org', managed: false });

    const text = await cli('status');
    expect(text.stdout).toMatch(/^Aider: profile a \(https:\/\/a\.example\.com\), model model-a; not checked by doctor yet$/m);
    expect(text.stdout).toMatch(/^Claude Code: another gateway \(https:\/\/elsewhere\.example\.org\)/m);

    // Changed by hand: the files say so, whatever the record says.
    await writeFile(path.join(t.home, '.claude/settings.json'), '{}');
    await writeFile(path.join(t.home, '.aider.conf.yml'), 'openai-api-base: https://api.openai.com/v1\n');
    const after = Object.fromEntries(JSON.parse((await cli('status', '--json')).stdout).agents.map((a: { id: string }) => [a.id, a]));
    expect(after['claude-code']).toMatchObject({ via: 'vendor', url: null, managed: false });
    expect(after.aider).toMatchObject({ via: 'vendor', url: 'https://api.openai.com', managed: false });
  });

  it('recognises the local relay', async () => {
    await addAB();
    expect((await cli('apply', '--profile', 'a', '--agent', 'claude-code', '--relay', 'always')).code).toBe(0);
    const [claude] = JSON.parse((await cli('status', '--json')).stdout).agents;
    expect(claude).toMatchObject({ id: 'claude-code', via: 'relay', profile: 'a', url: 'http://127.0.0.1:4850', managed: true });
    expect((await cli('status')).stdout).toMatch(/^Claude Code: the local relay \(http:\/\/127\.0\.0\.1:4850\), last applied with profile a, model model-a; not checked by doctor yet$/m);
  });

  it("counts the relay's findings only for the agents that go through it", async () => {
    await addAB();
    await putBinary(t.home, 'aider');
    expect((await cli('apply', '--profile', 'a', '--agent', 'claude-code', '--relay', 'always')).code).toBe(0);
    expect((await cli('apply', '--profile', 'a', '--agent', 'aider')).code).toBe(0);
    const doctor = JSON.parse((await cli('doctor', '--offline', '--json')).stdout) as { findings: Array<{ code: string; level: string; agent?: string }> };
    const relay = doctor.findings.filter((f) => f.agent === undefined && f.code.startsWith('RELAY_') && f.level === 'error');
    expect(relay.map((f) => f.code)).toEqual(['RELAY_DOWN']);
    const byId = Object.fromEntries(JSON.parse((await cli('status', '--json')).stdout).agents.map((a: { id: string }) => [a.id, a]));
    expect(byId['claude-code'].doctor).toMatchObject({ passed: false, codes: expect.arrayContaining(['RELAY_DOWN']) });
    expect(byId.aider.doctor.codes).not.toContain('RELAY_DOWN');
  });

  it("says whether doctor's last check of each agent passed, and when it predates a change", async () => {
    await addAB();
    await putBinary(t.home, 'aider');
    await putBinary(t.home, 'codex');
    expect((await cli('apply', '--profile', 'a', '--agent', 'aider', '--agent', 'codex')).code).toBe(0);
    const statusOf = async () => Object.fromEntries(JSON.parse((await cli('status', '--json')).stdout).agents.map((a: { id: string }) => [a.id, a]));
    expect((await statusOf()).aider.doctor).toBeNull();

    expect((await cli('doctor', '--offline')).code).toBe(0);
    const passed = await statusOf();
    expect(passed.aider.doctor).toMatchObject({ passed: true, errors: 0, offline: true, outdated: false });
    expect(Date.now() - Date.parse(passed.aider.doctor.at)).toBeLessThan(60_000);
    expect((await cli('status')).stdout).toMatch(/^Aider: profile a \(https:\/\/a\.example\.com\), model model-a; doctor passed offline \(the gateway was not asked\), just now$/m);

    // Aider's key taken out by hand: doctor (this agent only) fails it; Codex keeps its result.
    const conf = path.join(t.home, '.aider.conf.yml');
    await writeFile(conf, (await readFile(conf, 'utf8')).replace(/^openai-api-key:.*\n/m, ''));
    expect((await cli('doctor', '--offline', '--agent', 'aider')).code).toBe(1);
    const failedNow = await statusOf();
    expect(failedNow.aider.doctor).toMatchObject({ passed: false, outdated: false });
    expect(failedNow.aider.doctor.errors).toBeGreaterThan(0);
    expect(failedNow.codex.doctor).toEqual(passed.codex.doctor);
    const line = (await cli('status')).stdout.split('\n').find((l) => l.startsWith('Aider:'));
    expect(line).toMatch(new RegExp(`; doctor found \\d+ errors? \\(${failedNow.aider.doctor.codes[0]}\\), just now$`));

    // A switch since: the results predate it, and say so.
    expect((await cli('use', 'b', '--yes')).code).toBe(0);
    const switched = await statusOf();
    expect(switched.codex.doctor.outdated).toBe(true);
    expect((await cli('status')).stdout).toMatch(/^Codex CLI: profile b .*; doctor passed offline \(the gateway was not asked\), just now, before setup-gateway last changed it$/m);
  });
});

describe('use', () => {
  const homeFiles = async (): Promise<Record<string, string>> => {
    const out: Record<string, string> = {};
    for (const entry of await readdir(t.home, { recursive: true, withFileTypes: true })) {
      const full = path.join(entry.parentPath, entry.name);
      // Our own state (journal, backups, the record) and the profiles are not the agents' files.
      if (!entry.isFile() || /[/\\](\.local[/\\]state|\.config[/\\]setup-gateway|bin)[/\\]/.test(full)) continue;
      out[path.relative(t.home, full)] = (await readFile(full)).toString('base64');
    }
    return out;
  };

  it('switches every routed agent A -> B -> A byte for byte in one undoable run each, over messy files', async () => {
    await addAB();
    const corpus = path.join(import.meta.dirname, '..', 'fixtures', 'corpus');
    await mkdir(path.join(t.home, '.claude'));
    await mkdir(path.join(t.home, '.codex'));
    await writeFile(path.join(t.home, '.claude/settings.json'), await readFile(path.join(corpus, 'json', 'claude-settings-comments.jsonc')));
    await writeFile(path.join(t.home, '.codex/config.toml'), await readFile(path.join(corpus, 'toml', 'codex-commented.toml')));
    await writeFile(path.join(t.home, '.aider.conf.yml'), '# mine\nauto-commits: false   # keep\r\nopenai-api-base: https://old.example.com/v1\n');
    for (const bin of ['claude', 'codex', 'aider', 'opencode']) await putBinary(t.home, bin);
    // opencode stays on its vendor: `use` must leave it alone.
    expect((await cli('apply', '--profile', 'a', '--agent', 'claude-code', '--agent', 'codex', '--agent', 'aider', '--yes')).code).toBe(0);
    const afterA = await homeFiles();

    const dry = await cli('use', 'b', '--dry-run');
    expect(dry.code).toBe(0);
    expect(await homeFiles()).toEqual(afterA);

    const toB = await cli('use', 'b', '--json', '--yes');
    expect(toB.code).toBe(0);
    const docB = JSON.parse(toB.stdout);
    expect(docB.agents.map((a: { id: string }) => a.id).sort()).toEqual(['aider', 'claude-code', 'codex']);
    expect(toB.stdout).not.toContain(KEY_B);
    const afterB = await homeFiles();
    expect(afterB).not.toEqual(afterA);
    const statusB = JSON.parse((await cli('status', '--json')).stdout).agents;
    expect(statusB.filter((a: { managed: boolean }) => a.managed).map((a: { id: string; profile: string; model: string }) => [a.id, a.profile, a.model])).toEqual([
      ['claude-code', 'b', 'model-b'],
      ['codex', 'b', 'codex-b'],
      ['aider', 'b', 'model-b'],
    ]);
    expect(statusB.find((a: { id: string }) => a.id === 'opencode')).toMatchObject({ via: 'vendor', managed: false });

    expect((await cli('use', 'a', '--yes')).code).toBe(0);
    expect(await homeFiles()).toEqual(afterA);

    // Undo of a use is one entry and puts the previous profile back exactly.
    const list = JSON.parse((await cli('undo', '--list', '--json')).stdout).applies;
    expect(list).toHaveLength(3);
    expect((await cli('undo')).code).toBe(0);
    expect(await homeFiles()).toEqual(afterB);
    expect((await cli('undo')).code).toBe(0);
    expect(await homeFiles()).toEqual(afterA);
  });

  it('switches every agent of the registry A -> B -> A byte for byte when the profiles share the model', async () => {
    // (Agents that keep a list of models (Crush, Goose, Kilo, opencode, Zed) gain the other
    // profile's model in that list when the models differ: not covered here.)
    expect((await cli('profile', 'add', 'a', '--base-url', 'https://a.example.com', '--key-env', 'KEY_A', '--model', 'm', '--relay', 'never')).code).toBe(0);
    expect((await cli('profile', 'add', 'b', '--base-url', 'https://b.example.com/v1', '--key-env', 'KEY_B', '--model', 'm', '--relay', 'never')).code).toBe(0);
    const { recipes } = await import('../../recipes/index.js');
    const ids = recipes.filter((r) => !r.explicitOnly).map((r) => r.id);
    expect(ids.length).toBeGreaterThanOrEqual(10);
    expect((await cli('apply', '--profile', 'a', '--yes', ...ids.flatMap((id) => ['--agent', id]))).code).toBe(0);
    const afterA = await homeFiles();
    expect((await cli('use', 'b', '--yes')).code).toBe(0);
    const afterB = await homeFiles();
    expect(Object.keys(afterB).sort()).toEqual(Object.keys(afterA).sort());
    expect(afterB).not.toEqual(afterA);
    expect((await cli('use', 'a', '--yes')).code).toBe(0);
    expect(await homeFiles()).toEqual(afterA);
  });

  it('switches only the agents named, and says when nothing routes through setup-gateway', async () => {
    await addAB();
    const none = await cli('use', 'a');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/No agent routes through setup-gateway now/);
    expect((await cli('apply', '--profile', 'a', '--agent', 'aider', '--agent', 'codex')).code).toBe(0);
    expect((await cli('use', 'b', '--agent', 'codex')).code).toBe(0);
    expect(await readFile(path.join(t.home, '.aider.conf.yml'), 'utf8')).toContain('a.example.com');
    expect(await readFile(path.join(t.home, '.codex/config.toml'), 'utf8')).toContain('b.example.com');
  });

  it('fails clearly when the profile key reference cannot be resolved, writing nothing', async () => {
    expect((await cli('profile', 'add', 'c', '--base-url', 'https://c.example.com', '--key-env', 'KEY_A')).code).toBe(0);
    const run = await runCli(['apply', '--profile', 'c', '--agent', 'aider'], { env: { ...t.env, env: { ...t.env.env, KEY_A: '' } } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/the profile's key comes from environment variable KEY_A, which is not set or empty/);
    await expect(stat(path.join(t.home, '.aider.conf.yml'))).rejects.toThrow();
  });
});

describe('use and a running relay', () => {
  /** A process that passes for our relay (its arguments name `relay`), recorded as forwarding to profile a. */
  const fakeRelay = async () => {
    // timing: a stand-in process that lives until killed; nothing waits on its timer.
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'relay'], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('spawn', resolve));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const state = { pid: child.pid, url: 'http://127.0.0.1:1', upstream: ['https://a.example.com/v1'], protocol: 'openai', startedAt: new Date().toISOString(), log: '' };
    await mkdir(path.dirname(relayStatePath(t.env)), { recursive: true });
    await writeFile(relayStatePath(t.env), JSON.stringify(state));
    return { child, exited };
  };
  const world = (started: Profile[], confirm?: () => Promise<boolean>) => ({
    env: t.env,
    fetch: async () => new Response('no network in tests', { status: 599 }),
    version: '0.0.0-test',
    keys: { env: t.env.env, readStdin: async () => '' },
    startRelay: async (_env: unknown, profile: Profile, url: string) => {
      started.push(profile);
      return { pid: 1, url, upstream: [profile.urls.openai], protocol: 'openai', startedAt: '', log: '' };
    },
    ...(confirm ? { confirm } : {}),
  });

  it('restarts a relay that forwards to the old gateway (with consent), and says so when not allowed', async () => {
    await addAB();
    expect((await cli('profile', 'add', 'c', '--base-url', 'https://c.example.com', '--key-env', 'KEY_B', '--model', 'mc', '--relay', 'always')).code).toBe(0);
    expect((await cli('apply', '--profile', 'a', '--agent', 'claude-code', '--relay', 'always')).code).toBe(0);
    const { child, exited } = await fakeRelay();
    try {
      const started: Profile[] = [];
      const refused = await useProfile({ profile: 'c', agents: [], dryRun: false, yes: false }, world(started, async () => false));
      expect(refused).toMatchObject({ kind: 'done', agents: ['claude-code'], relayUpstream: { was: ['https://a.example.com/v1'], restarted: false } });
      expect(started).toEqual([]);

      const restarted = await useProfile({ profile: 'c', agents: [], dryRun: false, yes: true }, world(started));
      expect(restarted).toMatchObject({ kind: 'done', relayUpstream: { restarted: true }, relay: { running: true, url: 'http://127.0.0.1:1' } });
      expect(started.map((p) => p.urls.openai)).toEqual(['https://c.example.com/v1']);
      await exited;
    } finally {
      child.kill();
    }
  });
});

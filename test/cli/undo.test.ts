// apply then undo through the CLI: byte-exact restore, created files removed, list and ids.
import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempHome, putBinary, type TempHome } from '../support/temp-home.js';
import { runCli } from '../support/run-cli.js';

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome({ XDG_STATE_HOME: '' });
});
afterEach(() => t.cleanup());

const apply = (url: string, ...agents: string[]) =>
  runCli(['apply', '--base-url', url, '--key', 'sk-undo-test-key-0000', '--model', 'm', '--yes', ...agents.flatMap((a) => ['--agent', a])], { env: t.env });

describe('undo', () => {
  it('restores modified files byte for byte (mode too) and removes created ones', async () => {
    const settings = '\uFEFF{\r\n\t// mine\r\n\t"env": { "ANTHROPIC_API_KEY": "sk-ant-x" },\r\n\t"theme": "dark",\r\n}';
    await mkdir(path.join(t.home, '.claude'));
    await writeFile(path.join(t.home, '.claude/settings.json'), settings);
    await chmod(path.join(t.home, '.claude/settings.json'), 0o664);
    expect((await apply('https://gw.example.com', 'claude-code', 'codex')).code).toBe(0);
    expect(await readFile(path.join(t.home, '.claude/settings.json'), 'utf8')).not.toBe(settings);

    const run = await runCli(['undo', '--json'], { env: t.env });
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.files.map((f: { status: string }) => f.status).sort()).toEqual(['removed', 'removed', 'restored']);
    expect(await readFile(path.join(t.home, '.claude/settings.json'), 'utf8')).toBe(settings);
    expect((await stat(path.join(t.home, '.claude/settings.json'))).mode & 0o777).toBe(0o664);
    await expect(stat(path.join(t.home, '.claude.json'))).rejects.toThrow();
    await expect(stat(path.join(t.home, '.codex'))).rejects.toThrow();
    // Only our state folder is left besides what the user had.
    expect((await readdir(t.home)).sort()).toEqual(['.claude', '.local']);
  });

  it('lists applies and undoes the one named', async () => {
    await apply('https://one.example.com', 'aider');
    await apply('https://two.example.com', 'aider');
    const list = JSON.parse((await runCli(['undo', '--list', '--json'], { env: t.env })).stdout);
    expect(list.applies.map((a: { baseUrl: string }) => a.baseUrl)).toEqual(['https://two.example.com/v1', 'https://one.example.com/v1']);

    // Undoing the older one while the newer one's bytes are in the file: reported, not clobbered.
    const older = list.applies[1].id;
    const run = await runCli(['undo', '--id', older], { env: t.env });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/changed since setup-gateway wrote it: left alone/);
    expect(await readFile(path.join(t.home, '.aider.conf.yml'), 'utf8')).toContain('two.example.com');

    // Undo in order: newest, then the older one, brings the home back to empty.
    expect((await runCli(['undo'], { env: t.env })).code).toBe(0);
    expect(await readFile(path.join(t.home, '.aider.conf.yml'), 'utf8')).toContain('one.example.com');
    expect((await runCli(['undo'], { env: t.env })).code).toBe(0);
    await expect(stat(path.join(t.home, '.aider.conf.yml'))).rejects.toThrow();
    const again = await runCli(['undo'], { env: t.env });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/Nothing to undo/);
    expect(again.stderr).toContain('setup-gateway undo --list'); // a next step, not a dead end
  });

  it('--dry-run shows what would be restored and removed, with the diffs and keys masked, and changes nothing', async () => {
    const settings = '{\n  "env": { "ANTHROPIC_API_KEY": "sk-ant-undo-old-0000" }\n}\n';
    await mkdir(path.join(t.home, '.claude'));
    await writeFile(path.join(t.home, '.claude/settings.json'), settings);
    expect((await apply('https://gw.example.com', 'claude-code')).code).toBe(0);
    const written = await readFile(path.join(t.home, '.claude/settings.json'), 'utf8');
    const run = await runCli(['undo', '--dry-run'], { env: t.env });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Dry run: nothing is changed/);
    expect(run.stdout).toMatch(/restore ~\/\.claude\/settings\.json/);
    expect(run.stdout).toMatch(/remove \(setup-gateway created it\) ~\/\.claude\.json/);
    expect(run.stdout).toMatch(/\+\s+"env": \{ "ANTHROPIC_API_KEY": "sk-…0000" \}/);
    expect(run.stdout).not.toContain('sk-undo-test-key-0000');
    expect(run.stdout).not.toContain('sk-ant-undo-old');
    expect(run.stdout).toContain('To do it: setup-gateway undo');
    expect(await readFile(path.join(t.home, '.claude/settings.json'), 'utf8')).toBe(written);
    expect(await stat(path.join(t.home, '.claude.json'))).toBeTruthy();
  });

  it('on a terminal asks before changing anything; no keeps every file, --yes does not ask', async () => {
    expect((await apply('https://gw.example.com', 'aider')).code).toBe(0);
    const no = await runCli(['undo'], { env: t.env, interactive: true, answer: false });
    expect(no.asked).toEqual(['Restore and remove these files?']);
    expect(no.stdout).toMatch(/remove \(setup-gateway created it\) ~\/\.aider\.conf\.yml/);
    expect(no.code).toBe(1);
    expect(no.stderr).toContain('Nothing was changed.');
    expect(await stat(path.join(t.home, '.aider.conf.yml'))).toBeTruthy();
    const yes = await runCli(['undo', '--yes'], { env: t.env, interactive: true, answer: false });
    expect(yes.asked).toEqual([]);
    expect(yes.code).toBe(0);
    await expect(stat(path.join(t.home, '.aider.conf.yml'))).rejects.toThrow();
  });

  it('rejects a malformed id as a usage error', async () => {
    const run = await runCli(['undo', '--id', '../../etc'], { env: t.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/id: is not an apply id/);
  });
});

describe('undo --list and the record status reads', () => {
  const KEY = 'sk-undo-test-key-0000';
  const cli = (...argv: string[]) => runCli(argv, { env: { ...t.env, env: { ...t.env.env, KEY_A: KEY, KEY_B: KEY } } });
  const profile = async (name: string, url: string, ...more: string[]) =>
    expect((await cli('profile', 'add', name, '--base-url', url, '--key-env', `KEY_${name.toUpperCase()}`, '--model', `model-${name}`, ...more)).code).toBe(0);
  const runsDir = () => path.join(t.home, '.local/state/setup-gateway/runs');

  it('names each run by the command that made it; a run recorded before that is an apply', async () => {
    await profile('a', 'https://a.example.com');
    await profile('b', 'https://b.example.com');
    expect((await apply('https://gw.example.com', 'aider')).code).toBe(0);
    expect((await cli('apply', '--profile', 'a', '--agent', 'aider')).code).toBe(0);
    expect((await cli('use', 'b')).code).toBe(0);
    expect((await cli('doctor', '--fix', '--yes', '--offline', '--agent', 'aider', '--base-url', 'https://c.example.com', '--key-env', 'KEY_A')).code).toBe(0);
    expect((await cli('use', '--vendor', '--agent', 'aider')).code).toBe(0);
    expect((await cli('relay', 'rotate-token')).code).toBe(0);

    // The first run as an older version wrote it: no command, profile or models in its journal.
    const files = (await readdir(runsDir())).map((id) => path.join(runsDir(), id, 'journal.json'));
    const journals = await Promise.all(files.map(async (f) => ({ file: f, doc: JSON.parse(await readFile(f, 'utf8')) })));
    const { file, doc } = journals.find((j) => j.doc.seq === 1) as (typeof journals)[number];
    const { by: _by, profile: _profile, models: _models, ...old } = doc;
    await writeFile(file, JSON.stringify(old));

    const list = JSON.parse((await cli('undo', '--list', '--json')).stdout).applies as Array<{ by: string }>;
    expect(list.map((a) => a.by)).toEqual(['relay rotate-token', 'use --vendor', 'doctor --fix', 'use b', 'apply --profile a', 'apply']);
    const text = (await cli('undo', '--list')).stdout;
    expect(text).toMatch(/^\S+ {2}\S+ {2}use b: aider {2}https:\/\/b\.example\.com\/v1$/m);
    expect(text).toMatch(/^\S+ {2}\S+ {2}use --vendor: aider$/m);
    expect(text).toMatch(/^\S+ {2}\S+ {2}doctor --fix: aider {2}https:\/\/c\.example\.com\/v1$/m);
    // The run undone is named the same way.
    expect((await cli('undo')).stdout).toMatch(/^Undoing \S+ \(relay rotate-token: relay-token\):$/m);
    expect((await cli('undo', '--dry-run')).stdout).toMatch(/^Dry run: nothing is changed\. Undoing \S+ \(\S+, use --vendor: aider\) would:$/m);
  });

  it('undo puts back the profile status names: the one applied before', async () => {
    await putBinary(t.home, 'aider');
    await mkdir(path.join(t.home, 'team'));
    for (const name of ['one', 'two']) {
      await writeFile(path.join(t.home, 'team', `${name}.json`), JSON.stringify({ name: `team-${name}`, baseUrl: `https://${name}.example.com/v1`, model: `m-${name}`, key: 'env:KEY_A' }));
    }
    const status = async () => JSON.parse((await cli('status', '--json')).stdout).agents.find((a: { id: string }) => a.id === 'aider');
    expect((await cli('apply', '--profile', path.join(t.home, 'team/one.json'), '--agent', 'aider')).code).toBe(0);
    expect((await cli('apply', '--profile', path.join(t.home, 'team/two.json'), '--agent', 'aider')).code).toBe(0);
    expect(await status()).toMatchObject({ via: 'profile', profile: 'team-two', url: 'https://two.example.com', model: 'm-two' });
    expect((await cli('undo')).code).toBe(0);
    expect(await status()).toMatchObject({ via: 'profile', profile: 'team-one', url: 'https://one.example.com', model: 'm-one', managed: true });
    expect((await cli('undo')).code).toBe(0);
    expect(await status()).toMatchObject({ via: 'vendor', profile: null, managed: false });
    const record = JSON.parse(await readFile(path.join(t.home, '.local/state/setup-gateway/applied.json'), 'utf8'));
    expect(record.agents).toEqual({});
  });

  it('undo of a use through the relay names the profile applied before', async () => {
    await profile('a', 'https://a.example.com', '--relay', 'always');
    await profile('b', 'https://b.example.com', '--relay', 'always');
    expect((await cli('apply', '--profile', 'a', '--agent', 'claude-code')).code).toBe(0);
    expect((await cli('use', 'b')).code).toBe(0);
    expect((await cli('status')).stdout).toMatch(/^Claude Code: the local relay \(http:\/\/127\.0\.0\.1:4850\), last applied with profile b, model model-b; not checked by doctor yet$/m);
    expect((await cli('undo')).code).toBe(0);
    expect((await cli('status')).stdout).toMatch(/^Claude Code: the local relay \(http:\/\/127\.0\.0\.1:4850\), last applied with profile a, model model-a; not checked by doctor yet$/m);
  });
});

describe('detect and recipes', () => {
  it('detect --json lists every agent, found or not', async () => {
    await mkdir(path.join(t.home, '.codex'));
    const run = await runCli(['detect', '--json'], { env: t.env });
    expect(run.code).toBe(0);
    const agents = JSON.parse(run.stdout).agents as Array<{ id: string; found: boolean }>;
    const { recipes } = await import('../../recipes/index.js');
    expect(agents.map((a) => a.id)).toEqual(recipes.map((r) => r.id));
    expect(agents.filter((a) => a.found).map((a) => a.id)).toEqual(['codex']);
  });

  it('apply without --agent configures only the detected agents', async () => {
    await mkdir(path.join(t.home, '.codex'));
    const run = await runCli(['apply', '--base-url', 'https://gw', '--key', 'k-123456789012', '--model', 'm', '--json'], { env: t.env });
    expect(JSON.parse(run.stdout).agents.map((a: { id: string }) => a.id)).toEqual(['codex']);
  });

  it('apply with nothing detected says so and fails', async () => {
    const run = await runCli(['apply', '--base-url', 'https://gw', '--key', 'k-123456789012'], { env: t.env });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/No supported agent was detected/);
  });

  it('recipes --json says what each agent gets, where', async () => {
    const run = await runCli(['recipes', '--json'], { env: t.env });
    const recipes = JSON.parse(run.stdout).recipes as Array<{ id: string; files: Array<{ path: string; keys: string[] }> }>;
    const codex = recipes.find((r) => r.id === 'codex');
    expect(codex?.files[0]?.path).toBe(path.join(t.home, '.codex/config.toml'));
    expect(codex?.files[0]?.keys).toContain('model_providers.setup-gateway.base_url');
    expect(recipes.find((r) => r.id === 'claude-code')?.files.map((f) => f.path)).toEqual([
      path.join(t.home, '.claude/settings.json'),
      path.join(t.home, '.claude.json'),
    ]);
  });

  it('recipes --json lists each agent\'s model slots, whether each can be routed, and its telemetry switch', async () => {
    const run = await runCli(['recipes', '--json'], { env: t.env });
    type Listed = { id: string; slots: Array<{ role: string; keys: string[]; routable: boolean; writes: string }>; telemetry?: { hosts: string[]; off: string } };
    const recipes = JSON.parse(run.stdout).recipes as Listed[];
    const aider = recipes.find((r) => r.id === 'aider');
    expect(aider?.slots.map((s) => [s.role, s.keys.join(','), s.routable, s.writes])).toEqual([
      ['main', 'model', true, 'main'],
      ['small', 'weak-model', true, 'small'],
      ['editor', 'editor-model', true, 'main'],
    ]);
    const claude = recipes.find((r) => r.id === 'claude-code');
    expect(claude?.slots.find((s) => s.role === 'small')?.keys).toEqual(['env.ANTHROPIC_DEFAULT_HAIKU_MODEL', 'env.ANTHROPIC_SMALL_FAST_MODEL']);
    expect(claude?.telemetry?.off).toContain('CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1');
    expect(recipes.find((r) => r.id === 'copilot')?.slots.find((s) => s.role === 'autocomplete')).toMatchObject({ routable: false, writes: 'none' });
    const text = await runCli(['recipes'], { env: t.env });
    expect(text.stdout).toMatch(/autocomplete model: inline suggestions: cannot be routed/);
  });

  it('--help and --version', async () => {
    const help = await runCli(['--help'], { env: t.env });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes: 0 ok, 1 failure, 2 usage error, 3 changes pending \(apply --check\)/);
    expect(help.stdout).toMatch(/undo .*--dry-run/);
    expect((await runCli(['apply', '--help'], { env: t.env })).stdout).toMatch(/--key-stdin/);
    expect((await runCli(['--version'], { env: t.env })).stdout).toBe('0.0.0-test\n');
    expect((await runCli([], { env: t.env })).code).toBe(2);
  });
});

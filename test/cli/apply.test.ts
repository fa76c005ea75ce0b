// `apply` end to end in-process, in a temp home: plans, writes, idempotency, consent, errors.
import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { environmentFrom } from '../../src/core/environment.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';
import { modelsFetch, runCli } from '../support/run-cli.js';

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome();
});
afterEach(() => t.cleanup());

const KEY = `sk-test-"q'#$x\\y-1234`;
const base = ['apply', '--base-url', 'https://gw.example.com/v1/', '--key', KEY];
const read = (p: string) => readFile(path.join(t.home, p), 'utf8');

describe('apply', () => {
  it('configures Claude Code, Codex and Aider so each reads the gateway, key and model', async () => {
    const run = await runCli([...base, '--agent', 'claude-code', '--agent', 'codex', '--agent', 'aider', '--model', 'gw-model', '--json'], { env: t.env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.agents.map((a: { id: string; status: string }) => [a.id, a.status])).toEqual([
      ['claude-code', 'updated'],
      ['codex', 'updated'],
      ['aider', 'updated'],
    ]);

    const claude = JSON.parse(await read('.claude/settings.json'));
    expect(claude.env).toEqual({
      ANTHROPIC_BASE_URL: 'https://gw.example.com',
      ANTHROPIC_AUTH_TOKEN: KEY,
      CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS: '1',
      ANTHROPIC_MODEL: 'gw-model',
      ANTHROPIC_DEFAULT_OPUS_MODEL: 'gw-model',
      ANTHROPIC_DEFAULT_SONNET_MODEL: 'gw-model',
      ANTHROPIC_DEFAULT_HAIKU_MODEL: 'gw-model',
    });
    expect(JSON.parse(await read('.claude.json'))).toEqual({ hasCompletedOnboarding: true });

    const codex = parseToml(await read('.codex/config.toml'));
    expect(codex).toEqual({
      model: 'gw-model',
      model_provider: 'setup-gateway',
      model_providers: {
        'setup-gateway': {
          name: 'AI gateway (setup-gateway)',
          base_url: 'https://gw.example.com/v1',
          wire_api: 'responses',
          experimental_bearer_token: KEY,
        },
      },
    });

    expect(parseYaml(await read('.aider.conf.yml'))).toEqual({
      'openai-api-base': 'https://gw.example.com/v1',
      'openai-api-key': KEY,
      model: 'openai/gw-model',
      // Commit messages, summaries and architect mode's edits go through the gateway too.
      'weak-model': 'openai/gw-model',
      'editor-model': 'openai/gw-model',
    });

    for (const f of ['.claude/settings.json', '.codex/config.toml', '.aider.conf.yml']) {
      expect((await stat(path.join(t.home, f))).mode & 0o777, f).toBe(0o600);
    }
    expect((await stat(path.join(t.home, '.claude.json'))).mode & 0o777).toBe(0o644);
    // The key is never printed.
    expect(run.stdout).not.toContain('q\'#$x');
  });

  it('changes nothing on a second run and says unchanged', async () => {
    const args = [...base, '--agent', 'claude-code', '--agent', 'codex', '--agent', 'aider', '--model', 'm', '--json'];
    await runCli(args, { env: t.env });
    const before = await Promise.all(['.claude/settings.json', '.claude.json', '.codex/config.toml', '.aider.conf.yml'].map(read));
    const second = await runCli(args, { env: t.env });
    expect(second.code).toBe(0);
    const doc = JSON.parse(second.stdout);
    expect(doc.agents.every((a: { status: string }) => a.status === 'unchanged')).toBe(true);
    expect(doc.runId).toBeNull();
    const after = await Promise.all(['.claude/settings.json', '.claude.json', '.codex/config.toml', '.aider.conf.yml'].map(read));
    expect(after).toEqual(before);
  });

  it('keeps everything else in an existing Claude settings file and only sets the one key in ~/.claude.json', async () => {
    await mkdir(path.join(t.home, '.claude'));
    const settings = '{\n    "permissions": {"allow": ["Bash(ls)"]},\n    "env": {\n        "FOO": "bar"\n    }\n}\n';
    await writeFile(path.join(t.home, '.claude/settings.json'), settings);
    const globalFile = '{"numStartups":3,"projects":{"/x":{"allowedTools":[]}},"userID":"abc"}';
    await writeFile(path.join(t.home, '.claude.json'), globalFile);
    const run = await runCli([...base, '--agent', 'claude-code'], { env: t.env });
    expect(run.code).toBe(0);
    const written = await read('.claude/settings.json');
    expect(written.startsWith('{\n    "permissions": {"allow": ["Bash(ls)"]},\n    "env": {\n        "FOO": "bar",\n')).toBe(true);
    const g = await read('.claude.json');
    expect(g.startsWith(globalFile.slice(0, -1))).toBe(true);
    expect(JSON.parse(g)).toEqual({ ...JSON.parse(globalFile), hasCompletedOnboarding: true });
  });

  describe('ANTHROPIC_API_KEY in the settings env block', () => {
    const withApiKey = async () => {
      await mkdir(path.join(t.home, '.claude'));
      await writeFile(path.join(t.home, '.claude/settings.json'), '{"env":{"ANTHROPIC_API_KEY":"sk-ant-old-key-0000"}}\n');
    };

    it('is left, and reported, without consent', async () => {
      await withApiKey();
      const run = await runCli([...base, '--agent', 'claude-code'], { env: t.env });
      expect(run.code).toBe(0);
      expect(JSON.parse(await read('.claude/settings.json')).env.ANTHROPIC_API_KEY).toBe('sk-ant-old-key-0000');
      // The reason, then what to do: not the question ("Remove it?") cut in half.
      expect(run.stdout).toMatch(/Left env\.ANTHROPIC_API_KEY in ~\/\.claude\/settings\.json: ANTHROPIC_API_KEY in the settings env block .* at a gateway\. Run again with --yes to remove it\./);
      expect(run.stdout).not.toContain('sk-ant-old-key-0000');
    });

    it('is removed with --yes', async () => {
      await withApiKey();
      const run = await runCli([...base, '--agent', 'claude-code', '--yes'], { env: t.env });
      expect(run.code).toBe(0);
      expect(JSON.parse(await read('.claude/settings.json')).env).not.toHaveProperty('ANTHROPIC_API_KEY');
      expect(run.stdout).toMatch(/Removed env\.ANTHROPIC_API_KEY/);
    });

    it('is masked in the diff that removes it', async () => {
      await withApiKey();
      const run = await runCli([...base, '--agent', 'claude-code', '--yes', '--dry-run'], { env: t.env });
      expect(run.stdout).toContain('-{"env":{"ANTHROPIC_API_KEY":"sk-…0000"}}');
      expect(run.stdout).not.toContain('sk-ant-old-key');
    });

    it('is asked about on a terminal, and removed when the user agrees', async () => {
      await withApiKey();
      const run = await runCli([...base, '--agent', 'claude-code'], { env: t.env, interactive: true, answer: true });
      expect(run.asked).toHaveLength(1);
      expect(run.asked[0]).toMatch(/ANTHROPIC_API_KEY/);
      expect(JSON.parse(await read('.claude/settings.json')).env).not.toHaveProperty('ANTHROPIC_API_KEY');
    });
  });

  it('--dry-run prints masked diffs and writes nothing', async () => {
    const run = await runCli([...base, '--agent', 'codex', '--agent', 'claude-code', '--model', 'm', '--dry-run'], { env: t.env });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('+++ ~/.codex/config.toml');
    expect(run.stdout).toContain('+experimental_bearer_token = "sk-…1234"');
    expect(run.stdout).toContain('+    "ANTHROPIC_AUTH_TOKEN": "sk-…1234"');
    expect(run.stdout).not.toContain('q\'#');
    expect(run.stdout).not.toContain('\\"q');
    expect(await readdir(t.home)).toEqual([]);
  });

  it('--dry-run --json carries the diff per agent, masked', async () => {
    const run = await runCli([...base, '--agent', 'aider', '--model', 'm', '--dry-run', '--json'], { env: t.env });
    const doc = JSON.parse(run.stdout);
    expect(doc.dryRun).toBe(true);
    expect(doc.agents[0].diff).toContain("+openai-api-base: https://gw.example.com/v1");
    expect(doc.agents[0].diff).not.toContain('#$x');
    expect(await readdir(t.home)).toEqual([]);
  });

  it('stops an agent whose file does not parse, names line and column, and goes on with the others', async () => {
    await mkdir(path.join(t.home, '.codex'));
    const broken = 'model = "x"\n[model_providers.a\nname = 1\n';
    await writeFile(path.join(t.home, '.codex/config.toml'), broken);
    const run = await runCli([...base, '--agent', 'codex', '--agent', 'aider', '--model', 'm'], { env: t.env });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/~\/\.codex\/config\.toml:2:\d+: /);
    expect(await read('.codex/config.toml')).toBe(broken);
    expect(await read('.aider.conf.yml')).toContain('openai/m');
  });

  it('leaves a read-only file alone', async () => {
    await writeFile(path.join(t.home, '.aider.conf.yml'), 'model: x\n');
    await chmod(path.join(t.home, '.aider.conf.yml'), 0o444);
    const run = await runCli([...base, '--agent', 'aider', '--model', 'm'], { env: t.env });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/read-only/);
    expect(await read('.aider.conf.yml')).toBe('model: x\n');
  });

  it('fails clearly when the home folder cannot hold the file (a parent is a file)', async () => {
    await writeFile(path.join(t.home, '.codex'), 'not a folder');
    const run = await runCli([...base, '--agent', 'codex', '--model', 'm'], { env: t.env });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/codex\s+failed/);
    expect(run.stdout).not.toMatch(/\n\s+at /);
  });

  describe('models', () => {
    it('uses the gateway\'s auto model when none is given and the gateway offers it', async () => {
      const run = await runCli([...base, '--agent', 'codex'], { env: t.env, fetch: modelsFetch(['gpt-x', 'auto']) });
      expect(run.code).toBe(0);
      expect(parseToml(await read('.codex/config.toml')).model).toBe('auto');
    });

    it('fails an agent that needs a model with the list the gateway offers', async () => {
      const run = await runCli([...base, '--agent', 'codex', '--agent', 'claude-code'], { env: t.env, fetch: modelsFetch(['gpt-x', 'claude-y']) });
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('Codex CLI needs a model: pass --model ID (or --model codex=ID). The gateway offers: gpt-x, claude-y.');
      expect(run.stdout).toMatch(/claude-code\s+updated/);
    });

    it('says why the list is missing when the gateway cannot be reached', async () => {
      const run = await runCli([...base, '--agent', 'aider'], { env: t.env });
      expect(run.stdout).toMatch(/Could not list the gateway's models \(GET https:\/\/gw\.example\.com\/v1\/models answered HTTP 599\)/);
    });

    it('takes a per-agent model with AGENT=ID', async () => {
      await runCli([...base, '--agent', 'codex', '--agent', 'aider', '--model', 'default-m', '--model', 'codex=codex-m'], { env: t.env });
      expect(parseToml(await read('.codex/config.toml')).model).toBe('codex-m');
      expect(parseYaml(await read('.aider.conf.yml')).model).toBe('openai/default-m');
    });
  });

  describe('the key', () => {
    it('comes from --key-env', async () => {
      const env = { ...t.env, env: { ...t.env.env, MY_GW_KEY: 'from-env-key-123456' } };
      await runCli(['apply', '--base-url', 'https://gw', '--key-env', 'MY_GW_KEY', '--agent', 'aider', '--model', 'm'], { env });
      expect(parseYaml(await read('.aider.conf.yml'))['openai-api-key']).toBe('from-env-key-123456');
    });

    it('comes from --key-stdin, without the trailing newline', async () => {
      await runCli(['apply', '--base-url', 'https://gw', '--key-stdin', '--agent', 'aider', '--model', 'm'], { env: t.env, stdin: 'stdin-key-abcdef\n' });
      expect(parseYaml(await read('.aider.conf.yml'))['openai-api-key']).toBe('stdin-key-abcdef');
    });

    it('comes from SETUP_GATEWAY_KEY', async () => {
      const env = { ...t.env, env: { ...t.env.env, SETUP_GATEWAY_KEY: 'sg-env-key-987654' } };
      await runCli(['apply', '--base-url', 'https://gw', '--agent', 'aider', '--model', 'm'], { env });
      expect(parseYaml(await read('.aider.conf.yml'))['openai-api-key']).toBe('sg-env-key-987654');
    });
  });
});

describe('apply: bad input is a usage error (exit 2), with nothing written', () => {
  it.each([
    [['apply', '--key', 'k', '--agent', 'aider'], /--base-url|base-url/],
    [['apply', '--base-url', 'not a url', '--key', 'k', '--agent', 'aider'], /not a URL/],
    [['apply', '--base-url', 'https://gw', '--agent', 'aider'], /a gateway key is required/],
    [['apply', '--base-url', 'https://gw', '--key', 'a\nb', '--agent', 'aider'], /key: the key contains whitespace or a control character/],
    [['apply', '--base-url', 'https://gw', '--key', 'k', '--key-stdin', '--agent', 'aider'], /one way only/],
    [['apply', '--base-url', 'https://gw', '--key-env', 'NOPE_NOT_SET', '--agent', 'aider'], /NOPE_NOT_SET: that environment variable is not set/],
    [['apply', '--base-url', 'https://gw', '--key', 'k', '--agent', 'vim'], /unknown agent "vim".*\n.*Known agents: claude-code, codex, aider/],
    [['apply', '--base-url', 'https://gw', '--key', 'k', '--bogus'], /Unknown option '--bogus'/],
    [['apply', '--base-url', 'https://gw', '--key', 'k', 'extra'], /unexpected argument "extra"/],
    [['frobnicate'], /Unknown command "frobnicate"/],
  ])('%j', async (argv, message) => {
    const run = await runCli(argv, { env: t.env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(await readdir(t.home)).toEqual([]);
  });

  it('without HOME: a clear failure, exit 1', async () => {
    const run = await runCli([...base, '--agent', 'aider', '--model', 'm'], {
      env: () => environmentFrom('linux', { PATH: '/usr/bin' }),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('setup-gateway: HOME is not set.\n  setup-gateway derives every config path from your home folder; set HOME and run again.\n');
  });
});

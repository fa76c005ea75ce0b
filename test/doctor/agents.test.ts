// One fixture home per finding: what apply writes, broken in one place, and the code doctor
// gives it (with the level, the file and the line where they apply).
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fetch } from '../../src/core/gateway.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';
import { runCli, type FakeWorld } from '../support/run-cli.js';
import { startMockGateway } from '../support/mock-gateway.js';
import { ALL_AGENTS, codes, doctorJson, find, KEY, MODEL, problems } from './helpers.js';

const GW = 'https://gw.example.com';
const OFFLINE = ['--base-url', GW, '--key', KEY, '--offline'];

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome();
});
afterEach(() => t.cleanup());

const file = (rel: string) => path.join(t.home, rel);
const read = (rel: string) => readFile(file(rel), 'utf8');
async function write(rel: string, text: string): Promise<void> {
  await mkdir(path.dirname(file(rel)), { recursive: true });
  await writeFile(file(rel), text);
}
async function edit(rel: string, fn: (text: string) => string): Promise<void> {
  await writeFile(file(rel), fn(await read(rel)));
}
function world(extraEnv: Record<string, string> = {}, more: Partial<FakeWorld> = {}): FakeWorld {
  return { env: { ...t.env, env: { ...t.env.env, ...extraEnv } }, ...more };
}
async function applied(agents = ALL_AGENTS): Promise<void> {
  const run = await runCli(['apply', '--base-url', GW, '--key', KEY, ...agents, '--model', MODEL], world());
  expect(run.code, run.stdout + run.stderr).toBe(0);
}
/** A gateway that lists `models` and accepts anything else with 400 (a strict API given an empty conversation). */
function listing(models: string[]): Fetch {
  return async (input) =>
    String(input).endsWith('/models') ? Response.json({ data: models.map((id) => ({ id })) }) : Response.json({ error: { message: 'empty' } }, { status: 400 });
}

describe('baseline', () => {
  it('what apply writes is all green offline', async () => {
    await applied();
    const run = await doctorJson(OFFLINE, world());
    expect(problems(run.doc.findings)).toEqual([]);
    expect(run.code).toBe(0);
  });
});

describe('generic checks', () => {
  it('CONFIG_PARSE: names the file, line and column; exit 1', async () => {
    await applied();
    await write('.claude/settings.json', '{\n  "env": {\n    "A": "1",,\n  }\n}\n');
    const run = await doctorJson(OFFLINE, world());
    expect(run.code).toBe(1);
    const f = find(run.doc.findings, 'CONFIG_PARSE', 'claude-code');
    expect(f).toMatchObject({ level: 'error', file: file('.claude/settings.json'), line: 3 });
    expect(f.message).toMatch(/settings\.json:3:\d+ does not parse/);
  });

  it('CONFIG_UNREADABLE: a folder where the file should be', async () => {
    await mkdir(file('.aider.conf.yml'), { recursive: true });
    const run = await doctorJson([...OFFLINE, '--agent', 'aider'], world());
    expect(find(run.doc.findings, 'CONFIG_UNREADABLE', 'aider').level).toBe('error');
  });

  it('AGENT_NOT_CONFIGURED: an error for a named agent (with AGENT_NOT_FOUND), a warning for a detected one', async () => {
    const named = await doctorJson([...OFFLINE, '--agent', 'aider'], world());
    expect(problems(named.doc.findings)).toEqual(['aider:AGENT_NOT_FOUND', 'aider:AGENT_NOT_CONFIGURED']);
    expect(find(named.doc.findings, 'AGENT_NOT_CONFIGURED').level).toBe('error');
    await mkdir(file('.aider'));
    const detected = await doctorJson(OFFLINE, world());
    expect(find(detected.doc.findings, 'AGENT_NOT_CONFIGURED', 'aider').level).toBe('warn');
    expect(detected.code).toBe(0);
  });

  it('URL_EXTRA_V1: Claude Code\'s base URL with /v1', async () => {
    await applied();
    await edit('.claude/settings.json', (s) => s.replace(`"ANTHROPIC_BASE_URL": "${GW}"`, `"ANTHROPIC_BASE_URL": "${GW}/v1"`));
    const run = await doctorJson(OFFLINE, world());
    expect(run.code).toBe(1);
    const f = find(run.doc.findings, 'URL_EXTRA_V1', 'claude-code');
    expect(f).toMatchObject({ level: 'error', file: file('.claude/settings.json'), line: 3 });
    expect(f.why).toContain('/v1/v1/messages');
  });

  it('URL_MISSING_V1: Aider\'s base URL without /v1', async () => {
    await applied();
    await edit('.aider.conf.yml', (s) => s.replace(`${GW}/v1`, GW));
    const f = find((await doctorJson(OFFLINE, world())).doc.findings, 'URL_MISSING_V1', 'aider');
    expect(f).toMatchObject({ level: 'error', line: 1 });
  });

  it('URL_DOUBLE_V1: Codex\'s base_url with /v1/v1', async () => {
    await applied();
    await edit('.codex/config.toml', (s) => s.replace(`${GW}/v1`, `${GW}/v1/v1`));
    const f = find((await doctorJson(OFFLINE, world())).doc.findings, 'URL_DOUBLE_V1', 'codex');
    expect(f.message).toContain('model_providers.setup-gateway.base_url');
    expect(f.line).toBe(6);
  });

  it('URL_SHAPE: a trailing slash is a warning', async () => {
    await applied();
    await edit('.codex/config.toml', (s) => s.replace(`"${GW}/v1"`, `"${GW}/v1/"`));
    expect(find((await doctorJson(OFFLINE, world())).doc.findings, 'URL_SHAPE', 'codex').level).toBe('warn');
  });

  it('URL_OTHER_GATEWAY: pointed somewhere else', async () => {
    await applied();
    await edit('.aider.conf.yml', (s) => s.replace(`${GW}/v1`, 'https://api.openai.com/v1'));
    const f = find((await doctorJson(OFFLINE, world())).doc.findings, 'URL_OTHER_GATEWAY', 'aider');
    expect(f.message).toContain('https://api.openai.com/v1');
  });

  it('KEY_MISSING', async () => {
    await applied();
    await edit('.aider.conf.yml', (s) => s.replace(/^openai-api-key:.*\n/m, ''));
    expect(find((await doctorJson(OFFLINE, world())).doc.findings, 'KEY_MISSING', 'aider').level).toBe('error');
  });

  it('KEY_MISMATCH when the gateway accepts the other key, AGENT_KEY_REJECTED when it does not', async () => {
    const g = await startMockGateway({ models: [MODEL], requireKey: KEY });
    try {
      const args = ['--base-url', g.url, '--key', KEY];
      const run = await runCli(['apply', ...args, '--agent', 'aider', '--model', MODEL], world());
      expect(run.code).toBe(0);
      await edit('.aider.conf.yml', (s) => s.replace(/^openai-api-key:.*$/m, 'openai-api-key: sk-some-other-key-5678'));
      const rejected = await doctorJson(args, world({}, { fetch: globalThis.fetch }));
      expect(find(rejected.doc.findings, 'AGENT_KEY_REJECTED', 'aider').message).toContain('401');
      expect(rejected.stdout).not.toContain('sk-some-other-key-5678');
      const offline = await doctorJson([...args, '--offline'], world());
      expect(find(offline.doc.findings, 'KEY_MISMATCH', 'aider').level).toBe('warn');
    } finally {
      await g.close();
    }
  });

  it('MODEL_MISSING: Codex needs one', async () => {
    await applied();
    await edit('.codex/config.toml', (s) => s.replace(/^model = .*\n/m, ''));
    const run = await doctorJson(['--base-url', GW, '--key', KEY], world({}, { fetch: listing([MODEL, 'auto']) }));
    const f = find(run.doc.findings, 'MODEL_MISSING', 'codex');
    expect(f.fix).toContain('auto');
  });

  it('FILE_MODE: a key file readable by others', async () => {
    await applied();
    await chmod(file('.aider.conf.yml'), 0o644);
    const f = find((await doctorJson(OFFLINE, world())).doc.findings, 'FILE_MODE', 'aider');
    expect(f.level).toBe('warn');
    expect(f.message).toContain('0644');
  });

  it('DRIFT names the keys that differ from what setup-gateway writes', async () => {
    await applied();
    await edit('.codex/config.toml', (s) => s.replace('name = "AI gateway (setup-gateway)"', 'name = "mine"'));
    const f = find((await doctorJson(OFFLINE, world())).doc.findings, 'DRIFT', 'codex');
    expect(f.message).toContain('model_providers.setup-gateway.name');
    expect(f.line).toBe(5);
  });

  it('PLAN_FAILED: a read-only file cannot be repaired', async () => {
    await applied();
    await chmod(file('.codex/config.toml'), 0o400);
    const run = await doctorJson(OFFLINE, world());
    expect(find(run.doc.findings, 'PLAN_FAILED', 'codex').message).toContain('read-only');
  });
});

describe('Claude Code', () => {
  it('CLAUDE_API_KEY_CONFLICT in the settings env block: a warning next to the token, never printed', async () => {
    await applied();
    await edit('.claude/settings.json', (s) => s.replace('"env": {', '"env": {\n    "ANTHROPIC_API_KEY": "sk-ant-old-0000-9999",'));
    const run = await runCli(['doctor', ...OFFLINE], world());
    expect(run.stdout).toContain('CLAUDE_API_KEY_CONFLICT');
    expect(run.stdout).not.toContain('sk-ant-old-0000-9999');
    const doc = await doctorJson(OFFLINE, world());
    expect(find(doc.doc.findings, 'CLAUDE_API_KEY_CONFLICT')).toMatchObject({ level: 'warn', file: file('.claude/settings.json'), line: 3 });
    // Reported once, by the Claude module, not also as a generic SETTING_CONFLICT.
    expect(codes(doc.doc.findings)).not.toContain('SETTING_CONFLICT');
  });

  it('CLAUDE_API_KEY_CONFLICT from the environment without a token is an error', async () => {
    await applied();
    await edit('.claude/settings.json', (s) => s.replace(/\n\s*"ANTHROPIC_AUTH_TOKEN": .*,/, ''));
    const run = await doctorJson(OFFLINE, world({ ANTHROPIC_API_KEY: 'sk-ant-env-1111-2222' }));
    const f = find(run.doc.findings, 'CLAUDE_API_KEY_CONFLICT');
    expect(f.level).toBe('error');
    expect(f.message).toContain('your environment');
    expect(f.fix).toContain('unset ANTHROPIC_API_KEY');
  });

  it('CLAUDE_SUBSCRIPTION_LOGIN: a credentials file, or oauthAccount (the Keychain hint on macOS)', async () => {
    await applied();
    await write('.claude/.credentials.json', '{"claudeAiOauth":{}}');
    expect(find((await doctorJson(OFFLINE, world())).doc.findings, 'CLAUDE_SUBSCRIPTION_LOGIN').file).toBe(file('.claude/.credentials.json'));
    await rm(file('.claude/.credentials.json'));
    await edit('.claude.json', (s) => s.replace('{', '{"oauthAccount":{"emailAddress":"a@b.c"},'));
    const mac = await doctorJson(OFFLINE, { env: { ...t.env, platform: 'darwin' } });
    expect(find(mac.doc.findings, 'CLAUDE_SUBSCRIPTION_LOGIN').message).toContain('macOS Keychain');
    expect(mac.code).toBe(0);
  });

  it('CLAUDE_BETAS_ENABLED', async () => {
    await applied();
    await edit('.claude/settings.json', (s) => s.replace(/\n\s*"CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS": "1",?/, ''));
    expect(find((await doctorJson(OFFLINE, world())).doc.findings, 'CLAUDE_BETAS_ENABLED').level).toBe('warn');
  });

  it('CLAUDE_ONBOARDING', async () => {
    await applied();
    await write('.claude.json', '{"numStartups": 2}');
    const f = find((await doctorJson(OFFLINE, world())).doc.findings, 'CLAUDE_ONBOARDING');
    expect(f).toMatchObject({ level: 'error', file: file('.claude.json') });
  });

  it('CLAUDE_CLOUD_PROVIDER', async () => {
    await applied();
    const f = find((await doctorJson(OFFLINE, world({ CLAUDE_CODE_USE_BEDROCK: '1' }))).doc.findings, 'CLAUDE_CLOUD_PROVIDER');
    expect(f.level).toBe('error');
  });

  it('ENV_SHADOWED: ANTHROPIC_BASE_URL in the shell loses to the settings file (not a failure)', async () => {
    await applied(['--agent', 'claude-code']);
    const run = await doctorJson(OFFLINE, world({ ANTHROPIC_BASE_URL: 'https://api.anthropic.com' }));
    expect(run.code).toBe(0);
    const f = run.doc.findings.find((x) => x.code === 'ENV_SHADOWED');
    expect(f?.message).toContain('~/.claude/settings.json wins');
  });

  it('PROJECT_OVERRIDE: .claude/settings.json in the current folder wins', async () => {
    await applied(['--agent', 'claude-code']);
    await write('proj/.claude/settings.json', '{\n  "env": {\n    "ANTHROPIC_BASE_URL": "https://other.example.com"\n  }\n}\n');
    await write('proj/.claude/settings.local.json', '{"env": {"CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS": "0"}}');
    const run = await doctorJson(OFFLINE, world({}, { cwd: file('proj') }));
    expect(run.code).toBe(1);
    const url = run.doc.findings.find((f) => f.code === 'PROJECT_OVERRIDE' && f.level === 'error');
    expect(url).toMatchObject({ file: file('proj/.claude/settings.json'), line: 3 });
    expect(url?.message).toContain('https://other.example.com');
    const betas = run.doc.findings.find((f) => f.code === 'PROJECT_OVERRIDE' && f.level === 'warn');
    expect(betas?.file).toBe(file('proj/.claude/settings.local.json'));
    expect(codes(run.doc.findings, 'warn')).toContain('CLAUDE_BETAS_ENABLED');
  });
});

describe('Codex', () => {
  it('CODEX_PROVIDER_NOT_SELECTED', async () => {
    await applied();
    await edit('.codex/config.toml', (s) => s.replace('model_provider = "setup-gateway"', 'model_provider = "openai"'));
    const f = find((await doctorJson(OFFLINE, world())).doc.findings, 'CODEX_PROVIDER_NOT_SELECTED');
    expect(f).toMatchObject({ level: 'error', line: 2 });
  });

  it('CODEX_LEGACY_PROFILE', async () => {
    await applied();
    await edit('.codex/config.toml', (s) => `profile = "work"\n${s}`);
    expect(find((await doctorJson(OFFLINE, world())).doc.findings, 'CODEX_LEGACY_PROFILE')).toMatchObject({ level: 'error', line: 1 });
  });

  it('CODEX_WIRE_API', async () => {
    await applied();
    await edit('.codex/config.toml', (s) => s.replace('wire_api = "responses"', 'wire_api = "chat"'));
    expect(find((await doctorJson(OFFLINE, world())).doc.findings, 'CODEX_WIRE_API').level).toBe('error');
  });

  it('CODEX_ENV_KEY: an error while the variable is unset, a warning when set', async () => {
    await applied();
    await edit('.codex/config.toml', (s) => s.replace('wire_api = "responses"', 'wire_api = "responses"\nenv_key = "GW_KEY"'));
    expect(find((await doctorJson(OFFLINE, world())).doc.findings, 'CODEX_ENV_KEY').level).toBe('error');
    expect(find((await doctorJson(OFFLINE, world({ GW_KEY: 'x' }))).doc.findings, 'CODEX_ENV_KEY').level).toBe('warn');
  });
});

describe('Aider', () => {
  it('AIDER_MODEL_PREFIX (instead of the generic MODEL_FORMAT)', async () => {
    await applied();
    await edit('.aider.conf.yml', (s) => s.replace(`model: openai/${MODEL}`, `model: ${MODEL}`));
    const run = await doctorJson(OFFLINE, world());
    expect(find(run.doc.findings, 'AIDER_MODEL_PREFIX')).toMatchObject({ level: 'error', line: 3 });
    expect(codes(run.doc.findings)).not.toContain('MODEL_FORMAT');
  });

  it('ENV_OVERRIDE: AIDER_* variables win over the file; the same value is fine', async () => {
    await applied(['--agent', 'aider']);
    const wrong = await doctorJson(OFFLINE, world({ AIDER_OPENAI_API_BASE: 'https://api.openai.com/v1', AIDER_MODEL: 'openai/other' }));
    const overrides = wrong.doc.findings.filter((f) => f.code === 'ENV_OVERRIDE').map((f) => [f.level, f.message.split(' ')[0]]);
    expect(overrides).toEqual([
      ['error', 'AIDER_OPENAI_API_BASE'],
      ['warn', 'AIDER_MODEL'],
    ]);
    const same = await doctorJson(OFFLINE, world({ AIDER_MODEL: `openai/${MODEL}`, OPENAI_API_BASE: 'https://elsewhere/v1' }));
    expect(same.code).toBe(0);
    expect(codes(same.doc.findings, 'ok')).toEqual(expect.arrayContaining(['ENV_OVERRIDE', 'ENV_SHADOWED']));
  });

  it('ENV_OVERRIDE from a .env file in the current folder, with its line', async () => {
    await applied(['--agent', 'aider']);
    await write('proj/.env', '# keys\nAIDER_OPENAI_API_KEY=sk-dotenv-key-3333\n');
    const run = await doctorJson(OFFLINE, world({}, { cwd: file('proj') }));
    const f = find(run.doc.findings, 'ENV_OVERRIDE', 'aider');
    expect(f).toMatchObject({ level: 'error', file: file('proj/.env'), line: 2 });
    expect(run.stdout).not.toContain('sk-dotenv-key-3333');
  });

  it('PROJECT_OVERRIDE from the git root, seen from a subfolder; PROJECT_FILE_PARSE in the folder itself', async () => {
    await applied(['--agent', 'aider']);
    await mkdir(file('repo/.git'), { recursive: true });
    await write('repo/.aider.conf.yml', `# project\nmodel: openai/other-model\n`);
    await mkdir(file('repo/sub'));
    const run = await doctorJson(OFFLINE, world({}, { cwd: file('repo/sub') }));
    expect(find(run.doc.findings, 'PROJECT_OVERRIDE', 'aider')).toMatchObject({ level: 'warn', file: file('repo/.aider.conf.yml'), line: 2 });
    await write('repo/sub/.aider.conf.yml', 'model: [unclosed\n');
    const broken = await doctorJson(OFFLINE, world({}, { cwd: file('repo/sub') }));
    expect(find(broken.doc.findings, 'PROJECT_FILE_PARSE', 'aider').file).toBe(file('repo/sub/.aider.conf.yml'));
  });
});

describe('Cursor (a manual recipe)', () => {
  it('MANUAL_SETUP with the real steps; CLOUD_AGENT_LOOPBACK for a local gateway', async () => {
    await mkdir(file('.cursor'));
    const ok = await doctorJson(['--base-url', GW, '--key', KEY, '--offline'], world());
    const manual = ok.doc.findings.find((f) => f.code === 'MANUAL_SETUP');
    expect(manual?.fix).toContain(`${GW}/v1`);
    expect(manual?.fix).not.toContain('sentinel');
    const local = await doctorJson(['--base-url', 'http://127.0.0.1:4141', '--key', KEY, '--offline'], world());
    expect(find(local.doc.findings, 'CLOUD_AGENT_LOOPBACK', 'cursor').level).toBe('error');
    const lan = await doctorJson(['--base-url', 'http://192.168.1.20:4000', '--key', KEY, '--offline'], world());
    expect(codes(lan.doc.findings, 'error')).toContain('CLOUD_AGENT_LOOPBACK');
  });
});

// Claude Code's own doctor checks (doctor.ts), and the generic override checks fed by its recipe's
// data: what apply writes, broken in one place, and the code doctor gives it.
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/support/run-cli.js';
import { codes, doctorJson, find, OFFLINE, useDoctorHome } from '../../test/doctor/helpers.js';

const { file, write, edit, world, applied } = useDoctorHome();

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
    const here = world();
    const mac = await doctorJson(OFFLINE, { ...here, env: { ...here.env, platform: 'darwin' } });
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

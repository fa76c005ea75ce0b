// One fixture home per finding of the generic checks: what apply writes (for Claude Code, Codex
// and Aider), broken in one place, and the code doctor gives it (with the level, the file and
// the line where they apply). Each agent's own checks are tested in recipes/<id>/doctor.test.ts.
import { chmod, mkdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Fetch } from '../../src/core/gateway.js';
import { startMockGateway } from '../support/mock-gateway.js';
import { runCli } from '../support/run-cli.js';
import { codes, doctorJson, find, GW, KEY, MODEL, OFFLINE, problems, useDoctorHome } from './helpers.js';

const { file, write, edit, world, applied } = useDoctorHome();

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
    // A key typed with --key is never repeated in a printed command: the interactive mode asks (test/cli/doctor-fixes.test.ts runs the apply form).
    expect(f.fix).toBe('setup-gateway (asks for the model; the gateway lists gw-model, auto)');
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

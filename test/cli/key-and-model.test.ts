// The one key resolver (src/app/key.ts) and the one default-model rule (src/core/model.ts): unit
// tests, then the commands that use them, driven with the same inputs to prove they agree.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claudeCode } from '../../recipes/claude-code/recipe.js';
import { codex } from '../../recipes/codex/recipe.js';
import { keyFromEnvironment, keyProblem, resolveKey, type KeyFlags } from '../../src/app/key.js';
import { proposedModel } from '../../src/app/model.js';
import { UsageError } from '../../src/core/errors.js';
import { defaultModel, expectedModel, missingModel } from '../../src/core/model.js';
import { initialState, reduce } from '../../src/tui/flow.js';
import { startMockGateway, type MockGateway } from '../support/mock-gateway.js';
import { modelsFetch, runCli } from '../support/run-cli.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';

const KEY = 'sk-resolve-0123456789';

let t: TempHome;
let mock: MockGateway | undefined;
beforeEach(async () => {
  t = await makeTempHome();
});
afterEach(async () => {
  await mock?.close();
  mock = undefined;
  await t.cleanup();
});

const world = (env: Record<string, string | undefined>, stdin = '') => ({ env, readStdin: async () => stdin });
const usage = async (flags: KeyFlags, env: Record<string, string | undefined> = {}, stdin = ''): Promise<string> => {
  const error = await resolveKey('cmd', flags, world(env, stdin)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
};

describe('resolveKey', () => {
  it('takes --key, --key-env, --key-stdin (trailing newline dropped), else SETUP_GATEWAY_KEY, saying where it came from', async () => {
    expect(await resolveKey('cmd', { key: KEY }, world({ SETUP_GATEWAY_KEY: 'sk-env-other-000' }))).toEqual({ value: KEY, from: '--key', source: 'flag' });
    expect(await resolveKey('cmd', { 'key-env': 'GW' }, world({ GW: KEY }))).toEqual({ value: KEY, from: '--key-env GW', source: 'flag' });
    expect(await resolveKey('cmd', { 'key-stdin': true }, world({}, `${KEY}\r\n`))).toEqual({ value: KEY, from: '--key-stdin', source: 'flag' });
    expect(await resolveKey('cmd', {}, world({ SETUP_GATEWAY_KEY: KEY }))).toEqual({ value: KEY, from: 'SETUP_GATEWAY_KEY', source: 'env' });
    expect(await resolveKey('cmd', { 'key-stdin': false }, world({}))).toBeUndefined();
  });

  it('refuses two sources, an unset variable, and a key the schema refuses, wherever it came from', async () => {
    expect(await usage({ key: KEY, 'key-stdin': true })).toBe('cmd: give the key one way only: --key, --key-env or --key-stdin.');
    expect(await usage({ 'key-env': 'NOPE' })).toBe('cmd: --key-env NOPE: that environment variable is not set or empty.');
    expect(await usage({ key: 'a b' })).toBe(`cmd: the key from --key: ${keyProblem('a b')}.`);
    expect(await usage({ 'key-stdin': true }, {}, '\n')).toBe(`cmd: the key from --key-stdin: ${keyProblem('')}.`);
    expect(await usage({}, { SETUP_GATEWAY_KEY: 'x'.repeat(5000) })).toMatch(/^cmd: the key from SETUP_GATEWAY_KEY: the key is longer than 4096 characters\.$/);
  });

  it('the interactive mode: SETUP_GATEWAY_KEY only when usable; a typed key gets the same problem text', () => {
    expect(keyFromEnvironment({ ...t.env, env: { SETUP_GATEWAY_KEY: KEY } })).toBe(KEY);
    expect(keyFromEnvironment({ ...t.env, env: { SETUP_GATEWAY_KEY: 'a b' } })).toBeUndefined();
    const state = reduce({ step: { at: 'key', urls: { openai: 'https://gw/v1', anthropic: 'https://gw', isLoopback: false } } }, { type: 'key', text: 'a b' });
    expect(state.step).toMatchObject({ at: 'key', error: `The key: ${keyProblem('a b')}.` });
    expect(initialState(keyFromEnvironment({ ...t.env, env: { SETUP_GATEWAY_KEY: KEY } })).step).toEqual({ at: 'gateway', key: KEY });
  });
});

describe('apply, doctor and relay resolve the key the same way', () => {
  const commands = (base: string[]) => [
    ['apply', '--base-url', 'https://gw.example/v1', '--agent', 'claude-code', '--dry-run', ...base],
    ['doctor', '--offline', ...base],
  ];

  it('the same bad key or missing variable is refused by each, with the same words', async () => {
    for (const flags of [['--key', 'a b'], ['--key-env', 'NOT_SET_ANYWHERE'], ['--key', KEY, '--key-stdin']]) {
      const runs = await Promise.all(commands(flags).map((argv) => runCli(argv, { env: t.env })));
      const messages = runs.map((r, i) => {
        expect(r.code).toBe(2);
        return r.stderr.replace(`${commands(flags)[i]?.[0]}: `, '');
      });
      expect(new Set(messages).size).toBe(1);
    }
    // relay reads --key-env only (it runs on, reading its environment): the same words for the same variable.
    const relay = await runCli(['relay', '--key-env', 'NOT_SET_ANYWHERE', '--upstream', 'https://gw.example/v1'], { env: t.env });
    const apply = await runCli(['apply', '--base-url', 'https://gw.example/v1', '--key-env', 'NOT_SET_ANYWHERE', '--agent', 'claude-code'], { env: t.env });
    expect(relay.code).toBe(2);
    expect(relay.stderr.replace('relay: ', '')).toBe(apply.stderr.replace('apply: ', ''));
  });

  it('SETUP_GATEWAY_KEY holding an unusable key: every command says so, naming the variable', async () => {
    const env = { ...t.env, env: { ...t.env.env, SETUP_GATEWAY_KEY: 'has space' } };
    const runs = await Promise.all([
      runCli(['apply', '--base-url', 'https://gw.example/v1', '--agent', 'claude-code', '--dry-run'], { env }),
      runCli(['doctor', '--offline'], { env }),
      runCli(['relay', '--upstream', 'https://gw.example/v1'], { env }),
    ]);
    for (const [i, name] of ['apply', 'doctor', 'relay'].entries()) {
      expect(runs[i]?.code).toBe(2);
      expect(runs[i]?.stderr).toContain(`${name}: the key from SETUP_GATEWAY_KEY: ${keyProblem('has space')}.`);
    }
  });

  it('the key from SETUP_GATEWAY_KEY is the one apply writes and doctor checks with', async () => {
    mock = await startMockGateway({ models: ['auto'], requireKey: KEY });
    const env = { ...t.env, env: { ...t.env.env, SETUP_GATEWAY_KEY: KEY } };
    const apply = await runCli(['apply', '--base-url', `${mock.url}/v1`, '--agent', 'codex'], { env, fetch });
    expect(apply.code).toBe(0);
    expect(await readFile(path.join(t.home, '.codex', 'config.toml'), 'utf8')).toContain(`experimental_bearer_token = "${KEY}"`);
    const doctor = await runCli(['doctor', '--agent', 'codex', '--json'], { env, fetch });
    const report = JSON.parse(doctor.stdout) as { gateway: { keySource: string } };
    expect(report.gateway.keySource).toBe('env');
    expect(doctor.code).toBe(0);
  });
});

describe('the default model', () => {
  it('is the gateway auto for every agent when offered; without it, nothing (a required agent must be given one)', () => {
    expect(defaultModel(['x', 'auto'])).toBe('auto');
    expect(defaultModel(['x'])).toBeUndefined();
    expect(defaultModel(undefined)).toBeUndefined();
    expect(missingModel(codex, undefined)).toBe(true);
    expect(missingModel(codex, 'x')).toBe(false);
    expect(missingModel(claudeCode, undefined)).toBe(false);
    // What the interactive mode puts first: the default, else for a required agent the first listed.
    expect(proposedModel(claudeCode, ['x', 'auto'])).toBe('auto');
    expect(proposedModel(codex, ['x', 'auto'])).toBe('auto');
    expect(proposedModel(claudeCode, ['x'])).toBeUndefined();
    expect(proposedModel(codex, ['x', 'y'])).toBe('x');
  });

  it("doctor checks an agent's files against the model they hold, else the default only where a model is required", () => {
    expect(expectedModel(codex, 'mine', ['auto'])).toBe('mine');
    expect(expectedModel(codex, undefined, ['auto'])).toBe('auto');
    expect(expectedModel(codex, undefined, ['x'])).toBeUndefined();
    // An optional agent holding none was left on its own default: not drift.
    expect(expectedModel(claudeCode, undefined, ['auto'])).toBeUndefined();
  });

  it('apply without --model writes auto for an optional agent too; doctor then finds no drift', async () => {
    mock = await startMockGateway({ models: ['auto', 'gw-model'] });
    const env = { ...t.env, env: { ...t.env.env, SETUP_GATEWAY_KEY: KEY } };
    const apply = await runCli(['apply', '--base-url', `${mock.url}/v1`, '--agent', 'claude-code', '--agent', 'codex'], { env, fetch });
    expect(apply.code).toBe(0);
    expect(JSON.parse(await readFile(path.join(t.home, '.claude', 'settings.json'), 'utf8')).env.ANTHROPIC_MODEL).toBe('auto');
    expect(await readFile(path.join(t.home, '.codex', 'config.toml'), 'utf8')).toMatch(/^model = "auto"$/m);
    const doctor = await runCli(['doctor', '--agent', 'claude-code', '--agent', 'codex', '--json'], { env, fetch });
    const report = JSON.parse(doctor.stdout) as { findings: Array<{ code: string; level: string; agent?: string }> };
    expect(report.findings.filter((f) => f.code === 'DRIFT').map((f) => [f.agent, f.level])).toEqual([
      ['claude-code', 'ok'],
      ['codex', 'ok'],
    ]);
  });

  it('Claude Code left on its own default (no auto offered then) is not drift once the gateway offers auto', async () => {
    const env = { ...t.env, env: { ...t.env.env, SETUP_GATEWAY_KEY: KEY } };
    const apply = await runCli(['apply', '--base-url', 'https://gw.example/v1', '--agent', 'claude-code'], { env, fetch: modelsFetch(['gw-model']) });
    expect(apply.code).toBe(0);
    expect(JSON.parse(await readFile(path.join(t.home, '.claude', 'settings.json'), 'utf8')).env.ANTHROPIC_MODEL).toBeUndefined();
    const doctor = await runCli(['doctor', '--agent', 'claude-code', '--json'], { env, fetch: modelsFetch(['auto', 'gw-model']) });
    const report = JSON.parse(doctor.stdout) as { findings: Array<{ code: string; level: string; agent?: string }> };
    expect(report.findings.find((f) => f.code === 'DRIFT' && f.agent === 'claude-code')?.level).toBe('ok');
  });

  it('a required agent with no model and no auto: apply fails for it with the list; the others are written', async () => {
    const env = { ...t.env, env: { ...t.env.env, SETUP_GATEWAY_KEY: KEY } };
    await mkdir(path.join(t.home, '.codex'), { recursive: true });
    await writeFile(path.join(t.home, '.codex', 'config.toml'), '# mine\n');
    const apply = await runCli(['apply', '--base-url', 'https://gw.example/v1', '--agent', 'claude-code', '--agent', 'codex'], { env, fetch: modelsFetch(['gw-model', 'b']) });
    expect(apply.code).toBe(1);
    expect(apply.stdout).toContain('Codex CLI needs a model: pass --model ID (or --model codex=ID). The gateway offers: gw-model, b.');
    expect(await readFile(path.join(t.home, '.codex', 'config.toml'), 'utf8')).toBe('# mine\n');
    expect(JSON.parse(await readFile(path.join(t.home, '.claude', 'settings.json'), 'utf8')).env.ANTHROPIC_BASE_URL).toBe('https://gw.example');
  });
});

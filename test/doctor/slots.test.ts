// MODEL_SLOT_ELSEWHERE and PROFILE_ELSEWHERE: a secondary model slot (Aider's weak model,
// opencode's small_model, an opencode agent or a Codex provider on another host) that sends
// requests around the gateway, with its file and line, and a fix that runs as printed.
import { describe, expect, it } from 'vitest';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { fixture } from '../support/recipe-helpers.js';
import { runCli } from '../support/run-cli.js';
import { doctorJson, find, GW, KEY, MODEL, useDoctorHome } from './helpers.js';

const { file, read, write, world, applied } = useDoctorHome();

/**
 * Runs a printed `setup-gateway …` command as it is (no quoting in these), in the same home; it
 * must write its fix (its exit code is doctor's verdict on the files before the fix).
 */
async function runPrinted(command: string, agent: string) {
  const [tool, ...args] = command.split(' ');
  expect(tool).toBe('setup-gateway');
  const run = await runCli(args, world());
  expect(run.stdout, run.stdout + run.stderr).toContain(`fixed ${agent}:`);
  return run;
}

describe('doctor: model slots elsewhere', () => {
  it('Aider: a weak-model left on OpenRouter next to the gateway is MODEL_SLOT_ELSEWHERE; its fix routes it', async () => {
    // The real-world file after an older apply: the gateway settings added, the weak model left.
    const real = (await fixture('aider', 'aider.conf.yml')).replace('model: openrouter/anthropic/claude-sonnet-4.5', `model: openai/${MODEL}`);
    await write('.aider.conf.yml', `${real}openai-api-base: ${GW}/v1\nopenai-api-key: ${JSON.stringify(KEY)}\n`);

    const run = await doctorJson(['--agent', 'aider'], world());
    const f = find(run.doc.findings, 'MODEL_SLOT_ELSEWHERE', 'aider');
    expect(f).toMatchObject({ level: 'error', file: file('.aider.conf.yml'), line: 10 });
    expect(f.message).toContain('weak-model');
    expect(f.message).toContain('openrouter');
    expect(f.fix).toBe('setup-gateway doctor --fix --agent aider --yes');
    expect(run.code).toBe(1);

    await runPrinted(f.fix, 'aider');
    const conf = parseYaml(await read('.aider.conf.yml')) as Record<string, unknown>;
    expect(conf['weak-model']).toBe(`openai/${MODEL}`);
    expect(JSON.stringify(conf)).not.toContain('openrouter/');
    const after = await doctorJson(['--agent', 'aider'], world());
    expect(after.doc.findings.map((x) => x.code)).not.toContain('MODEL_SLOT_ELSEWHERE');
  });

  it('with a key given on the command line (which no printed command repeats), the fix is the interactive mode, which asks for it', async () => {
    const real = (await fixture('aider', 'aider.conf.yml')).replace('model: openrouter/anthropic/claude-sonnet-4.5', `model: openai/${MODEL}`);
    await write('.aider.conf.yml', `${real}openai-api-base: ${GW}/v1\nopenai-api-key: ${JSON.stringify(KEY)}\n`);

    const run = await doctorJson(['--agent', 'aider', '--base-url', GW, '--key', KEY, '--offline'], world());
    const f = find(run.doc.findings, 'MODEL_SLOT_ELSEWHERE', 'aider');
    expect(f.fix).toBe('setup-gateway');
  });

  it('opencode: small_model on another provider is MODEL_SLOT_ELSEWHERE; an agent kept on another provider is PROFILE_ELSEWHERE, a warning', async () => {
    await applied(['--agent', 'opencode']);
    const path = '.config/opencode/opencode.json';
    const conf = JSON.parse(await read(path)) as Record<string, unknown>;
    await write(path, `${JSON.stringify({ ...conf, small_model: 'openrouter/google/gemini-2.5-flash', agent: { plan: { model: 'anthropic/claude-opus-4' } } }, null, 2)}\n`);

    const run = await doctorJson(['--agent', 'opencode'], world());
    expect(find(run.doc.findings, 'MODEL_SLOT_ELSEWHERE', 'opencode')).toMatchObject({ level: 'error', file: file(path), message: expect.stringContaining('small_model') });
    const kept = find(run.doc.findings, 'PROFILE_ELSEWHERE', 'opencode');
    expect(kept).toMatchObject({ level: 'warn', message: expect.stringContaining('agent.plan.model') });
    expect(kept.message).toContain('anthropic');

    await runPrinted(kept.fix, 'opencode');
    const now = JSON.parse(await read(path)) as { small_model: string; agent: { plan: { model: string } } };
    expect(now.small_model).toBe(`setup-gateway/${MODEL}`);
    expect(now.agent.plan.model).toBe(`setup-gateway/${MODEL}`);
  });

  it('Codex: another provider on a remote host, kept without --yes, is PROFILE_ELSEWHERE; a local one is not; the fix points it at the gateway', async () => {
    await applied(['--agent', 'codex']);
    const path = '.codex/config.toml';
    await write(
      path,
      `${await read(path)}\n# for \`codex --profile fast\` (fast.config.toml: model_provider = "openrouter")\n[model_providers.openrouter]\nname = "OpenRouter"\nbase_url = "https://openrouter.ai/api/v1"\nenv_key = "OPENROUTER_API_KEY"\n\n[model_providers.ollama-local]\nbase_url = "http://localhost:11434/v1"\n`,
    );
    // apply without --yes asks (nobody can answer here) and keeps it.
    const reapplied = await runCli(['apply', '--base-url', GW, '--key', KEY, '--agent', 'codex', '--model', MODEL], world());
    expect(reapplied.stdout).toContain('Left model_providers.openrouter.base_url');
    expect(await read(path)).toContain('base_url = "https://openrouter.ai/api/v1"');

    const run = await doctorJson(['--agent', 'codex'], world());
    const f = find(run.doc.findings, 'PROFILE_ELSEWHERE', 'codex');
    expect(f).toMatchObject({ level: 'warn', file: file(path), message: expect.stringContaining('openrouter (https://openrouter.ai/api/v1)') });
    expect(run.doc.findings.filter((x) => x.code === 'PROFILE_ELSEWHERE')).toHaveLength(1);
    const text = await read(path);
    expect(f.line).toBe(text.split('\n').findIndex((l) => l.startsWith('base_url = "https://openrouter.ai')) + 1);

    await runPrinted(f.fix, 'codex');
    const providers = (parseToml(await read(path)) as { model_providers: Record<string, Record<string, unknown>> }).model_providers;
    expect(providers.openrouter).toEqual({ name: 'OpenRouter', base_url: `${GW}/v1`, experimental_bearer_token: KEY });
    expect(providers['ollama-local']).toEqual({ base_url: 'http://localhost:11434/v1' });
  });

  it('Zed: a commit-message model and a subagent model on other providers are MODEL_SLOT_ELSEWHERE with their lines; the fix routes both', async () => {
    await applied(['--agent', 'zed']);
    const path = '.config/zed/settings.json';
    const conf = JSON.parse(await read(path)) as { agent: Record<string, unknown> };
    conf.agent.commit_message_model = { provider: 'openai', model: 'gpt-4o-mini' };
    conf.agent.subagent_model = { provider: 'anthropic', model: 'claude-opus-4' };
    const text = `${JSON.stringify(conf, null, 2)}\n`;
    await write(path, text);

    const run = await doctorJson(['--agent', 'zed'], world());
    const found = run.doc.findings.filter((x) => x.code === 'MODEL_SLOT_ELSEWHERE');
    expect(found.map((f) => [f.level, f.line, f.message.split(' ')[0]])).toEqual([
      ['error', text.split('\n').findIndex((l) => l.includes('"commit_message_model"')) + 1, 'agent.commit_message_model'],
      ['error', text.split('\n').findIndex((l) => l.includes('"subagent_model"')) + 1, 'agent.subagent_model'],
    ]);
    expect(found[0]?.message).toContain('to openai, not to the gateway');

    await runPrinted(found[0]!.fix, 'zed');
    const now = JSON.parse(await read(path)) as { agent: Record<string, unknown> };
    expect(now.agent.commit_message_model).toEqual({ provider: 'setup-gateway', model: MODEL });
    expect(now.agent.subagent_model).toEqual({ provider: 'setup-gateway', model: MODEL });
    expect((await doctorJson(['--agent', 'zed'], world())).doc.findings.map((x) => x.code)).not.toContain('MODEL_SLOT_ELSEWHERE');
  });

  it('Kilo Code: small_model on another provider is MODEL_SLOT_ELSEWHERE; the fix routes it', async () => {
    await applied(['--agent', 'kilo-code']);
    const path = '.config/kilo/kilo.jsonc';
    await write(path, (await read(path)).replace(/\n}\s*$/, ',\n  "small_model": "anthropic/claude-haiku-4-5"\n}\n'));

    const run = await doctorJson(['--agent', 'kilo-code'], world());
    const f = find(run.doc.findings, 'MODEL_SLOT_ELSEWHERE', 'kilo-code');
    expect(f).toMatchObject({ level: 'error', file: file(path), message: expect.stringContaining('small_model') });
    expect(f.message).toContain('anthropic');

    await runPrinted(f.fix, 'kilo-code');
    expect((JSON.parse(await read(path)) as { small_model: string }).small_model).toBe(`setup-gateway/${MODEL}`);
  });

  it('OpenClaw: an agent kept on another provider is PROFILE_ELSEWHERE, one on a local server is not; the fix routes it', async () => {
    await applied(['--agent', 'openclaw']);
    const path = '.openclaw/openclaw.json';
    const conf = JSON.parse(await read(path)) as { agents: Record<string, unknown>; models: { providers: Record<string, unknown> } };
    conf.agents.entries = { writer: { model: 'anthropic/claude-opus-4-6' }, offline: { model: 'lmstudio/qwen3' } };
    conf.models.providers.lmstudio = { baseUrl: 'http://127.0.0.1:1234/v1', api: 'openai-completions', models: [{ id: 'qwen3', name: 'Qwen 3' }] };
    await write(path, `${JSON.stringify(conf, null, 2)}\n`);

    const run = await doctorJson(['--agent', 'openclaw'], world());
    const kept = run.doc.findings.filter((x) => x.code === 'PROFILE_ELSEWHERE');
    expect(kept.map((f) => [f.level, f.message.split(' ')[0]])).toEqual([['warn', 'agents.entries.writer.model']]);
    expect(kept[0]?.message).toContain('to anthropic, not to the gateway');

    await runPrinted(kept[0]!.fix, 'openclaw');
    const now = JSON.parse(await read(path)) as { agents: { entries: Record<string, { model: string }> } };
    expect(now.agents.entries.writer?.model).toBe(`setup-gateway/${MODEL}`);
    expect(now.agents.entries.offline?.model).toBe('lmstudio/qwen3');
  });

  it('Qwen Code: a fast model on another provider is MODEL_SLOT_ELSEWHERE, an advisor model PROFILE_ELSEWHERE; the fix routes both', async () => {
    await applied(['--agent', 'qwen-code']);
    const path = '.qwen/settings.json';
    const conf = JSON.parse(await read(path)) as { modelProviders: Record<string, unknown[]> };
    conf.modelProviders.anthropic = [{ id: 'claude-haiku-4-5', name: 'Haiku', baseUrl: 'https://api.anthropic.com/v1', envKey: 'ANTHROPIC_API_KEY' }];
    await write(path, `${JSON.stringify({ ...conf, fastModel: 'claude-haiku-4-5', advisorModel: 'anthropic:claude-haiku-4-5' }, null, 2)}\n`);

    const run = await doctorJson(['--agent', 'qwen-code'], world());
    expect(find(run.doc.findings, 'MODEL_SLOT_ELSEWHERE', 'qwen-code')).toMatchObject({ level: 'error', message: expect.stringContaining('fastModel') });
    const kept = find(run.doc.findings, 'PROFILE_ELSEWHERE', 'qwen-code');
    expect(kept).toMatchObject({ level: 'warn', message: expect.stringContaining('https://api.anthropic.com/v1') });

    await runPrinted(kept.fix, 'qwen-code');
    const now = JSON.parse(await read(path)) as Record<string, unknown>;
    expect([now.fastModel, now.advisorModel]).toEqual([MODEL, undefined]);
  });
});

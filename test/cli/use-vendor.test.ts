// `use --vendor` / `use direct`: agents back on their vendors' own endpoints in one undoable run,
// byte for byte where the journal allows it, else by taking setup-gateway's settings out.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';

const KEY_A = 'sk-vendor-a-key-0000';
const KEY_B = 'sk-vendor-b-key-1111';
let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome({ KEY_A, KEY_B, XDG_CONFIG_HOME: '', XDG_STATE_HOME: '' });
});
afterEach(() => t.cleanup());

const cli = (...argv: string[]) => runCli(argv, { env: t.env });
const file = (rel: string) => path.join(t.home, rel);
const read = (rel: string) => readFile(file(rel));

// The user's own files, with comments and settings of theirs, before any apply.
const CODEX = '# my codex settings\nmodel = "o3"   # theirs\napproval_policy = "on-request"\n\n[tui]\nnotifications = true\n';
const CLAUDE = '{\n  // mine\n  "permissions": { "allow": ["Bash(ls:*)"] },\n  "env": { "MY_VAR": "1" }\n}\n';

async function userFiles(): Promise<void> {
  await mkdir(file('.codex'), { recursive: true });
  await mkdir(file('.claude'), { recursive: true });
  await writeFile(file('.codex/config.toml'), CODEX);
  await writeFile(file('.claude/settings.json'), CLAUDE);
}

async function profiles(): Promise<void> {
  expect((await cli('profile', 'add', 'a', '--base-url', 'https://a.example.com/v1', '--key-env', 'KEY_A', '--model', 'model-a')).code).toBe(0);
  expect((await cli('profile', 'add', 'b', '--base-url', 'https://b.example.com', '--key-env', 'KEY_B', '--model', 'model-b')).code).toBe(0);
}

describe('use --vendor', () => {
  it('puts every routed agent back byte for byte after apply and use, in one run that undo takes back', async () => {
    await userFiles();
    await profiles();
    expect((await cli('apply', '--profile', 'a', '--agent', 'codex', '--agent', 'claude-code')).code).toBe(0);
    expect((await cli('use', 'b')).code).toBe(0);
    const onB = [await read('.codex/config.toml'), await read('.claude/settings.json')];

    const back = await cli('use', '--vendor');
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toMatch(/✓ codex\s+restored as before setup-gateway, byte for byte: ~\/\.codex\/config\.toml$/m);
    // ~/.claude.json did not exist before: setup-gateway made it, so only its settings go.
    expect(back.stdout).toMatch(/✓ claude-code\s+restored as before setup-gateway, byte for byte: ~\/\.claude\/settings\.json; setup-gateway's settings taken out \(changed since, or created by setup-gateway\): ~\/\.claude\.json$/m);
    expect(back.stdout + back.stderr).not.toContain(KEY_B);
    expect((await read('.codex/config.toml')).toString()).toBe(CODEX);
    expect((await read('.claude/settings.json')).toString()).toBe(CLAUDE);
    const status = JSON.parse((await cli('status', '--json')).stdout) as { agents: Array<{ id: string; via: string }> };
    expect(status.agents.filter((a) => ['codex', 'claude-code'].includes(a.id)).map((a) => a.via)).toEqual(['vendor', 'vendor']);

    const runId = /undo --id (\S+)/.exec(back.stdout)?.[1];
    expect((await cli('undo', '--id', runId ?? '', '--yes')).code).toBe(0);
    expect(await read('.codex/config.toml')).toEqual(onB[0]);
    expect(await read('.claude/settings.json')).toEqual(onB[1]);
  });

  it('takes our settings out of a file changed by hand since, keeping the change, and of a file it created', async () => {
    await mkdir(file('.codex'), { recursive: true });
    await writeFile(file('.codex/config.toml'), CODEX);
    await profiles();
    expect((await cli('apply', '--profile', 'a', '--agent', 'codex', '--agent', 'claude-code')).code).toBe(0);
    await writeFile(file('.codex/config.toml'), `${(await read('.codex/config.toml')).toString()}\n[history]\npersistence = "none"\n`);

    const back = await cli('use', 'direct');
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toMatch(/✓ codex\s+setup-gateway's settings taken out/);
    expect(back.stdout).toMatch(/✓ claude-code\s+setup-gateway's settings taken out/);
    const codex = (await read('.codex/config.toml')).toString();
    // Codex is back on its built-in provider; the provider table stays without its key and URL,
    // so the sessions made through it still name a configured provider.
    expect(codex).not.toMatch(/^model_provider|experimental_bearer_token|base_url|sk-vendor|^model\s*=/m);
    expect(codex).toContain('[model_providers.setup-gateway]');
    expect(codex).toContain('persistence = "none"');
    expect(codex).toContain('approval_policy = "on-request"');
    const claude = (await read('.claude/settings.json')).toString();
    expect(claude).not.toMatch(/ANTHROPIC_|a\.example\.com/);
    const status = JSON.parse((await cli('status', '--json')).stdout) as { agents: Array<{ id: string; via: string; managed: boolean }> };
    expect(status.agents.filter((a) => a.managed)).toEqual([]);
  });

  it("leaves a model slot the user keeps on another provider (a Codex provider, an opencode agent) as it is when taking our settings out", async () => {
    const own = '[model_providers.openrouter]\nname = "OpenRouter"\nbase_url = "https://openrouter.ai/api/v1"\nenv_key = "OPENROUTER_API_KEY"\n';
    await mkdir(file('.codex'), { recursive: true });
    await writeFile(file('.codex/config.toml'), `${CODEX}\n${own}`);
    const agents = { plan: { model: 'openrouter/anthropic/claude-opus-4' } };
    await mkdir(file('.config/opencode'), { recursive: true });
    await writeFile(file('.config/opencode/opencode.json'), `${JSON.stringify({ agent: agents }, null, 2)}\n`);
    await profiles();
    // Without --yes the slots kept on purpose stay where they are (doctor warns about them).
    expect((await cli('apply', '--profile', 'a', '--agent', 'codex', '--agent', 'opencode')).code).toBe(0);
    expect((await read('.codex/config.toml')).toString()).toContain(own);
    // Changed by hand since: our settings are taken out, not the file restored.
    await writeFile(file('.codex/config.toml'), `${(await read('.codex/config.toml')).toString()}\n[history]\npersistence = "none"\n`);
    await writeFile(file('.config/opencode/opencode.json'), (await read('.config/opencode/opencode.json')).toString().replace('{', '{\n  "autoupdate": false,'));

    const back = await cli('use', 'direct');
    expect(back.code, back.stderr).toBe(0);
    expect(back.stdout).toMatch(/✓ codex\s+setup-gateway's settings taken out/);
    expect((await read('.codex/config.toml')).toString()).toContain(own);
    expect(JSON.parse((await read('.config/opencode/opencode.json')).toString())).toMatchObject({ autoupdate: false, agent: agents });
  });

  it('a dry run shows the diffs (keys masked) and writes nothing; with nothing routed it exits 1', async () => {
    expect((await cli('use', '--vendor')).code).toBe(1);
    await userFiles();
    await profiles();
    expect((await cli('apply', '--profile', 'a', '--agent', 'codex')).code).toBe(0);
    const before = await read('.codex/config.toml');
    const dry = await cli('use', '--vendor', '--dry-run', '--agent', 'codex');
    expect(dry.code, dry.stdout + dry.stderr).toBe(0);
    expect(dry.stdout).toContain('dry run: nothing written');
    expect(dry.stdout).toMatch(/^-model_provider = "setup-gateway"$/m);
    expect(dry.stdout).not.toContain(KEY_A);
    expect(await read('.codex/config.toml')).toEqual(before);
  });

  it('takes every agent of the registry off the gateway, none failing, and status shows none routed', async () => {
    await profiles();
    const { recipes } = await import('../../recipes/index.js');
    const ids = recipes.filter((r) => !r.explicitOnly).map((r) => r.id);
    expect((await cli('apply', '--profile', 'a', '--yes', '--relay', 'never', ...ids.flatMap((id) => ['--agent', id]))).code).toBe(0);
    const routed = JSON.parse((await cli('status', '--json')).stdout) as { agents: Array<{ id: string; managed: boolean }> };
    const managed = routed.agents.filter((a) => a.managed).map((a) => a.id);
    expect(managed.length).toBeGreaterThanOrEqual(10);
    const back = await cli('use', '--vendor', '--json');
    expect(back.code, back.stdout + back.stderr).toBe(0);
    const reports = (JSON.parse(back.stdout) as { agents: Array<{ id: string; status: string }> }).agents;
    expect(reports.filter((r) => r.status === 'failed')).toEqual([]);
    expect(back.stdout).not.toContain(KEY_A);
    // Copilot's entry sits in a file whose top level is a list: the step to take it out is printed instead.
    expect(reports.filter((r) => r.status === 'manual').map((r) => r.id)).toEqual(['copilot']);
    const after = JSON.parse((await cli('status', '--json')).stdout) as { agents: Array<{ id: string; managed: boolean }> };
    expect(after.agents.filter((a) => a.managed).map((a) => a.id)).toEqual(managed.includes('copilot') ? ['copilot'] : []);
    const text = await cli('use', '--vendor', '--agent', 'copilot');
    expect(text.stdout).toMatch(/! copilot\s+to do by hand:\n\s+setup-gateway cannot yet take its entry out.*\n\s+Remove the entry whose "name" is "[^"]+" from ~\/\.config\/Code\/User\/chatLanguageModels\.json\./);
  });

  it('"direct" is not a profile name', async () => {
    const run = await cli('profile', 'add', 'direct', '--base-url', 'https://d.example.com', '--key-env', 'KEY_A');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('reserved for `use direct`');
  });
});

// Codex's own doctor checks (doctor.ts), and the generic override checks fed by its recipe's
// data: what apply writes, broken in one place, and the code doctor gives it.
import { describe, expect, it } from 'vitest';
import { doctorJson, find, OFFLINE, useDoctorHome } from '../../test/doctor/helpers.js';

const { world, edit, write, applied } = useDoctorHome();

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

describe("Codex's profile files (<name>.config.toml, codex --profile <name>)", () => {
  const elsewhere = async () => (await doctorJson(OFFLINE, world())).doc.findings.filter((f) => f.code === 'PROFILE_ELSEWHERE' && f.agent === 'codex');

  it('PROFILE_ELSEWHERE for a profile with its own provider elsewhere, or OpenAI itself; with the file, the line and a fix', async () => {
    await applied();
    await write('.codex/work.config.toml', 'model = "anthropic/claude-sonnet-4.5"\nmodel_provider = "openrouter"\n\n[model_providers.openrouter]\nname = "OpenRouter"\nbase_url = "https://openrouter.ai/api/v1"\nenv_key = "OPENROUTER_API_KEY"\n');
    await write('.codex/vendor.config.toml', 'model_provider = "openai"\n');
    const found = await elsewhere();
    expect(found).toHaveLength(2);
    const [vendor, work] = found;
    expect(work).toMatchObject({ level: 'warn', line: 2 });
    expect(work?.file).toMatch(/[\\/]\.codex[\\/]work\.config\.toml$/);
    expect(work?.message).toContain('profile work');
    expect(work?.message).toContain('https://openrouter.ai/api/v1 (provider openrouter)');
    expect(work?.fix).toContain('codex --profile work -c model_provider=setup-gateway');
    expect(vendor).toMatchObject({ level: 'warn', line: 1 });
    expect(vendor?.message).toContain('https://api.openai.com/v1 (provider openai)');
  });

  it('a profile that replaces the gateway provider table: PROFILE_ELSEWHERE at its base_url, fixed by deleting the table', async () => {
    await applied();
    await write('.codex/old.config.toml', '[model_providers.setup-gateway]\nbase_url = "https://old-gateway.example.com/v1"\n');
    const [f] = await elsewhere();
    expect(f).toMatchObject({ level: 'warn', line: 2 });
    expect(f?.fix).toMatch(/^Delete \[model_providers\.setup-gateway\] from /);
  });

  it('no finding for profiles that stay on the gateway, use a local server or a provider config.toml reports, nor for other files', async () => {
    await applied();
    await write('.codex/deep.config.toml', 'model = "o3"\nmodel_reasoning_effort = "high"\n');
    await write('.codex/local.config.toml', 'model_provider = "ollama"\n');
    await write('.codex/mine.config.toml', 'model_provider = "lan"\n[model_providers.lan]\nbase_url = "http://127.0.0.1:8080/v1"\n');
    await write('.codex/notes.toml', 'model_provider = "openai"\n');
    await write('.codex/bad name.config.toml', 'model_provider = "openai"\n');
    // The gateway however its URL is spelt (a trailing slash), as the generic checks compare it.
    await write('.codex/spelt.config.toml', 'model_provider = "gw"\n[model_providers.gw]\nbase_url = "https://gw.example.com/v1/"\n');
    expect(await elsewhere()).toEqual([]);
  });
});

// Codex's own doctor checks (doctor.ts), and the generic override checks fed by its recipe's
// data: what apply writes, broken in one place, and the code doctor gives it.
import { describe, expect, it } from 'vitest';
import { doctorJson, find, OFFLINE, useDoctorHome } from '../../test/doctor/helpers.js';

const { world, edit, applied } = useDoctorHome();

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

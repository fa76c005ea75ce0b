// Pi's own doctor checks (doctor.ts): what apply writes, broken in one place, and the code doctor
// gives it. doctor's key holds a `$`, which apply writes as `$$`: clean means doctor reads it the
// way Pi does.
import { describe, expect, it } from 'vitest';
import { codes, doctorJson, find, OFFLINE, useDoctorHome } from '../../test/doctor/helpers.js';

const { file, write, edit, world, applied } = useDoctorHome();
const PI = ['--agent', 'pi'];
const SETTINGS = '.pi/agent/settings.json';

describe('Pi', () => {
  it('clean after apply (the escaped key reads back as the gateway key)', async () => {
    await applied(PI);
    const run = await doctorJson(OFFLINE, world());
    expect(codes(run.doc.findings, ['warn', 'error'])).toEqual([]);
    expect(codes(run.doc.findings, 'ok')).toContain('KEY_OK');
    expect(run.code).toBe(0);
  });

  it('PI_STORED_KEY: a credential saved with /login for our provider wins over models.json', async () => {
    await applied(PI);
    await write('.pi/agent/auth.json', JSON.stringify({ 'setup-gateway': { type: 'api_key', key: 'sk-other' } }));
    const f = find((await doctorJson(OFFLINE, world())).doc.findings, 'PI_STORED_KEY');
    expect(f).toMatchObject({ level: 'warn', file: file('.pi/agent/auth.json') });
    expect(f.message).toContain('api_key');
    // Credentials for other providers are none of our business.
    await write('.pi/agent/auth.json', JSON.stringify({ anthropic: { type: 'oauth' } }));
    expect(codes((await doctorJson(OFFLINE, world())).doc.findings, 'warn')).not.toContain('PI_STORED_KEY');
  });

  it('PI_KEY_REFERENCE: an apiKey that is a $NAME reference or a !command', async () => {
    await applied(PI);
    await edit('.pi/agent/models.json', (s) => s.replace(/"apiKey": "[^\n]*",/, '"apiKey": "$GW_KEY",'));
    const f = find((await doctorJson(OFFLINE, world())).doc.findings, 'PI_KEY_REFERENCE');
    expect(f.message).toContain('an environment reference');
    await edit('.pi/agent/models.json', (s) => s.replace('"$GW_KEY"', '"!pass show gw"'));
    expect(find((await doctorJson(OFFLINE, world())).doc.findings, 'PI_KEY_REFERENCE').message).toContain('a shell command');
  });

  it('PI_ENABLED_MODELS: enabledModels without a pattern for our model; a glob or the exact reference is fine', async () => {
    await applied(PI);
    await edit(SETTINGS, (s) => s.replace('{', '{\n  "enabledModels": ["anthropic/*", "gw-model-2"],'));
    const f = find((await doctorJson(OFFLINE, world())).doc.findings, 'PI_ENABLED_MODELS');
    expect(f).toMatchObject({ level: 'warn', file: file(SETTINGS) });
    expect(f.fix).toContain('"setup-gateway/gw-model"');
    for (const ok of ['setup-gateway/*', '*gw-mod*', 'SETUP-GATEWAY/gw-model:high']) {
      await write(SETTINGS, JSON.stringify({ defaultProvider: 'setup-gateway', defaultModel: 'gw-model', enabledModels: [ok] }));
      expect(codes((await doctorJson(OFFLINE, world())).doc.findings, 'warn'), ok).not.toContain('PI_ENABLED_MODELS');
    }
  });
});

// Gemini CLI's own doctor checks (doctor.ts): what apply writes, broken in one place, and the code
// doctor gives it.
import { describe, expect, it } from 'vitest';
import { codes, doctorJson, find, OFFLINE, useDoctorHome } from '../../test/doctor/helpers.js';

const { file, write, edit, world, applied } = useDoctorHome();
const GEMINI = ['--agent', 'gemini-cli'];
/** A project folder Gemini CLI trusts, as after answering its trust prompt. */
async function trustedProject(): Promise<string> {
  await write('proj/README', 'x');
  await write('.gemini/trustedFolders.json', JSON.stringify({ [file('proj')]: 'TRUST_FOLDER' }));
  return file('proj');
}

describe('Gemini CLI', () => {
  it('clean after apply in a trusted folder', async () => {
    await applied(GEMINI);
    const cwd = await trustedProject();
    const run = await doctorJson(OFFLINE, world({}, { cwd }));
    expect(codes(run.doc.findings, ['warn', 'error'])).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('GEMINI_AUTH_TYPE: a Google login selected in settings.json, with its line', async () => {
    await applied(GEMINI);
    const cwd = await trustedProject();
    await edit('.gemini/settings.json', (s) => s.replace('"gemini-api-key"', '"oauth-personal"'));
    const f = find((await doctorJson(OFFLINE, world({}, { cwd }))).doc.findings, 'GEMINI_AUTH_TYPE');
    expect(f).toMatchObject({ level: 'error', file: file('.gemini/settings.json'), line: 4 });
    expect(f.why).toContain('Google account');
  });

  it('GEMINI_GOOGLE_AUTH_ENV: Vertex / Google login variables and GOOGLE_API_KEY in the environment', async () => {
    await applied(GEMINI);
    const cwd = await trustedProject();
    const f = find((await doctorJson(OFFLINE, world({ GOOGLE_GENAI_USE_VERTEXAI: 'true', GOOGLE_API_KEY: 'AIza-secret-0000' }, { cwd }))).doc.findings, 'GEMINI_GOOGLE_AUTH_ENV');
    expect(f).toMatchObject({ level: 'warn', message: 'GOOGLE_GENAI_USE_VERTEXAI, GOOGLE_API_KEY are set in your environment.' });
  });

  it("GEMINI_PROJECT_ENV: a project's .env replaces the home one", async () => {
    await applied(GEMINI);
    const cwd = await trustedProject();
    await write('proj/.env', 'DEBUG=1\n');
    const f = find((await doctorJson(OFFLINE, world({}, { cwd }))).doc.findings, 'GEMINI_PROJECT_ENV');
    expect(f).toMatchObject({ level: 'error', file: file('proj/.env') });
    expect(f.message).toContain('no GOOGLE_GEMINI_BASE_URL');
  });

  it('GEMINI_UNTRUSTED_FOLDER: the home .env is not read in a folder Gemini CLI does not trust; trust by rule or by variable', async () => {
    await applied(GEMINI);
    await write('other/README', 'x');
    const f = find((await doctorJson(OFFLINE, world({}, { cwd: file('other') }))).doc.findings, 'GEMINI_UNTRUSTED_FOLDER');
    expect(f.level).toBe('warn');
    expect(codes((await doctorJson(OFFLINE, world({ GEMINI_CLI_TRUST_WORKSPACE: 'true' }, { cwd: file('other') }))).doc.findings, 'warn')).not.toContain('GEMINI_UNTRUSTED_FOLDER');
    await write('.gemini/trustedFolders.json', JSON.stringify({ [file('other/README')]: 'TRUST_PARENT' }));
    expect(codes((await doctorJson(OFFLINE, world({}, { cwd: file('other') }))).doc.findings, 'warn')).not.toContain('GEMINI_UNTRUSTED_FOLDER');
  });
});

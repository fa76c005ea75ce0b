// Aider's own doctor checks (doctor.ts), and the generic override checks fed by its recipe's
// data: what apply writes, broken in one place, and the code doctor gives it.
import { mkdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { codes, doctorJson, find, MODEL, OFFLINE, useDoctorHome } from '../../test/doctor/helpers.js';

const { file, write, edit, world, applied } = useDoctorHome();

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

// Factory Droid's own doctor checks (doctor.ts): what apply writes, then another start-up model
// set in a file Droid merges over ours.
import { describe, expect, it } from 'vitest';
import { codes, doctorJson, find, OFFLINE, useDoctorHome } from '../../test/doctor/helpers.js';

const { file, write, world, applied } = useDoctorHome();
const DROID = ['--agent', 'droid'];

describe('Factory Droid', () => {
  it('clean after apply', async () => {
    await applied(DROID);
    await write('proj/README', 'x');
    const run = await doctorJson(OFFLINE, world({}, { cwd: file('proj') }));
    expect(codes(run.doc.findings, ['warn', 'error'])).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('DROID_DEFAULT_MODEL: ~/.factory/settings.local.json, then a project .factory file, start Droid with another model', async () => {
    await applied(DROID);
    await write('proj/README', 'x');
    const cwd = file('proj');
    await write('.factory/settings.local.json', JSON.stringify({ sessionDefaultSettings: { model: 'opus' } }));
    const f = find((await doctorJson(OFFLINE, world({}, { cwd }))).doc.findings, 'DROID_DEFAULT_MODEL');
    expect(f).toMatchObject({ level: 'error', file: file('.factory/settings.local.json') });
    expect(f.message).toContain('"opus"');

    // A project file that puts ours back wins over the user's local file.
    await write('proj/.factory/settings.local.json', JSON.stringify({ sessionDefaultSettings: { model: 'custom:setup-gateway-0' } }));
    expect(codes((await doctorJson(OFFLINE, world({}, { cwd }))).doc.findings, 'error')).not.toContain('DROID_DEFAULT_MODEL');
    await write('proj/.factory/settings.local.json', JSON.stringify({ sessionDefaultSettings: { model: 'gpt-5.6-sol' } }));
    expect(find((await doctorJson(OFFLINE, world({}, { cwd }))).doc.findings, 'DROID_DEFAULT_MODEL').file).toBe(file('proj/.factory/settings.local.json'));
  });
});

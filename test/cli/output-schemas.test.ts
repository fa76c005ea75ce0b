// `status --json` and `doctor --json` are a contract for fleet reporting: every document the
// commands print, in every state exercised here, holds to the schema in src/app/output-schemas.ts,
// which the build publishes as dist/status.schema.json and dist/doctor.schema.json.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DoctorJsonSchema, outputJsonSchemas, StatusJsonSchema } from '../../src/app/output-schemas.js';
import { put } from '../support/recipe-helpers.js';
import { modelsFetch, runCli } from '../support/run-cli.js';
import { makeTempHome, putBinary, type TempHome } from '../support/temp-home.js';

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome({ GW_KEY: 'sk-schema-0001' });
});
afterEach(() => t.cleanup());

const cli = (args: string[]) => runCli(args, { env: t.env, cwd: t.home, fetch: modelsFetch(['m1', 'm2']) });

async function statusDoc() {
  const run = await cli(['status', '--json']);
  expect(run.code).toBe(0);
  return StatusJsonSchema.parse(JSON.parse(run.stdout));
}

async function doctorDoc(...args: string[]) {
  const run = await cli(['doctor', '--json', ...args]);
  return DoctorJsonSchema.parse(JSON.parse(run.stdout));
}

describe('status --json and doctor --json hold to their published schemas', () => {
  it('with nothing set up', async () => {
    expect((await statusDoc()).agents).toEqual([]);
    await doctorDoc('--offline');
  });

  it('with agents applied, changed by hand, at a vendor, against a profile, and after --fix', async () => {
    await putBinary(t.home, 'codex');
    await putBinary(t.home, 'claude');
    await put(t.home, '.aider.conf.yml', 'openai-api-base: https://api.openai.com/v1\n');
    expect((await cli(['apply', '--base-url', 'https://gw.example.com/v1', '--key-env', 'GW_KEY', '--model', 'm1', '--agent', 'codex', '--agent', 'claude-code'])).code).toBe(0);
    const status = await statusDoc();
    expect(status.agents.map((a) => [a.id, a.via])).toEqual(expect.arrayContaining([['codex', 'profile'], ['claude-code', 'profile']]));

    await put(t.home, '.codex/config.toml', (await readFile(path.join(t.home, '.codex/config.toml'), 'utf8')).replace('model = "m1"', 'model = "m9"'));
    await statusDoc();
    const network = await doctorDoc('--key-env', 'GW_KEY');
    expect(network.findings.length).toBeGreaterThan(0);
    await doctorDoc('--offline', '--agent', 'aider');

    await put(t.home, 'team.json', JSON.stringify({ name: 'team', baseUrl: 'https://gw.example.com/v1', model: 'm1', key: 'env:GW_KEY' }));
    const against = await doctorDoc('--against', 'team.json', '--offline');
    expect(against.against?.name).toBe('team');
    expect(against.findings.some((f) => f.code === 'PROFILE_MODEL_DRIFT')).toBe(true);

    const fixed = await doctorDoc('--fix', '--yes', '--key-env', 'GW_KEY');
    expect(fixed.fix).toBeDefined();
    // doctor's last result per agent, as status reports it.
    const checked = await statusDoc();
    expect(checked.agents.find((a) => a.id === 'codex')?.doctor).toMatchObject({ offline: false, outdated: false });
  });

  it('are published in dist/ as the build wrote them from these schemas', async () => {
    const dist = path.join(import.meta.dirname, '..', '..', 'dist');
    if (!existsSync(path.join(dist, 'cli.js'))) return; // not built: `npm test` builds first
    for (const [name, schema] of Object.entries(outputJsonSchemas())) {
      expect(JSON.parse(await readFile(path.join(dist, name), 'utf8')), name).toEqual(schema);
    }
  });
});

// The round trip: apply, doctor is green; break a file by hand, doctor names the break;
// `doctor --fix --yes` repairs it through the same engine (journal, undo), and doctor is green again.
import { chmod, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockGateway, type MockGateway } from '../support/mock-gateway.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';
import { runCli } from '../support/run-cli.js';
import { applyAll, doctorJson, KEY, MODEL, problems } from './helpers.js';

let g: MockGateway;
let t: TempHome;
beforeAll(async () => {
  g = await startMockGateway({ models: [MODEL, 'auto'], requireKey: KEY, strict: true });
});
afterAll(() => g.close());
beforeEach(async () => {
  t = await makeTempHome();
  await applyAll(world(), g.url);
});
afterEach(() => t.cleanup());

function world(more: { interactive?: boolean; answer?: boolean } = {}) {
  return { env: t.env, fetch: globalThis.fetch, ...more };
}
const file = (rel: string) => path.join(t.home, rel);
const read = (rel: string) => readFile(file(rel), 'utf8');
async function edit(rel: string, fn: (text: string) => string): Promise<void> {
  const before = await read(rel);
  const after = fn(before);
  expect(after, `the break of ${rel} must change it`).not.toBe(before);
  await writeFile(file(rel), after);
}

interface Break {
  name: string;
  rel: string;
  breakIt: () => Promise<void>;
  /** What doctor must say, as `agent:CODE`. */
  expect: string[];
  /** What must hold after --fix. */
  check: () => Promise<void>;
}

const breaks: Break[] = [
  {
    name: 'Claude Code settings: /v1 added, betas removed, an ANTHROPIC_API_KEY added, a key of the user\'s own',
    rel: '.claude/settings.json',
    breakIt: () =>
      edit('.claude/settings.json', (s) =>
        s
          .replace(`"ANTHROPIC_BASE_URL": "${g.url}"`, `"ANTHROPIC_BASE_URL": "${g.url}/v1"`)
          .replace(/\n\s*"CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS": "1",?/, '')
          .replace('"env": {', '"theme": "dark",\n  "env": {\n    "ANTHROPIC_API_KEY": "sk-ant-stale-0000-1111",'),
      ),
    expect: ['claude-code:URL_EXTRA_V1', 'claude-code:DRIFT', 'claude-code:CLAUDE_API_KEY_CONFLICT', 'claude-code:CLAUDE_BETAS_ENABLED'],
    check: async () => {
      const s = JSON.parse(await read('.claude/settings.json'));
      expect(s.theme).toBe('dark');
      expect(s.env.ANTHROPIC_BASE_URL).toBe(g.url);
      expect(s.env.CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS).toBe('1');
      expect(s.env).not.toHaveProperty('ANTHROPIC_API_KEY');
    },
  },
  {
    name: '~/.claude.json: onboarding reset',
    rel: '.claude.json',
    breakIt: () => writeFile(file('.claude.json'), '{\n  "numStartups": 4,\n  "hasCompletedOnboarding": false\n}\n'),
    expect: ['claude-code:DRIFT', 'claude-code:CLAUDE_ONBOARDING'],
    check: async () => expect(JSON.parse(await read('.claude.json'))).toEqual({ numStartups: 4, hasCompletedOnboarding: true }),
  },
  {
    name: 'Codex: another provider selected, wire_api chat',
    rel: '.codex/config.toml',
    breakIt: () =>
      edit('.codex/config.toml', (s) => s.replace('model_provider = "setup-gateway"', 'model_provider = "openai"').replace('wire_api = "responses"', 'wire_api = "chat"')),
    expect: ['codex:DRIFT', 'codex:CODEX_PROVIDER_NOT_SELECTED', 'codex:CODEX_WIRE_API'],
    check: async () => {
      const c = parseToml(await read('.codex/config.toml')) as { model_provider: string; model_providers: Record<string, { wire_api: string }> };
      expect(c.model_provider).toBe('setup-gateway');
      expect(c.model_providers['setup-gateway']?.wire_api).toBe('responses');
    },
  },
  {
    name: 'Aider: the openai/ prefix dropped, the file made world-readable',
    rel: '.aider.conf.yml',
    breakIt: async () => {
      await edit('.aider.conf.yml', (s) => `# mine\n${s.replace(`model: openai/${MODEL}`, `model: ${MODEL}`)}`);
      await chmod(file('.aider.conf.yml'), 0o644);
    },
    expect: ['aider:FILE_MODE', 'aider:DRIFT', 'aider:AIDER_MODEL_PREFIX'],
    check: async () => {
      const text = await read('.aider.conf.yml');
      expect(text.startsWith('# mine\n')).toBe(true);
      expect(text).toContain(`model: openai/${MODEL}`);
      expect((await stat(file('.aider.conf.yml'))).mode & 0o777).toBe(0o600);
    },
  },
];

describe('doctor after apply', () => {
  it('is all green', async () => {
    const run = await doctorJson([], world());
    expect(problems(run.doc.findings)).toEqual([]);
    expect(run.code).toBe(0);
  });

  for (const b of breaks) {
    it(`names the break and --fix --yes repairs it: ${b.name}`, async () => {
      await b.breakIt();
      const broken = await doctorJson([], world());
      expect(problems(broken.doc.findings).sort()).toEqual([...b.expect].sort());
      expect(broken.doc.findings.filter((f) => f.level !== 'ok').every((f) => f.file === undefined || f.file === file(b.rel))).toBe(true);
      expect(broken.stdout).not.toContain('sk-ant-stale-0000-1111');

      const fixed = await runCli(['doctor', '--fix', '--yes'], world());
      expect(fixed.stdout).toContain(`fixed `);
      expect(fixed.stdout).toContain('After the fix:');
      expect(fixed.stdout).not.toContain('sk-ant-stale-0000-1111');
      expect(fixed.stdout).not.toContain(`q'#$x`);
      expect(fixed.code, fixed.stdout).toBe(0);
      await b.check();

      const again = await doctorJson([], world());
      expect(problems(again.doc.findings)).toEqual([]);
      expect(again.code).toBe(0);
    });
  }

  it('an applied agent whose file was deleted: AGENT_NOT_CONFIGURED, and --fix writes it again', async () => {
    await rm(file('.aider.conf.yml'));
    const broken = await doctorJson([], world());
    const f = broken.doc.findings.find((x) => x.code === 'AGENT_NOT_CONFIGURED');
    expect(f).toMatchObject({ agent: 'aider', level: 'error' });
    expect(f?.why).toContain('setup-gateway configured it');
    expect(broken.code).toBe(1);
    const fixed = await runCli(['doctor', '--fix', '--yes'], world());
    expect(fixed.code, fixed.stdout).toBe(0);
    // The model it had is gone with the file: like apply, the gateway's `auto` when it lists one.
    expect(await read('.aider.conf.yml')).toContain('model: openai/auto');
  });

  it('--fix is undoable like an apply', async () => {
    await breaks[2]?.breakIt();
    const broken = await read('.codex/config.toml');
    const fixed = await runCli(['doctor', '--fix', '--yes'], world());
    const id = /undo --id (\S+)/.exec(fixed.stdout)?.[1];
    expect(id).toBeDefined();
    const undo = await runCli(['undo', '--id', id as string], world());
    expect(undo.code).toBe(0);
    expect(await read('.codex/config.toml')).toBe(broken);
  });

  it('--fix without --yes and without a terminal shows the diff and writes nothing', async () => {
    await breaks[3]?.breakIt();
    const before = await read('.aider.conf.yml');
    const run = await runCli(['doctor', '--fix'], world());
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`+model: openai/${MODEL}`);
    expect(run.stdout).toContain('mode 0644 → 0600');
    expect(run.stdout).toContain('Nothing was written');
    expect(await read('.aider.conf.yml')).toBe(before);
  });

  it('--fix on a terminal asks first: no leaves the files, yes repairs them', async () => {
    await breaks[1]?.breakIt();
    const before = await read('.claude.json');
    const no = await runCli(['doctor', '--fix'], world({ interactive: true, answer: false }));
    expect(no.asked).toHaveLength(1);
    expect(await read('.claude.json')).toBe(before);
    expect(no.code).toBe(1);
    const yes = await runCli(['doctor', '--fix'], world({ interactive: true, answer: true }));
    expect(yes.code).toBe(0);
    expect(JSON.parse(await read('.claude.json')).hasCompletedOnboarding).toBe(true);
  });

  it('--fix --yes --json reports the fix and the findings after it', async () => {
    await breaks[0]?.breakIt();
    const run = await doctorJson(['--fix', '--yes'], world());
    expect(run.code).toBe(0);
    expect(run.doc.fix).toMatchObject({ applied: true, agents: [{ id: 'claude-code' }] });
    expect(problems(run.doc.findings)).toEqual([]);
    expect(JSON.stringify(run.doc)).not.toContain('sk-ant-stale-0000-1111');
  });

  it('--fix leaves alone what only a person can fix, and says so', async () => {
    const run = await runCli(['doctor', '--fix', '--yes'], { env: { ...t.env, env: { ...t.env.env, AIDER_OPENAI_API_BASE: 'https://elsewhere/v1' } }, fetch: globalThis.fetch });
    expect(run.stdout).toContain('No file needs changing');
    expect(run.stdout).toContain('ENV_OVERRIDE');
    expect(run.code).toBe(1);
  });
});

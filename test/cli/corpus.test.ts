// The whole engine over the messy-file corpus: each fixture is placed where an agent reads its
// config, then `apply` runs through the CLI. Either the agent is updated (lines we do not own
// kept byte for byte, a second apply a no-op, undo byte-exact with the mode) or the agent fails
// with a clear message and the file is untouched.
import { chmod, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectSameFraming, expectUnownedLinesKept } from '../formats/helpers.js';
import { runCli } from '../support/run-cli.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';

const CORPUS = path.join(import.meta.dirname, '..', 'fixtures', 'corpus');

interface Target {
  agent: string;
  file: string;
  owned: (line: string) => boolean;
  normalize?: (line: string) => string;
  /** Fixtures the agent must refuse, with what the message says. */
  refused: Record<string, RegExp>;
}

const TARGETS: Record<string, Target> = {
  json: {
    agent: 'claude-code',
    file: '.claude/settings.json',
    owned: (line) => /"(env|ANTHROPIC_[A-Z_]+|CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS)"/.test(line) || /^\s*[{}[\]]*,?\s*$/.test(line),
    normalize: (line) => line.replace(/,(\s*(\/\/.*)?)(\r?\n)?$/, '$1$3'),
    refused: { 'invalid.json': /settings\.json:4:5: / },
  },
  toml: {
    agent: 'codex',
    file: '.codex/config.toml',
    // With --yes another provider that leaves this machine is pointed at the gateway: its URL and key lines are ours then.
    owned: (line) => /^\s*(model|model_provider|base_url|experimental_bearer_token|env_key)\s*=|^\s*\[model_providers\.setup-gateway\]/.test(line),
    refused: {
      'invalid.toml': /config\.toml:\d+:\d+: /,
      // Rewriting the user's inline table or dotted keys would reformat what they wrote.
      'inline-table.toml': /config\.toml: cannot add model_providers\.setup-gateway: it lies inside the inline value of model_providers.*Nothing was written/,
      'dotted-provider.toml': /config\.toml: model_providers is defined with dotted keys.*Nothing was written/,
    },
  },
  yaml: {
    agent: 'aider',
    file: '.aider.conf.yml',
    owned: (line) => /^(openai-api-base|openai-api-key|model|weak-model|editor-model):/.test(line),
    refused: { 'invalid.yaml': /\.aider\.conf\.yml:\d+:\d+: / },
  },
};

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome();
});
afterEach(() => t.cleanup());

const KEY = 'sk-corpus-"#$-key-0001';

async function applyTo(agent: string) {
  return runCli(['apply', '--base-url', 'https://gw.example.com', '--key', KEY, '--agent', agent, '--model', 'm1', '--yes', '--json'], { env: t.env });
}

for (const [format, target] of Object.entries(TARGETS)) {
  describe(`${target.agent} over the ${format} corpus`, async () => {
    const fixtures = (await readdir(path.join(CORPUS, format))).sort();
    it.each(fixtures)('%s', async (name) => {
      const original = await readFile(path.join(CORPUS, format, name));
      const file = path.join(t.home, target.file);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, original);
      await chmod(file, 0o640);

      const first = await applyTo(target.agent);
      const report = JSON.parse(first.stdout).agents[0];
      const refusal = target.refused[name];
      if (refusal || report.status === 'failed') {
        // Refusals are only acceptable where expected, and leave the file as it was.
        expect(report.messages.join('\n'), `unexpected refusal of ${name}`).toMatch(refusal ?? /^(?!)/);
        expect(first.code).toBe(1);
        expect((await readFile(file)).equals(original)).toBe(true);
        return;
      }
      expect(first.code, first.stdout + first.stderr).toBe(0);
      expect(report.status).toBe('updated');
      const after = await readFile(file, 'utf8');
      expectUnownedLinesKept(original.toString('utf8'), after, target.owned, target.normalize);
      expectSameFraming(original.toString('utf8'), after);
      expect((await stat(file)).mode & 0o777).toBe(0o600);

      const second = await applyTo(target.agent);
      expect(JSON.parse(second.stdout).agents[0].status).toBe('unchanged');
      expect(await readFile(file, 'utf8')).toBe(after);

      const undo = await runCli(['undo'], { env: t.env });
      expect(undo.code, undo.stdout + undo.stderr).toBe(0);
      expect((await readFile(file)).equals(original)).toBe(true);
      expect((await stat(file)).mode & 0o777).toBe(0o640);
    });
  });
}

describe('a symlinked config file', () => {
  it('is written at its target, reported, and restored by undo', async () => {
    const dotfiles = path.join(t.home, 'dotfiles');
    await mkdir(dotfiles);
    const target = path.join(dotfiles, 'aider.yml');
    await writeFile(target, '# mine\nmodel: old\n');
    const { symlink } = await import('node:fs/promises');
    await symlink(target, path.join(t.home, '.aider.conf.yml'));
    const run = await applyTo('aider');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).agents[0].messages.join('\n')).toMatch(/is a symlink: writing its target ~\/dotfiles\/aider\.yml/);
    expect(await readFile(target, 'utf8')).toMatch(/^# mine\nmodel: openai\/m1\n/);
    await runCli(['undo'], { env: t.env });
    expect(await readFile(target, 'utf8')).toBe('# mine\nmodel: old\n');
  });
});

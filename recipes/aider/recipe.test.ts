// Aider's recipe against a real-world ~/.aider.conf.yml (the shape found in public dotfiles): the
// main and weak models on OpenRouter. After apply every model Aider uses goes through the gateway,
// the rest of the file is kept byte for byte, and undo gives the file back.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { applier, fixture, KEY, OPENAI, put, read, undo } from '../../test/support/recipe-helpers.js';
import { makeTempHome, type TempHome } from '../../test/support/temp-home.js';
import { modelsFetch, runCli } from '../../test/support/run-cli.js';

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome();
});
afterEach(() => t.cleanup());

const FILE = '.aider.conf.yml';
const apply = applier({ agent: 'aider', model: 'gpt-5-mini' });

describe('aider: apply', () => {
  it('routes the main, weak and editor models of a real-world OpenRouter config through the gateway; undo restores it byte for byte', async () => {
    const original = await fixture('aider', 'aider.conf.yml');
    await put(t.home, FILE, original, 0o600);

    const dry = await runCli(['apply', '--base-url', OPENAI, '--key', KEY, '--agent', 'aider', '--model', 'gpt-5-mini', '--dry-run'], { env: t.env });
    expect(dry.stdout).toContain('-weak-model: openrouter/google/gemini-2.5-flash');
    expect(dry.stdout).toContain('+weak-model: openai/gpt-5-mini');

    const run = await apply(t.env);
    expect(run.code).toBe(0);
    const text = await read(t.home, FILE);
    // No setting names an OpenRouter model any more (a commented-out line stays a comment).
    expect(text.split('\n').filter((l) => !l.trimStart().startsWith('#') && l.includes('openrouter/'))).toEqual([]);
    expect(parseYaml(text)).toEqual({
      ...parseYaml(original),
      model: 'openai/gpt-5-mini',
      'weak-model': 'openai/gpt-5-mini',
      'editor-model': 'openai/gpt-5-mini',
      'openai-api-base': OPENAI,
      'openai-api-key': KEY,
    });
    for (const line of ['# editor-model: openrouter/anthropic/claude-sonnet-4.5', 'auto-commits: false   # I commit by hand', '## Cheap model for commit messages and chat summaries']) {
      expect(text).toContain(line);
    }
    expect((await undo(t.env)).code).toBe(0);
    expect(await read(t.home, FILE)).toBe(original);
  });

  it('gives the weak model --small-model, and the gateway smaller model of the same family when it lists one', async () => {
    await put(t.home, FILE, await fixture('aider', 'aider.conf.yml'), 0o600);
    expect((await apply(t.env, '--small-model', 'gw-small')).code).toBe(0);
    expect(parseYaml(await read(t.home, FILE))).toMatchObject({ model: 'openai/gpt-5-mini', 'weak-model': 'openai/gw-small', 'editor-model': 'openai/gpt-5-mini' });

    const fetch = modelsFetch(['auto', 'gpt-4o-mini', 'gpt-5', 'claude-haiku-4.5', 'gpt-5-mini']);
    const listed = await runCli(['apply', '--base-url', OPENAI, '--key', KEY, '--agent', 'aider', '--model', 'gpt-5'], { env: t.env, fetch });
    expect(listed.code, listed.stdout + listed.stderr).toBe(0);
    expect(parseYaml(await read(t.home, FILE))).toMatchObject({ model: 'openai/gpt-5', 'weak-model': 'openai/gpt-5-mini', 'editor-model': 'openai/gpt-5' });
  });
});

// Codex sessions counted by provider from their rollout files (app/codex-sessions.ts), and the
// notes apply and undo print from them. The real codex proves what the notes say in
// test/e2e/switch.e2e.test.ts.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codexSessionsByProvider, codexSessionsHiddenNote, codexSessionsUndoNote } from '../../src/app/codex-sessions.js';
import { runCli } from '../support/run-cli.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome();
});
afterEach(() => t.cleanup());

async function session(dir: string, id: string, provider: string | undefined, instructions = 'x'): Promise<void> {
  const folder = path.join(t.home, '.codex', dir, '2026', '12', '04');
  await mkdir(folder, { recursive: true });
  const meta = { type: 'session_meta', payload: { id, base_instructions: { text: instructions }, ...(provider ? { model_provider: provider } : {}) } };
  await writeFile(path.join(folder, `rollout-2026-12-04T10-00-00-${id}.jsonl`), `${JSON.stringify(meta)}\n{"type":"response_item","payload":{}}\n`);
}

describe('Codex sessions by provider', () => {
  it('counts sessions and archived sessions by the provider of their session_meta; none recorded is OpenAI\'s own', async () => {
    await session('sessions', 'a', 'openai', 'y'.repeat(200_000)); // a first line longer than one read
    await session('sessions', 'b', 'setup-gateway');
    await session('archived_sessions', 'c', undefined);
    await mkdir(path.join(t.home, '.codex', 'sessions', 'other'), { recursive: true });
    await writeFile(path.join(t.home, '.codex', 'sessions', 'other', 'notes.txt'), 'not a session');
    expect(Object.fromEntries(await codexSessionsByProvider(t.env))).toEqual({ openai: 2, 'setup-gateway': 1 });
  });

  it('no Codex folder: no sessions and no note', async () => {
    expect((await codexSessionsByProvider(t.env)).size).toBe(0);
    expect(await codexSessionsHiddenNote(t.env)).toBeUndefined();
  });

  it('the apply note names each provider and the override that continues them with it', async () => {
    await session('sessions', 'a', 'openai');
    expect(await codexSessionsHiddenNote(t.env)).toMatch(/^Codex: 1 session made before \(1 with "openai"\) .*`codex -c model_provider=openai resume`/);
    await session('sessions', 'b', 'ollama');
    expect(await codexSessionsHiddenNote(t.env)).toMatch(/2 sessions made before \(1 with "openai", 1 with "ollama"\).*`codex -c model_provider=<its provider> resume`/);
  });

  it('the undo note: only when Codex\'s config.toml is restored to another provider, and there are gateway sessions', async () => {
    const config = path.join(t.home, '.codex', 'config.toml');
    await session('sessions', 'b', 'setup-gateway');
    expect(await codexSessionsUndoNote(t.env, [{ path: config, after: Buffer.from('model = "m"\n') }])).toMatch(/^Codex: 1 session made through the gateway /);
    expect(await codexSessionsUndoNote(t.env, [{ path: config, after: null }])).toMatch(/^Codex: 1 session/);
    expect(await codexSessionsUndoNote(t.env, [{ path: config, after: Buffer.from('model_provider = "setup-gateway"\n') }])).toBeUndefined();
    expect(await codexSessionsUndoNote(t.env, [{ path: config, after: Buffer.from('[model_providers.setup-gateway]\nname = "x"\n') }])).toBeUndefined();
    expect(await codexSessionsUndoNote(t.env, [{ path: path.join(t.home, '.claude', 'settings.json'), after: null }])).toBeUndefined();
  });
});

describe('what apply and undo say about them', () => {
  const apply = ['apply', '--base-url', 'https://gw.example.com/v1', '--key', 'sk-test-sessions-1234', '--agent', 'codex', '--model', 'gw-model'];

  it('the review of an apply that selects the gateway\'s provider says it, the dry run too; one already on it says nothing; undo says what becomes of the gateway\'s sessions', async () => {
    await session('sessions', 'a', 'openai');
    const dry = await runCli([...apply, '--dry-run'], { env: t.env });
    expect(dry.stdout).toContain('Codex: 1 session made before (1 with "openai") will not show in `codex resume`');
    const applied = await runCli([...apply, '--yes'], { env: t.env });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('Codex: 1 session made before');
    await session('sessions', 'b', 'setup-gateway');
    const again = await runCli([...apply, '--model', 'other-model', '--yes'], { env: t.env });
    expect(again.stdout).not.toContain('Codex: 1 session made before');
    const undone = await runCli(['undo', '--yes'], { env: t.env });
    expect(undone.stdout).not.toContain('session'); // back to the first apply's gateway: still ours
    const last = await runCli(['undo', '--yes'], { env: t.env });
    expect(last.stdout).toContain('Codex: 1 session made through the gateway will not show in `codex resume`');
  });

  it('use direct says it too, when it puts config.toml back as it was', async () => {
    await session('sessions', 'b', 'setup-gateway');
    await writeFile(path.join(t.home, '.codex', 'config.toml'), 'model = "m"\n');
    expect((await runCli([...apply, '--yes'], { env: t.env })).code).toBe(0);
    const direct = await runCli(['use', 'direct', '--yes'], { env: t.env });
    expect(direct.code).toBe(0);
    expect(direct.stdout).toContain('Codex: 1 session made through the gateway will not show in `codex resume`');
  });
});

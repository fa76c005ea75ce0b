// The applier and undo on a real file system inside a temp home.
import { chmod, lstat, mkdir, readFile, readlink, stat, symlink, writeFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyChanges } from '../../src/core/apply.js';
import { listJournals } from '../../src/core/journal.js';
import type { FileChange } from '../../src/core/plan.js';
import { undoRun } from '../../src/core/undo.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';

let t: TempHome;
let state: string;
beforeEach(async () => {
  t = await makeTempHome();
  state = path.join(t.home, 'state');
});
afterEach(() => t.cleanup());

function change(file: string, before: string | null, after: string, mode: number, beforeMode: number | null = null): FileChange {
  return {
    path: file,
    realPath: file,
    symlink: false,
    before: before === null ? null : Buffer.from(before),
    after: Buffer.from(after),
    beforeMode,
    mode,
    holdsSecret: false,
    purpose: 'test',
  };
}

const opts = () => ({ stateDir: state, toolVersion: '0.0.0-test', baseUrl: 'https://gw/v1', by: { command: 'apply' as const } });

describe('applyChanges', () => {
  it('writes, journals and backs up; undo restores bytes and mode exactly', async () => {
    const file = path.join(t.home, 'a.json');
    const original = '{\r\n\t"x": 1 // c\r\n}';
    await writeFile(file, original);
    await chmod(file, 0o640);
    const outcome = await applyChanges([{ agent: 'a', changes: [change(file, original, '{"x":2}', 0o600, 0o640)] }], opts());
    expect(outcome.written).toEqual({ a: [file] });
    expect(await readFile(file, 'utf8')).toBe('{"x":2}');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const [journal] = await listJournals(state);
    expect(journal?.id).toBe(outcome.runId);
    expect((await stat(path.join(state, 'runs'))).mode & 0o777).toBe(0o700);

    const undone = await undoRun(state);
    expect(undone.files).toEqual([{ path: file, status: 'restored' }]);
    expect(await readFile(file, 'utf8')).toBe(original);
    expect((await stat(file)).mode & 0o777).toBe(0o640);
    await expect(undoRun(state)).rejects.toThrow(/Nothing to undo/);
  });

  it('creates missing folders and files; undo removes exactly those', async () => {
    const file = path.join(t.home, 'new', 'deeper', 'f.toml');
    await applyChanges([{ agent: 'a', changes: [change(file, null, 'k = 1\n', 0o600)] }], opts());
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const result = await undoRun(state);
    expect(result.files[0]?.status).toBe('removed');
    await expect(stat(path.join(t.home, 'new'))).rejects.toThrow();
    expect(await readdir(t.home)).toEqual(['state']);
  });

  it('leaves a file edited after apply alone, and reports it', async () => {
    const file = path.join(t.home, 'b.yml');
    await writeFile(file, 'a: 1\n');
    await applyChanges([{ agent: 'a', changes: [change(file, 'a: 1\n', 'a: 2\n', 0o644, 0o644)] }], opts());
    await writeFile(file, 'a: 3\n');
    const result = await undoRun(state);
    expect(result.files[0]?.status).toBe('changed-since');
    expect(result.files[0]?.backup).toMatch(/runs\/.+\/0\.bak$/);
    expect(await readFile(file, 'utf8')).toBe('a: 3\n');
    // Not marked undone: after the user settles the file, undo can run again.
    await writeFile(file, 'a: 2\n');
    expect((await undoRun(state)).files[0]?.status).toBe('restored');
    expect(await readFile(file, 'utf8')).toBe('a: 1\n');
  });

  it('refuses to write a file that changed since it was planned', async () => {
    const file = path.join(t.home, 'c.json');
    await writeFile(file, 'now');
    const outcome = await applyChanges([{ agent: 'a', changes: [change(file, 'then', 'new', 0o644, 0o644)] }], opts());
    expect(outcome.failed.a).toMatch(/changed while setup-gateway was planning/);
    expect(await readFile(file, 'utf8')).toBe('now');
    expect(outcome.runId).toBeNull();
  });

  it('rolls back an agent whose second file cannot be written, and goes on with the others', async () => {
    const good = path.join(t.home, 'good.json');
    const other = path.join(t.home, 'other.json');
    await writeFile(path.join(t.home, 'blocker'), 'a file where a folder should be');
    const bad = path.join(t.home, 'blocker', 'x.json');
    await writeFile(good, 'old');
    const outcome = await applyChanges(
      [
        { agent: 'broken', changes: [change(good, 'old', 'new', 0o644, 0o644), change(bad, null, 'x', 0o644)] },
        { agent: 'fine', changes: [change(other, null, 'y', 0o644)] },
      ],
      opts(),
    );
    expect(outcome.failed.broken).toMatch(/file, not a folder|ENOTDIR|EEXIST/);
    expect(await readFile(good, 'utf8')).toBe('old');
    expect(outcome.written).toEqual({ fine: [other] });
    const [journal] = await listJournals(state);
    expect(journal?.entries.map((e) => e.agent)).toEqual(['fine']);
  });

  it('writes through a symlink to its target and keeps the link', async () => {
    const target = path.join(t.home, 'dotfiles', 'settings.json');
    const link = path.join(t.home, 'settings.json');
    await mkdir(path.dirname(target));
    await writeFile(target, '{}');
    await symlink(target, link);
    await applyChanges([{ agent: 'a', changes: [{ ...change(link, '{}', '{"a":1}', 0o644, 0o644), realPath: target, symlink: true }] }], opts());
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(target);
    expect(await readFile(target, 'utf8')).toBe('{"a":1}');
    await undoRun(state);
    expect(await readFile(target, 'utf8')).toBe('{}');
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
  });

  it('undo --id reverts an older apply while a newer one stays', async () => {
    const f1 = path.join(t.home, 'one');
    const f2 = path.join(t.home, 'two');
    const first = await applyChanges([{ agent: 'a', changes: [change(f1, null, '1', 0o644)] }], opts());
    await applyChanges([{ agent: 'b', changes: [change(f2, null, '2', 0o644)] }], opts());
    await undoRun(state, first.runId as string);
    await expect(stat(f1)).rejects.toThrow();
    expect(await readFile(f2, 'utf8')).toBe('2');
    const runs = await listJournals(state);
    expect(runs.map((r) => Boolean(r.undoneAt))).toEqual([false, true]);
  });

  it('records nothing when there is nothing to write', async () => {
    const outcome = await applyChanges([{ agent: 'a', changes: [] }], opts());
    expect(outcome.runId).toBeNull();
    expect(await listJournals(state)).toEqual([]);
  });
});

describe('a run where every agent failed', () => {
  it('leaves no run behind', async () => {
    const t2 = await makeTempHome();
    try {
      const st = path.join(t2.home, 'state');
      const good = path.join(t2.home, 'g');
      await writeFile(path.join(t2.home, 'blocker'), 'x');
      await writeFile(good, 'old');
      const outcome = await applyChanges(
        [{ agent: 'a', changes: [change(good, 'old', 'new', 0o644, 0o644), change(path.join(t2.home, 'blocker', 'f'), null, 'x', 0o644)] }],
        { stateDir: st, toolVersion: 't', baseUrl: 'u', by: { command: 'apply' } },
      );
      expect(outcome.runId).toBeNull();
      expect(await listJournals(st)).toEqual([]);
      expect(await readdir(path.join(st, 'runs'))).toEqual([]);
    } finally {
      await t2.cleanup();
    }
  });
});

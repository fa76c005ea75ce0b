// Undo: put back what one apply wrote, byte for byte, and only where the file still holds the
// bytes we wrote. A file edited since is left alone and reported (its backup path is given).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { restoreEntry } from './apply.js';
import { SetupError } from './errors.js';
import type { Journal } from './journal.js';
import { listJournals, loadJournal, readBackup, runsDir, saveJournal, sha256 } from './journal.js';
import { withLock } from './lock.js';
import { revertApplied } from './profiles.js';
import { isNotFound } from './snapshot.js';

export type UndoFileStatus = 'restored' | 'removed' | 'already-restored' | 'changed-since';

export interface UndoResult {
  runId: string;
  /** The run undone (or left open, with a conflict). */
  journal: Journal;
  files: Array<{ path: string; status: UndoFileStatus; backup?: string }>;
}

/** What undoing would do to one file: its status, and its bytes now and after (null: no file). */
export interface UndoPreviewFile {
  path: string;
  status: UndoFileStatus;
  backup?: string;
  current: Buffer | null;
  after: Buffer | null;
  /** The file's mode after the undo (null: removed, or left as it is). */
  mode: number | null;
}

/** A journaled file's bytes as they are now, or null when it is gone. */
async function readCurrent(file: string): Promise<Buffer | null> {
  return readFile(file).catch((e: unknown) => {
    if (isNotFound(e)) return null;
    throw e;
  });
}

/** What `undoRun` would do, without changing anything: for `undo --dry-run` and the question before it. */
export async function previewUndo(stateDir: string, id?: string): Promise<{ journal: Journal; files: UndoPreviewFile[] }> {
  const journal = await pickRun(stateDir, id);
  const files: UndoPreviewFile[] = [];
  for (const entry of [...journal.entries].reverse()) {
    const current = await readCurrent(entry.realPath);
    const currentSha = current ? sha256(current) : null;
    if (currentSha === entry.beforeSha256) {
      files.push({ path: entry.path, status: 'already-restored', current, after: current, mode: null });
    } else if (currentSha !== entry.afterSha256) {
      const backup = entry.backup ? path.join(runsDir(stateDir), journal.id, entry.backup) : undefined;
      files.push({ path: entry.path, status: 'changed-since', ...(backup ? { backup } : {}), current, after: current, mode: null });
    } else if (entry.created) {
      files.push({ path: entry.path, status: 'removed', current, after: null, mode: null });
    } else {
      const after = await readBackup(stateDir, journal.id, entry.backup as string);
      files.push({ path: entry.path, status: 'restored', current, after, mode: entry.beforeMode ?? 0o644 });
    }
  }
  return { journal, files };
}

/** The newest apply that is not undone yet, or the one named. */
export async function pickRun(stateDir: string, id?: string): Promise<Journal> {
  if (id) {
    const journal = await loadJournal(stateDir, id);
    if (journal.undoneAt) throw new SetupError(`Apply ${id} was already undone on ${journal.undoneAt}.`, ['Past applies, undone or not: setup-gateway undo --list']);
    return journal;
  }
  const latest = (await listJournals(stateDir)).find((j) => !j.undoneAt);
  if (!latest) {
    throw new SetupError('Nothing to undo: setup-gateway has not changed any file (or every change was undone).', [
      'Past applies, undone or not: setup-gateway undo --list',
    ]);
  }
  return latest;
}

export async function undoRun(stateDir: string, id?: string): Promise<UndoResult> {
  await pickRun(stateDir, id); // fails early, before any folder is created, when there is nothing to undo
  return withLock(stateDir, async () => {
    const journal = await pickRun(stateDir, id);
    const result: UndoResult = { runId: journal.id, journal, files: [] };
    for (const entry of [...journal.entries].reverse()) {
      const current = await readCurrent(entry.realPath);
      const currentSha = current ? sha256(current) : null;
      if (currentSha === entry.beforeSha256) {
        result.files.push({ path: entry.path, status: 'already-restored' });
        continue;
      }
      if (currentSha !== entry.afterSha256) {
        const backup = entry.backup ? path.join(runsDir(stateDir), journal.id, entry.backup) : undefined;
        result.files.push({ path: entry.path, status: 'changed-since', ...(backup ? { backup } : {}) });
        continue;
      }
      await restoreEntry(entry, journal.id, stateDir);
      result.files.push({ path: entry.path, status: entry.created ? 'removed' : 'restored' });
    }
    // With a conflict the run stays open: the user can fix the file and undo again.
    if (!result.files.some((f) => f.status === 'changed-since')) {
      journal.undoneAt = new Date().toISOString();
      await saveJournal(stateDir, journal);
      // `status` names agents by this record: it goes back with the files.
      await revertApplied(stateDir, journal, await listJournals(stateDir));
    }
    return result;
  });
}

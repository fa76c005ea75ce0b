// The one applier: performs the file changes of a plan, journaling and backing up each file
// before its bytes are replaced. Returns what it touched, per agent; a failure for one agent
// rolls back that agent's files and lets the others go on.
import { readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { ensureDir, writeFileAtomic } from './atomic.js';
import type { Journal, JournalEntry, MadeBy } from './journal.js';
import { ensureStateDir, newRunId, nextSeq, readBackup, runsDir, saveBackup, saveJournal, sha256 } from './journal.js';
import { withLock } from './lock.js';
import type { FileChange } from './plan.js';
import { isNotFound } from './snapshot.js';

export interface AgentChanges {
  agent: string;
  changes: readonly FileChange[];
  /** The model these changes write for the agent, recorded in the journal (doctor's model drift). */
  model?: string | undefined;
}

export interface ApplyOutcome {
  /** Null when nothing needed writing. */
  runId: string | null;
  written: Record<string, string[]>;
  failed: Record<string, string>;
}

export interface ApplyOptions {
  stateDir: string;
  toolVersion: string;
  baseUrl: string;
  /** The command that writes (`undo --list` names the run by it). */
  by: MadeBy;
  /** The profile the run records for `status`, when it records one (see Journal.profile). */
  profile?: string;
}

export async function applyChanges(work: readonly AgentChanges[], options: ApplyOptions): Promise<ApplyOutcome> {
  const outcome: ApplyOutcome = { runId: null, written: {}, failed: {} };
  const pending = work.filter((w) => w.changes.length > 0);
  if (pending.length === 0) return outcome;
  await ensureStateDir(options.stateDir);
  return withLock(options.stateDir, async () => {
    const journal: Journal = {
      format: 1,
      id: newRunId(),
      seq: await nextSeq(options.stateDir),
      createdAt: new Date().toISOString(),
      toolVersion: options.toolVersion,
      baseUrl: options.baseUrl,
      agents: pending.map((w) => w.agent),
      entries: [],
      undoneAt: null,
      by: options.by,
      ...(options.profile !== undefined ? { profile: options.profile } : {}),
    };
    for (const { agent, changes } of pending) {
      const done: JournalEntry[] = [];
      try {
        for (const change of changes) {
          done.push(await applyOne(change, agent, journal, options.stateDir));
        }
        outcome.written[agent] = changes.map((c) => c.path);
      } catch (error) {
        outcome.failed[agent] = await rollBack(agent, done, journal, options.stateDir, error);
      }
    }
    const models = Object.fromEntries(pending.flatMap((w) => (w.model !== undefined && outcome.written[w.agent] ? [[w.agent, w.model]] : [])));
    if (Object.keys(models).length) journal.models = models;
    if (journal.entries.length > 0) {
      await saveJournal(options.stateDir, journal);
      outcome.runId = journal.id;
    } else {
      // Every agent failed and was rolled back: leave no empty run for undo to find.
      await rm(path.join(runsDir(options.stateDir), journal.id), { recursive: true, force: true });
    }
    return outcome;
  });
}

async function applyOne(change: FileChange, agent: string, journal: Journal, stateDir: string): Promise<JournalEntry> {
  // The plan was made from a snapshot: refuse if the file moved on since (an editor saved it).
  const current = await readFile(change.realPath).catch((e: unknown) => {
    if (isNotFound(e)) return null;
    throw e;
  });
  if (!sameBytes(current, change.before)) {
    throw new Error(`${change.path} changed while setup-gateway was planning; run again.`);
  }
  const index = journal.entries.length;
  const entry: JournalEntry = {
    agent,
    path: change.path,
    realPath: change.realPath,
    created: change.before === null,
    backup: change.before ? await saveBackup(stateDir, journal.id, index, change.before) : null,
    beforeSha256: change.before ? sha256(change.before) : null,
    afterSha256: sha256(change.after),
    beforeMode: change.beforeMode,
    mode: change.mode,
    createdDirs: [],
    ...(change.owns ? { owns: change.owns } : {}),
  };
  // Journal first: if we die between here and the rename, undo sees the old bytes and skips.
  journal.entries.push(entry);
  await saveJournal(stateDir, journal);
  entry.createdDirs = await ensureDir(path.dirname(change.realPath));
  await writeFileAtomic(change.realPath, change.after, change.mode);
  await saveJournal(stateDir, journal);
  return entry;
}

async function rollBack(agent: string, done: JournalEntry[], journal: Journal, stateDir: string, cause: unknown): Promise<string> {
  for (const entry of done.reverse()) {
    await restoreEntry(entry, journal.id, stateDir);
  }
  // The agent's entries go: what it wrote is back as it was, so there is nothing to undo.
  journal.entries = journal.entries.filter((e) => e.agent !== agent);
  await saveJournal(stateDir, journal);
  return describeWriteError(cause);
}

/** Puts one file back as the entry says it was; used by rollback and undo. */
export async function restoreEntry(entry: JournalEntry, runId: string, stateDir: string): Promise<void> {
  if (entry.created) {
    await rm(entry.realPath, { force: true });
    for (const dir of [...entry.createdDirs].reverse()) {
      // Only folders we made, and only while empty.
      await rmdir(dir).catch(() => undefined);
    }
    return;
  }
  const bytes = await readBackup(stateDir, runId, entry.backup as string);
  await writeFileAtomic(entry.realPath, bytes, entry.beforeMode ?? 0o644);
}

function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  if (a === null || b === null) return a === b;
  return a.equals(b);
}

export function describeWriteError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const where = e.path ? ` ${e.path}` : '';
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied writing${where}`;
    case 'EROFS':
      return `read-only file system at${where}`;
    case 'ENOTDIR':
      return `a parent of${where} is a file, not a folder`;
    case 'ENOSPC':
      return `no space left on the device writing${where}`;
    default:
      return e.message ?? String(error);
  }
}

// The record of every apply: for each file, the bytes before (a backup in our own state dir),
// a hash of the bytes we wrote, the mode and the folders we created. Undo trusts only this,
// so it never restores a file it did not write and never overwrites a later edit by someone else.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic.js';
import { SetupError } from './errors.js';
import { isNotFound } from './snapshot.js';
import type { ListEntry } from './recipe.js';
import { formatZodError } from './zod-errors.js';

const KeyPathSchema = z.array(z.union([z.string(), z.number().int().nonnegative()])).readonly();
const ListEntrySchema = z.union([
  z.object({ list: KeyPathSchema, match: z.object({ key: z.string(), value: z.string() }) }),
  z.object({ map: KeyPathSchema, key: z.string() }),
]) satisfies z.ZodType<ListEntry>;

const EntrySchema = z.object({
  agent: z.string(),
  /** The path the recipe named. */
  path: z.string(),
  /** The file actually written (a symlink's target). */
  realPath: z.string(),
  created: z.boolean(),
  /** Backup file name inside the run folder; null for a created file. */
  backup: z.string().nullable(),
  beforeSha256: z.string().nullable(),
  afterSha256: z.string(),
  beforeMode: z.number().int().nullable(),
  mode: z.number().int(),
  /** Folders this run created for the file, outermost first. */
  createdDirs: z.array(z.string()),
  /** The list entries of the agent's the file holds after this run (absent: none). */
  owns: z.array(ListEntrySchema).optional(),
});
export type JournalEntry = z.infer<typeof EntrySchema>;

/**
 * The commands that write through the applier, as `undo --list` names them. The schema reads the
 * command as any string: a journal written by a later version (a command this one does not know)
 * still loads, and is labelled by its string.
 */
export const RUN_COMMANDS = ['apply', 'apply --profile', 'setup-gateway (interactive)', 'use', 'use --vendor', 'use direct', 'doctor --fix', 'relay rotate-token', 'relay install-service'] as const;
export type RunCommand = (typeof RUN_COMMANDS)[number];

const MadeBySchema = z.object({
  command: z.string(),
  /** The profile the command named (`use NAME`, `apply --profile`). */
  profile: z.string().optional(),
});
export type MadeBy = z.infer<typeof MadeBySchema> & { command: RunCommand };

const JournalSchema = z.object({
  format: z.literal(1),
  id: z.string(),
  /** Order of applies; ids made in the same second would not sort reliably. */
  seq: z.number().int(),
  createdAt: z.string(),
  toolVersion: z.string(),
  baseUrl: z.string(),
  agents: z.array(z.string()),
  entries: z.array(EntrySchema),
  undoneAt: z.string().nullable(),
  /** What made this run (absent in runs recorded before it was kept: see `madeBy`). */
  by: MadeBySchema.optional(),
  /**
   * The profile the run recorded for `status` (`default` for a plain apply), when it records one:
   * apply, use and the interactive mode. Undo puts the record back from the runs left.
   */
  profile: z.string().optional(),
  /** Agent id → the model this run wrote for it (absent: none, or a run recorded before). */
  models: z.record(z.string(), z.string()).optional(),
});
export type Journal = z.infer<typeof JournalSchema>;

export function runsDir(stateDir: string): string {
  return path.join(stateDir, 'runs');
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Creates the state folders private to the user: backups may hold keys. */
export async function ensureStateDir(stateDir: string): Promise<void> {
  await mkdir(runsDir(stateDir), { recursive: true, mode: 0o700 });
}

export async function saveJournal(stateDir: string, journal: Journal): Promise<void> {
  const dir = path.join(runsDir(stateDir), journal.id);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(path.join(dir, 'journal.json'), Buffer.from(`${JSON.stringify(journal, null, 2)}\n`), 0o600);
}

export async function saveBackup(stateDir: string, runId: string, index: number, bytes: Buffer): Promise<string> {
  const name = `${index}.bak`;
  const dir = path.join(runsDir(stateDir), runId);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(path.join(dir, name), bytes, 0o600);
  return name;
}

export async function readBackup(stateDir: string, runId: string, name: string): Promise<Buffer> {
  return readFile(path.join(runsDir(stateDir), runId, name));
}

export async function loadJournal(stateDir: string, id: string): Promise<Journal> {
  const file = path.join(runsDir(stateDir), id, 'journal.json');
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (error) {
    if (isNotFound(error)) throw new SetupError(`No apply with id ${id}. See \`setup-gateway undo --list\`.`);
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch (error) {
    throw new SetupError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = JournalSchema.safeParse(data);
  if (!parsed.success) throw new SetupError(`${file} is not a setup-gateway journal:`, formatZodError(parsed.error));
  return parsed.data;
}

/** The next sequence number; call under the lock. */
export async function nextSeq(stateDir: string): Promise<number> {
  const runs = await listJournals(stateDir);
  return (runs[0]?.seq ?? 0) + 1;
}

/** All runs, newest first. Folders that are not runs of ours are ignored. */
export async function listJournals(stateDir: string): Promise<Journal[]> {
  let names: string[];
  try {
    names = await readdir(runsDir(stateDir));
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  const journals: Journal[] = [];
  for (const name of names) {
    try {
      journals.push(await loadJournal(stateDir, name));
    } catch {
      /* not one of ours, or damaged: never guessed at */
    }
  }
  return journals.sort((a, b) => b.seq - a.seq);
}

/** What made a run, as `undo --list` shows it; runs recorded before it was kept are told by what they wrote. */
export function madeBy(journal: Journal): string {
  if (journal.by) return journal.by.profile !== undefined ? `${journal.by.command} ${journal.by.profile}` : journal.by.command;
  if (journal.agents.length === 1 && journal.agents[0] === 'relay-service') return 'relay install-service';
  if (journal.agents.includes('relay-token')) return 'relay rotate-token';
  if (journal.baseUrl === 'vendor') return 'use --vendor';
  return 'apply';
}

/**
 * The list entries each agent added to each file and still owns: the record of the newest run
 * not undone that wrote that agent's file (an undone run no longer counts, so after `undo` the
 * entries of the run before are ours again).
 */
export function ownedEntries(journals: readonly Journal[]): (agent: string, file: string) => readonly ListEntry[] {
  const byFile = new Map<string, readonly ListEntry[]>();
  // Oldest first: a newer run's record replaces an older one's.
  for (const journal of [...journals].sort((a, b) => a.seq - b.seq)) {
    if (journal.undoneAt) continue;
    for (const entry of journal.entries) byFile.set(`${entry.agent}\0${entry.path}`, entry.owns ?? []);
  }
  return (agent, file) => byFile.get(`${agent}\0${file}`) ?? [];
}

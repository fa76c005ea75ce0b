// Saved gateway profiles: the profile document (one named gateway, the JSON scripts and editors
// see), the store that keeps them ($XDG_CONFIG_HOME/setup-gateway/profiles.json) and the record
// of which profile each agent was last applied with (in the state folder, next to the journal).
// One schema for all of it; the types come from it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseJsonc, parseTree, findNodeAtLocation, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { z } from 'zod';
import { ensureDir, writeFileAtomic } from './atomic.js';
import { configHome, pathFor, stateDir, type Environment } from './environment.js';
import { SetupError, UsageError } from './errors.js';
import { madeBy, type Journal } from './journal.js';
import { ModelIdSchema, normalizeBaseUrl } from './profile.js';
import { isNotFound } from './snapshot.js';

/** The name of the record for an apply that named no saved profile. */
export const DEFAULT_PROFILE = 'default';
/** `use direct`: the agents' vendors' own endpoints, not a profile. */
export const DIRECT_PROFILE = 'direct';

export const ProfileNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a profile name is 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit')
  .refine((n) => n !== DEFAULT_PROFILE, `"${DEFAULT_PROFILE}" is reserved for applies that name no profile`)
  .refine((n) => n !== DIRECT_PROFILE, `"${DIRECT_PROFILE}" is reserved for \`use direct\` (the vendors' own endpoints)`);

/**
 * How the profile gets its key: `env:VAR` (read from that environment variable when used),
 * `file:PATH` (the file's first line), or, only when saved with --save-key, the key itself.
 */
export const KeyReferenceSchema = z
  .string()
  .min(1, 'the key reference is empty')
  .refine((k) => !/[\s\u0000-\u001f\u007f]/.test(k), 'the key contains whitespace or a control character')
  .refine((k) => !k.startsWith('env:') || /^env:[A-Za-z_][A-Za-z0-9_]*$/.test(k), '`env:` must be followed by an environment variable name')
  .refine((k) => !k.startsWith('file:') || k.length > 'file:'.length, '`file:` must be followed by a path');

export const RelayPreferenceSchema = z.enum(['auto', 'never', 'always']);

/** One named gateway. These field names are public: scripts and team profile files use them. */
export const ProfileDocumentSchema = z
  .object({
    $schema: z.string().optional().describe('This schema, for editors'),
    name: ProfileNameSchema.describe('The profile name: `setup-gateway use NAME`'),
    baseUrl: z
      .string()
      .min(1, 'the base URL is empty')
      .describe('The gateway, with or without /v1, e.g. https://gateway.example.com/v1')
      .superRefine((url, ctx) => {
        try {
          normalizeBaseUrl(url);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message.replace(/^--base-url: /, '') });
        }
      }),
    model: ModelIdSchema.optional().describe('The model for every agent, unless `models` names one for that agent'),
    models: z.record(z.string(), ModelIdSchema).optional().describe('Agent id (see `setup-gateway recipes`) to model'),
    relay: RelayPreferenceSchema.optional().describe('auto (default): the local relay only for agents whose protocol the gateway lacks; never; always'),
    key: KeyReferenceSchema.optional().describe('Where the key comes from: env:VAR or file:PATH (or the key itself, when saved with --save-key); absent: SETUP_GATEWAY_KEY'),
  })
  .strict();
export type ProfileDocument = z.infer<typeof ProfileDocumentSchema>;

export const ProfileStoreSchema = z
  .object({
    $schema: z.string().optional(),
    profiles: z.array(ProfileDocumentSchema.omit({ $schema: true })).default([]),
  })
  .strict()
  .superRefine((store, ctx) => {
    const seen = new Set<string>();
    store.profiles.forEach((p, i) => {
      if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: ['profiles', i, 'name'], message: `the name "${p.name}" is used twice` });
      seen.add(p.name);
    });
  });
export type ProfileStore = z.infer<typeof ProfileStoreSchema>;
export type SavedProfile = ProfileStore['profiles'][number];

/** What a key reference says, parsed. */
export type KeyReference = { kind: 'env'; name: string } | { kind: 'file'; path: string } | { kind: 'saved'; value: string };

export function parseKeyReference(ref: string): KeyReference {
  if (ref.startsWith('env:')) return { kind: 'env', name: ref.slice(4) };
  if (ref.startsWith('file:')) return { kind: 'file', path: ref.slice(5) };
  return { kind: 'saved', value: ref };
}

/** Whether the profile keeps the key itself (so the store must be private). */
export function holdsKey(profile: Pick<SavedProfile, 'key'>): boolean {
  return profile.key !== undefined && parseKeyReference(profile.key).kind === 'saved';
}

export function profilesFile(env: Environment): string {
  return pathFor(env).join(configHome(env), 'setup-gateway', 'profiles.json');
}

/** The JSON Schema of a profile document, as published in the package (setup-gateway.schema.json). */
export function profileJsonSchema(): unknown {
  return z.toJSONSchema(ProfileDocumentSchema, { io: 'input' });
}

/**
 * Reads the store; an absent file is an empty store. A file that is not JSON, or not a store,
 * fails with where (line:column) and why, so nothing is written over it.
 */
export async function readProfiles(env: Environment): Promise<ProfileStore> {
  const file = profilesFile(env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isNotFound(error)) return { profiles: [] };
    throw new SetupError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  return parseProfileStore(text, file);
}

/** Parses the text of a store; `where` names it in errors. */
export function parseProfileStore(text: string, where: string): ProfileStore {
  return parseJsonDocument(text, where, ProfileStoreSchema, 'a profiles file', (message, details) => new SetupError(message, [...details, 'Fix the file by hand or remove it; nothing was written.']));
}

/**
 * Parses one profile document (a team's profile file or URL): strict JSON, the published schema,
 * and no key in it (a shared document names where the key comes from, never the key).
 * Malformed: a usage error with line:column, so the caller writes nothing and exits 2.
 */
export function parseProfileDocument(text: string, where: string): SavedProfile {
  const fail = (message: string, details: readonly string[]) => new UsageError(message, [...details, 'Nothing was written.']);
  const { $schema: _schema, ...profile } = parseJsonDocument(text, where, ProfileDocumentSchema, 'a profile document', fail);
  if (holdsKey(profile)) {
    throw fail(`${where}: the profile holds a key.`, ['A shared profile names where the key comes from ("key": "env:VAR" or "file:PATH"), or leaves it out; never the key itself.']);
  }
  return profile;
}

function parseJsonDocument<T>(text: string, where: string, schema: z.ZodType<T>, what: string, fail: (message: string, details: readonly string[]) => Error): T {
  const errors: ParseError[] = [];
  const data: unknown = parseJsonc(text.replace(/^\uFEFF/, ''), errors, { disallowComments: true, allowTrailingComma: false });
  const first = errors[0];
  if (first) {
    const { line, column } = lineColumn(text, first.offset);
    throw fail(`${where}:${line}:${column}: not valid JSON (${describeParseError(printParseErrorCode(first.error))}).`, []);
  }
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const tree = parseTree(text.replace(/^\uFEFF/, ''));
  throw fail(
    `${where}: not ${what}:`,
    parsed.error.issues.map((issue) => {
      const node = tree ? nearestNode(tree, issue.path as Array<string | number>) : undefined;
      const at = node ? lineColumn(text, node.offset) : undefined;
      return `${at ? `${at.line}:${at.column} ` : ''}${issue.path.length ? issue.path.join('.') : 'the document'}: ${issue.message}`;
    }),
  );
}

function nearestNode(tree: NonNullable<ReturnType<typeof parseTree>>, path: Array<string | number>) {
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, path.slice(0, n));
    if (node) return node;
  }
  return undefined;
}

function describeParseError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/** Writes the store atomically: 0600 when a profile keeps its key in it, else 0644. */
export async function writeProfiles(env: Environment, store: ProfileStore): Promise<string> {
  const file = profilesFile(env);
  await ensureDir(pathFor(env).dirname(file));
  const mode = store.profiles.some(holdsKey) ? 0o600 : 0o644;
  await writeFileAtomic(file, Buffer.from(`${JSON.stringify({ profiles: store.profiles }, null, 2)}\n`), mode);
  return file;
}

/** The profile named, or a usage error that lists the saved ones. */
export function findProfile(store: ProfileStore, name: string): SavedProfile {
  const found = store.profiles.find((p) => p.name === name);
  if (!found) {
    const names = store.profiles.map((p) => p.name);
    throw new UsageError(`No profile named "${name}".`, [names.length ? `Saved profiles: ${names.join(', ')}.` : 'No profile is saved yet: add one with `setup-gateway profile add NAME --base-url URL`.']);
  }
  return found;
}

// ---- The record of applies: which profile each agent was last applied with ----

export const AppliedRecordSchema = z.object({
  /** Agent id → the profile it was last applied with (a saved profile's name, or `default`). */
  agents: z
    .record(
      z.string(),
      z.object({
        profile: z.string(),
        baseUrl: z.string(),
        runId: z.string().nullable(),
        at: z.string(),
        /** The model it was applied with (absent: none, the agent's own default; or recorded before this was kept). */
        model: z.string().optional(),
      }),
    )
    .default({}),
});
export type AppliedRecord = z.infer<typeof AppliedRecordSchema>;

const APPLIED_FILE = 'applied.json';

function appliedFile(env: Environment): string {
  return pathFor(env).join(stateDir(env), APPLIED_FILE);
}

/** The record; an absent or unreadable one is empty (it only names things, the files are the truth). */
export async function readApplied(env: Environment): Promise<AppliedRecord> {
  return readAppliedFile(appliedFile(env));
}

async function readAppliedFile(file: string): Promise<AppliedRecord> {
  try {
    const parsed = AppliedRecordSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : { agents: {} };
  } catch {
    return { agents: {} };
  }
}

/**
 * The record after `undo` of the run `undone` (in the state folder `dir`; `runs`: every run, that
 * one marked undone). Each agent whose record came from that run (or from an apply since that
 * found its files already as wanted) goes back to the newest run left that recorded it, with that
 * run's gateway, profile and model; an agent no run left recorded loses its record.
 */
export async function revertApplied(dir: string, undone: Journal, runs: readonly Journal[]): Promise<void> {
  const file = path.join(dir, APPLIED_FILE);
  const record = await readAppliedFile(file);
  let changed = false;
  for (const agent of new Set(undone.entries.map((e) => e.agent))) {
    const now = record.agents[agent];
    if (!now || (now.runId !== undone.id && now.runId !== null)) continue;
    const before = [...runs].sort((a, b) => b.seq - a.seq).find((j) => !j.undoneAt && recordedProfile(j) !== undefined && j.entries.some((e) => e.agent === agent));
    if (before) {
      const model = before.models?.[agent];
      record.agents[agent] = { profile: recordedProfile(before) as string, baseUrl: before.baseUrl, runId: before.id, at: before.createdAt, ...(model !== undefined ? { model } : {}) };
    } else {
      delete record.agents[agent];
    }
    changed = true;
  }
  if (changed) await writeFileAtomic(file, Buffer.from(`${JSON.stringify(record, null, 2)}\n`), 0o644);
}

/** The profile a run recorded; a run from before runs said so counts as a plain apply when it was one. */
function recordedProfile(run: Journal): string | undefined {
  if (run.profile !== undefined) return run.profile;
  return !run.by && madeBy(run) === 'apply' ? DEFAULT_PROFILE : undefined;
}

/** Notes that these agents were just applied with this profile. */
export async function recordApplied(
  env: Environment,
  entry: { profile: string; baseUrl: string; runId: string | null; agents: readonly string[]; models?: Readonly<Record<string, string>> },
  now = new Date(),
): Promise<void> {
  const record = await readApplied(env);
  for (const id of entry.agents) {
    const model = entry.models?.[id];
    record.agents[id] = { profile: entry.profile, baseUrl: entry.baseUrl, runId: entry.runId, at: now.toISOString(), ...(model !== undefined ? { model } : {}) };
  }
  const file = appliedFile(env);
  await ensureDir(pathFor(env).dirname(file));
  await writeFileAtomic(file, Buffer.from(`${JSON.stringify(record, null, 2)}\n`), 0o644);
}

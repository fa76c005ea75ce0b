// Pure planning: recipe intents + a snapshot of the current files → the exact bytes to write.
// Nothing here touches the disk, so a dry run and a real run plan identically.
import { TextDecoder } from 'node:util';
import { applyBlock } from '../formats/block.js';
import { editorFor } from '../formats/index.js';
import { applyOpsToValue, deepEqual, findMatch, getAt, isPlainObject } from '../formats/ops.js';
import { FormatParseError, UnsafeEditError, type StructuredFormat } from '../formats/types.js';
import { collectSecretAssignments, collectSecretValues } from './secrets.js';
import type { Environment } from './environment.js';
import { displayPath } from './environment.js';
import { FileParseError, SetupError } from './errors.js';
import type { Profile } from './profile.js';
import { modelFor, smallModelOf } from './profile.js';
import type { Evidence, FileIntent, ListEntry, PlannedOp, Recipe, RecipePlan } from './recipe.js';
import type { FileState, Snapshot } from './snapshot.js';

export interface FileChange {
  /** The path the recipe names (may be a symlink). */
  path: string;
  /** Where the bytes go. */
  realPath: string;
  symlink: boolean;
  /** Current bytes; null when the file is created. */
  before: Buffer | null;
  after: Buffer;
  beforeMode: number | null;
  mode: number;
  holdsSecret: boolean;
  purpose: string;
  /** The list entries of ours the file holds after the change (journaled, for the next apply). */
  owns?: ListEntry[];
}

export interface AgentPlan {
  recipe: Recipe;
  model: string | undefined;
  /** Every file the recipe looked at, changed or not. */
  files: string[];
  /** Only the files whose bytes or mode change. */
  changes: FileChange[];
  notes: string[];
  messages: string[];
  /**
   * Settings of the user's that the plan deletes (a conflicting ANTHROPIC_API_KEY, once consented
   * to): said in the future tense before writing and in the past after it (app/report.ts).
   */
  removals: Array<{ key: string; file: string }>;
  /** Questions asked before a consent-gated edit; `granted` tells whether they were applied. */
  consents: Array<{ question: string; file: string; granted: boolean }>;
  /** Secret values found in the files before our edit (an old key): masked in output like ours. */
  secrets: Set<string>;
  /** Steps the user takes by hand (the agent has no file we can safely write). */
  manual?: { why: string; steps: string[] };
  /** Set when the agent cannot be configured; nothing is written for it. */
  error?: string;
}

export interface PlanInput {
  recipe: Recipe;
  profile: Profile;
  env: Environment;
  snapshot: Snapshot;
  /** What detection found for this agent. */
  evidence: readonly Evidence[];
  /** Whether consent-gated edits may be applied (`--yes`, or the user said yes). */
  consent: boolean;
  /** The list entries this agent added to a file before (the journal's record); none by default. */
  owned?: (file: string) => readonly ListEntry[];
}

const NEW_FILE_MODE = 0o644;
const SECRET_FILE_MODE = 0o600;

/** The files a recipe may read, so the caller can snapshot them before planning. */
export function filesToRead(recipe: Recipe, profile: Profile, env: Environment, evidence: readonly Evidence[]): string[] {
  return planFilesToRead(recipe.plan({ profile, env, evidence, model: modelFor(profile, recipe.id) }));
}

/** Every file a plan's intents may read: each path, the `preferExisting` ones and the `unlessExists` ones. */
export function planFilesToRead(plan: Pick<RecipePlan, 'files'>): string[] {
  return plan.files.flatMap((f) => [...(f.preferExisting ?? []), f.path, ...(f.kind === 'structured' ? (f.unlessExists ?? []) : [])]);
}

export function planAgent({ recipe, profile, env, snapshot, evidence, consent, owned = () => [] }: PlanInput): AgentPlan {
  const model = modelFor(profile, recipe.id);
  const { files, notes, manual } = recipe.plan({ profile, env, evidence, model, smallModel: smallModelOf(profile, recipe.id), read: snapshotReader(snapshot) });
  const plan: AgentPlan = { recipe, model, files: [], changes: [], notes, messages: [], removals: [], consents: [], secrets: new Set(), ...(manual ? { manual } : {}) };
  try {
    for (const intent of files) {
      const state = pickFile(intent, snapshot);
      if (intent.onlyIfExists && !state.exists) continue;
      if (intent.kind === 'structured' && intent.unlessExists?.some((p) => snapshot.get(p)?.exists)) continue;
      plan.files.push(state.path);
      if (state.symlink) plan.messages.push(`${displayPath(env, state.path)} is a symlink: writing its target ${displayPath(env, state.realPath)}.`);
      const change = planFile(intent, state, consent, plan, env, owned(state.path));
      if (change) plan.changes.push(change);
    }
  } catch (error) {
    plan.changes = [];
    plan.error = describePlanError(error, env);
  }
  return plan;
}

/** What a plan's `read` sees: the parsed bytes of the snapshot; undefined when absent, not read or not parseable. */
export function snapshotReader(snapshot: Snapshot): (path: string, format: StructuredFormat) => unknown {
  return (path, format) => {
    const state = snapshot.get(path);
    if (!state?.exists || !state.bytes) return undefined;
    try {
      return editorFor(format).parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(state.bytes));
    } catch {
      return undefined;
    }
  };
}

function pickFile(intent: FileIntent, snapshot: Snapshot): FileState {
  const candidates = [...(intent.preferExisting ?? []), intent.path];
  for (const c of candidates) {
    const s = snapshot.get(c);
    if (s?.exists) return s;
  }
  const state = snapshot.get(intent.path);
  if (!state) throw new Error(`internal: ${intent.path} was not read before planning`);
  return state;
}

/** A consent question without its question ("… conflicts at a gateway. Remove it?" → "… conflicts at a gateway."): the reason alone. */
export function consentReason(question: string): string {
  return question.replace(/\s*[^.!?]*\?$/, '');
}

function planFile(intent: FileIntent, state: FileState, consent: boolean, plan: AgentPlan, env: Environment, owned: readonly ListEntry[]): FileChange | undefined {
  const shown = displayPath(env, state.path);
  if (state.exists && state.mode !== undefined && (state.mode & 0o200) === 0) {
    throw new SetupError(`${shown} is read-only (mode ${octal(state.mode)}); setup-gateway leaves it alone. Make it writable and run again.`);
  }
  const text = state.bytes ? decodeUtf8(state.bytes, shown) : '';
  const edited =
    intent.kind === 'structured'
      ? editStructured(intent, text, state, consent, plan, shown, owned)
      : { text: parseOrThrow(() => applyBlock(text, intent.block), state.path, shown), owns: [] };
  const next = edited.text;
  if (intent.kind === 'block') collectSecretAssignments(text, plan.secrets);

  const textChanged = next !== text;
  if (!state.exists && !textChanged) return undefined;
  const beforeMode = state.exists ? (state.mode ?? NEW_FILE_MODE) : null;
  const mode = beforeMode === null ? (intent.holdsSecret ? SECRET_FILE_MODE : NEW_FILE_MODE) : intent.holdsSecret ? beforeMode & ~0o077 : beforeMode;
  if (!textChanged && mode === beforeMode) return undefined;
  return {
    path: state.path,
    realPath: state.realPath,
    symlink: state.symlink,
    before: state.bytes ?? null,
    after: Buffer.from(next, 'utf8'),
    beforeMode,
    mode,
    holdsSecret: intent.holdsSecret,
    purpose: intent.purpose,
    ...(edited.owns.length ? { owns: edited.owns } : {}),
  };
}

function editStructured(
  intent: Extract<FileIntent, { kind: 'structured' }>,
  text: string,
  state: FileState,
  consent: boolean,
  plan: AgentPlan,
  shown: string,
  owned: readonly ListEntry[],
): { text: string; owns: ListEntry[] } {
  const editor = editorFor(intent.format);
  const before = parseOrThrow(() => editor.parse(text), state.path, shown);
  collectSecretValues(before, plan.secrets);
  const { removals, owns } = listEntries(before, intent.ops, owned);
  const ops: PlannedOp[] = [...removals];
  // Edits that share one question (the parts of one change) are asked about once, and go together.
  const asked = new Set<string>();
  for (const op of intent.ops) {
    if (op.consent && asked.has(op.consent)) {
      if (consent) ops.push(op);
      continue;
    }
    if (op.consent && !deepEqual(applyOpsToValue(before, [op]), before)) {
      asked.add(op.consent);
      plan.consents.push({ question: op.consent, file: state.path, granted: consent });
      if (!consent) {
        const change = op.op === 'delete' ? 'remove it' : 'change it';
        plan.messages.push(`Left ${op.path.join('.')} in ${shown}: ${consentReason(op.consent)} Run again with --yes to ${change}.`);
        continue;
      }
      if (op.op === 'delete') plan.removals.push({ key: op.path.join('.'), file: state.path });
      else plan.messages.push(`Changed ${op.path.join('.')} in ${shown} (pointed at the gateway).`);
    }
    ops.push(op);
  }
  const next = parseOrThrow(() => editor.edit(text, ops), state.path, shown);
  // The oracle: the new text must mean exactly the old data plus our operations. Anything else
  // (a lost key, a mangled value) is a bug we refuse to write.
  const expected = applyOpsToValue(before, ops);
  if (!deepEqual(editor.parse(next), expected)) {
    throw new SetupError(`Refusing to write ${shown}: the edited file would not read back as intended (a setup-gateway bug; please report it).`);
  }
  return { text: next, owns };
}

/**
 * The list entries of ours after this edit, and the edits that take out those we added before
 * and no longer name (the model of the gateway we switch away from). An entry the ops name is
 * ours when it is new, or was ours already; one the user had stays theirs, and stays.
 */
export function listEntries(before: unknown, ops: readonly PlannedOp[], owned: readonly ListEntry[]): { removals: PlannedOp[]; owns: ListEntry[] } {
  const named = ops.flatMap((op) => (op.adds ? [op.adds] : []));
  const ours = (entry: ListEntry) => owned.some((o) => sameEntry(o, entry));
  const owns = named.filter((entry, i) => (!entryExists(before, entry) || ours(entry)) && named.findIndex((e) => sameEntry(e, entry)) === i);
  const gone = owned.filter((o) => !named.some((n) => sameEntry(n, o)));
  const removals = gone
    .flatMap((entry): Array<{ path: Array<string | number>; index: number }> => {
      if ('map' in entry) return entryExists(before, entry) ? [{ path: [...entry.map, entry.key], index: -1 }] : [];
      const list = getAt(before, entry.list);
      const index = Array.isArray(list) ? findMatch(list, entry.match) : -1;
      return index >= 0 ? [{ path: [...entry.list, index], index }] : [];
    })
    // Later items first, so the indices found in `before` still hold when each one goes.
    .sort((a, b) => b.index - a.index)
    .map(({ path }): PlannedOp => ({ op: 'delete', path }));
  return { removals, owns };
}

function entryExists(data: unknown, entry: ListEntry): boolean {
  if ('map' in entry) {
    const map = getAt(data, entry.map);
    return isPlainObject(map) && Object.hasOwn(map, entry.key);
  }
  const list = getAt(data, entry.list);
  return Array.isArray(list) && findMatch(list, entry.match) >= 0;
}

export function sameEntry(a: ListEntry, b: ListEntry): boolean {
  if ('map' in a) return 'map' in b && a.key === b.key && deepEqual(a.map, b.map);
  return 'list' in b && a.match.key === b.match.key && a.match.value === b.match.value && deepEqual(a.list, b.list);
}

function parseOrThrow<T>(fn: () => T, file: string, shown: string): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof FormatParseError) throw new FileParseError(file, error.line, error.column, error.message);
    if (error instanceof UnsafeEditError) throw new SetupError(`${shown}: ${sentence(error.message)} Nothing was written for this agent.`);
    throw error;
  }
}

function decodeUtf8(bytes: Buffer, shown: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new SetupError(`${shown} is not UTF-8 text; setup-gateway leaves it alone.`);
  }
}

function describePlanError(error: unknown, env: Environment): string {
  if (error instanceof FileParseError) {
    return `${displayPath(env, error.file)}:${error.line}:${error.column}: ${error.reason}. Nothing was written for this agent; fix the file and run again.`;
  }
  if (error instanceof SetupError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

export function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}

/**
 * Plans several agents in order. When two agents edit the same file, the second plans on top of
 * the first one's result, so applying both in order is consistent.
 */
export function planAgents(
  recipes: readonly Recipe[],
  input: Omit<PlanInput, 'recipe' | 'consent' | 'evidence'> & {
    consent: (agentId: string) => boolean;
    evidence: (agentId: string) => readonly Evidence[];
    /** An agent's own profile when it differs (one routed through the relay); `profile` otherwise. */
    profileFor?: (agentId: string) => Profile;
    /** The list entries each agent added to each file before (the journal's record). */
    ownedBy?: (agentId: string, file: string) => readonly ListEntry[];
  },
): AgentPlan[] {
  const current = new Map(input.snapshot);
  return recipes.map((recipe) => {
    const plan = planAgent({
      ...input,
      recipe,
      profile: input.profileFor?.(recipe.id) ?? input.profile,
      snapshot: current,
      consent: input.consent(recipe.id),
      evidence: input.evidence(recipe.id),
      owned: (file) => input.ownedBy?.(recipe.id, file) ?? [],
    });
    for (const change of plan.changes) {
      const state = current.get(change.path);
      if (state) current.set(change.path, { ...state, exists: true, bytes: change.after, mode: change.mode });
    }
    return plan;
  });
}

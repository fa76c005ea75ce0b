// `use --vendor` (or `use direct`): the agents setup-gateway routes (or those named) go back to
// their vendors' own endpoints, in one apply run (one undo entry, so `undo` brings the gateway
// back). Each file is put back as it was before setup-gateway first wrote it where that is exact:
// the journal holds its bytes from then and every later write of ours follows on from the one
// before, up to the bytes the file holds now (nobody changed it in between). Otherwise, and for a
// file setup-gateway created, our keys are taken out and the rest of the file stays.
import { displayPath, stateDir, type Environment } from '../core/environment.js';
import { applyChanges } from '../core/apply.js';
import { listJournals, ownedEntries, readBackup, sha256, type Journal } from '../core/journal.js';
import { planAgents, type AgentPlan, type FileChange } from '../core/plan.js';
import { createProfile } from '../core/profile.js';
import type { Evidence, FileIntent, ListEntry, PlannedOp, Recipe, RecipePlan } from '../core/recipe.js';
import { takeSnapshot } from '../core/snapshot.js';
import { maskSecrets } from '../core/secrets.js';
import { selectAgents } from './apply.js';
import { reportFor, type AgentReport } from './report.js';
import { agentStatuses } from './status.js';

export interface VendorRequest {
  agents: readonly string[];
  dryRun: boolean;
  /** As the user typed it, for `undo --list` (default `use --vendor`). */
  command?: 'use --vendor' | 'use direct';
}

/** How an agent went back: its files as before setup-gateway (byte for byte), our keys taken out, or some of each (`restored` names those put back). */
export interface VendorHow {
  how: 'restored' | 'keys-removed' | 'mixed';
  restored: string[];
}

export type VendorResult =
  | { kind: 'nothing-routed' }
  | { kind: 'done'; runId: string | null; reports: Array<AgentReport & { back?: VendorHow }>; failed: boolean; secrets: string[] };

/** A recipe that plans taking its settings out: every value it sets is deleted, its shell blocks removed, list entries it added go (journal). */
export function withoutOurSettings(recipe: Recipe): Recipe {
  // TOML tables cannot be taken out whole without disturbing the file (formats/toml.ts): there, an
  // object named after us keeps its other members and loses the key and URL (a provider table without its
  // `name` would make the agent refuse its whole config, and its sessions keep a provider to name).
  const undoOp =
    (format: string) =>
    (op: PlannedOp): PlannedOp[] => {
      if (op.op !== 'set') return [];
      const owned = ownedPrefix(op.path);
      if (owned.length === op.path.length || format !== 'toml') return [{ op: 'delete', path: owned }];
      return isGatewayValue(op.value) ? [{ op: 'delete', path: [...op.path] }] : [];
    };
  // A model slot the user set to another provider (`elsewhere`: a Codex provider of theirs, an
  // opencode agent, Goose's lead provider) is theirs, and so is every edit asked about with it:
  // only the other edits are ours to take out.
  const oursOnly = (ops: readonly PlannedOp[]): PlannedOp[] => {
    const asked = new Set(ops.filter((op) => op.elsewhere !== undefined && op.consent).map((op) => op.consent));
    return ops.filter((op) => op.elsewhere === undefined && !(op.consent && asked.has(op.consent)));
  };
  const undoIntent = (f: FileIntent): FileIntent => (f.kind === 'block' ? { ...f, block: null } : { ...f, ops: unique(oursOnly(f.ops).flatMap(undoOp(f.format))) });
  return {
    ...recipe,
    plan: (ctx): RecipePlan => {
      const plan = recipe.plan(ctx);
      // An entry in a file whose top level is a list (Copilot's chatLanguageModels.json) cannot be
      // taken out by the editors yet: the user is told which, and the file stays as it is.
      const rootLists = plan.files.filter((f) => f.kind === 'structured' && f.ops.some((op) => op.op === 'upsert' && op.path.length === 0));
      const files = plan.files.filter((f) => !rootLists.includes(f));
      const steps = rootLists.flatMap((f) =>
        f.kind === 'structured' ? f.ops.flatMap((op) => (op.op === 'upsert' ? [`Remove the entry whose "${op.match.key}" is "${op.match.value}" from ${displayPath(ctx.env, f.path)}.`] : [])) : [],
      );
      // A file we would only create holds nothing of ours to take out.
      return {
        files: files.map(undoIntent).map((f) => ({ ...f, onlyIfExists: true })),
        notes: [],
        ...(steps.length ? { manual: { why: 'setup-gateway cannot yet take its entry out of a file whose top level is a list.', steps } } : {}),
      };
    },
  };
}

/** The key or the gateway's URL, as the placeholder profile plans them. */
function isGatewayValue(value: unknown): boolean {
  return value === PLACEHOLDER.key || (typeof value === 'string' && value.startsWith(PLACEHOLDER.urls.anthropic));
}

/** An object named after us (Codex's `model_providers.setup-gateway`, Crush's `providers.setup-gateway`) is ours whole: it goes, not only its members (not in TOML, see above). */
function ownedPrefix(path: readonly (string | number)[]): Array<string | number> {
  const at = path.findIndex((p) => typeof p === 'string' && /^setup[-_]gateway$/i.test(p));
  return at === -1 ? [...path] : path.slice(0, at + 1);
}

function unique(ops: PlannedOp[]): PlannedOp[] {
  const seen = new Set<string>();
  return ops.filter((op) => {
    const key = JSON.stringify(op.path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Placeholder values: the plan's values are never written, only the places it writes them. */
const PLACEHOLDER = createProfile({ baseUrl: 'http://127.0.0.1:9', key: 'placeholder-key', model: 'placeholder-model' });

export async function useVendor(request: VendorRequest, world: { env: Environment; version: string }): Promise<VendorResult> {
  const { env } = world;
  const ids = request.agents.length ? [...request.agents] : (await agentStatuses({ env })).filter((s) => s.managed).map((s) => s.id);
  if (ids.length === 0) return { kind: 'nothing-routed' };
  const { recipes, evidence } = await selectAgents(ids, env);
  const removing = recipes.map(withoutOurSettings);
  const journals = (await listJournals(stateDir(env))).filter((j) => !j.undoneAt);
  const files = removing.flatMap((r) => r.plan({ profile: PLACEHOLDER, env, evidence: evidence(r.id), model: 'placeholder-model' }).files.flatMap((f) => [...(f.preferExisting ?? []), f.path]));
  const snapshot = await takeSnapshot(files);
  // An entry a recipe keeps in a list by its fixed name (Continue's model, Droid's custom model) goes like one the journal says we added.
  const journalOwned = ownedEntries(journals);
  const named = namedEntries(recipes, env, evidence);
  const ownedBy = (agent: string, file: string): ListEntry[] => [...journalOwned(agent, file), ...(named.get(`${agent}\0${file}`) ?? [])];
  const plans = planAgents(removing, { profile: PLACEHOLDER, env, snapshot, consent: () => true, evidence, ownedBy });
  const how = new Map<string, VendorHow>();
  for (const plan of plans) {
    if (plan.error) continue;
    const restored = await Promise.all(plan.changes.map((c) => restoreExact(c, plan.recipe.id, journals, env)));
    plan.changes = restored.map((r, i) => r ?? (plan.changes[i] as FileChange));
    const exact = plan.changes.filter((_, i) => restored[i]).map((c) => c.path);
    if (plan.changes.length) how.set(plan.recipe.id, { how: exact.length === plan.changes.length ? 'restored' : exact.length ? 'mixed' : 'keys-removed', restored: exact });
  }
  const outcome = request.dryRun
    ? { runId: null, failed: {} as Record<string, string> }
    : await applyChanges(
        plans.filter((p) => !p.error).map((p) => ({ agent: p.recipe.id, changes: p.changes })),
        { stateDir: stateDir(env), toolVersion: world.version, baseUrl: 'vendor', by: { command: request.command ?? 'use --vendor' } },
      );
  const secrets = plans.flatMap((p) => [...p.secrets]);
  const reports = plans.map((p) => {
    const r = reportFor(withOriginal(p, recipes), env, request.dryRun, outcome.failed[p.recipe.id]);
    const h = how.get(p.recipe.id);
    return { ...r, messages: r.messages.map((m) => maskSecrets(m, secrets)), ...(h && r.status !== 'failed' ? { back: h } : {}) };
  });
  return { kind: 'done', runId: outcome.runId, reports, failed: reports.some((r) => r.status === 'failed'), secrets };
}

/** The list entries each recipe upserts in each file (besides the root lists, see withoutOurSettings), by agent and file. */
function namedEntries(recipes: readonly Recipe[], env: Environment, evidence: (id: string) => readonly Evidence[]): Map<string, ListEntry[]> {
  const out = new Map<string, ListEntry[]>();
  for (const recipe of recipes) {
    for (const f of recipe.plan({ profile: PLACEHOLDER, env, evidence: evidence(recipe.id), model: 'placeholder-model' }).files) {
      if (f.kind !== 'structured') continue;
      const entries = f.ops.flatMap((op): ListEntry[] => (op.op === 'upsert' && op.path.length > 0 ? [{ list: op.path, match: op.match }] : []));
      if (entries.length) for (const file of [...(f.preferExisting ?? []), f.path]) out.set(`${recipe.id}\0${file}`, entries);
    }
  }
  return out;
}

/** The report names the agent's own recipe (the removal wrapper is an implementation detail). */
function withOriginal(plan: AgentPlan, recipes: readonly Recipe[]): AgentPlan {
  return { ...plan, recipe: recipes.find((r) => r.id === plan.recipe.id) ?? plan.recipe, model: undefined };
}

/**
 * The file as it was before setup-gateway first wrote it, when that is exact: the newest journal
 * entry for the file (not undone) wrote the bytes it holds now, each older one wrote the bytes the
 * next one found, all for this agent, and the first found a file (one it created has no bytes to
 * go back to: our keys are taken out instead). Undefined otherwise.
 */
async function restoreExact(change: FileChange, agent: string, journals: readonly Journal[], env: Environment): Promise<FileChange | undefined> {
  if (!change.before) return undefined;
  const chain = journals.flatMap((j) => j.entries.filter((e) => e.realPath === change.realPath).map((e) => ({ journal: j, entry: e })));
  if (chain.length === 0) return undefined;
  let expected = sha256(change.before);
  for (const [i, { journal, entry }] of chain.entries()) {
    if (entry.agent !== agent || entry.afterSha256 !== expected) return undefined;
    const older = chain[i + 1];
    if (older && entry.beforeSha256 !== null && older.entry.afterSha256 === entry.beforeSha256) {
      expected = entry.beforeSha256;
      continue;
    }
    if (entry.created || !entry.backup || entry.beforeSha256 === null) return undefined;
    const original = await readBackup(stateDir(env), journal.id, entry.backup).catch(() => undefined);
    if (!original || sha256(original) !== entry.beforeSha256) return undefined;
    return { ...change, after: original, mode: entry.beforeMode ?? change.mode, purpose: `${change.purpose} (as before setup-gateway, byte for byte)` };
  }
  return undefined;
}

// doctor's read step: every file each agent's checks will look at, read once into one snapshot
// (the recipe's files found by planning it with sentinels, the files its own doctor module asks
// for, its project-level and .env overrides), then each agent's state: its files parsed, where
// it keeps the URL, key and model, and what they hold now.
import { stat } from 'node:fs/promises';
import type { Environment } from '../core/environment.js';
import { pathFor } from '../core/environment.js';
import { planFilesToRead } from '../core/plan.js';
import { readFileState, type FileState } from '../core/snapshot.js';
import { overridePaths, readOverrideFile } from './checks/overrides.js';
import { extract, locate, readSlots, sentinelPlan, viewFiles } from './locate.js';
import type { AgentState, DoctorContext, ExtraFile } from './types.js';

/** One agent to read, with what is already known about it. */
export type AgentToRead = Pick<AgentState, 'recipe' | 'evidence' | 'detected' | 'expected' | 'applied'> & {
  /** More files its own doctor module asks for. */
  moduleFiles: readonly string[];
};

export interface ReadResult {
  agents: AgentState[];
  snapshot: Map<string, FileState>;
  /** Files that exist but could not be read, with the reason. */
  unreadable: Map<string, string>;
}

export async function readAgents(toRead: readonly AgentToRead[], where: Pick<DoctorContext, 'env' | 'cwd' | 'gitRoot'>): Promise<ReadResult> {
  const prepared = toRead.map((a) => ({ ...a, plan: sentinelPlan(a.recipe, where.env, a.evidence), overrides: overridePaths(a, where) }));
  const { snapshot, unreadable } = await readAll(prepared.flatMap((p) => [...planFilesToRead(p.plan), ...p.moduleFiles, ...p.overrides]));
  const agents = prepared.map(({ moduleFiles, overrides, ...a }): AgentState => {
    const files = viewFiles(a.plan, snapshot);
    // An agent that decodes its key setting (Pi's `$$`): doctor compares what it sends.
    const slots = readSlots(locate(files)).map((s) => (s.slot === 'key' && typeof s.value === 'string' && a.recipe.readKey ? { ...s, value: a.recipe.readKey(s.value) ?? s.value } : s));
    const keySlot = slots.find((s) => s.slot === 'key' && typeof s.value === 'string' && s.value !== '');
    const modelSlot = slots.find((s) => s.slot === 'model' && !s.small && typeof s.value === 'string' && s.value !== '');
    const smallSlot = slots.find((s) => s.slot === 'model' && s.small && typeof s.value === 'string' && s.value !== '');
    const key = keySlot ? (extract(keySlot.template, '{key}', keySlot.value as string) ?? (keySlot.value as string)) : undefined;
    const model = modelSlot ? (extract(modelSlot.template, '{model}', modelSlot.value as string) ?? (modelSlot.value as string)) : undefined;
    // Only a small model in the gateway's form is kept by a re-plan; one elsewhere is what doctor reports.
    const smallModel = smallSlot ? extract(smallSlot.template, '{model}', smallSlot.value as string) : undefined;
    const extra = new Map<string, ExtraFile>();
    for (const path of [...moduleFiles, ...overrides]) {
      const state = snapshot.get(path);
      if (state) extra.set(path, readOverrideFile(path, state, a.recipe, files));
    }
    return { ...a, files, slots, ...(model !== undefined ? { model } : {}), ...(smallModel !== undefined ? { smallModel } : {}), ...(key !== undefined ? { key } : {}), extra };
  });
  return { agents, snapshot, unreadable };
}

async function readAll(paths: readonly string[]): Promise<{ snapshot: Map<string, FileState>; unreadable: Map<string, string> }> {
  const snapshot = new Map<string, FileState>();
  const unreadable = new Map<string, string>();
  await Promise.all(
    [...new Set(paths)].map(async (path) => {
      try {
        snapshot.set(path, await readFileState(path));
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        unreadable.set(path, e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.message);
        snapshot.set(path, { path, realPath: path, symlink: false, exists: false });
      }
    }),
  );
  return { snapshot, unreadable };
}

/** The root of the git repository `cwd` is in (where project-level files may also live). */
export async function findGitRoot(cwd: string, env: Environment): Promise<string | undefined> {
  const p = pathFor(env);
  let dir = cwd;
  for (let i = 0; i < 64; i++) {
    if (await stat(p.join(dir, '.git')).then(() => true, () => false)) return dir;
    const parent = p.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

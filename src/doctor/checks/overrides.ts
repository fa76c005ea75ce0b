// The places an agent also reads, declared as data by its recipe (`checks`): environment
// variables (from the process or the .env files the agent loads) and project-level files, which
// may win over the file setup-gateway writes. Also the reading side: which of those files to
// snapshot, and how to parse them.
import { pathFor } from '../../core/environment.js';
import type { GatewaySlot, Recipe } from '../../core/recipe.js';
import type { FileState } from '../../core/snapshot.js';
import { editorFor } from '../../formats/index.js';
import { deepEqual, formatPath, getAt } from '../../formats/ops.js';
import type { KeyPath } from '../../formats/types.js';
import { lineOfPath, lineOfVar } from '../lines.js';
import { fill, parseDotenv, templateOf } from '../locate.js';
import type { AgentCheck, AgentState, DoctorContext, ExtraFile, Finding } from '../types.js';
import { base, shown } from './shared.js';

interface EnvValue {
  value: string;
  /** `the environment` or a .env file path. */
  from: string;
}

/** The agent's environment: the process environment, then the recipe's .env files in load order. */
export function effectiveEnv(agent: AgentState, ctx: DoctorContext): Map<string, EnvValue> {
  const env = new Map<string, EnvValue>();
  for (const [k, v] of Object.entries(ctx.env.env)) if (v !== undefined) env.set(k, { value: v, from: 'the environment' });
  for (const file of dotenvFiles(agent, ctx)) {
    for (const [k, v] of file.vars) env.set(k, { value: v, from: file.path });
  }
  return env;
}

export function dotenvFiles(agent: AgentState, ctx: DoctorContext): Array<{ path: string; vars: Map<string, string> }> {
  const out: Array<{ path: string; vars: Map<string, string> }> = [];
  for (const path of dotenvPaths(agent, ctx)) {
    const f = agent.extra.get(path);
    if (f?.state.exists && f.text !== undefined) out.push({ path, vars: (f.data as Map<string, string>) ?? new Map() });
  }
  return out;
}

function baseDir(ctx: DoctorContext, b: 'cwd' | 'git-root' | 'home'): string | undefined {
  return b === 'cwd' ? ctx.cwd : b === 'git-root' ? ctx.gitRoot : ctx.env.home;
}

export function dotenvPaths(agent: AgentState, ctx: DoctorContext): string[] {
  const p = pathFor(ctx.env);
  const paths: string[] = [];
  for (const d of agent.recipe.checks?.dotenv ?? []) {
    for (const b of d.in) {
      const dir = baseDir(ctx, b);
      if (dir) paths.push(p.join(dir, d.path));
    }
  }
  return [...new Set(paths)];
}

export interface ProjectFile {
  path: string;
  /** The user-level file it overrides. */
  userFile: string;
  format: 'json' | 'yaml' | 'toml';
  file: ExtraFile;
}

/** Project-level files that exist, in increasing precedence. */
export function projectFiles(agent: AgentState, ctx: DoctorContext): ProjectFile[] {
  const p = pathFor(ctx.env);
  const out: ProjectFile[] = [];
  const seen = new Set<string>();
  for (const spec of agent.recipe.checks?.projectFiles ?? []) {
    const user = agent.files.find((f) => p.basename(f.intent.path) === spec.mirrors);
    if (!user || user.intent.kind !== 'structured') continue;
    for (const b of spec.in) {
      const dir = baseDir(ctx, b);
      if (!dir) continue;
      const path = p.join(dir, spec.path);
      if (seen.has(path) || path === user.path || path === user.intent.path) continue;
      seen.add(path);
      const file = agent.extra.get(path);
      if (file?.state.exists) out.push({ path, userFile: user.path, format: user.intent.format, file });
    }
  }
  return out;
}

/** Every path a recipe's checks want read, for the snapshot. */
export function overridePaths(agent: Pick<AgentState, 'recipe'>, ctx: Pick<DoctorContext, 'env' | 'cwd' | 'gitRoot'>): string[] {
  const p = pathFor(ctx.env);
  const paths: string[] = [];
  const dir = (b: 'cwd' | 'git-root' | 'home') => (b === 'cwd' ? ctx.cwd : b === 'git-root' ? ctx.gitRoot : ctx.env.home);
  for (const d of agent.recipe.checks?.dotenv ?? []) for (const b of d.in) if (dir(b)) paths.push(p.join(dir(b) as string, d.path));
  for (const s of agent.recipe.checks?.projectFiles ?? []) for (const b of s.in) if (dir(b)) paths.push(p.join(dir(b) as string, s.path));
  return paths;
}

/** A file read for overrides (or asked for by an agent's own checks): its text, and its variables or parsed data. */
export function readOverrideFile(path: string, state: FileState, recipe: Recipe, files: AgentState['files']): ExtraFile {
  const extra: ExtraFile = { path, state };
  if (!state.exists || !state.bytes) return extra;
  extra.text = state.bytes.toString('utf8');
  const p = path.replace(/\\/g, '/');
  const isDotenv = (recipe.checks?.dotenv ?? []).some((d) => p.endsWith(`/${d.path.replace(/\\/g, '/')}`));
  if (isDotenv) {
    extra.data = parseDotenv(extra.text);
    return extra;
  }
  const spec = (recipe.checks?.projectFiles ?? []).find((s) => p.endsWith(`/${s.path.replace(/\\/g, '/')}`));
  const user = spec ? files.find((f) => f.intent.path.replace(/\\/g, '/').endsWith(`/${spec.mirrors}`)) : undefined;
  if (user?.intent.kind === 'structured') {
    try {
      extra.data = editorFor(user.intent.format).parse(extra.text);
    } catch (error) {
      extra.parseError = error instanceof Error ? error.message : String(error);
    }
  }
  return extra;
}

/** The value the recipe writes under a key or variable of this name (e.g. GOOSE_PROVIDER in config.yaml). */
function expectedByName(agent: AgentState, ctx: DoctorContext, name: string): string | undefined {
  const gw = ctx.gateway.urls;
  const real = (v: string) => (templateOf(v) === undefined ? v : gw && ctx.gateway.key !== undefined ? fill(templateOf(v) as string, { urls: gw, key: ctx.gateway.key }, agent.model) : undefined);
  for (const f of agent.plan.files) {
    if (f.kind === 'block') {
      const v = f.block?.vars.find((x) => x.name === name);
      if (v) return real(v.value);
      continue;
    }
    for (const op of f.ops) {
      if (op.op === 'set' && op.path[op.path.length - 1] === name && typeof op.value === 'string') return real(op.value);
    }
  }
  return undefined;
}

function expectedFor(agent: AgentState, ctx: DoctorContext, slot: GatewaySlot): string | undefined {
  const loc = agent.slots.find((s) => s.slot === slot);
  if (!loc || !ctx.gateway.urls) return undefined;
  if (slot === 'key') return ctx.gateway.key;
  if (slot === 'model') return agent.model ? fill(loc.template, { urls: ctx.gateway.urls, key: '' }, agent.model) : undefined;
  return fill(loc.template, { urls: ctx.gateway.urls, key: '' });
}

function same(slot: GatewaySlot | undefined, a: string, b: string): boolean {
  return slot === 'url' ? a.replace(/\/+$/, '') === b.replace(/\/+$/, '') : a === b;
}

function describeValue(slot: GatewaySlot | undefined, value: string): string {
  return slot === 'key' ? 'a different key' : value;
}

export const envOverrides: AgentCheck = (agent, ctx) => {
  const specs = agent.recipe.checks?.env ?? [];
  if (!specs.length) return [];
  const env = effectiveEnv(agent, ctx);
  const userFile = (slot?: GatewaySlot) => agent.slots.find((s) => s.slot === slot)?.file.path ?? agent.files[0]?.path;
  const out: Finding[] = [];
  for (const spec of specs) {
    const found = env.get(spec.name);
    if (!found || found.value === '') continue;
    const expected = spec.slot ? expectedFor(agent, ctx, spec.slot) : expectedByName(agent, ctx, spec.name);
    const fileWord = userFile(spec.slot) ? shown(ctx, userFile(spec.slot) as string) : 'its settings file';
    const from = found.from === 'the environment' ? 'your environment' : shown(ctx, found.from);
    const fileOf = found.from === 'the environment' ? {} : { file: found.from, line: lineOfVar(agent.extra.get(found.from)?.text ?? '', spec.name) };
    const differs = expected !== undefined && !same(spec.slot, found.value, expected);
    if (spec.wins && (differs || expected === undefined)) {
      const severe = differs && (spec.slot === 'url' || spec.slot === 'key');
      out.push({
        ...base(agent),
        ...fileOf,
        code: 'ENV_OVERRIDE',
        level: severe ? 'error' : 'warn',
        message: `${spec.name} is set in ${from}${spec.slot === 'key' ? '' : ` to ${found.value}`}; it wins over ${fileWord}${differs ? ` (which has ${describeValue(spec.slot, expected as string)})` : ''}.`,
        why: `${agent.recipe.name} reads ${spec.name} before its file, so the file's value is not the one used.`,
        fix: found.from === 'the environment' ? `unset ${spec.name} (and remove it from your shell profile)` : `Remove ${spec.name} from ${from}.`,
      });
    } else if (spec.wins) {
      out.push({ ...base(agent), ...fileOf, code: 'ENV_OVERRIDE', level: 'ok', message: `${spec.name} is also set in ${from}, to the same value.`, why: `It wins over ${fileWord}, but agrees with it.`, fix: '' });
    } else if (differs) {
      out.push({
        ...base(agent),
        ...fileOf,
        code: 'ENV_SHADOWED',
        level: 'ok',
        message: `${spec.name} is set in ${from}${spec.slot === 'key' ? ' to another key' : ` to ${found.value}`}, but ${fileWord} wins for ${agent.recipe.name}.`,
        why: 'Harmless for this agent; other tools that read the variable go elsewhere.',
        fix: '',
      });
    }
  }
  return out;
};

export const projectOverrides: AgentCheck = (agent, ctx) => {
  const out: Finding[] = [];
  for (const pf of projectFiles(agent, ctx)) {
    if (pf.file.parseError !== undefined || pf.file.data === undefined) {
      out.push({
        ...base(agent),
        code: 'PROJECT_FILE_PARSE',
        level: 'warn',
        file: pf.path,
        message: `${shown(ctx, pf.path)} does not parse: ${pf.file.parseError ?? 'unreadable'}.`,
        why: `${agent.recipe.name} reads it in this folder and may stop or ignore it.`,
        fix: 'Fix its syntax.',
      });
      continue;
    }
    const user = agent.files.find((f) => f.path === pf.userFile);
    if (!user || user.intent.kind !== 'structured') continue;
    const text = pf.file.text ?? '';
    const reported = new Set<string>();
    // The gateway settings first, with their slot's meaning.
    for (const slot of agent.slots.filter((s) => s.file === user && s.at.kind === 'path')) {
      const path = (slot.at as { path: KeyPath }).path;
      const value = getAt(pf.file.data, path);
      if (value === undefined) continue;
      reported.add(formatPath(path));
      const expected = expectedFor(agent, ctx, slot.slot);
      const differs = typeof value !== 'string' || expected === undefined || !same(slot.slot, value, expected);
      const line = lineOfPath(text, pf.format, path);
      out.push({
        ...base(agent),
        code: 'PROJECT_OVERRIDE',
        level: differs ? (slot.slot === 'model' ? 'warn' : 'error') : 'ok',
        file: pf.path,
        ...(line !== undefined ? { line } : {}),
        message: differs
          ? `${shown(ctx, pf.path)} sets ${slot.label}${slot.slot === 'key' ? ' to another key' : ` to ${JSON.stringify(value)}`}; it wins over ${shown(ctx, pf.userFile)} when ${agent.recipe.name} runs in ${shown(ctx, ctx.cwd ?? '.')}.`
          : `${shown(ctx, pf.path)} also sets ${slot.label}, to the same value.`,
        why: differs ? 'Project settings win over your user settings: in this project the agent does not use the gateway as configured.' : 'It agrees with the user-level file.',
        fix: differs ? `Remove ${slot.label} from ${shown(ctx, pf.path)} (or make it the gateway's value).` : '',
      });
    }
    // Other settings the recipe writes (e.g. CLAUDE_CODE_DISABLE_EXPERIMENTAL_BETAS).
    for (const op of user.intent.ops) {
      if (op.op !== 'set' || reported.has(formatPath(op.path))) continue;
      const value = getAt(pf.file.data, op.path);
      if (value === undefined || deepEqual(value, op.value) || agent.slots.some((s) => s.at.kind === 'path' && formatPath(s.at.path) === formatPath(op.path))) continue;
      const line = lineOfPath(text, pf.format, op.path);
      out.push({
        ...base(agent),
        code: 'PROJECT_OVERRIDE',
        level: 'warn',
        file: pf.path,
        ...(line !== undefined ? { line } : {}),
        message: `${shown(ctx, pf.path)} sets ${formatPath(op.path)} to ${JSON.stringify(value)}; setup-gateway writes ${JSON.stringify(op.value)} in ${shown(ctx, pf.userFile)}, and the project file wins.`,
        why: 'Project settings win over your user settings.',
        fix: `Remove ${formatPath(op.path)} from ${shown(ctx, pf.path)}.`,
      });
    }
  }
  return out;
};

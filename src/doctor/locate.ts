// Where does a recipe keep the URL, the key and the model? Instead of a second, hand-written
// description that could drift from the recipe, the recipe is planned once with sentinel values
// and every value that carries a sentinel is a location. So a new recipe is checked for free.
import { TextDecoder } from 'node:util';
import type { Environment } from '../core/environment.js';
import type { Profile } from '../core/profile.js';
import type { Evidence, FileIntent, GatewaySlot, Recipe, RecipePlan } from '../core/recipe.js';
import type { FileState, Snapshot } from '../core/snapshot.js';
import { findBlock } from '../formats/block.js';
import { editorFor } from '../formats/index.js';
import { findMatch, formatPath, getAt, isPlainObject } from '../formats/ops.js';
import { FormatParseError, type BlockDialect, type KeyPath } from '../formats/types.js';
import { lineOfPath, lineOfVar } from './lines.js';
import type { FileView, Location, SlotValue } from './types.js';

const ROOT = 'https://sentinel.setup-gateway.invalid/sg-root-7c1';
const KEY = 'sg-sentinel-key-7c1e5b';
const MODEL = 'sg-sentinel-model-7c1';
/** The small model (core/model.ts's rule), distinct so a small slot holding its own model is not drift. */
const SMALL = 'sg-sentinel-small-7c1';

export function sentinelProfile(): Profile {
  return { urls: { anthropic: ROOT, openai: `${ROOT}/v1`, isLoopback: false }, key: KEY, model: MODEL, models: {} };
}

/** The recipe's plan for sentinel values: every file it writes and what goes where. */
export function sentinelPlan(recipe: Recipe, env: Environment, evidence: readonly Evidence[]): RecipePlan {
  return recipe.plan({ profile: sentinelProfile(), model: MODEL, smallModel: SMALL, env, evidence });
}

/** `openai/sg-sentinel-model` → `openai/{model}`; undefined when the value carries no sentinel. */
export function templateOf(value: string): string | undefined {
  const t = value.split(`${ROOT}/v1`).join('{openai}').split(ROOT).join('{anthropic}').split(KEY).join('{key}').split(MODEL).join('{model}').split(SMALL).join('{model}');
  return t === value ? undefined : t;
}

function slotsOf(template: string): GatewaySlot[] {
  const slots: GatewaySlot[] = [];
  if (template.includes('{openai}') || template.includes('{anthropic}')) slots.push('url');
  if (template.includes('{key}')) slots.push('key');
  if (template.includes('{model}')) slots.push('model');
  return slots;
}

/** Fills a template with real values. */
export function fill(template: string, profile: Pick<Profile, 'urls' | 'key'>, model?: string): string {
  return template
    .split('{openai}')
    .join(profile.urls.openai)
    .split('{anthropic}')
    .join(profile.urls.anthropic)
    .split('{key}')
    .join(profile.key)
    .split('{model}')
    .join(model ?? '');
}

/**
 * The setting inside a value written through `template`: the model in `openai/{model}`, the key
 * in `Bearer {key}`. Undefined when the value does not fit the template.
 */
export function extract(template: string, placeholder: '{model}' | '{key}', value: string): string | undefined {
  const [before, after, ...rest] = template.split(placeholder);
  if (before === undefined || after === undefined || rest.length > 0) return undefined;
  if (/\{(openai|anthropic|key|model)\}/.test(before + after)) return undefined;
  if (!value.startsWith(before) || !value.endsWith(after) || value.length < before.length + after.length) return undefined;
  const inner = value.slice(before.length, value.length - after.length);
  return inner === '' ? undefined : inner;
}

/** Reads the files of a plan out of a snapshot: text, parsed data or the parse error. */
export function viewFiles(plan: RecipePlan, snapshot: Snapshot): FileView[] {
  const views: FileView[] = [];
  for (const intent of plan.files) {
    const state = pick(intent, snapshot);
    if (!state) continue;
    // As planAgent: a file written only when it exists, or only while another is absent.
    if (intent.onlyIfExists && !state.exists) continue;
    if (intent.kind === 'structured' && intent.unlessExists?.some((p) => snapshot.get(p)?.exists)) continue;
    const view: FileView = { intent, path: state.path, state };
    if (state.exists && state.bytes) {
      try {
        view.text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(state.bytes);
      } catch {
        view.parseError = { reason: 'the file is not UTF-8 text' };
      }
      if (view.text !== undefined && intent.kind === 'structured') {
        try {
          view.data = editorFor(intent.format).parse(view.text);
        } catch (error) {
          view.parseError =
            error instanceof FormatParseError
              ? { line: error.line, column: error.column, reason: error.message }
              : { reason: error instanceof Error ? error.message : String(error) };
        }
      }
    }
    views.push(view);
  }
  return views;
}

/** The file the agent reads for an intent: the first existing `preferExisting`, else the path (as planAgent picks). */
function pick(intent: FileIntent, snapshot: Snapshot): FileState | undefined {
  const candidates = [...(intent.preferExisting ?? []), intent.path];
  for (const c of candidates) {
    const s = snapshot.get(c);
    if (s?.exists) return s;
  }
  return snapshot.get(intent.path);
}

/** Every place the plan puts the URL, the key or the model. */
export function locate(files: readonly FileView[]): Location[] {
  const out: Location[] = [];
  for (const file of files) {
    const intent = file.intent;
    if (intent.kind === 'block') {
      for (const v of intent.block?.vars ?? []) {
        const template = templateOf(v.value);
        if (!template) continue;
        for (const slot of slotsOf(template)) out.push({ slot, template, file, at: { kind: 'var', name: v.name }, label: v.name, ...smallOf(v.value) });
      }
      continue;
    }
    for (const op of intent.ops) {
      if (op.op === 'set' || op.op === 'setDefault') {
        for (const leaf of leaves(op.value, [])) {
          const path = [...op.path, ...leaf.path];
          for (const slot of slotsOf(leaf.template)) out.push({ slot, template: leaf.template, file, at: { kind: 'path', path }, label: formatPath(path), ...smallOf(leaf.value) });
        }
      } else if (op.op === 'upsert') {
        for (const leaf of leaves(op.value, [])) {
          const list = op.path.length ? formatPath(op.path) : '';
          const label = `${list}[${op.match.key}=${op.match.value}]${leaf.path.length ? `${typeof leaf.path[0] === 'number' ? '' : '.'}${formatPath(leaf.path)}` : ''}`;
          for (const slot of slotsOf(leaf.template)) {
            out.push({ slot, template: leaf.template, file, at: { kind: 'entry', path: op.path, match: op.match, rel: leaf.path }, label, ...smallOf(leaf.value) });
          }
        }
      }
    }
  }
  return out;
}

/** Marks a location planned with the small model's sentinel. */
function smallOf(value: string): { small?: true } {
  return value.includes(SMALL) ? { small: true } : {};
}

function leaves(value: unknown, path: KeyPath): Array<{ path: KeyPath; template: string; value: string }> {
  if (typeof value === 'string') {
    const template = templateOf(value);
    return template ? [{ path, template, value }] : [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (isPlainObject(value)) return Object.keys(value).flatMap((k) => leaves(value[k], [...path, k]));
  return [];
}

/** What each location holds now, with its line when it can be found. */
export function readSlots(locations: readonly Location[]): SlotValue[] {
  return locations.map((loc) => {
    const { file, at } = loc;
    if (file.text === undefined) return { ...loc, value: undefined };
    if (at.kind === 'var') {
      const dialect = file.intent.kind === 'block' ? (file.intent.block?.dialect ?? 'posix') : 'posix';
      const found = readBlockVar(file.text, dialect, at.name);
      return { ...loc, value: found, ...(found !== undefined ? { line: lineOfVar(file.text, at.name) } : {}) };
    }
    if (file.data === undefined) return { ...loc, value: undefined };
    const format = file.intent.kind === 'structured' ? file.intent.format : 'json';
    if (at.kind === 'path') {
      const value = getAt(file.data, at.path);
      return { ...loc, value, ...(value !== undefined ? { line: lineOfPath(file.text, format, at.path) } : {}) };
    }
    const list = getAt(file.data, at.path);
    if (!Array.isArray(list)) return { ...loc, value: undefined };
    const index = findMatch(list, at.match);
    const value = index < 0 ? undefined : getAt(list[index], at.rel);
    return { ...loc, value, ...(value !== undefined ? { line: lineOfPath(file.text, format, [...at.path, ...at.rel]) } : {}) };
  });
}

/** The value of `name` inside our managed block, undone from its dialect's quoting. */
export function readBlockVar(text: string, dialect: BlockDialect, name: string): string | undefined {
  let range: { start: number; end: number } | null;
  try {
    range = findBlock(text);
  } catch {
    return undefined;
  }
  if (!range) return undefined;
  for (const raw of text.slice(range.start, range.end).split(/\r?\n/)) {
    const value = parseAssignment(raw.trim(), dialect, name);
    if (value !== undefined) return value;
  }
  return undefined;
}

function parseAssignment(line: string, dialect: BlockDialect, name: string): string | undefined {
  switch (dialect) {
    case 'posix': {
      const m = new RegExp(`^export ${name}='(.*)'$`).exec(line);
      return m?.[1]?.replaceAll("'\\''", "'");
    }
    case 'fish': {
      const m = new RegExp(`^set -gx ${name} '(.*)'$`).exec(line);
      return m?.[1]?.replace(/\\([\\'])/g, '$1');
    }
    case 'powershell': {
      const m = new RegExp(`^\\$env:${name} = '(.*)'$`).exec(line);
      return m?.[1]?.replace(/(['\u2018\u2019\u201A\u201B])\1/g, '$1');
    }
    case 'dotenv':
      return dotenvValue(line, name);
  }
}

/** `NAME=value`, `NAME="value"` or `NAME='value'` (optionally `export NAME=…`), as dotenv loaders read it. */
export function dotenvValue(line: string, name: string): string | undefined {
  const m = new RegExp(`^(?:export\\s+)?${name}\\s*=\\s*(.*)$`).exec(line);
  if (!m) return undefined;
  const raw = (m[1] ?? '').trim();
  if (raw.startsWith('"')) {
    const end = raw.lastIndexOf('"');
    const body = end > 0 ? raw.slice(1, end) : raw.slice(1);
    return body.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
  }
  if (raw.startsWith("'")) {
    const end = raw.lastIndexOf("'");
    return end > 0 ? raw.slice(1, end) : raw.slice(1);
  }
  return raw.replace(/\s+#.*$/, '');
}

/** Every `NAME=value` of a `.env` file (last assignment wins). */
export function parseDotenv(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line);
    if (!m?.[1]) continue;
    const value = dotenvValue(line, m[1]);
    if (value !== undefined) vars.set(m[1], value);
  }
  return vars;
}

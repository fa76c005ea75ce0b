// Checks that every recipe gets without writing a line for doctor: its files parse, it points at
// the gateway with the URL shape its protocol needs, holds the key, uses a model the gateway
// lists, keeps key files private, and matches what setup-gateway would write (drift). The
// overrides a recipe declares as data (env vars, .env files, project files) are checked here too.
import { RELAY_LOCAL_TOKEN } from '../core/relay-target.js';
import { displayPath, pathFor } from '../core/environment.js';
import { octal } from '../core/plan.js';
import { normalizeBaseUrl, isLoopbackHost } from '../core/profile.js';
import type { GatewaySlot } from '../core/recipe.js';
import { editorFor } from '../formats/index.js';
import { deepEqual, formatPath, getAt, isPlainObject } from '../formats/ops.js';
import { findBlock } from '../formats/block.js';
import type { KeyPath } from '../formats/types.js';
import { isProbeProtocol } from './gateway.js';
import { extract, fill, templateOf } from './locate.js';
import { lineOfPath, lineOfVar } from './lines.js';
import { agentKeyId } from './net.js';
import type { AgentCheck, AgentState, DoctorContext, ExtraFile, Finding, SlotValue } from './types.js';

function shown(ctx: DoctorContext, file: string): string {
  return displayPath(ctx.env, file);
}

function base(agent: AgentState): Pick<Finding, 'agent'> {
  return { agent: agent.recipe.id };
}

function where(slot: SlotValue): Pick<Finding, 'file' | 'line'> {
  return { file: slot.file.path, ...(slot.line !== undefined ? { line: slot.line } : {}) };
}

/** The agent points somewhere: at least one URL setting holds a string. */
export function isConfigured(agent: AgentState): boolean {
  return agent.slots.some((s) => s.slot === 'url' && typeof s.value === 'string' && s.value !== '');
}

function parsedOk(slot: SlotValue): boolean {
  return !slot.file.parseError;
}

const detected: AgentCheck = (agent) => {
  if (agent.detected || !agent.expected) return [];
  return [
    {
      ...base(agent),
      code: 'AGENT_NOT_FOUND',
      level: 'warn',
      message: `${agent.recipe.name} was not found on this machine (no ${agent.recipe.detect.binaries.join('/') || 'binary'} on PATH, none of its folders).`,
      why: 'Its files are checked anyway; they only matter once it is installed.',
      fix: '',
    },
  ];
};

const parse: AgentCheck = (agent, ctx) => {
  const out: Finding[] = [];
  for (const f of agent.files) {
    const unreadable = ctx.unreadable.get(f.path);
    if (unreadable) {
      out.push({ ...base(agent), code: 'CONFIG_UNREADABLE', level: 'error', file: f.path, message: `${shown(ctx, f.path)} cannot be read: ${unreadable}.`, why: 'The agent cannot read it either.', fix: `Check the file's owner and permissions.` });
      continue;
    }
    if (!f.state.exists) continue;
    if (f.parseError) {
      const at = f.parseError.line !== undefined ? `:${f.parseError.line}:${f.parseError.column ?? 1}` : '';
      out.push({
        ...base(agent),
        code: 'CONFIG_PARSE',
        level: 'error',
        file: f.path,
        ...(f.parseError.line !== undefined ? { line: f.parseError.line } : {}),
        message: `${shown(ctx, f.path)}${at} does not parse: ${f.parseError.reason}.`,
        why: `${agent.recipe.name} cannot read its settings (it fails or silently ignores the file); setup-gateway will not edit it either.`,
        fix: 'Fix the syntax at that line (a missing comma or quote is typical), then run doctor again.',
      });
      continue;
    }
    if (f.intent.kind === 'block' && f.text !== undefined) {
      try {
        findBlock(f.text);
      } catch (error) {
        out.push({ ...base(agent), code: 'CONFIG_PARSE', level: 'error', file: f.path, message: `${shown(ctx, f.path)}: ${(error as Error).message}.`, why: 'setup-gateway cannot tell which lines are its own.', fix: 'Keep exactly one setup-gateway block.' });
        continue;
      }
    }
    out.push({ ...base(agent), code: 'CONFIG_PARSE', level: 'ok', file: f.path, message: `${shown(ctx, f.path)} parses.`, why: 'The agent can read it.', fix: '' });
  }
  return out;
};

const configured: AgentCheck = (agent, ctx) => {
  if (agent.plan.manual && !agent.slots.length) {
    // The steps of the real plan (the gateway's URL and the masked key), not the sentinel one.
    const steps = agent.replan?.manual?.steps;
    return [
      {
        ...base(agent),
        code: 'MANUAL_SETUP',
        level: 'ok',
        message: `${agent.recipe.name} is set up by hand in the app; doctor cannot read its settings from a file.`,
        why: agent.plan.manual.why,
        fix: steps ? steps.map((step, i) => `${i + 1}. ${step}`).join(' ') : `setup-gateway apply --agent ${agent.recipe.id} prints the steps.`,
      },
    ];
  }
  if (!agent.slots.some((s) => s.slot === 'url') || isConfigured(agent)) return [];
  if (agent.files.some((f) => f.parseError)) return [];
  const file = agent.slots.find((s) => s.slot === 'url')?.file.path;
  return [
    {
      ...base(agent),
      code: 'AGENT_NOT_CONFIGURED',
      level: agent.expected ? 'error' : 'warn',
      ...(file ? { file } : {}),
      message: `${agent.recipe.name} is not pointed at any gateway${file ? ` (nothing in ${shown(ctx, file)})` : ''}.`,
      why: agent.applied
        ? 'setup-gateway configured it, but its settings are gone: it talks to its vendor directly, or fails.'
        : agent.expected
          ? 'You named it, but it is not configured for any gateway: it talks to its vendor directly.'
          : 'It is installed but still talks to its vendor directly.',
      fix: `setup-gateway apply --agent ${agent.recipe.id}${agent.expected ? ' (or: setup-gateway doctor --fix)' : ''}`,
    },
  ];
};

/** What a URL setting should hold, and what is wrong with what it holds. */
const urls: AgentCheck = (agent, ctx) => {
  const gw = agent.viaRelay ? normalizeBaseUrl(agent.viaRelay) : ctx.gateway.urls;
  if (!gw || !isConfigured(agent)) return [];
  const out: Finding[] = [];
  for (const slot of agent.slots.filter((s) => s.slot === 'url' && parsedOk(s))) {
    const expected = fill(slot.template, { urls: gw, key: '' });
    const value = slot.value;
    const label = `${slot.label} in ${shown(ctx, slot.file.path)}`;
    const f = (code: string, level: Finding['level'], message: string, why: string, fix: string): Finding => ({ ...base(agent), ...where(slot), code, level, message, why, fix });
    const fixCmd = `setup-gateway doctor --fix (sets ${slot.label} to ${expected})`;
    if (value === undefined || value === null || value === '') {
      out.push(f('URL_MISSING', 'error', `${label} is not set.`, `${agent.recipe.name} falls back to its vendor's own endpoint for this setting.`, fixCmd));
      continue;
    }
    if (typeof value !== 'string') {
      out.push(f('URL_INVALID', 'error', `${label} is not a string.`, 'The agent cannot use it as a URL.', fixCmd));
      continue;
    }
    if (value === expected) {
      const form = suffixOf(slot.template)
        ? 'the full endpoint URL'
        : wantsV1(slot.template)
          ? 'with /v1 (it appends /chat/completions or /responses)'
          : 'the root, without /v1 (it appends /v1/messages itself)';
      out.push(f('URL_OK', 'ok', `${label} is ${value}.`, `The form ${agent.recipe.name} needs: ${form}.`, ''));
      continue;
    }
    let parsed: URL | undefined;
    try {
      parsed = new URL(value);
    } catch {
      parsed = undefined;
    }
    if (!parsed) {
      out.push(f('URL_INVALID', 'error', `${label} is not a URL: ${value}.`, 'The agent cannot connect anywhere.', fixCmd));
      continue;
    }
    // Shape tests apply to the base part: a template such as `{openai}/chat/completions` adds a fixed suffix.
    const suffix = suffixOf(slot.template);
    const fullPath = parsed.pathname.replace(/\/+$/, '');
    const path = suffix && fullPath.endsWith(suffix) ? fullPath.slice(0, -suffix.length) : fullPath;
    let sameGateway = false;
    try {
      sameGateway = normalizeBaseUrl(value).anthropic === gw.anthropic;
    } catch {
      sameGateway = false;
    }
    if (!sameGateway) {
      out.push(
        f(
          'URL_OTHER_GATEWAY',
          'error',
          `${label} points at ${value}, not at the gateway ${wantsV1(slot.template) ? gw.openai : gw.anthropic}.`,
          `${agent.recipe.name}'s requests do not go through the gateway.`,
          fixCmd,
        ),
      );
      continue;
    }
    if (/\/v1\/v1$/.test(path) || /\/v1\/v1\//.test(parsed.pathname)) {
      out.push(f('URL_DOUBLE_V1', 'error', `${label} has /v1 twice: ${value}.`, `Requests go to …/v1/v1/…, which the gateway answers with 404.`, fixCmd));
    } else if (wantsV1(slot.template) && !/\/v1$/.test(path)) {
      out.push(f('URL_MISSING_V1', 'error', `${label} lacks /v1: ${value}.`, `${agent.recipe.name} appends only /chat/completions or /responses, so requests miss the gateway's /v1 routes (404).`, fixCmd));
    } else if (!wantsV1(slot.template) && /\/v1$/.test(path)) {
      out.push(f('URL_EXTRA_V1', 'error', `${label} ends with /v1: ${value}.`, `${agent.recipe.name} appends /v1/messages itself, so requests go to …/v1/v1/messages (404).`, fixCmd));
    } else {
      out.push(f('URL_SHAPE', 'warn', `${label} is ${value}, not exactly ${expected}.`, 'A trailing slash or a pasted endpoint path makes some clients call the wrong path.', fixCmd));
    }
  }
  return out;
};

/** What a URL template appends after the gateway URL (`/chat/completions`), if anything. */
function suffixOf(template: string): string {
  const m = /\{(?:openai|anthropic)\}(.*)$/.exec(template);
  return (m?.[1] ?? '').replace(/\/+$/, '');
}

function wantsV1(template: string): boolean {
  return template.includes('{openai}');
}

const keys: AgentCheck = (agent, ctx) => {
  if (!isConfigured(agent)) return [];
  const out: Finding[] = [];
  // At the relay any token works: the relay sends the gateway key itself.
  const gwKey = agent.viaRelay ? RELAY_LOCAL_TOKEN : ctx.gateway.key;
  for (const slot of agent.slots.filter((s) => s.slot === 'key' && parsedOk(s))) {
    const label = `${slot.label} in ${shown(ctx, slot.file.path)}`;
    const value = slot.value;
    if (typeof value !== 'string' || value === '') {
      out.push({
        ...base(agent),
        ...where(slot),
        code: 'KEY_MISSING',
        level: 'error',
        message: `${label} holds no key.`,
        why: `${agent.recipe.name} reads the gateway key there; without it every request is refused (401) or sent with another credential.`,
        fix: gwKey ? 'setup-gateway doctor --fix' : `setup-gateway apply --agent ${agent.recipe.id} --key-env VAR`,
      });
      continue;
    }
    const keyValue = extract(slot.template, '{key}', value) ?? value;
    if (!gwKey || keyValue === gwKey) {
      out.push({ ...base(agent), ...where(slot), code: 'KEY_OK', level: 'ok', message: `${label} holds the gateway key.`, why: `This is where ${agent.recipe.name} reads it.`, fix: '' });
      continue;
    }
    const probe = isProbeProtocol(agent.recipe.protocol) ? ctx.net?.agentKeys.get(agentKeyId(agent.recipe.protocol, keyValue)) : undefined;
    if (probe && (probe.status === 401 || probe.status === 403)) {
      out.push({
        ...base(agent),
        ...where(slot),
        code: 'AGENT_KEY_REJECTED',
        level: 'error',
        message: `${label} holds another key, and the gateway rejects it (${probe.status}).`,
        why: `Every request ${agent.recipe.name} makes is refused.`,
        fix: 'setup-gateway doctor --fix (writes the gateway key there)',
      });
      continue;
    }
    out.push({
      ...base(agent),
      ...where(slot),
      code: 'KEY_MISMATCH',
      level: 'warn',
      message: `${label} holds a different key than the one doctor checks with${probe?.status !== undefined ? ' (the gateway accepts it)' : ''}.`,
      why: 'Two keys for one gateway: usage and limits are split, and a revoked key breaks only some agents.',
      fix: 'setup-gateway doctor --fix (writes the gateway key there)',
    });
  }
  return out;
};

const models: AgentCheck = (agent, ctx) => {
  if (!isConfigured(agent)) return [];
  const out: Finding[] = [];
  const slots = agent.slots.filter((s) => s.slot === 'model' && parsedOk(s));
  const set = slots.filter((s) => typeof s.value === 'string' && s.value !== '');
  if (!set.length) {
    if (agent.recipe.model === 'required' && slots.length) {
      const slot = slots[0] as SlotValue;
      out.push({
        ...base(agent),
        ...where(slot),
        code: 'MODEL_MISSING',
        level: 'error',
        message: `${agent.recipe.name} has no model set (${slot.label} in ${shown(ctx, slot.file.path)}).`,
        why: `${agent.recipe.name} then asks for its vendor's default model, which the gateway may not offer.`,
        fix: `setup-gateway apply --agent ${agent.recipe.id} --model ID${ctx.net?.modelIds?.includes('auto') ? ' (the gateway offers auto)' : ''}`,
      });
    }
    return out;
  }
  const byModel = new Map<string, SlotValue[]>();
  for (const slot of set) {
    const raw = slot.value as string;
    const model = extract(slot.template, '{model}', raw);
    if (model === undefined) {
      const expected = slot.template.replace('{model}', raw);
      out.push({
        ...base(agent),
        ...where(slot),
        code: 'MODEL_FORMAT',
        level: 'error',
        message: `${slot.label} in ${shown(ctx, slot.file.path)} is ${raw}; ${agent.recipe.name} needs the form ${slot.template.replace('{model}', '<id>')} (${expected}).`,
        why: `${agent.recipe.name} cannot route the model to the gateway otherwise.`,
        fix: 'setup-gateway doctor --fix',
      });
      continue;
    }
    byModel.set(model, [...(byModel.get(model) ?? []), slot]);
  }
  const listed = ctx.net?.modelIds;
  for (const [model, slotsFor] of byModel) {
    const first = slotsFor[0] as SlotValue;
    const labels = slotsFor.map((s) => s.label).join(', ');
    if (listed && !listed.includes(model)) {
      out.push({
        ...base(agent),
        ...where(first),
        code: 'MODEL_NOT_LISTED',
        level: 'error',
        message: `The model ${model} (${labels}) is not one the gateway lists.`,
        why: 'Requests for a model the gateway does not know fail (404 or 400).',
        fix: `setup-gateway apply --agent ${agent.recipe.id} --model ID with one of: ${listed.slice(0, 6).join(', ')}${listed.length > 6 ? ', …' : ''}`,
      });
    } else {
      out.push({
        ...base(agent),
        ...where(first),
        code: 'MODEL_OK',
        level: 'ok',
        message: `Model ${model} (${labels})${listed ? ' is listed by the gateway' : ''}.`,
        why: listed ? 'The gateway knows it.' : 'The gateway did not list its models (or the network was skipped), so it was not checked against a list.',
        fix: '',
      });
    }
  }
  return out;
};

const fileModes: AgentCheck = (agent, ctx) => {
  if (ctx.env.platform === 'win32') return [];
  const out: Finding[] = [];
  for (const f of agent.files) {
    if (!f.intent.holdsSecret || !f.state.exists || f.state.mode === undefined) continue;
    const holdsKey = agent.slots.some((s) => s.file === f && s.slot === 'key' && typeof s.value === 'string' && s.value !== '');
    if (!holdsKey) continue;
    if (f.state.mode & 0o077) {
      out.push({
        ...base(agent),
        code: 'FILE_MODE',
        level: 'warn',
        file: f.path,
        message: `${shown(ctx, f.path)} holds the key and is readable by ${f.state.mode & 0o007 ? 'every user of this machine' : 'your group'} (mode ${octal(f.state.mode)}).`,
        why: 'Anyone who can read the file can spend on your key.',
        fix: `chmod 600 ${shown(ctx, f.state.realPath)} (or setup-gateway doctor --fix)`,
      });
    } else {
      out.push({ ...base(agent), code: 'FILE_MODE', level: 'ok', file: f.path, message: `${shown(ctx, f.path)} is private (mode ${octal(f.state.mode)}).`, why: 'It holds the key.', fix: '' });
    }
  }
  return out;
};

/** Key paths where two parsed documents differ (leaves, or whole subtrees when types differ). */
export function differingPaths(a: unknown, b: unknown, path: KeyPath = []): KeyPath[] {
  if (deepEqual(a, b)) return [];
  if (isPlainObject(a) && isPlainObject(b)) {
    const keysAll = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keysAll.flatMap((k) => differingPaths(a[k], b[k], [...path, k]));
  }
  return [path];
}

const drift: AgentCheck = (agent, ctx) => {
  const plan = agent.replan;
  if (!plan || !isConfigured(agent)) return [];
  if (plan.error) {
    if (agent.files.some((f) => f.parseError) || ctx.unreadable.size) return [];
    return [
      {
        ...base(agent),
        code: 'PLAN_FAILED',
        level: 'warn',
        message: `setup-gateway could not re-plan ${agent.recipe.name}: ${plan.error}`,
        why: 'Drift cannot be measured and --fix cannot repair this agent until that is resolved.',
        fix: 'Resolve the problem above by hand.',
      },
    ];
  }
  const out: Finding[] = [];
  for (const change of plan.changes) {
    if (change.before && change.before.equals(change.after)) continue; // mode only: FILE_MODE says it
    const intent = agent.files.find((f) => f.state.path === change.path)?.intent;
    let what: string;
    let line: number | undefined;
    if (!change.before) {
      what = 'the file is missing';
    } else if (intent?.kind === 'structured') {
      const editor = editorFor(intent.format);
      const before = change.before.toString('utf8');
      const paths = differingPaths(editor.parse(before), editor.parse(change.after.toString('utf8')));
      const first = paths[0];
      line = first ? lineOfPath(before, intent.format, first) : undefined;
      what = paths.length ? paths.slice(0, 8).map(formatPath).join(', ') + (paths.length > 8 ? `, and ${paths.length - 8} more` : '') : 'formatting';
    } else {
      what = 'the setup-gateway block';
      const v = intent?.kind === 'block' ? intent.block?.vars[0]?.name : undefined;
      line = v ? lineOfVar(change.before.toString('utf8'), v) : undefined;
    }
    out.push({
      ...base(agent),
      code: 'DRIFT',
      level: 'warn',
      file: change.path,
      ...(line !== undefined ? { line } : {}),
      message: `${shown(ctx, change.path)} differs from what setup-gateway writes for this gateway: ${what}.`,
      why: 'Someone (or another tool) changed these settings since; the agent may not route through the gateway as configured.',
      fix: 'setup-gateway doctor --fix (shows the diff first)',
    });
  }
  if (!out.length && !plan.consents.some((c) => !c.granted)) {
    out.push({ ...base(agent), code: 'DRIFT', level: 'ok', message: 'Its files hold exactly what setup-gateway writes for this gateway.', why: 'No drift since the last apply.', fix: '' });
  }
  return out;
};

const consents: AgentCheck = (agent, ctx) =>
  (agent.replan?.consents ?? [])
    .filter((c) => !c.granted)
    .map((c) => ({
      ...base(agent),
      code: 'SETTING_CONFLICT',
      level: 'warn' as const,
      file: c.file,
      message: `${shown(ctx, c.file)}: ${c.question.replace(/\s*\S+\?$/, '')}`,
      why: 'setup-gateway leaves it in place without your consent.',
      fix: 'setup-gateway doctor --fix (asks before removing it), or remove it by hand.',
    }));

const cloudLoopback: AgentCheck = (agent, ctx) => {
  if (!agent.recipe.checks?.callsFromCloud) return [];
  const values = agent.slots.filter((s) => s.slot === 'url' && typeof s.value === 'string').map((s) => s.value as string);
  const urlsToCheck = values.length ? values : ctx.gateway.urls ? [ctx.gateway.urls.openai] : [];
  const local = urlsToCheck.find((u) => {
    try {
      return isPrivateHost(new URL(u).hostname);
    } catch {
      return false;
    }
  });
  if (!local) return [];
  return [
    {
      ...base(agent),
      code: 'CLOUD_AGENT_LOOPBACK',
      level: 'error',
      message: `${agent.recipe.name} would be pointed at ${local}, a loopback or private-network address.`,
      why: `${agent.recipe.name}'s requests are sent from its vendor's servers, which cannot reach this computer or your private network.`,
      fix: 'Use the gateway\'s public URL, or expose the local relay through a public tunnel.',
    },
  ];
};

/** Loopback, or an address only reachable inside a private network (RFC 1918, link-local, ULA). */
export function isPrivateHost(hostname: string): boolean {
  if (isLoopbackHost(hostname)) return true;
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(h);
  if (v4) {
    const a = Number(v4[1]);
    const b = Number(v4[2]);
    return a === 10 || a === 0 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  return h.endsWith('.local') || /^f[cd][0-9a-f]{2}:/.test(h) || h.startsWith('fe80:');
}

// ---------------------------------------------------------------------------------- overrides

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

const envOverrides: AgentCheck = (agent, ctx) => {
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

const projectOverrides: AgentCheck = (agent, ctx) => {
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

export const GENERIC_CHECKS: ReadonlyArray<[string, AgentCheck]> = [
  ['detected', detected],
  ['parse', parse],
  ['configured', configured],
  ['urls', urls],
  ['keys', keys],
  ['models', models],
  ['file modes', fileModes],
  ['drift', drift],
  ['conflicts', consents],
  ['cloud loopback', cloudLoopback],
  ['environment overrides', envOverrides],
  ['project overrides', projectOverrides],
];

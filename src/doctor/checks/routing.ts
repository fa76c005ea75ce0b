// Where the agent's requests go: each URL setting in the shape its protocol needs and at the
// gateway (or the local relay), the key where the agent reads it and accepted by the gateway, a
// model the gateway lists in the form the agent needs, and no loopback URL for an agent whose
// requests come from its vendor's cloud.
import { LEGACY_RELAY_TOKEN } from '../../core/relay-token.js';
import { isLoopbackHost, normalizeBaseUrl } from '../../core/profile.js';
import { isProbeProtocol } from '../gateway.js';
import { extract, fill } from '../locate.js';
import { agentKeyId } from '../net.js';
import type { AgentCheck, AgentState, DoctorContext, Finding, SlotValue } from '../types.js';
import { applyCommand, base, doctorFixCommand, isConfigured, isGatewayUrl, parsedOk, shown, where } from './shared.js';

/** What a URL setting should hold, and what is wrong with what it holds. */
export const urls: AgentCheck = (agent, ctx) => {
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
    if (!isGatewayUrl(value, gw)) {
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

/** What re-applies every agent that uses the relay with the install's current token (made now if there is none). */
export const ROTATE_TOKEN_FIX = 'setup-gateway relay rotate-token';

export const keys: AgentCheck = (agent, ctx) => {
  if (!isConfigured(agent)) return [];
  if (agent.viaRelay) return relayKeys(agent, ctx);
  const out: Finding[] = [];
  const gwKey = ctx.gateway.key;
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
        // Without a key doctor knows, the interactive mode asks for it (applyCommand).
        fix: gwKey ? (doctorFixCommand(ctx, agent.recipe.id) ?? 'setup-gateway doctor --fix') : applyCommand(ctx, agent.recipe.id),
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

/**
 * An agent at the relay holds the relay's local token, not the gateway key: the relay refuses
 * any other (401), the public constant older versions wrote included.
 */
function relayKeys(agent: AgentState, ctx: DoctorContext): Finding[] {
  const token = ctx.relayToken;
  return agent.slots
    .filter((s) => s.slot === 'key' && parsedOk(s))
    .map((slot): Finding => {
      const label = `${slot.label} in ${shown(ctx, slot.file.path)}`;
      const at = { ...base(agent), ...where(slot) };
      const value = typeof slot.value === 'string' ? (extract(slot.template, '{key}', slot.value) ?? slot.value) : '';
      if (token && value === token) {
        return { ...at, code: 'KEY_OK', level: 'ok', message: `${label} holds the relay's local token (the relay adds the gateway key).`, why: `${agent.recipe.name} goes through the local relay, which requires this token and sends the gateway key to the gateway itself.`, fix: '' };
      }
      const holds = !value ? 'holds no token' : value === LEGACY_RELAY_TOKEN ? 'holds the old public relay token' : token ? "holds another token than the relay's current one" : 'holds a token, but no relay token has been made yet';
      return {
        ...at,
        code: 'RELAY_TOKEN_STALE',
        level: 'error',
        message: `${label} ${holds}.`,
        why: `${agent.recipe.name} goes through the local relay, which refuses every request without its local token (401).`,
        fix: ROTATE_TOKEN_FIX,
      };
    });
}

export const models: AgentCheck = (agent, ctx) => {
  if (!isConfigured(agent)) return [];
  const out: Finding[] = [];
  const slots = agent.slots.filter((s) => s.slot === 'model' && parsedOk(s));
  const set = slots.filter((s) => typeof s.value === 'string' && s.value !== '');
  if (!set.length) {
    if (agent.recipe.model === 'required' && slots.length) {
      const slot = slots[0] as SlotValue;
      // The model to write: the one applied before, else the gateway's catch-all; without either, the interactive mode asks (with the gateway's list).
      const model = agent.recordedModel ?? (ctx.net?.modelIds?.includes('auto') ? 'auto' : undefined);
      const apply = applyCommand(ctx, agent.recipe.id);
      out.push({
        ...base(agent),
        ...where(slot),
        code: 'MODEL_MISSING',
        level: 'error',
        message: `${agent.recipe.name} has no model set (${slot.label} in ${shown(ctx, slot.file.path)}).`,
        why: `${agent.recipe.name} then asks for its vendor's default model, which the gateway may not offer.`,
        fix: model !== undefined && apply !== 'setup-gateway' ? `${apply} --model ${model}` : askModel(ctx.net?.modelIds),
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
        fix: doctorFixCommand(ctx, agent.recipe.id) ?? 'setup-gateway doctor --fix',
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
      // A model it lists, in a command that runs as printed: the one applied before when listed, else auto, else its first.
      const pick = [agent.recordedModel, 'auto', listed[0]].find((m): m is string => m !== undefined && listed.includes(m));
      const apply = applyCommand(ctx, agent.recipe.id);
      const others = listed.filter((m) => m !== pick);
      const choice = others.length ? ` (or another it lists: ${others.slice(0, 6).join(', ')}${others.length > 6 ? ', …' : ''})` : '';
      out.push({
        ...base(agent),
        ...where(first),
        code: 'MODEL_NOT_LISTED',
        level: 'error',
        message: `The model ${model} (${labels}) is not one the gateway lists.`,
        why: 'Requests for a model the gateway does not know fail (404 or 400).',
        fix: pick !== undefined && apply !== 'setup-gateway' ? `${apply} --model ${pick}${choice}` : askModel(listed),
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

/** The interactive mode, when no apply can be printed that runs (no model to name, or a key doctor cannot name): it asks for the model. */
function askModel(listed: readonly string[] | undefined): string {
  const some = listed?.length ? `; the gateway lists ${listed.slice(0, 6).join(', ')}${listed.length > 6 ? ', …' : ''}` : ", from the gateway's list";
  return `setup-gateway (asks for the model${some})`;
}

export const cloudLoopback: AgentCheck = (agent, ctx) => {
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

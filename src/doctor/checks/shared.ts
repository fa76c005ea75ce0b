// What every check, generic or an agent's own (recipes/<id>/doctor.ts), says the same way: the
// agent a finding is about, a file shown as the user knows it, a setting's file and line, and
// whether the agent points anywhere at all.
import { displayPath } from '../../core/environment.js';
import { normalizeBaseUrl, type GatewayUrls } from '../../core/profile.js';
import type { AgentState, DoctorContext, Finding, SlotValue } from '../types.js';

export function shown(ctx: DoctorContext, file: string): string {
  return displayPath(ctx.env, file);
}

export function base(agent: AgentState): Pick<Finding, 'agent'> {
  return { agent: agent.recipe.id };
}

export function where(slot: SlotValue): Pick<Finding, 'file' | 'line'> {
  return { file: slot.file.path, ...(slot.line !== undefined ? { line: slot.line } : {}) };
}

/** The agent points somewhere: at least one URL setting holds a string. */
export function isConfigured(agent: AgentState): boolean {
  return agent.slots.some((s) => s.slot === 'url' && typeof s.value === 'string' && s.value !== '');
}

export function parsedOk(slot: SlotValue): boolean {
  return !slot.file.parseError;
}

/**
 * The key flag a pasted command needs to find the key doctor used again: the named variable or
 * file it came from, nothing for SETUP_GATEWAY_KEY (read by apply and doctor by themselves), and
 * undefined when it cannot be named (typed with --key or on stdin, or read from an agent's file).
 */
function keyFlag(ctx: DoctorContext): string | undefined {
  const { keySource, keyFrom } = ctx.gateway;
  if (/^--key-(env|file) \S+$/.test(keyFrom)) return ` ${keyFrom}`;
  return keySource === 'env' ? '' : undefined;
}

/**
 * The command that configures `id` for the gateway doctor checked, as it runs when pasted: with
 * the base URL and the key's flag. Without a gateway, or with a key apply cannot find, the
 * interactive mode, which asks for both.
 */
export function applyCommand(ctx: DoctorContext, id: string): string {
  const { urls } = ctx.gateway;
  const key = keyFlag(ctx);
  if (!urls || key === undefined) return 'setup-gateway';
  return `setup-gateway apply --agent ${id} --base-url ${urls.openai}${key}`;
}

/**
 * `doctor --fix` for agent `id` as it runs when pasted: the agent named (--fix configures only the
 * agents doctor expects), the --base-url doctor was given (a URL found in the last apply or an
 * agent's file is found again by itself) and the key's flag; undefined when --fix would have
 * nothing to write with.
 */
export function doctorFixCommand(ctx: DoctorContext, id: string): string | undefined {
  if (!ctx.profile || !ctx.gateway.urls) return undefined;
  const url = ctx.gateway.urlSource === '--base-url' ? ` --base-url ${ctx.gateway.urls.openai}` : '';
  const key = ctx.gateway.keySource === 'agent' ? '' : keyFlag(ctx);
  if (key === undefined) return undefined;
  return `setup-gateway doctor --fix --agent ${id}${url}${key}`;
}

/** Whether `url` is the gateway's root however it is spelt (with or without /v1, a trailing slash). */
export function isGatewayUrl(url: string, gateway: GatewayUrls | undefined): boolean {
  if (!gateway) return false;
  try {
    return normalizeBaseUrl(url).anthropic === gateway.anthropic;
  } catch {
    return false;
  }
}

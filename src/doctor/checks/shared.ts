// What every check, generic or an agent's own (recipes/<id>/doctor.ts), says the same way: the
// agent a finding is about, a file shown as the user knows it, a setting's file and line, and
// whether the agent points anywhere at all.
import { displayPath } from '../../core/environment.js';
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
 * The command that configures `id` for the gateway doctor checked, as it runs when pasted: with
 * the base URL and, when the key came from a named variable, that variable (SETUP_GATEWAY_KEY is
 * read by apply by itself). Without a gateway, or with a key apply cannot find, the interactive
 * mode, which asks for both.
 */
export function applyCommand(ctx: DoctorContext, id: string): string {
  const { urls, keySource, keyFrom } = ctx.gateway;
  if (!urls) return 'setup-gateway';
  const keyFlag = /^--key-env \S+$/.test(keyFrom) ? ` ${keyFrom}` : keySource === 'env' ? '' : undefined;
  if (keyFlag === undefined) return 'setup-gateway';
  return `setup-gateway apply --agent ${id} --base-url ${urls.openai}${keyFlag}`;
}

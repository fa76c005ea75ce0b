// Options and mappings shared by the translators.
import type { AStopReason, OFinishReason } from './types.js';

export interface TranslateOptions {
  /** Caps max tokens sent upstream (a model's output limit). */
  maxOutputTokens?: number;
  /** max_tokens for an Anthropic upstream when the client gave none (the Messages API requires it). */
  defaultMaxTokens?: number;
  /** Models that take `max_completion_tokens` instead of `max_tokens` (OpenAI reasoning models). */
  isReasoningModel?: (model: string) => boolean;
}

export const DEFAULT_MAX_TOKENS = 8192;

/** o1, o3, o4-mini, gpt-5…, with or without a provider prefix such as `openai/`. */
export function defaultIsReasoningModel(model: string): boolean {
  const bare = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  return /^(o\d|gpt-5)/.test(bare);
}

/**
 * Chat models known to take no reasoning effort (OpenAI's gpt-4 and gpt-3.5 families, chatgpt-…):
 * a thinking request for them is dropped and announced. Other names a gateway serves (its own
 * aliases, other vendors' reasoning models) get the effort, and a gateway that refuses it says so.
 */
export function isPlainChatModel(model: string, opts: TranslateOptions = {}): boolean {
  if ((opts.isReasoningModel ?? defaultIsReasoningModel)(model)) return false;
  const bare = model.slice(model.lastIndexOf('/') + 1).toLowerCase();
  return /^(gpt-4|gpt-3\.5|chatgpt-)/.test(bare);
}

export function clampTokens(value: number | undefined, opts: TranslateOptions): number | undefined {
  if (value === undefined) return opts.maxOutputTokens;
  return opts.maxOutputTokens !== undefined ? Math.min(value, opts.maxOutputTokens) : value;
}

/** Anthropic's thinking budget as an OpenAI reasoning effort. */
export function effortFromBudget(budget: number): 'low' | 'medium' | 'high' {
  if (budget <= 1024) return 'low';
  if (budget <= 8192) return 'medium';
  return 'high';
}

/** The smallest thinking budget the Messages API takes. */
export const MIN_THINKING_BUDGET = 1024;

/** The max_tokens an Anthropic gateway gets for a client's limit (capped; the default when none: the Messages API requires one). */
export function anthropicMaxTokens(value: number | undefined, opts: TranslateOptions): number {
  return clampTokens(value, opts) ?? opts.defaultMaxTokens ?? DEFAULT_MAX_TOKENS;
}

/**
 * The thinking budget for an effort within `maxTokens` (the budget counts towards it and must stay
 * below it); undefined when the effort asks for no thinking, 0 when thinking does not fit.
 */
export function thinkingBudgetWithin(effort: unknown, maxTokens: number): number | undefined {
  const budget = budgetFromEffort(typeof effort === 'string' ? effort : undefined);
  if (budget === undefined) return undefined;
  const b = Math.min(budget, maxTokens - 1);
  return b >= MIN_THINKING_BUDGET ? b : 0;
}

/** An OpenAI reasoning effort as an Anthropic thinking budget; undefined means no thinking. */
export function budgetFromEffort(effort: string | null | undefined): number | undefined {
  switch (effort) {
    case 'low':
      return 1024;
    case 'medium':
      return 8192;
    case 'high':
    case 'xhigh':
      return 24576;
    default:
      return undefined; // none, minimal, unknown
  }
}

export function stopReasonFromFinish(finish: string | null | undefined, hasToolCalls: boolean, stopString: string | null): AStopReason {
  if (hasToolCalls && (finish === 'tool_calls' || finish === 'function_call' || finish === 'stop' || finish == null)) return 'tool_use';
  switch (finish) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return stopString !== null ? 'stop_sequence' : 'end_turn';
  }
}

export function finishFromStopReason(stop: string | null | undefined): OFinishReason {
  switch (stop) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop'; // end_turn, stop_sequence, pause_turn
  }
}

/** The stop string a gateway reported (vLLM and others put it in `stop_reason`). */
export function stopStringOf(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

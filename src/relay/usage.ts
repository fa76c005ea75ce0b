// Token usage between the protocols. Anthropic's `input_tokens` excludes cache reads and cache
// writes; OpenAI's `prompt_tokens` (and the Responses API's `input_tokens`) include them.
import type { AUsage, OUsage, RUsage } from './types.js';
import { num } from './util.js';

export function chatUsageToAnthropic(u: OUsage): AUsage {
  const prompt = num(u.prompt_tokens) ?? 0;
  const cacheRead = num(u.prompt_tokens_details?.cached_tokens) ?? num(u.prompt_cache_hit_tokens) ?? 0;
  const cacheWrite = num(u.cache_creation_input_tokens) ?? 0;
  return {
    input_tokens: Math.max(0, prompt - cacheRead - cacheWrite),
    output_tokens: num(u.completion_tokens) ?? 0,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
}

export function anthropicUsageToChat(u: Partial<AUsage>): OUsage {
  const input = num(u.input_tokens) ?? 0;
  const cacheRead = num(u.cache_read_input_tokens) ?? 0;
  const cacheWrite = num(u.cache_creation_input_tokens) ?? 0;
  const output = num(u.output_tokens) ?? 0;
  const prompt = input + cacheRead + cacheWrite;
  const usage: OUsage = {
    prompt_tokens: prompt,
    completion_tokens: output,
    total_tokens: prompt + output,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
  if (cacheWrite > 0) usage.cache_creation_input_tokens = cacheWrite;
  return usage;
}

export function chatUsageToResponses(u: OUsage): RUsage {
  const input = num(u.prompt_tokens) ?? 0;
  const output = num(u.completion_tokens) ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: num(u.prompt_tokens_details?.cached_tokens) ?? num(u.prompt_cache_hit_tokens) ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: num(u.completion_tokens_details?.reasoning_tokens) ?? 0 },
    total_tokens: num(u.total_tokens) ?? input + output,
  };
}

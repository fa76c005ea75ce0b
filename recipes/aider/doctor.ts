// Aider's traps, beyond the generic checks (its overrides are data in recipe.ts). The facts and
// their sources: recipe.ts.
import { displayPath } from '../../src/core/environment.js';
import { isConfigured } from '../../src/doctor/checks/shared.js';
import type { AgentCheck, AgentDoctor } from '../../src/doctor/types.js';

const modelPrefix: AgentCheck = (agent, ctx) => {
  if (!isConfigured(agent)) return [];
  return agent.slots
    .filter((s) => s.slot === 'model' && typeof s.value === 'string' && s.value !== '' && !s.value.startsWith('openai/'))
    // A weak or editor model with another provider's prefix is a leak: MODEL_SLOT_ELSEWHERE says so.
    .filter((s) => s.label === 'model' || !String(s.value).includes('/'))
    .map((s) => ({
      agent: agent.recipe.id,
      code: 'AIDER_MODEL_PREFIX',
      level: 'error' as const,
      file: s.file.path,
      ...(s.line !== undefined ? { line: s.line } : {}),
      message: `${s.label} in ${displayPath(ctx.env, s.file.path)} is ${String(s.value)}, without the openai/ prefix.`,
      why: 'Aider (through LiteLLM) then guesses the provider from the name and fails with "LLM Provider NOT provided", or calls that vendor directly instead of openai-api-base.',
      fix: `setup-gateway doctor --fix (writes ${s.label}: openai/${String(s.value)})`,
    }));
};

export const doctor: AgentDoctor = {
  checks: [modelPrefix],
  supersedes: ['MODEL_FORMAT'],
};

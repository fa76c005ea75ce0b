// Is the agent there, and set up at all: found on this machine when it was named or applied,
// pointed at some gateway, or set up by hand in its app (a manual recipe).
import type { AgentCheck } from '../types.js';
import { applyCommand, base, doctorFixCommand, isConfigured, shown } from './shared.js';

export const detected: AgentCheck = (agent) => {
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

export const configured: AgentCheck = (agent, ctx) => {
  if (agent.plan.manual && !agent.slots.length) {
    // The steps of the real plan (the gateway's URL and the masked key), not the sentinel one.
    const steps = agent.replan?.manual?.steps;
    return [
      {
        ...base(agent),
        code: 'MANUAL_SETUP',
        level: 'ok',
        message: `${agent.recipe.name}: not checked. It is set up by hand in the app; doctor cannot read its settings from a file.`,
        why: agent.plan.manual.why,
        fix: steps ? steps.map((step, i) => `${i + 1}. ${step}`).join(' ') : `${applyCommand(ctx, agent.recipe.id)} (prints the steps)`,
        unchecked: true,
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
      fix: `${applyCommand(ctx, agent.recipe.id)}${agent.expected && doctorFixCommand(ctx, agent.recipe.id) ? ` (or: ${doctorFixCommand(ctx, agent.recipe.id)})` : ''}`,
    },
  ];
};

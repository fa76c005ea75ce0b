// `doctor --against FILE|URL`: drift from a team's profile. For each agent doctor looks at, what
// its files hold now (read as doctor reads them, not from our journal) against what the profile
// says: the gateway it routes to and its model. One finding per agent, with stable codes, and the
// command that brings it back in line.
import { normalizeBaseUrl } from '../core/profile.js';
import type { SavedProfile } from '../core/profiles.js';
import type { DoctorReport } from '../doctor/run.js';
import type { Finding } from '../doctor/types.js';

/** The codes `doctor --against` reports (stable: fleet reports key on them). */
export const AGAINST_CODES = {
  matches: 'PROFILE_MATCHES',
  notRouted: 'PROFILE_NOT_APPLIED',
  otherGateway: 'PROFILE_OTHER_GATEWAY',
  model: 'PROFILE_MODEL_DRIFT',
} as const;

/**
 * The drift findings. `command` is the `apply` that puts one agent back on the profile (as the
 * user gave the profile, with its pin), `--agent ID` is added per agent.
 */
export function againstFindings(report: DoctorReport, profile: SavedProfile, command: string): Finding[] {
  const root = rootOf(profile.baseUrl);
  return report.ctx.agents.flatMap((agent): Finding[] => {
    const id = agent.recipe.id;
    if (agent.plan.manual && agent.plan.files.length === 0) return [];
    const fix = `${command} --agent ${id}`;
    const urls = [...new Set(agent.slots.filter((s) => s.slot === 'url' && typeof s.value === 'string' && s.value).map((s) => rootOf(s.value as string)))];
    const file = agent.slots.find((s) => s.slot === 'url')?.file.path;
    const at = file ? { file } : {};
    const base = { agent: id, ...at };
    if (urls.length === 0) {
      return [{ ...base, code: AGAINST_CODES.notRouted, level: 'error', message: `not set up for profile "${profile.name}": no gateway URL in its files`, why: `The team profile routes ${agent.recipe.name} through ${root}; it talks to its vendor instead (or is not configured).`, fix }];
    }
    // An agent at the local relay reaches the gateway the relay forwards to: checked in the relay section.
    const here = agent.viaRelay ? true : urls.every((u) => u === root);
    if (!here) {
      return [{ ...base, code: AGAINST_CODES.otherGateway, level: 'error', message: `routes to ${urls.join(', ')}, not to profile "${profile.name}" (${root})`, why: 'Its requests go to another gateway than the team profile names.', fix }];
    }
    const expected = profile.models?.[id] ?? profile.model;
    if (expected !== undefined && agent.model !== undefined && agent.model !== expected) {
      return [{ ...base, code: AGAINST_CODES.model, level: 'error', message: `model ${agent.model}, not the profile's ${expected}`, why: `Profile "${profile.name}" sets ${expected} for this agent.`, fix }];
    }
    return [{ ...base, code: AGAINST_CODES.matches, level: 'ok', message: `matches profile "${profile.name}" (${agent.viaRelay ? `through the local relay ${agent.viaRelay}` : root}${agent.model ? `, model ${agent.model}` : ''})`, why: '', fix: '' }];
  });
}

function rootOf(url: string): string {
  try {
    return normalizeBaseUrl(url).anthropic;
  } catch {
    return url;
  }
}

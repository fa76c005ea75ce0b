// `use NAME`: point the agents setup-gateway routes now (status.ts says which), or those named,
// at a saved profile: one apply run (app/apply.ts, the one writer), so one undo entry.
import { UsageError } from '../core/errors.js';
import { findProfile, readProfiles } from '../core/profiles.js';
import { applyAgents, type ApplyResult, type ApplyWorld } from './apply.js';
import type { KeyWorld } from './key.js';
import { applyRequestFor } from './profiles.js';
import { agentStatuses } from './status.js';

export interface UseRequest {
  profile: string;
  /** The agents named; none: every agent that routes through setup-gateway now. */
  agents: readonly string[];
  dryRun: boolean;
  yes: boolean;
}

export type UseResult = { kind: 'nothing-routed' } | (ApplyResult & { agents: string[] });

export async function useProfile(request: UseRequest, world: ApplyWorld & { keys: KeyWorld }): Promise<UseResult> {
  const profile = findProfile(await readProfiles(world.env), request.profile);
  const agents = request.agents.length ? [...request.agents] : (await agentStatuses({ env: world.env })).filter((s) => s.managed).map((s) => s.id);
  if (agents.length === 0) return { kind: 'nothing-routed' };
  const { request: base } = await applyRequestFor(profile, { keyFlags: {}, models: [], command: 'use' }, world.keys);
  const result = await applyAgents({ ...base, agents, dryRun: request.dryRun, yes: request.yes }, world);
  if (result.kind === 'no-agents') throw new UsageError('use: no agent to switch.');
  return { ...result, agents };
}

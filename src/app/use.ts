// `use NAME`: point the agents setup-gateway routes now (status.ts says which), or those named,
// at a saved profile: one apply run (app/apply.ts, the one writer), so one undo entry.
import { UsageError } from '../core/errors.js';
import { findProfile, readProfiles } from '../core/profiles.js';
import { runningRelay } from '../core/relay-state.js';
import { applyAgents, type ApplyResult, type ApplyWorld } from './apply.js';
import type { KeyWorld } from './key.js';
import { applyRequestFor } from './profiles.js';
import { stopBackgroundRelay } from './relay-run.js';
import { agentStatuses } from './status.js';
import { ensureRelay } from './write.js';

export interface UseRequest {
  profile: string;
  /** The agents named; none: every agent that routes through setup-gateway now. */
  agents: readonly string[];
  dryRun: boolean;
  yes: boolean;
}

export type UseResult =
  | { kind: 'nothing-routed' }
  | (Extract<ApplyResult, { kind: 'done' }> & {
      agents: string[];
      /** The running relay forwarded to another gateway: restarted for this one, or (no consent) left, with the old upstream. */
      relayUpstream?: { was: string[]; restarted: boolean };
    });

export async function useProfile(request: UseRequest, world: ApplyWorld & { keys: KeyWorld }): Promise<UseResult> {
  const profile = findProfile(await readProfiles(world.env), request.profile);
  const agents = request.agents.length ? [...request.agents] : (await agentStatuses({ env: world.env })).filter((s) => s.managed).map((s) => s.id);
  if (agents.length === 0) return { kind: 'nothing-routed' };
  const { request: base } = await applyRequestFor(profile, { keyFlags: {}, models: [], command: 'use' }, world.keys);
  // A relay already running for the old gateway is dealt with below, not by apply.
  const before = request.dryRun ? undefined : await runningRelay(world.env);
  const result = await applyAgents({ ...base, agents, dryRun: request.dryRun, yes: request.yes }, world);
  if (result.kind === 'no-agents') throw new UsageError('use: no agent to switch.');
  if (!before || !result.relay?.running || result.relay.started || sameUpstream(before.upstream, result.profile.urls.openai)) return { ...result, agents };
  // Agents at the relay would still reach the old gateway: restart it for this one, with consent.
  const agree = request.yes || (await world.confirm?.(`The local relay at ${before.url} forwards to ${before.upstream.join(', ')}. Restart it for ${result.profile.urls.openai}?`)) === true;
  if (!agree) return { ...result, agents, relayUpstream: { was: before.upstream, restarted: false } };
  await stopBackgroundRelay(world.env);
  const relay = await ensureRelay(before.url, result.profile, world, async () => true, world.print);
  return { ...result, relay, failed: result.failed || Boolean(relay.error), agents, relayUpstream: { was: before.upstream, restarted: relay.running } };
}

function sameUpstream(upstream: readonly string[], url: string): boolean {
  return upstream.some((u) => u.replace(/\/+$/, '') === url.replace(/\/+$/, ''));
}

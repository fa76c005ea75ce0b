// `use NAME`: point the agents setup-gateway routes now (status.ts says which), or those named,
// at a saved profile: one apply run (app/apply.ts, the one writer), so one undo entry.
import { UsageError } from '../core/errors.js';
import { findProfile, readProfiles } from '../core/profiles.js';
import { runningRelay } from '../core/relay-state.js';
import { applyAgents, type ApplyResult, type ApplyWorld } from './apply.js';
import type { KeyWorld } from './key.js';
import { applyRequestFor } from './profiles.js';
import { retargetRelay, stopBackgroundRelay } from './relay-run.js';
import { agentStatuses } from './status.js';
import { ensureRelay } from './write.js';

export interface UseRequest {
  profile: string;
  /** The agents named; none: every agent that routes through setup-gateway now. */
  agents: readonly string[];
  dryRun: boolean;
  yes: boolean;
}

/** What became of a running relay that forwarded to another gateway than the profile's. */
export interface RelayUpstreamChange {
  /** Where it forwarded before. */
  was: string[];
  /** Re-targeted in place (the hot switch): same process, same port, the next request goes to the new gateway. */
  retargeted: boolean;
  /** Stopped and started again for the new gateway (a relay that cannot be re-targeted, with consent). */
  restarted: boolean;
  /** Why it could not be re-targeted in place, when it could not. */
  reason?: string;
  /** A dry run: what would be done. */
  dryRun?: boolean;
}

export type UseResult =
  | { kind: 'nothing-routed' }
  | (Extract<ApplyResult, { kind: 'done' }> & {
      agents: string[];
      relayUpstream?: RelayUpstreamChange;
    });

export async function useProfile(request: UseRequest, world: ApplyWorld & { keys: KeyWorld }): Promise<UseResult> {
  const profile = findProfile(await readProfiles(world.env), request.profile);
  const agents = request.agents.length ? [...request.agents] : (await agentStatuses({ env: world.env })).filter((s) => s.managed).map((s) => s.id);
  if (agents.length === 0) return { kind: 'nothing-routed' };
  const { request: base } = await applyRequestFor(profile, { keyFlags: {}, models: [], command: 'use' }, world.keys);
  // A relay already running for the old gateway is dealt with below, not by apply.
  const before = await runningRelay(world.env);
  const result = await applyAgents({ ...base, agents, dryRun: request.dryRun, yes: request.yes }, world);
  if (result.kind === 'no-agents') throw new UsageError('use: no agent to switch.');
  const target = result.profile.urls.openai;
  const relayed = result.reports.some((r) => r.relay);
  if (!before || !relayed || result.relay?.started || sameUpstream(before.upstream, target)) return { ...result, agents };
  if (request.dryRun) {
    const hot = before.retarget !== undefined;
    return { ...result, agents, relayUpstream: { was: before.upstream, retargeted: hot, restarted: !hot, dryRun: true } };
  }
  // The hot switch: the running relay takes the new gateway and key in place; its agents' files stay as they are.
  const hot = await retargetRelay(world.env, before, { upstream: target, key: result.profile.key });
  if (hot.kind === 'retargeted') return { ...result, agents, relayUpstream: { was: before.upstream, retargeted: true, restarted: false } };
  const reason = hot.kind === 'failed' ? hot.error : 'it was started by a version that cannot switch in place';
  // Otherwise the agents at the relay would still reach the old gateway: restart it for this one, with consent.
  const agree = request.yes || (await world.confirm?.(`The local relay at ${before.url} forwards to ${before.upstream.join(', ')} and cannot switch in place (${reason}). Restart it for ${target}?`)) === true;
  if (!agree) return { ...result, agents, relayUpstream: { was: before.upstream, retargeted: false, restarted: false, reason } };
  await stopBackgroundRelay(world.env);
  const relay = await ensureRelay(before.url, result.profile, world, async () => true, world.print);
  return { ...result, relay, failed: result.failed || Boolean(relay.error), agents, relayUpstream: { was: before.upstream, retargeted: false, restarted: relay.running, reason } };
}

function sameUpstream(upstream: readonly string[], url: string): boolean {
  const root = (u: string) => u.replace(/\/+$/, '').replace(/\/v1$/, '');
  return upstream.length === 1 && upstream.some((u) => root(u) === root(url));
}

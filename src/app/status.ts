// `status`: where every agent routes now, read from its files (app/agents.ts currentRoutes, the
// same reader as the interactive mode's list), named by saved profile, the local relay, its vendor
// or another gateway. `use` re-applies the agents this says route through setup-gateway.
import type { Environment } from '../core/environment.js';
import { normalizeBaseUrl } from '../core/profile.js';
import { readApplied, readProfiles, type AppliedRecord, type ProfileStore } from '../core/profiles.js';
import { readRelayState } from '../core/relay-state.js';
import { defaultRelayUrl } from '../core/relay-target.js';
import { currentRoutes, VENDORS, type CurrentRoute } from './agents.js';
import { readDoctorRecord, type DoctorAgentResult } from './doctor-record.js';
import type { SessionDeps } from './session.js';

/**
 * One agent's route. `via`: `profile` (a saved profile's gateway, or `default`: the gateway the
 * last plain apply wrote), `relay` (the local relay), `vendor` (no URL of ours: its vendor's own
 * endpoint), `other` (a URL that is none of these). Field names are public (`status --json`).
 */
export interface AgentStatusLine {
  id: string;
  name: string;
  installed: boolean;
  via: 'profile' | 'relay' | 'vendor' | 'other';
  /** The saved profile's name (or `default`) for `profile`; for `relay`, the profile last applied through it, if known. */
  profile: string | null;
  /** The URL the files hold (the gateway root), null for `vendor`. */
  url: string | null;
  model: string | null;
  /** Whether setup-gateway routes it now (`profile` or `relay`): what `use` switches. */
  managed: boolean;
  /** What doctor found the last time it checked this agent; null when it never did. */
  doctor: DoctorStatus | null;
}

export interface DoctorStatus {
  at: string;
  /** No errors (warnings allowed, as doctor's own exit status without --strict). */
  passed: boolean;
  errors: number;
  warnings: number;
  /** Its error codes first, then its warnings'. */
  codes: string[];
  /** That run asked the gateway nothing (--offline). */
  offline: boolean;
  /** setup-gateway changed the agent's files after that check (an apply or use since). */
  outdated: boolean;
}

export async function agentStatuses(deps: Pick<SessionDeps, 'env' | 'probe' | 'recipes'>): Promise<AgentStatusLine[]> {
  const [routes, store, applied, relayUrls, checks] = await Promise.all([
    currentRoutes(deps),
    readProfiles(deps.env),
    readApplied(deps.env),
    knownRelayUrls(deps.env),
    readDoctorRecord(deps.env),
  ]);
  return routes
    .filter((r) => r.found || r.urls.length > 0)
    .map((r) => statusOf(r, store, applied, relayUrls, doctorStatus(checks.agents[r.recipe.id], applied.agents[r.recipe.id]?.at)));
}

function doctorStatus(result: DoctorAgentResult | undefined, appliedAt: string | undefined): DoctorStatus | null {
  if (!result) return null;
  const outdated = appliedAt !== undefined && Date.parse(appliedAt) > Date.parse(result.at);
  return { at: result.at, passed: result.errors === 0, errors: result.errors, warnings: result.warnings, codes: result.codes, offline: result.offline, outdated };
}

function statusOf(route: CurrentRoute, store: ProfileStore, applied: AppliedRecord, relayUrls: ReadonlySet<string>, doctor: DoctorStatus | null): AgentStatusLine {
  const base = { id: route.recipe.id, name: route.recipe.name, installed: route.found, model: route.model ?? null, doctor };
  const url = route.urls[0];
  if (url === undefined) return { ...base, via: 'vendor', profile: null, url: null, managed: false };
  const last = applied.agents[route.recipe.id];
  if (relayUrls.has(url)) return { ...base, via: 'relay', profile: last?.profile ?? null, url, managed: true };
  const saved = store.profiles.find((p) => rootOf(p.baseUrl) === url);
  if (saved) return { ...base, via: 'profile', profile: saved.name, url, managed: true };
  // A plain apply (`default`) or a profile from a file or URL (a team's): named as last applied. A
  // saved profile's name is trusted only with its current URL (above): it may have moved since.
  if (last && rootOf(last.baseUrl) === url && !store.profiles.some((p) => p.name === last.profile)) return { ...base, via: 'profile', profile: last.profile, url, managed: true };
  return { ...base, via: hostOf(url) in VENDORS ? 'vendor' : 'other', profile: null, url, managed: false };
}

/** Our relay's URLs: the one running (or last started) and the default one. */
async function knownRelayUrls(env: Environment): Promise<Set<string>> {
  const state = await readRelayState(env);
  return new Set([defaultRelayUrl(), ...(state ? [state.url] : [])].map(rootOf));
}

function rootOf(url: string): string {
  try {
    return normalizeBaseUrl(url).anthropic;
  } catch {
    return url;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

/** The line `status` prints for one agent. */
export function describeStatus(s: AgentStatusLine, now = new Date()): string {
  const checked = describeDoctor(s, now);
  return `${describeRoute(s)}${checked ? `; ${checked}` : ''}`;
}

/** doctor's last result, for an agent setup-gateway routes or one doctor has checked. */
function describeDoctor(s: AgentStatusLine, now: Date): string | undefined {
  const d = s.doctor;
  if (!d) return s.managed ? 'not checked by doctor yet' : undefined;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const outcome = d.passed
    ? `doctor passed${d.warnings ? ` with ${plural(d.warnings, 'warning')} (${d.codes[0]})` : ''}${d.offline ? ' offline (the gateway was not asked)' : ''}`
    : `doctor found ${plural(d.errors, 'error')} (${d.codes[0]})`;
  return `${outcome}, ${ago(d.at, now)}${d.outdated ? ', before setup-gateway last changed it' : ''}`;
}

function ago(at: string, now: Date): string {
  const minutes = Math.floor((now.getTime() - Date.parse(at)) / 60_000);
  if (!(minutes >= 1)) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

function describeRoute(s: AgentStatusLine): string {
  const where = {
    profile: `profile ${s.profile} (${s.url})`,
    relay: `the local relay (${s.url})${s.profile ? `, last applied with profile ${s.profile}` : ''}`,
    vendor: s.url ? `direct to its vendor (${s.url})` : 'direct to its vendor',
    other: `another gateway (${s.url})`,
  }[s.via];
  return `${s.name}: ${where}${s.model ? `, model ${s.model}` : ''}${s.installed ? '' : ' (not detected)'}`;
}

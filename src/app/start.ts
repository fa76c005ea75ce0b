// Where the interactive mode starts: the saved profiles and the gateway last applied, each with
// the key it would use when one is known (its reference resolved, or the key the last apply wrote
// in the agents' files), and the agents chosen last time. Read once before the first question;
// the flow (src/tui/flow.ts) offers these, or a new gateway. Reads only; writes nothing.
import { DEFAULT_PROFILE, DIRECT_PROFILE, ProfileNameSchema, readApplied, readProfiles, type AppliedRecord, type SavedProfile } from '../core/profiles.js';
import { normalizeBaseUrl } from '../core/profile.js';
import { keyInFiles } from './agents.js';
import { KEY_VARIABLE, resolveKeyReference, type KeyWorld } from './key.js';
import type { SessionDeps } from './session.js';

/** One gateway the first question offers: a saved profile, or the one the last apply used. */
export interface StartChoice {
  /** The saved profile's name, or the name the last apply was recorded under (`default`, a team profile's). */
  name: string;
  baseUrl: string;
  /** Whether it is a saved profile (`use NAME` knows it). */
  saved: boolean;
  /** The last apply used it. */
  last: boolean;
  /** The profile's key reference (`env:VAR`, `file:PATH`); never a key kept in the store. */
  keyRef?: string;
  /** The key, when one is known without asking. */
  key?: string;
  /** Where that key comes from, in words (`env:GW_KEY`, `the last apply`: the agents' files it wrote). */
  keyFrom?: string;
  /** Why the reference gave no key (a variable not set, a file not readable). */
  keyProblem?: string;
  model?: string;
  models?: Readonly<Record<string, string>>;
}

export interface StartPoint {
  choices: StartChoice[];
  /** The agents the last apply wrote (the last selection), oldest record first; empty when none. */
  agents: string[];
  /** The saved profiles' names (a new gateway saved as a profile must not take one). */
  names: string[];
}

/** The last apply in the record: its profile, gateway and agents (the entries of its run). */
export function lastApply(record: AppliedRecord): { profile: string; baseUrl: string; agents: string[] } | undefined {
  const entries = Object.entries(record.agents);
  const newest = entries.reduce<(typeof entries)[number] | undefined>((best, e) => (!best || e[1].at > best[1].at ? e : best), undefined);
  if (!newest) return undefined;
  const [, last] = newest;
  const sameRun = (e: (typeof entries)[number][1]) => (last.runId !== null ? e.runId === last.runId : e.at === last.at);
  return { profile: last.profile, baseUrl: last.baseUrl, agents: entries.filter(([, e]) => sameRun(e)).map(([id]) => id) };
}

/**
 * The start point: every saved profile, and the last apply's gateway when no saved profile is it
 * (a plain apply, a team's profile file). Keys: a profile's reference resolved (`env:`, `file:`,
 * a key saved with --save-key), else for the last gateway the key its agents' files hold, else
 * SETUP_GATEWAY_KEY for a profile that names none. A reference that does not resolve is not an
 * error here: the choice says why and the key is asked for.
 */
export async function loadStartPoint(deps: Pick<SessionDeps, 'env' | 'probe' | 'recipes'>, world: KeyWorld): Promise<StartPoint> {
  const [store, record] = await Promise.all([readProfiles(deps.env), readApplied(deps.env)]);
  const last = lastApply(record);
  // A plain apply to a saved profile's gateway is that profile (as `status` names it).
  const lastIs = (p: { name: string; baseUrl: string }) =>
    last !== undefined && (p.name === last.profile || last.profile === DEFAULT_PROFILE) && sameGateway(p.baseUrl, last.baseUrl);
  const lastSaved = store.profiles.find(lastIs);
  const choices: StartChoice[] = await Promise.all(store.profiles.map((p) => savedChoice(p, p === lastSaved, world)));
  if (last && last.profile !== DIRECT_PROFILE && !choices.some((c) => c.last)) {
    // A plain apply (`default`), a team's profile file, or a saved profile whose URL changed since.
    choices.push({ name: last.profile, baseUrl: last.baseUrl, saved: false, last: true });
  }
  // The last gateway's key, when its reference gave none: the one its agents' files hold now.
  const lastChoice = choices.find((c) => c.last);
  if (lastChoice && !lastChoice.key && last) {
    const key = await keyInFiles(deps, last.agents, last.baseUrl).catch(() => undefined);
    if (key) Object.assign(lastChoice, { key, keyFrom: 'the last apply' });
  }
  // A profile that names no key uses SETUP_GATEWAY_KEY, as `use` and `apply --profile` do.
  const envKey = world.env[KEY_VARIABLE];
  for (const c of choices) if (!c.key && c.keyRef === undefined && !c.keyProblem && envKey) Object.assign(c, { key: envKey, keyFrom: KEY_VARIABLE });
  return { choices, agents: last?.agents ?? [], names: store.profiles.map((p) => p.name) };
}

async function savedChoice(profile: SavedProfile, last: boolean, world: KeyWorld): Promise<StartChoice> {
  const choice: StartChoice = {
    name: profile.name,
    baseUrl: profile.baseUrl,
    saved: true,
    last,
    ...(profile.model !== undefined ? { model: profile.model } : {}),
    ...(profile.models ? { models: profile.models } : {}),
  };
  if (profile.key === undefined) return choice;
  const reference = profile.key.startsWith('env:') || profile.key.startsWith('file:');
  if (reference) choice.keyRef = profile.key;
  try {
    const key = await resolveKeyReference('setup-gateway', profile.key, world);
    if (key) Object.assign(choice, { key: key.value, keyFrom: reference ? profile.key : 'the saved profile' });
  } catch (error) {
    choice.keyProblem = (error as Error).message.replace(/^setup-gateway: /, '');
  }
  return choice;
}

function sameGateway(a: string, b: string): boolean {
  const root = (u: string) => {
    try {
      return normalizeBaseUrl(u).openai;
    } catch {
      return u;
    }
  };
  return root(a) === root(b);
}

/** Whether a name can be given to a new profile: valid and not taken. The problem, or undefined. */
export function profileNameProblem(name: string, taken: readonly string[]): string | undefined {
  const parsed = ProfileNameSchema.safeParse(name);
  if (!parsed.success) return parsed.error.issues[0]?.message ?? 'invalid name';
  return taken.includes(name) ? `a profile named "${name}" exists` : undefined;
}

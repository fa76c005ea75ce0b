// The saved-profile use cases (`profile add|list|show|remove|rename`, `apply --profile`, `use`):
// each reads the store, validates, and writes it back whole (core/profiles.ts), or fails before
// writing anything.
import type { Environment } from '../core/environment.js';
import { UsageError } from '../core/errors.js';
import {
  findProfile,
  holdsKey,
  parseKeyReference,
  ProfileDocumentSchema,
  readProfiles,
  writeProfiles,
  type SavedProfile,
} from '../core/profiles.js';
import { maskKey } from '../core/secrets.js';
import { formatZodError } from '../core/zod-errors.js';
import { splitModels, type ApplyRequest } from './apply.js';
import { resolveKey, resolveKeyReference, type KeyFlags, type KeyWorld } from './key.js';
import type { RelayMode } from './route.js';

export interface AddProfileRequest {
  name: string;
  baseUrl: string;
  /** `--model ID` and `--model AGENT=ID`, as given. */
  models: readonly string[];
  relay?: RelayMode;
  keyFlags: KeyFlags;
  /** Keep the key itself in the store (0600) instead of a reference. */
  saveKey: boolean;
  /** Replace a saved profile of that name. */
  replace: boolean;
}

/**
 * The key reference the flags give: --key-env VAR → `env:VAR`, --key-file PATH → `file:PATH`;
 * --key and --key-stdin give the key itself, kept only with --save-key (which keeps any key
 * itself). No flag: no reference (SETUP_GATEWAY_KEY is read when the profile is used).
 */
export async function keyReferenceFrom(flags: KeyFlags, saveKey: boolean, world: KeyWorld): Promise<string | undefined> {
  const key = await resolveKey('profile add', flags, world);
  if (!key || key.source === 'env') {
    if (saveKey) throw new UsageError('profile add: --save-key needs a key: --key-env VAR, --key-file PATH, --key-stdin or --key KEY.');
    return undefined;
  }
  if (saveKey) return key.value;
  if (flags['key-env'] !== undefined) return `env:${flags['key-env']}`;
  if (flags['key-file'] !== undefined) return `file:${flags['key-file']}`;
  throw new UsageError(`profile add: a key given with ${key.from} is kept only with --save-key (in a file only you can read).`, [
    'Or store where to find it: --key-env VAR or --key-file PATH.',
  ]);
}

export async function addProfile(env: Environment, request: AddProfileRequest, world: KeyWorld): Promise<{ profile: SavedProfile; file: string; replaced: boolean }> {
  const store = await readProfiles(env);
  const key = await keyReferenceFrom(request.keyFlags, request.saveKey, world);
  const { model, models } = splitModels(request.models);
  const parsed = ProfileDocumentSchema.safeParse({
    name: request.name,
    baseUrl: request.baseUrl,
    ...(model !== undefined ? { model } : {}),
    ...(Object.keys(models).length ? { models } : {}),
    ...(request.relay ? { relay: request.relay } : {}),
    ...(key !== undefined ? { key } : {}),
  });
  if (!parsed.success) throw new UsageError('profile add: invalid profile:', formatZodError(parsed.error));
  const { $schema: _ignored, ...profile } = parsed.data;
  const at = store.profiles.findIndex((p) => p.name === profile.name);
  if (at >= 0 && !request.replace) {
    throw new UsageError(`profile add: a profile named "${profile.name}" exists.`, ['Pass --replace to overwrite it, or pick another name.']);
  }
  const profiles = at >= 0 ? store.profiles.map((p, i) => (i === at ? profile : p)) : [...store.profiles, profile];
  const file = await writeProfiles(env, { profiles });
  return { profile, file, replaced: at >= 0 };
}

export async function removeProfile(env: Environment, name: string): Promise<string> {
  const store = await readProfiles(env);
  findProfile(store, name);
  return writeProfiles(env, { profiles: store.profiles.filter((p) => p.name !== name) });
}

export async function renameProfile(env: Environment, from: string, to: string): Promise<string> {
  const store = await readProfiles(env);
  findProfile(store, from);
  const checked = ProfileDocumentSchema.shape.name.safeParse(to);
  if (!checked.success) throw new UsageError(`profile rename: "${to}": ${checked.error.issues[0]?.message ?? 'invalid name'}.`);
  if (store.profiles.some((p) => p.name === to)) throw new UsageError(`profile rename: a profile named "${to}" exists.`);
  return writeProfiles(env, { profiles: store.profiles.map((p) => (p.name === from ? { ...p, name: to } : p)) });
}

/** A profile as shown: the key kept in the store is masked; a reference is shown as is. */
export function shownProfile(profile: SavedProfile): SavedProfile {
  if (!holdsKey(profile) || profile.key === undefined) return profile;
  return { ...profile, key: maskKey(profile.key) };
}

/** Where the profile's key comes from, in words. */
export function keySourceText(profile: SavedProfile): string {
  if (profile.key === undefined) return 'SETUP_GATEWAY_KEY when used';
  const ref = parseKeyReference(profile.key);
  if (ref.kind === 'env') return `environment variable ${ref.name}`;
  if (ref.kind === 'file') return `file ${ref.path}`;
  return `saved in the profiles file (${maskKey(ref.value)})`;
}

/**
 * The apply request a saved profile makes; flags given on the command line win over the
 * profile's fields (a key flag over its key reference, `--model` over its models).
 */
export async function applyRequestFor(
  profile: SavedProfile,
  overrides: { keyFlags: KeyFlags; models: readonly string[]; relay?: RelayMode; command: 'apply' | 'use' },
  world: KeyWorld,
): Promise<{ request: Omit<ApplyRequest, 'agents' | 'dryRun' | 'yes'>; keyFrom: string }> {
  const flagged = await resolveKey(overrides.command, overrides.keyFlags, world);
  const key = flagged && flagged.source === 'flag' ? flagged : await resolveKeyReference(overrides.command, profile.key, world);
  if (!key) {
    throw new UsageError(`${overrides.command}: profile "${profile.name}" names no key and none was given.`, [
      'Pass --key-env VAR or --key-stdin, set SETUP_GATEWAY_KEY, or save a key reference: `setup-gateway profile add NAME --replace … --key-env VAR`.',
    ]);
  }
  const models = [...(profile.model !== undefined ? [profile.model] : []), ...Object.entries(profile.models ?? {}).map(([agent, m]) => `${agent}=${m}`), ...overrides.models];
  return {
    request: {
      baseUrl: profile.baseUrl,
      key: key.value,
      models,
      relay: overrides.relay ?? profile.relay ?? 'auto',
      profileName: profile.name,
      by: { command: overrides.command === 'use' ? 'use' : 'apply --profile', profile: profile.name },
    },
    keyFrom: key.from,
  };
}

// Where `apply --profile X` and `doctor --against X` get their profile: a saved profile's name, a
// profile document in a file, or one at an https:// URL (a team's, rolled out by Ansible, MDM or a
// devcontainer). A URL or file can be pinned to the bytes the team reviewed with --sha256; plain
// http is refused except to this machine. Every failure is an error before anything is written:
// malformed (exit 2), not answering or not matching its pin (exit 1).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { pathFor, type Environment } from '../core/environment.js';
import { SetupError, UsageError } from '../core/errors.js';
import type { Fetch } from '../core/gateway.js';
import { isLoopbackHost } from '../core/profile.js';
import { findProfile, parseProfileDocument, readProfiles, type SavedProfile } from '../core/profiles.js';
import { describeFetchFailure } from '../relay/net.js';

export type ProfileSource = { kind: 'saved'; name: string } | { kind: 'file'; path: string } | { kind: 'url'; url: URL };

export interface ProfileSourceWorld {
  env: Environment;
  fetch: Fetch;
  /** Where a relative path is taken from (the process's folder by default). */
  cwd?: string;
  /** The deadline for a URL, in ms (15 s by default). */
  timeoutMs?: number;
}

/** A loaded profile, and where it came from in the user's words. */
export interface LoadedProfile {
  profile: SavedProfile;
  from: string;
  source: ProfileSource;
  /** The sha256 of the document's bytes (files and URLs). */
  sha256?: string;
}

const MAX_BYTES = 1024 * 1024;
const TIMEOUT_MS = 15_000;

/**
 * How `--profile X` is read: a URL when it has a scheme; a file when it names a path (a slash,
 * a leading `.` or `~`, or a `.json` name); a saved profile's name otherwise.
 */
export function profileSourceOf(arg: string, env: Environment, cwd = process.cwd()): ProfileSource {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) {
    let url: URL;
    try {
      url = new URL(arg);
    } catch {
      throw new UsageError(`--profile: "${arg}" is not a URL.`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
      throw new UsageError(`--profile: ${url.protocol === 'http:' ? 'plain http is allowed only to this machine (localhost); use https://' : `the scheme must be https, not "${url.protocol.replace(/:$/, '')}"`}.`, [
        'A profile decides where every agent sends its requests: it must come over an authenticated connection.',
      ]);
    }
    if (url.username || url.password) throw new UsageError('--profile: remove the user:password part of the URL.');
    return { kind: 'url', url };
  }
  const p = pathFor(env);
  if (/[\\/]/.test(arg) || arg.startsWith('.') || arg.startsWith('~') || /\.json$/i.test(arg)) {
    const expanded = arg === '~' || arg.startsWith('~/') ? p.join(env.home, arg.slice(2)) : arg;
    return { kind: 'file', path: p.resolve(cwd, expanded) };
  }
  return { kind: 'saved', name: arg };
}

/** Loads the profile `arg` names; `sha256` pins a file's or URL's bytes. */
export async function loadProfile(arg: string, pin: string | undefined, world: ProfileSourceWorld): Promise<LoadedProfile> {
  const expected = pin === undefined ? undefined : checkedPin(pin);
  const source = profileSourceOf(arg, world.env, world.cwd);
  if (source.kind === 'saved') {
    if (expected) throw new UsageError('--sha256 pins a profile file or URL, not a saved profile.');
    return { profile: findProfile(await readProfiles(world.env), source.name), from: `saved profile "${source.name}"`, source };
  }
  const from = source.kind === 'file' ? source.path : source.url.href;
  const bytes = source.kind === 'file' ? await readProfileFile(source.path) : await fetchProfile(source.url, world);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (expected && sha256 !== expected) {
    throw new SetupError(`${from}: the profile's sha256 is ${sha256}, not the pinned ${expected}; nothing was written.`, [
      'Someone changed the document since it was pinned: review it, then pin the new hash.',
    ]);
  }
  return { profile: parseProfileDocument(bytes.toString('utf8'), from), from, source, sha256 };
}

function checkedPin(pin: string): string {
  const hex = pin.trim().toLowerCase().replace(/^sha256:/, '');
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new UsageError(`--sha256: "${pin}" is not a SHA-256 hash (64 hex digits, as \`sha256sum FILE\` prints).`);
  return hex;
}

async function readProfileFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SetupError(`Cannot read the profile ${file}: ${code === 'ENOENT' ? 'no such file' : (code ?? (error as Error).message)}.`);
  }
}

/** GET the document: a deadline, redirects only to https (or loopback http), at most 1 MB. */
async function fetchProfile(url: URL, world: ProfileSourceWorld): Promise<Buffer> {
  const timeoutMs = world.timeoutMs ?? TIMEOUT_MS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), timeoutMs);
  try {
    const response = await world.fetch(url.href, { signal: controller.signal, headers: { accept: 'application/json' } });
    const final = response.url ? new URL(response.url) : url;
    if (final.protocol !== 'https:' && !isLoopbackHost(final.hostname)) {
      throw new SetupError(`${url.href} redirected to ${final.href}, which is not https; nothing was written.`);
    }
    if (!response.ok) {
      throw new SetupError(`${url.href} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}, not the profile; nothing was written.`);
    }
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > MAX_BYTES) throw new SetupError(`${url.href}: the document is ${declared} bytes; a profile is at most ${MAX_BYTES}.`);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > MAX_BYTES) throw new SetupError(`${url.href}: the document is over ${MAX_BYTES} bytes; a profile is at most that.`);
    return bytes;
  } catch (error) {
    if (error instanceof SetupError) throw error;
    const failure = describeFetchFailure(error, { url: url.href, timeoutMs });
    throw new SetupError(`Cannot fetch the profile ${url.href}: ${failure.reason}; nothing was written.`);
  } finally {
    clearTimeout(timer);
  }
}

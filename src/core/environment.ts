// Everything a recipe may know about the machine, injected so tests run in a temp dir and
// never see the real home. Built from the real process in exactly one place (`fromProcess`).
import path from 'node:path';
import { SetupError } from './errors.js';

export type Platform = 'linux' | 'darwin' | 'win32';

export interface Environment {
  platform: Platform;
  /** The user's home: HOME, or USERPROFILE on Windows. */
  home: string;
  env: Readonly<Record<string, string | undefined>>;
  /** True inside WSL: Windows editors' files then live under /mnt/c/Users/<user>. */
  wsl: boolean;
  /** Inside WSL, the Windows user's home as a Linux path (e.g. /mnt/c/Users/ana), when known. */
  windowsHome?: string;
}

export function fromProcess(): Environment {
  return environmentFrom(toPlatform(process.platform), process.env);
}

/** The environment of a given platform and variables; fails clearly when no home can be derived. */
export function environmentFrom(platform: Platform, env: Readonly<Record<string, string | undefined>>): Environment {
  const home = platform === 'win32' ? (env.USERPROFILE ?? env.HOME) : env.HOME;
  if (!home) {
    throw new SetupError(
      platform === 'win32' ? 'Neither USERPROFILE nor HOME is set.' : 'HOME is not set.',
      ['setup-gateway derives every config path from your home folder; set HOME and run again.'],
    );
  }
  const wsl = platform === 'linux' && Boolean(env.WSL_DISTRO_NAME || env.WSL_INTEROP);
  const windowsHome = wsl ? wslWindowsHome(env) : undefined;
  return { platform, home, env, wsl, ...(windowsHome ? { windowsHome } : {}) };
}

/**
 * The Windows home seen from WSL: SETUP_GATEWAY_WINDOWS_HOME when set, else /mnt/c/Users/<USER>
 * (WSL creates the Linux user with the Windows user's name by default).
 */
function wslWindowsHome(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const explicit = env.SETUP_GATEWAY_WINDOWS_HOME;
  if (explicit && path.posix.isAbsolute(explicit)) return explicit;
  return env.USER ? path.posix.join('/mnt/c/Users', env.USER) : undefined;
}

function toPlatform(p: NodeJS.Platform): Platform {
  if (p === 'darwin' || p === 'win32') return p;
  return 'linux';
}

/** The path module that matches the target platform, whatever we run on. */
export function pathFor(e: Pick<Environment, 'platform'>): path.PlatformPath {
  return e.platform === 'win32' ? path.win32 : path.posix;
}

/** Joins under home; `~` in docs means this. */
export function inHome(e: Environment, ...parts: string[]): string {
  return pathFor(e).join(e.home, ...parts);
}

/** XDG_CONFIG_HOME or ~/.config (also on macOS, where CLI tools such as opencode and goose use it). */
export function configHome(e: Environment): string {
  const xdg = e.env.XDG_CONFIG_HOME;
  if (xdg && pathFor(e).isAbsolute(xdg)) return xdg;
  return inHome(e, '.config');
}

/** %APPDATA% on Windows (Roaming), used by editors and some CLIs. */
export function appData(e: Environment): string {
  return e.env.APPDATA ?? inHome(e, 'AppData', 'Roaming');
}

/** Where setup-gateway keeps its journal, backups and lock. */
export function stateDir(e: Environment): string {
  const p = pathFor(e);
  const xdg = e.env.XDG_STATE_HOME;
  if (xdg && p.isAbsolute(xdg)) return p.join(xdg, 'setup-gateway');
  switch (e.platform) {
    case 'win32':
      return p.join(e.env.LOCALAPPDATA ?? inHome(e, 'AppData', 'Local'), 'setup-gateway', 'state');
    case 'darwin':
      return inHome(e, 'Library', 'Application Support', 'setup-gateway');
    default:
      return inHome(e, '.local', 'state', 'setup-gateway');
  }
}

/** An env var that names a folder, when set to an absolute path; otherwise the fallback. */
export function dirFromEnv(e: Environment, name: string, fallback: string): string {
  const v = e.env[name];
  return v && pathFor(e).isAbsolute(v) ? v : fallback;
}

/** Shortens a path under home to `~/…` for display. */
export function displayPath(e: Environment, file: string): string {
  const p = pathFor(e);
  const rel = p.relative(e.home, file);
  if (rel && !rel.startsWith('..') && !p.isAbsolute(rel)) return `~${p.sep}${rel}`;
  return file;
}

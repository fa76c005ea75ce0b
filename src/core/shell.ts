// Environment variables for agents that read them (Zed's key, Goose's key, `shell-env`).
// The values, keys included, go to one private file per recipe (0600) in our config folder;
// each shell's startup file gets the same managed block that loads every such file. So no rc
// file ever holds a key, and two recipes never fight over one block.
//
// Which startup files, per shell (bash(1) INVOCATION, zsh(1) STARTUP/SHUTDOWN FILES, fish's
// "Configuration files" docs, PowerShell's about_Profiles):
// - bash: `~/.bashrc` (interactive non-login shells, what Linux terminals open). On macOS,
//   Terminal and iTerm open login shells, which read only the first existing of
//   `~/.bash_profile`, `~/.bash_login`, `~/.profile`: that one gets the loader too, and
//   `~/.bash_profile` is created only when none exists (creating it next to a `~/.profile` would
//   silently stop bash from reading the user's `~/.profile`).
// - zsh: `$ZDOTDIR/.zshrc` (default `~/.zshrc`). Its loader uses the `(N)` glob qualifier: with
//   zsh's default NOMATCH option an empty env folder would otherwise print "no matches found"
//   and abort the rest of `.zshrc`.
// - fish: a file of our own in `conf.d`, which fish sources whole.
// - Windows: PowerShell 7's `$PROFILE` (created), and Windows PowerShell 5.1's only when the user
//   already has one: 5.1's default execution policy (Restricted) refuses to run a profile, so a
//   created one would print an error in every new window.
// A shell the user does not log in with ($SHELL) only gets the loader when its file already exists.
import type { BlockDialect } from '../formats/types.js';
import type { Environment } from './environment.js';
import { configHome, inHome, pathFor } from './environment.js';
import type { FileIntent } from './recipe.js';

export interface EnvVar {
  name: string;
  value: string;
}

/** `~/.config/setup-gateway/env/`: one file per recipe and shell dialect. */
export function envDir(env: Environment): string {
  return pathFor(env).join(configHome(env), 'setup-gateway', 'env');
}

type EnvDialect = Exclude<BlockDialect, 'dotenv'>;
const EXT: Record<EnvDialect, string> = { posix: 'sh', fish: 'fish', powershell: 'ps1' };

/** The loader's flavour: zsh needs its own glob qualifier, everything else shares its dialect's line. */
type LoaderShell = 'sh' | 'zsh' | 'fish' | 'powershell';
const DIALECT: Record<LoaderShell, EnvDialect> = { sh: 'posix', zsh: 'posix', fish: 'fish', powershell: 'powershell' };

/** The file `owner`'s variables are written to, for one dialect. */
export function envFile(env: Environment, owner: string, dialect: EnvDialect): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(owner)) throw new Error(`internal: invalid env file owner ${JSON.stringify(owner)}`);
  return pathFor(env).join(envDir(env), `${owner}.${EXT[dialect]}`);
}

/** The intents that make `vars` visible to new shells, for recipe `owner`. */
export function shellEnvIntents(env: Environment, owner: string, vars: readonly EnvVar[], holdsSecret: boolean): FileIntent[] {
  const p = pathFor(env);
  const dir = envDir(env);
  const ownFile = (d: EnvDialect): FileIntent => ({
    kind: 'block',
    path: envFile(env, owner, d),
    block: { dialect: d, vars },
    holdsSecret,
    purpose: `exports ${vars.map((v) => v.name).join(', ')}`,
  });
  const loader = (path: string, shell: LoaderShell, onlyIfExists: boolean, preferExisting?: readonly string[]): FileIntent => ({
    kind: 'block',
    path,
    ...(preferExisting ? { preferExisting } : {}),
    onlyIfExists,
    block: { dialect: DIALECT[shell], vars: [], lines: [loaderLine(shell, dir)] },
    holdsSecret: false,
    purpose: `loads ${p.join(dir, `*.${EXT[DIALECT[shell]]}`)}`,
  });

  if (env.platform === 'win32') {
    const documents = p.join(env.env.USERPROFILE ?? env.home, 'Documents');
    return [
      ownFile('powershell'),
      loader(p.join(documents, 'PowerShell', 'Microsoft.PowerShell_profile.ps1'), 'powershell', false),
      loader(p.join(documents, 'WindowsPowerShell', 'Microsoft.PowerShell_profile.ps1'), 'powershell', true),
    ];
  }
  const zdot = env.env.ZDOTDIR && p.isAbsolute(env.env.ZDOTDIR) ? env.env.ZDOTDIR : env.home;
  const loginShell = p.basename(env.env.SHELL ?? '');
  const bashLogin = ['.bash_profile', '.bash_login', '.profile'].map((f) => inHome(env, f));
  return [
    ownFile('posix'),
    ownFile('fish'),
    // The login shell's file is created when missing; the others only edited when the user has them.
    loader(inHome(env, '.bashrc'), 'sh', loginShell !== 'bash'),
    ...(env.platform === 'darwin' ? [loader(inHome(env, '.bash_profile'), 'sh', loginShell !== 'bash', bashLogin)] : []),
    loader(p.join(zdot, '.zshrc'), 'zsh', loginShell !== 'zsh'),
    // fish reads every file in conf.d: ours is a whole file, the block is all of it.
    loader(p.join(configHome(env), 'fish', 'conf.d', 'setup-gateway.fish'), 'fish', loginShell !== 'fish'),
  ];
}

/** One line that sources every env file of the dialect; quiet when there is none. */
export function loaderLine(shell: LoaderShell, dir: string): string {
  switch (shell) {
    case 'sh':
      return `for __sg_env in ${shQuote(dir)}/*.sh; do [ ! -r "$__sg_env" ] || . "$__sg_env"; done; unset __sg_env`;
    case 'zsh':
      return `for __sg_env in ${shQuote(dir)}/*.sh(N); do [ ! -r "$__sg_env" ] || . "$__sg_env"; done; unset __sg_env`;
    case 'fish':
      return `for __sg_env in ${fishQuote(dir)}/*.fish; test -r $__sg_env; and source $__sg_env; end`;
    case 'powershell':
      return `Get-ChildItem -LiteralPath ${psQuote(dir)} -Filter *.ps1 -ErrorAction SilentlyContinue | ForEach-Object { . $_.FullName }`;
  }
}

// Quoting that keeps a home folder with a space, `$`, a quote or a backslash literal.
function shQuote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

function fishQuote(s: string): string {
  return `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

function psQuote(s: string): string {
  return `'${s.replace(/['\u2018\u2019\u201A\u201B]/g, (c) => c + c)}'`;
}

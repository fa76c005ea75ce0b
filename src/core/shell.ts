// Environment variables for agents that read them (Zed's key, Goose's key, `shell-env`).
// The values, keys included, go to one private file per recipe (0600) in our config folder;
// each shell's startup file gets the same managed block that loads every such file. So no rc
// file ever holds a key, and two recipes never fight over one block.
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

const EXT: Record<Exclude<BlockDialect, 'dotenv'>, string> = { posix: 'sh', fish: 'fish', powershell: 'ps1' };

/** The intents that make `vars` visible to new shells, for recipe `owner`. */
export function shellEnvIntents(env: Environment, owner: string, vars: readonly EnvVar[], holdsSecret: boolean): FileIntent[] {
  const p = pathFor(env);
  const dir = envDir(env);
  const file = (d: keyof typeof EXT) => p.join(dir, `${owner}.${EXT[d]}`);
  const purpose = `exports ${vars.map((v) => v.name).join(', ')}`;
  const ownFile = (d: keyof typeof EXT): FileIntent => ({ kind: 'block', path: file(d), block: { dialect: d, vars }, holdsSecret, purpose });
  const loader = (path: string, dialect: keyof typeof EXT, onlyIfExists: boolean): FileIntent => ({
    kind: 'block',
    path,
    onlyIfExists,
    block: { dialect, vars: [], lines: loaderLines(dialect, dir) },
    holdsSecret: false,
    purpose: `loads ${p.join(dir, `*.${EXT[dialect]}`)}`,
  });

  if (env.platform === 'win32') {
    return [ownFile('powershell'), loader(powershellProfile(env), 'powershell', false)];
  }
  const zdot = env.env.ZDOTDIR && p.isAbsolute(env.env.ZDOTDIR) ? env.env.ZDOTDIR : env.home;
  const loginShell = p.basename(env.env.SHELL ?? '');
  return [
    ownFile('posix'),
    ownFile('fish'),
    // The login shell's file is created when missing; the others only edited when the user has them.
    loader(inHome(env, '.bashrc'), 'posix', loginShell !== 'bash'),
    ...(env.platform === 'darwin' ? [loader(inHome(env, '.bash_profile'), 'posix', true)] : []),
    loader(p.join(zdot, '.zshrc'), 'posix', loginShell !== 'zsh'),
    // fish reads every file in conf.d: ours is a whole file, the block is all of it.
    loader(p.join(configHome(env), 'fish', 'conf.d', 'setup-gateway.fish'), 'fish', loginShell !== 'fish'),
  ];
}

function loaderLines(dialect: keyof typeof EXT, dir: string): string[] {
  switch (dialect) {
    case 'posix':
      return [`for __sg_env in "${dir}"/*.sh; do [ -r "$__sg_env" ] && . "$__sg_env"; done; unset __sg_env`];
    case 'fish':
      return [`for __sg_env in '${dir}'/*.fish; test -r $__sg_env; and source $__sg_env; end`];
    case 'powershell':
      return [`Get-ChildItem -Path '${dir}' -Filter *.ps1 -ErrorAction SilentlyContinue | ForEach-Object { . $_.FullName }`];
  }
}

/** PowerShell 7's `$PROFILE` (CurrentUserCurrentHost). */
function powershellProfile(env: Environment): string {
  const p = pathFor(env);
  if (env.platform === 'win32') return p.join(env.env.USERPROFILE ?? env.home, 'Documents', 'PowerShell', 'Microsoft.PowerShell_profile.ps1');
  return p.join(configHome(env), 'powershell', 'Microsoft.PowerShell_profile.ps1');
}

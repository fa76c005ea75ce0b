import { describe, expect, it } from 'vitest';
import { codex } from '../../recipes/codex/recipe.js';
import { claudeCode } from '../../recipes/claude-code/recipe.js';
import { aider } from '../../recipes/aider/recipe.js';
import type { Environment, Platform } from '../../src/core/environment.js';
import { configHome, displayPath, environmentFrom, stateDir } from '../../src/core/environment.js';
import { SetupError } from '../../src/core/errors.js';
import { createProfile } from '../../src/core/profile.js';

const env = (platform: Platform, home: string, vars: Record<string, string> = {}): Environment => ({ platform, home, env: vars, wsl: false });

describe('derived folders', () => {
  it.each([
    ['linux', '/home/u', {}, '/home/u/.local/state/setup-gateway'],
    ['linux', '/home/u', { XDG_STATE_HOME: '/xdg/state' }, '/xdg/state/setup-gateway'],
    ['linux', '/home/u', { XDG_STATE_HOME: 'relative/ignored' }, '/home/u/.local/state/setup-gateway'],
    ['darwin', '/Users/u', {}, '/Users/u/Library/Application Support/setup-gateway'],
    ['win32', 'C:\\Users\\u', { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'C:\\Users\\u\\AppData\\Local\\setup-gateway\\state'],
  ] as const)('%s state dir for %s with %j', (platform, home, vars, expected) => {
    expect(stateDir(env(platform, home, vars))).toBe(expected);
  });

  it.each([
    ['linux', '/home/u', {}, '/home/u/.config'],
    ['linux', '/home/u', { XDG_CONFIG_HOME: '/cfg' }, '/cfg'],
    ['win32', 'C:\\Users\\u', {}, 'C:\\Users\\u\\.config'],
  ] as const)('%s config home', (platform, home, vars, expected) => {
    expect(configHome(env(platform, home, vars))).toBe(expected);
  });

  it('shows paths under home with ~', () => {
    expect(displayPath(env('linux', '/home/u'), '/home/u/.codex/config.toml')).toBe('~/.codex/config.toml');
    expect(displayPath(env('linux', '/home/u'), '/etc/x')).toBe('/etc/x');
  });

  it('refuses to run without HOME', () => {
    expect(() => environmentFrom('linux', { PATH: '/bin' })).toThrow(SetupError);
    expect(() => environmentFrom('win32', { PATH: 'C:\\' })).toThrow(/Neither USERPROFILE nor HOME/);
    expect(environmentFrom('win32', { USERPROFILE: 'C:\\Users\\u' }).home).toBe('C:\\Users\\u');
  });

  it('knows WSL from its variables', () => {
    expect(environmentFrom('linux', { HOME: '/h', WSL_DISTRO_NAME: 'Ubuntu' }).wsl).toBe(true);
    expect(environmentFrom('linux', { HOME: '/h' }).wsl).toBe(false);
  });
});

describe('recipe paths per platform', () => {
  const profile = createProfile({ baseUrl: 'https://gw.example.com', key: 'k', model: 'm' });
  const paths = (e: Environment) =>
    [claudeCode, codex, aider].flatMap((r) => r.plan({ profile, env: e, model: 'm', evidence: [] }).files.map((f) => f.path));

  it.each([
    ['linux', '/home/u', {}, ['/home/u/.claude/settings.json', '/home/u/.claude.json', '/home/u/.codex/config.toml', '/home/u/.aider.conf.yml']],
    ['darwin', '/Users/u', {}, ['/Users/u/.claude/settings.json', '/Users/u/.claude.json', '/Users/u/.codex/config.toml', '/Users/u/.aider.conf.yml']],
    [
      'win32',
      'C:\\Users\\u',
      {},
      ['C:\\Users\\u\\.claude\\settings.json', 'C:\\Users\\u\\.claude.json', 'C:\\Users\\u\\.codex\\config.toml', 'C:\\Users\\u\\.aider.conf.yml'],
    ],
    [
      'linux',
      '/home/u',
      { CLAUDE_CONFIG_DIR: '/cfg/claude', CODEX_HOME: '/cfg/codex' },
      ['/cfg/claude/settings.json', '/cfg/claude/.claude.json', '/cfg/codex/config.toml', '/home/u/.aider.conf.yml'],
    ],
  ] as const)('%s %s %j', (platform, home, vars, expected) => {
    expect(paths(env(platform, home, vars))).toEqual(expected);
  });
});

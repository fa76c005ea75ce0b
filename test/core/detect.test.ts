import { describe, expect, it } from 'vitest';
import { recipes } from '../../recipes/index.js';
import { detectAll } from '../../src/core/detect.js';
import type { Environment } from '../../src/core/environment.js';
import { memoryProbe } from '../support/memory-probe.js';

const found = async (env: Environment, probe: ReturnType<typeof memoryProbe>) =>
  Object.fromEntries((await detectAll(recipes, env, probe)).map((d) => [d.recipe.id, d.evidence]));

describe('detect', () => {
  it('finds npm-installed binaries on a Linux PATH, with the version from package.json', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '/usr/bin:/home/u/.npm/bin' }, wsl: false };
    const probe = memoryProbe({
      '/home/u/.npm/bin/claude': { link: '/home/u/.npm/lib/node_modules/@anthropic-ai/claude-code/bin/claude.exe' },
      '/home/u/.npm/lib/node_modules/@anthropic-ai/claude-code/bin/claude.exe': { exec: '' },
      '/home/u/.npm/lib/node_modules/@anthropic-ai/claude-code/package.json': '{"version":"2.1.197","bin":{"claude":"bin/claude.exe"}}',
      '/usr/bin/aider': { exec: '#!/usr/bin/python3' },
      '/usr/bin/codex-not-it': { exec: '' },
    });
    const result = await found(env, probe);
    expect(result['claude-code']).toEqual([{ kind: 'binary', path: '/home/u/.npm/bin/claude', version: '2.1.197' }]);
    expect(result.aider).toEqual([{ kind: 'binary', path: '/usr/bin/aider' }]);
    expect(result.codex).toEqual([]);
  });

  it('ignores a file on PATH that is not executable', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '/usr/bin' }, wsl: false };
    const result = await found(env, memoryProbe({ '/usr/bin/codex': 'not executable' }));
    expect(result.codex).toEqual([]);
  });

  it('finds config folders when no binary is on PATH (macOS)', async () => {
    const env: Environment = { platform: 'darwin', home: '/Users/u', env: { PATH: '/usr/bin' }, wsl: false };
    const result = await found(env, memoryProbe({ '/Users/u/.codex/config.toml': 'x', '/Users/u/.claude.json': '{}' }));
    expect(result.codex).toEqual([{ kind: 'path', path: '/Users/u/.codex' }]);
    expect(result['claude-code']).toEqual([{ kind: 'path', path: '/Users/u/.claude.json' }]);
  });

  it('finds Windows .cmd shims through PATHEXT and USERPROFILE folders', async () => {
    const env: Environment = {
      platform: 'win32',
      home: 'C:\\Users\\u',
      env: { Path: 'C:\\Windows;C:\\Users\\u\\AppData\\Roaming\\npm', PATHEXT: '.COM;.EXE;.BAT;.CMD' },
      wsl: false,
    };
    const result = await found(
      env,
      memoryProbe({ 'C:\\Users\\u\\AppData\\Roaming\\npm\\codex.cmd': '@echo off', 'C:\\Users\\u\\.aider\\history': 'x' }),
    );
    expect(result.codex).toEqual([{ kind: 'binary', path: 'C:\\Users\\u\\AppData\\Roaming\\npm\\codex.cmd' }]);
    expect(result.aider).toEqual([{ kind: 'path', path: 'C:\\Users\\u\\.aider' }]);
  });

  it('honours CODEX_HOME and CLAUDE_CONFIG_DIR', async () => {
    const env: Environment = { platform: 'linux', home: '/h', env: { PATH: '', CODEX_HOME: '/x/codex', CLAUDE_CONFIG_DIR: '/x/claude' }, wsl: false };
    const result = await found(env, memoryProbe({ '/x/codex/auth.json': '{}', '/x/claude/settings.json': '{}' }));
    expect(result.codex).toEqual([{ kind: 'path', path: '/x/codex' }]);
    expect(result['claude-code']).toEqual([{ kind: 'path', path: '/x/claude' }]);
  });
});

describe('detect: editor extensions', () => {
  it('finds an extension in every VS Code-family editor, with its version and editor', async () => {
    const { detectOne } = await import('../../src/core/detect.js');
    const recipe = { ...recipes[0]!, id: 'x', detect: { binaries: [], paths: () => [], extensions: ['saoudrizwan.claude-dev'] } };
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '' }, wsl: true, windowsHome: '/mnt/c/Users/u' };
    const probe = memoryProbe({
      '/home/u/.vscode/extensions/saoudrizwan.claude-dev-3.20.1/package.json': '{}',
      '/home/u/.cursor/extensions/SaoudRizwan.claude-dev-3.19.0-linux-x64/package.json': '{}',
      '/home/u/.vscode/extensions/saoudrizwan.claude-dev-helper-1.0.0/package.json': '{}',
      '/home/u/.vscode-server/extensions/saoudrizwan.claude-dev-3.20.1/package.json': '{}',
      '/mnt/c/Users/u/.windsurf/extensions/saoudrizwan.claude-dev-3.18.0/package.json': '{}',
    });
    const result = await detectOne(recipe, env, probe);
    expect(result.evidence.map((e) => [e.editor, e.version, e.path])).toEqual([
      ['code', '3.20.1', '/home/u/.vscode/extensions/saoudrizwan.claude-dev-3.20.1'],
      ['cursor', '3.19.0', '/home/u/.cursor/extensions/SaoudRizwan.claude-dev-3.19.0-linux-x64'],
      ['code', '3.20.1', '/home/u/.vscode-server/extensions/saoudrizwan.claude-dev-3.20.1'],
      ['windsurf', '3.18.0', '/mnt/c/Users/u/.windsurf/extensions/saoudrizwan.claude-dev-3.18.0'],
    ]);
  });
});

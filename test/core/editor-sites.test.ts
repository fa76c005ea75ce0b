// The VS Code-family helpers recipes use to turn extension evidence into the files to edit.
import { describe, expect, it } from 'vitest';
import { editorUserDir, extensionSites, versionAtLeast, windowsPathFromWsl } from '../../src/core/editors.js';
import type { Environment } from '../../src/core/environment.js';

describe('extensionSites', () => {
  const wsl: Environment = { platform: 'linux', home: '/home/u', env: {}, wsl: true, windowsHome: '/mnt/c/Users/u' };

  it('tells a local editor, a Windows editor seen from WSL and VS Code Server apart', () => {
    const sites = extensionSites(wsl, [
      { kind: 'extension', editor: 'cursor', version: '1.0.0', path: '/home/u/.cursor/extensions/a.b-1.0.0' },
      { kind: 'extension', editor: 'code', version: '2.0.0', path: '/mnt/c/Users/u/.vscode/extensions/a.b-2.0.0' },
      { kind: 'extension', editor: 'code', path: '/home/u/.vscode-server/extensions/a.b-3.0.0' },
      { kind: 'binary', path: '/usr/bin/a' },
      { kind: 'extension', path: '/somewhere/else/a.b-1.0.0' },
    ]);
    expect(sites.map((s) => [s.editor.id, s.side, s.version])).toEqual([
      ['cursor', 'local', '1.0.0'],
      ['code', 'windows', '2.0.0'],
      ['code', 'server', undefined],
    ]);
  });

  it('finds an editor\'s User folder on either side', () => {
    expect(editorUserDir(wsl, 'code-insiders', false)).toBe('/home/u/.config/Code - Insiders/User');
    expect(editorUserDir(wsl, 'code-insiders', true)).toBe('/mnt/c/Users/u/AppData/Roaming/Code - Insiders/User');
    expect(editorUserDir({ ...wsl, wsl: false, windowsHome: undefined } as Environment, 'code', true)).toBeUndefined();
  });
});

describe('windowsPathFromWsl', () => {
  it('maps /mnt/<drive> paths, and nothing else', () => {
    expect(windowsPathFromWsl('/mnt/c/Users/ana/.config/x.json')).toBe('C:\\Users\\ana\\.config\\x.json');
    expect(windowsPathFromWsl('/mnt/d')).toBe('D:\\');
    expect(windowsPathFromWsl('/home/ana')).toBeUndefined();
    expect(windowsPathFromWsl('/mnt/wsl/x')).toBeUndefined();
  });
});

describe('versionAtLeast', () => {
  it('compares numerically, ignoring a pre-release tag', () => {
    expect(versionAtLeast('3.60.0', '3.60.0')).toBe(true);
    expect(versionAtLeast('3.100.0', '3.60.0')).toBe(true);
    expect(versionAtLeast('3.9.9', '3.60.0')).toBe(false);
    expect(versionAtLeast('4.0.0-nightly.1', '3.60.0')).toBe(true);
    expect(versionAtLeast('3.59', '3.60.0')).toBe(false);
  });
});

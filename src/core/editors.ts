// The VS Code family: where each editor keeps its user settings and its extensions, on every
// platform, including Windows editors seen from inside WSL. Facts: VS Code docs "User and
// Workspace Settings" (settings file locations) and "Extension Marketplace" (extension folder).
import type { Environment } from './environment.js';
import { appData, inHome, pathFor } from './environment.js';

export interface EditorProduct {
  id: 'code' | 'code-insiders' | 'vscodium' | 'cursor' | 'windsurf';
  name: string;
  /** `<Product>` in `~/.config/<Product>/User`. */
  product: string;
  /** `~/<dotDir>/extensions`. */
  dotDir: string;
}

export const EDITORS: readonly EditorProduct[] = [
  { id: 'code', name: 'VS Code', product: 'Code', dotDir: '.vscode' },
  { id: 'code-insiders', name: 'VS Code Insiders', product: 'Code - Insiders', dotDir: '.vscode-insiders' },
  { id: 'vscodium', name: 'VSCodium', product: 'VSCodium', dotDir: '.vscode-oss' },
  { id: 'cursor', name: 'Cursor', product: 'Cursor', dotDir: '.cursor' },
  { id: 'windsurf', name: 'Windsurf', product: 'Windsurf', dotDir: '.windsurf' },
];

export interface EditorDir {
  editor: EditorProduct;
  dir: string;
  /** True for a Windows editor's folder reached from WSL. */
  windows: boolean;
}

/** Each editor's `User` folder (holding settings.json, chatLanguageModels.json, globalStorage). */
export function editorUserDirs(env: Environment): EditorDir[] {
  const p = pathFor(env);
  const base = (): string => {
    switch (env.platform) {
      case 'win32':
        return appData(env);
      case 'darwin':
        return inHome(env, 'Library', 'Application Support');
      default:
        return env.env.XDG_CONFIG_HOME && p.isAbsolute(env.env.XDG_CONFIG_HOME) ? env.env.XDG_CONFIG_HOME : inHome(env, '.config');
    }
  };
  const dirs = EDITORS.map((editor) => ({ editor, dir: p.join(base(), editor.product, 'User'), windows: false }));
  if (env.wsl && env.windowsHome) {
    const roaming = p.join(env.windowsHome, 'AppData', 'Roaming');
    dirs.push(...EDITORS.map((editor) => ({ editor, dir: p.join(roaming, editor.product, 'User'), windows: true })));
  }
  return dirs;
}

/** Every folder extensions are installed in, including VS Code Server's (remote) one. */
export function extensionDirs(env: Environment): EditorDir[] {
  const p = pathFor(env);
  const code = EDITORS[0] as EditorProduct;
  const dirs = EDITORS.map((editor) => ({ editor, dir: inHome(env, editor.dotDir, 'extensions'), windows: false }));
  dirs.push({ editor: code, dir: inHome(env, '.vscode-server', 'extensions'), windows: false });
  if (env.wsl && env.windowsHome) {
    const windowsHome = env.windowsHome;
    dirs.push(...EDITORS.map((editor) => ({ editor, dir: p.join(windowsHome, editor.dotDir, 'extensions'), windows: true })));
  }
  return dirs;
}

/**
 * `publisher.name-1.2.3[-platform]` → `1.2.3`; false when the folder is another extension
 * (`publisher.name-helper-1.0.0` is not `publisher.name`).
 */
export function extensionVersion(folder: string, id: string): string | false {
  const prefix = `${id.toLowerCase()}-`;
  if (!folder.toLowerCase().startsWith(prefix)) return false;
  const match = /^(\d+\.\d+\.\d+[^-]*)(-.*)?$/.exec(folder.slice(prefix.length));
  return match?.[1] ?? false;
}

// The VS Code family: where each editor keeps its user settings and its extensions, on every
// platform, including Windows editors seen from inside WSL. Facts: VS Code docs "User and
// Workspace Settings" (settings file locations) and "Extension Marketplace" (extension folder).
import type { Environment } from './environment.js';
import { appData, inHome, pathFor } from './environment.js';
import type { Evidence } from './recipe.js';

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

/** Where an installed extension runs, which decides whose files it reads. */
export interface ExtensionSite {
  editor: EditorProduct;
  /**
   * `local`: this machine's editor; `windows`: a Windows editor seen from WSL (its files are under
   * `env.windowsHome` and it wants Windows paths); `server`: VS Code Server (Remote - WSL/SSH), which
   * runs the extension here but takes user settings from the client.
   */
  side: 'local' | 'windows' | 'server';
  version?: string;
}

/** The sites of the `extension` evidence detection found, in evidence order. */
export function extensionSites(env: Environment, evidence: readonly Evidence[]): ExtensionSite[] {
  const p = pathFor(env);
  const server = inHome(env, '.vscode-server', 'extensions');
  const dirs = extensionDirs(env);
  const sites: ExtensionSite[] = [];
  for (const e of evidence) {
    if (e.kind !== 'extension') continue;
    const parent = p.dirname(e.path);
    const dir = dirs.find((d) => d.dir === parent);
    if (!dir) continue;
    const side = dir.windows ? 'windows' : parent === server ? 'server' : 'local';
    sites.push({ editor: dir.editor, side, ...(e.version ? { version: e.version } : {}) });
  }
  return sites;
}

/** An editor's `User` folder on one side (`windows` only inside WSL with a known Windows home). */
export function editorUserDir(env: Environment, editor: EditorProduct['id'], windows: boolean): string | undefined {
  return editorUserDirs(env).find((d) => d.editor.id === editor && d.windows === windows)?.dir;
}

/** `/mnt/c/Users/ana/x` → `C:\Users\ana\x`: a WSL path as the Windows side names it; undefined off `/mnt/<drive>`. */
export function windowsPathFromWsl(linuxPath: string): string | undefined {
  const match = /^\/mnt\/([a-zA-Z])(\/.*)?$/.exec(linuxPath);
  if (!match) return undefined;
  return `${(match[1] as string).toUpperCase()}:${(match[2] ?? '/').replace(/\//g, '\\')}`;
}

/** Dotted versions compared numerically (`3.9.0` < `3.10.0`); a pre-release tag is ignored. */
export function versionAtLeast(version: string, minimum: string): boolean {
  const parts = (v: string) => v.split(/[-+]/)[0]!.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const a = parts(version);
  const b = parts(minimum);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/**
 * Where a VS Code-family app shows it is installed: its user folder (`~/.config/<Product>`,
 * `~/Library/Application Support/<Product>`, `%APPDATA%\<Product>`, and the Windows one from
 * WSL), its dot folder in the home (and the Windows home from WSL), the macOS app bundle.
 */
export function editorAppPaths(env: Environment, editor: EditorProduct['id'], macApp: string): string[] {
  const p = pathFor(env);
  const dotDir = EDITORS.find((e) => e.id === editor)?.dotDir ?? `.${editor}`;
  const userDirs = editorUserDirs(env)
    .filter((d) => d.editor.id === editor)
    .map((d) => p.dirname(d.dir));
  return [
    ...userDirs,
    inHome(env, dotDir),
    ...(env.wsl && env.windowsHome ? [p.join(env.windowsHome, dotDir)] : []),
    ...(env.platform === 'darwin' ? [p.join('/Applications', macApp)] : []),
  ];
}

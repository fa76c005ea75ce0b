// What Gemini CLI's recipe and its doctor checks both need to know, kept apart from both so
// that neither imports the other (the recipe loads its doctor module lazily).
import { inHome, pathFor, type Environment } from '../../src/core/environment.js';

/** `~/.gemini`, or `$GEMINI_CLI_HOME/.gemini`. */
export function geminiDir(env: Environment): string {
  const root = env.env.GEMINI_CLI_HOME;
  return root && pathFor(env).isAbsolute(root) ? pathFor(env).join(root, '.gemini') : inHome(env, '.gemini');
}

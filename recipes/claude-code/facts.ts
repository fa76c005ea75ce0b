// What Claude Code's recipe and its doctor checks both need to know, kept apart from both so
// that neither imports the other (the recipe loads its doctor module lazily).
import { dirFromEnv, inHome, type Environment } from '../../src/core/environment.js';

/** Where Claude Code keeps its settings and credentials: CLAUDE_CONFIG_DIR, else ~/.claude. */
export function configDir(env: Environment): string {
  return dirFromEnv(env, 'CLAUDE_CONFIG_DIR', inHome(env, '.claude'));
}

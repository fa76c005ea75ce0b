// What Codex CLI's recipe and its doctor checks both need to know, kept apart from both so
// that neither imports the other (the recipe loads its doctor module lazily).
import { dirFromEnv, inHome, type Environment } from '../../src/core/environment.js';

/** Our provider id: not reserved by Codex, and says who wrote it. */
export const CODEX_PROVIDER_ID = 'setup-gateway';

/** Codex's folder: $CODEX_HOME, else ~/.codex. */
export function codexHome(env: Environment): string {
  return dirFromEnv(env, 'CODEX_HOME', inHome(env, '.codex'));
}

/**
 * A profile file: `codex --profile <name>` layers `<name>.config.toml` from Codex's folder over
 * config.toml (0.134 and later; names of letters, digits, `-` and `_`).
 */
export const PROFILE_FILE = /^([A-Za-z0-9_-]+)\.config\.toml$/;

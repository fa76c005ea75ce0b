// What Pi's recipe and its doctor checks both need to know, kept apart from both so
// that neither imports the other (the recipe loads its doctor module lazily).
import { dirFromEnv, inHome, type Environment } from '../../src/core/environment.js';

/** Our provider id in models.json; `defaultProvider` names it. */
export const PI_PROVIDER_ID = 'setup-gateway';

/** `~/.pi/agent`, or PI_CODING_AGENT_DIR when it names an absolute folder. */
export function piAgentDir(env: Environment): string {
  return dirFromEnv(env, 'PI_CODING_AGENT_DIR', inHome(env, '.pi', 'agent'));
}

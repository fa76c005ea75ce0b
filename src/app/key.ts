// The gateway key: where it comes from and whether it is usable, one rule for every command and
// the interactive mode.
import type { Environment } from '../core/environment.js';
import { KeySchema } from '../core/profile.js';

/** Why a key cannot be used, or undefined when it can. */
export function keyProblem(key: string): string | undefined {
  const parsed = KeySchema.safeParse(key);
  return parsed.success ? undefined : (parsed.error.issues[0]?.message ?? 'invalid key');
}

/** The key given in the environment (SETUP_GATEWAY_KEY), when there is a usable one. */
export function keyFromEnvironment(env: Environment): string | undefined {
  const key = env.env.SETUP_GATEWAY_KEY;
  return key && !keyProblem(key) ? key : undefined;
}

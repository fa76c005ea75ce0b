// The gateway key: where it comes from and whether it is usable, one rule for `apply`, `doctor`,
// `relay` and the interactive mode. Sources, first given wins: --key, --key-env VAR, --key-stdin
// (at most one of them), then SETUP_GATEWAY_KEY. One validation (KeySchema) for all of them.
import type { Environment } from '../core/environment.js';
import { UsageError } from '../core/errors.js';
import { KeySchema } from '../core/profile.js';

/** The environment variable every command reads the key from when no flag names it. */
export const KEY_VARIABLE = 'SETUP_GATEWAY_KEY';

/** The key flags as the commands define them (each command offers a subset). */
export interface KeyFlags {
  key?: string | undefined;
  'key-env'?: string | undefined;
  'key-stdin'?: boolean | undefined;
}

/** A usable key, with where it came from in the user's words (`--key-env GW_KEY`, `SETUP_GATEWAY_KEY`). */
export interface GatewayKey {
  value: string;
  from: string;
  /** A flag named it, or the environment held it by default. */
  source: 'flag' | 'env';
}

export interface KeyWorld {
  env: Environment['env'];
  /** All of standard input, for --key-stdin. */
  readStdin(): Promise<string>;
}

/** Why a key cannot be used, or undefined when it can. */
export function keyProblem(key: string): string | undefined {
  const parsed = KeySchema.safeParse(key);
  return parsed.success ? undefined : (parsed.error.issues[0]?.message ?? 'invalid key');
}

/** The key given in the environment (SETUP_GATEWAY_KEY), when there is a usable one. */
export function keyFromEnvironment(env: Environment): string | undefined {
  const key = env.env[KEY_VARIABLE];
  return key && !keyProblem(key) ? key : undefined;
}

/**
 * The key the flags or the environment give, validated; undefined when none does (each command
 * says what it needs then). `command` prefixes the usage errors (`apply: …`).
 */
export async function resolveKey(command: string, flags: KeyFlags, world: KeyWorld): Promise<GatewayKey | undefined> {
  const given = [flags.key !== undefined, flags['key-env'] !== undefined, flags['key-stdin'] === true].filter(Boolean).length;
  if (given > 1) throw new UsageError(`${command}: give the key one way only: --key, --key-env or --key-stdin.`);
  let found: GatewayKey | undefined;
  if (flags.key !== undefined) {
    found = { value: flags.key, from: '--key', source: 'flag' };
  } else if (flags['key-env'] !== undefined) {
    const name = flags['key-env'];
    const value = world.env[name];
    if (!value) throw new UsageError(`${command}: --key-env ${name}: that environment variable is not set or empty.`);
    found = { value, from: `--key-env ${name}`, source: 'flag' };
  } else if (flags['key-stdin']) {
    found = { value: (await world.readStdin()).replace(/[\r\n]+$/, '').trim(), from: '--key-stdin', source: 'flag' };
  } else if (world.env[KEY_VARIABLE]) {
    found = { value: world.env[KEY_VARIABLE], from: KEY_VARIABLE, source: 'env' };
  }
  if (!found) return undefined;
  const problem = keyProblem(found.value);
  if (problem) throw new UsageError(`${command}: the key from ${found.from}: ${problem}.`);
  return found;
}

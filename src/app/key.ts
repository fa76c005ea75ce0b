// The gateway key: where it comes from and whether it is usable, one rule for `apply`, `doctor`,
// `relay`, `profile` and the interactive mode. Sources, first given wins: --key, --key-env VAR,
// --key-stdin, --key-file PATH (at most one of them), then SETUP_GATEWAY_KEY. One validation
// (core/key-rule.ts, which KeySchema is made of) for all of them. A saved profile's key
// reference (`env:VAR`, `file:PATH`) resolves through the same rule.
import { readFile } from 'node:fs/promises';
import type { Environment } from '../core/environment.js';
import { UsageError } from '../core/errors.js';
import { keyProblem } from '../core/key-rule.js';

export { keyProblem };

/** The environment variable every command reads the key from when no flag names it. */
export const KEY_VARIABLE = 'SETUP_GATEWAY_KEY';

/** The key flags as the commands define them (each command offers a subset). */
export interface KeyFlags {
  key?: string | undefined;
  'key-env'?: string | undefined;
  'key-stdin'?: boolean | undefined;
  /** Only `profile add` offers it: the key is the file's first line. */
  'key-file'?: string | undefined;
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
  /** A file's text, for --key-file and `file:` references (node:fs by default). */
  readFile?: (path: string) => Promise<string>;
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
  const given = [flags.key !== undefined, flags['key-env'] !== undefined, flags['key-stdin'] === true, flags['key-file'] !== undefined].filter(Boolean).length;
  if (given > 1) {
    const ways = flags['key-file'] !== undefined ? '--key, --key-env, --key-stdin or --key-file' : '--key, --key-env or --key-stdin';
    throw new UsageError(`${command}: give the key one way only: ${ways}.`);
  }
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
  } else if (flags['key-file'] !== undefined) {
    found = { value: await keyFromFile(command, `--key-file ${flags['key-file']}`, flags['key-file'], world), from: `--key-file ${flags['key-file']}`, source: 'flag' };
  } else if (world.env[KEY_VARIABLE]) {
    found = { value: world.env[KEY_VARIABLE], from: KEY_VARIABLE, source: 'env' };
  }
  if (!found) return undefined;
  const problem = keyProblem(found.value);
  if (problem) throw new UsageError(`${command}: the key from ${found.from}: ${problem}.`);
  return found;
}

/** The first line of a key file, trimmed; a usage error naming the flag or reference when unreadable. */
async function keyFromFile(command: string, from: string, file: string, world: KeyWorld): Promise<string> {
  const read = world.readFile ?? ((p: string) => readFile(p, 'utf8'));
  try {
    return ((await read(file)).split(/\r?\n/)[0] ?? '').trim();
  } catch (error) {
    throw new UsageError(`${command}: ${from}: cannot read the key file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
}

/**
 * The key a saved profile's reference gives: `env:VAR`, `file:PATH`, or the key kept in the
 * profile itself; with no reference, SETUP_GATEWAY_KEY. Undefined when none gives one.
 */
export async function resolveKeyReference(command: string, reference: string | undefined, world: KeyWorld): Promise<GatewayKey | undefined> {
  if (reference === undefined) return resolveKey(command, {}, world);
  let found: GatewayKey;
  if (reference.startsWith('env:')) {
    const name = reference.slice(4);
    const value = world.env[name];
    if (!value) throw new UsageError(`${command}: the profile's key comes from environment variable ${name}, which is not set or empty.`);
    found = { value, from: reference, source: 'flag' };
  } else if (reference.startsWith('file:')) {
    found = { value: await keyFromFile(command, reference, reference.slice(5), world), from: reference, source: 'flag' };
  } else {
    found = { value: reference, from: 'the saved profile', source: 'flag' };
  }
  const problem = keyProblem(found.value);
  if (problem) throw new UsageError(`${command}: the key from ${found.from}: ${problem}.`);
  return found;
}

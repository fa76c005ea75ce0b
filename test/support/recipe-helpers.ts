// Shared by the recipe tests (recipes/<id>/*.test.ts): run `apply` / `undo` in a temp home and look at the files.
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Environment } from '../../src/core/environment.js';
import { runCli, type CliRun } from '../support/run-cli.js';

/** A key with every character a config format might choke on. */
export const KEY = `sk-gw-"q'#$\\x-9876`;
export const BASE = 'https://gw.example.com/v1/';
export const OPENAI = 'https://gw.example.com/v1';

const RECIPES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'recipes');

/** The path of `recipes/<recipe>/fixtures/<name>`. */
export function fixturePath(recipe: string, name: string): string {
  return path.join(RECIPES, recipe, 'fixtures', name);
}

/** The text of `recipes/<recipe>/fixtures/<name>`. */
export function fixture(recipe: string, name: string): Promise<string> {
  return readFile(fixturePath(recipe, name), 'utf8');
}

export async function put(home: string, rel: string, text: string, mode?: number): Promise<void> {
  const file = path.join(home, rel);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  if (mode !== undefined) await chmod(file, mode);
}

export function read(home: string, rel: string): Promise<string> {
  return readFile(path.join(home, rel), 'utf8');
}

export async function modeOf(home: string, rel: string): Promise<number> {
  return (await stat(path.join(home, rel))).mode & 0o777;
}

export interface ApplyResult extends CliRun {
  doc: { ok: boolean; agents: Array<{ id: string; status: string; files: string[]; notes: string[]; messages: string[]; manual?: { why: string; steps: string[] } }> };
}

export interface ApplyOptions {
  agent: string;
  /** Default `gw-model`. */
  model?: string;
  /** Default KEY. */
  key?: string;
}

/**
 * `apply --json` for one agent at BASE, as a function of the environment and the extra
 * arguments (added last, so a `--model AGENT=ID` among them comes after the default model).
 */
export function applier({ agent, model = 'gw-model', key = KEY }: ApplyOptions): (env: Environment, ...extra: string[]) => Promise<ApplyResult> {
  return async (env, ...extra) => {
    const run = await runCli(['apply', '--base-url', BASE, '--key', key, '--model', model, '--agent', agent, '--json', ...extra], { env });
    return { ...run, doc: JSON.parse(run.stdout) as ApplyResult['doc'] };
  };
}

/** `apply --json` for `agent` with KEY and the model `gw-model`. */
export function apply(env: Environment, agent: string, ...extra: string[]): Promise<ApplyResult> {
  return applier({ agent })(env, ...extra);
}

export function undo(env: Environment): Promise<CliRun> {
  return runCli(['undo', '--json'], { env });
}

/** Every file under `home` (relative path → text), setup-gateway's own state folder left out. */
export async function tree(home: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const rel = path.relative(home, full);
      if (rel === path.join('.local', 'state')) continue;
      if (entry.isDirectory()) await walk(full);
      else out[rel] = await readFile(full, 'utf8');
    }
  };
  await walk(home);
  return out;
}

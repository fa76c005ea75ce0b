// Codex sessions and the provider they were made with. Codex (measured with 0.169.0, see
// recipes/codex/recipe.ts) files every session under its `model_provider`: `codex resume` lists
// only the current provider's sessions, refuses to continue one made with another provider
// ("Cannot change this thread's model provider"), and refuses one whose provider is no longer
// configured ("modelProviderNotConfigured"). Nothing here changes a session: it counts them, from
// the `session_meta` line that starts each rollout file, so that the review and `undo` say what
// will happen to them.
import { open, readdir, readFile } from 'node:fs/promises';
import { dirFromEnv, inHome, pathFor, type Environment } from '../core/environment.js';
import { getAt, tomlEditor } from '../formats/index.js';
import { CODEX_PROVIDER_ID } from '../../recipes/codex/facts.js';

/** Codex's folders of rollout files (sessions, and archived ones). */
function sessionDirs(env: Environment): string[] {
  const home = dirFromEnv(env, 'CODEX_HOME', inHome(env, '.codex'));
  return [pathFor(env).join(home, 'sessions'), pathFor(env).join(home, 'archived_sessions')];
}

/** Codex's config.toml. */
export function codexConfigPath(env: Environment): string {
  return pathFor(env).join(dirFromEnv(env, 'CODEX_HOME', inHome(env, '.codex')), 'config.toml');
}

/** The provider a config.toml's text selects (undefined: Codex's default, or a text that does not parse). */
export function selectedProvider(text: string): unknown {
  try {
    return getAt(tomlEditor.parse(text), ['model_provider']);
  } catch {
    return undefined;
  }
}

/** How many sessions each provider has, read from the rollout files' first line. */
export async function codexSessionsByProvider(env: Environment): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const dir of sessionDirs(env)) {
    let names: string[];
    try {
      names = (await readdir(dir, { recursive: true })).filter((n) => /rollout-[^/\\]*\.jsonl$/.test(n));
    } catch {
      continue;
    }
    for (const name of names) {
      const provider = providerOf(await firstLine(pathFor(env).join(dir, name)));
      if (provider) counts.set(provider, (counts.get(provider) ?? 0) + 1);
    }
  }
  return counts;
}

function providerOf(line: string | undefined): string | undefined {
  if (!line) return undefined;
  try {
    const item = JSON.parse(line) as { type?: unknown; payload?: { model_provider?: unknown } };
    if (item.type !== 'session_meta') return undefined;
    // Sessions from before Codex recorded it were made with its default, OpenAI's own.
    return typeof item.payload?.model_provider === 'string' ? item.payload.model_provider : 'openai';
  } catch {
    return undefined;
  }
}

/** A file's first line (its session_meta, which holds the instructions: read in chunks, up to 4 MiB). */
async function firstLine(file: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const chunks: Buffer[] = [];
    const chunk = Buffer.alloc(64 * 1024);
    for (let read = 0; read < 4 * 1024 * 1024; ) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, read);
      if (bytesRead === 0) break;
      const part = chunk.subarray(0, bytesRead);
      const end = part.indexOf(0x0a);
      if (end >= 0) {
        chunks.push(Buffer.from(part.subarray(0, end)));
        return Buffer.concat(chunks).toString('utf8');
      }
      chunks.push(Buffer.from(part));
      read += bytesRead;
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    await handle.close();
  }
}

function sessions(n: number): string {
  return `${n} session${n === 1 ? '' : 's'}`;
}

/**
 * What selecting setup-gateway's provider does to the sessions made with others (none: nothing to
 * say). They are not changed; they show again once the provider is back.
 */
export async function codexSessionsHiddenNote(env: Environment): Promise<string | undefined> {
  const others = [...(await codexSessionsByProvider(env))].filter(([p]) => p !== CODEX_PROVIDER_ID);
  if (others.length === 0) return undefined;
  const total = others.reduce((n, [, c]) => n + c, 0);
  const which = others.map(([p, c]) => `${c} with "${p}"`).join(', ');
  const only = others.length === 1 ? others[0]?.[0] : undefined;
  const own = `\`codex -c model_provider=${only !== undefined && /^[A-Za-z0-9_-]+$/.test(only) ? only : '<its provider>'} resume\``;
  return (
    `Codex: ${sessions(total)} made before (${which}) will not show in \`codex resume\`, and Codex will not continue them through the gateway ` +
    `(it keeps each session's provider). They are left as they are: ${own} continues them with their own provider meanwhile; ` +
    `\`setup-gateway undo\` or \`use direct\` shows them again.`
  );
}

/**
 * What removing setup-gateway's provider (undo) does to the sessions made through it (none:
 * nothing to say): Codex refuses to continue them until the provider is configured again.
 */
export async function codexSessionsOrphanedNote(env: Environment): Promise<string | undefined> {
  const ours = (await codexSessionsByProvider(env)).get(CODEX_PROVIDER_ID) ?? 0;
  if (ours === 0) return undefined;
  return (
    `Codex: ${sessions(ours)} made through the gateway will not show in \`codex resume\`, and Codex refuses to continue them while its provider is not configured. ` +
    `They are left as they are: \`setup-gateway use NAME\` (or apply again) makes them resumable.`
  );
}

/**
 * The note for an undo that restores Codex's config.toml (given with its bytes after the undo, or
 * read as it is now) to one without setup-gateway's provider; undefined otherwise.
 */
export async function codexSessionsUndoNote(env: Environment, files: ReadonlyArray<{ path: string; after?: Buffer | null }>): Promise<string | undefined> {
  const config = codexConfigPath(env);
  const file = files.find((f) => f.path === config);
  if (!file) return undefined;
  let text = '';
  try {
    text = file.after !== undefined ? (file.after?.toString('utf8') ?? '') : await readFile(config, 'utf8');
  } catch {
    text = '';
  }
  let data: unknown;
  try {
    data = tomlEditor.parse(text);
  } catch {
    return undefined;
  }
  // Our provider still selected, or its table kept (`use direct` where the file changed since): Codex still finds it.
  if (getAt(data, ['model_provider']) === CODEX_PROVIDER_ID || getAt(data, ['model_providers', CODEX_PROVIDER_ID]) !== undefined) return undefined;
  return codexSessionsOrphanedNote(env);
}

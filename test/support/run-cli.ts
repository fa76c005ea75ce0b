// Runs the CLI in-process with a fake world: captured output, an injected environment and fetch.
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import type { Environment } from '../../src/core/environment.js';
import type { Fetch } from '../../src/core/gateway.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Every question the CLI asked. */
  asked: string[];
}

export interface FakeWorld {
  env: Environment | (() => Environment);
  stdin?: string;
  interactive?: boolean;
  answer?: boolean;
  fetch?: Fetch;
  /** The current folder the command sees (project-level files); none by default. */
  cwd?: string;
}

export async function runCli(argv: string[], world: FakeWorld): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const asked: string[] = [];
  const io: CliIO = {
    environment: typeof world.env === 'function' ? world.env : () => world.env as Environment,
    stdout: { write: (t) => void (stdout += t) },
    stderr: { write: (t) => void (stderr += t) },
    readStdin: async () => world.stdin ?? '',
    interactive: world.interactive ?? false,
    confirm: async (q) => {
      asked.push(q);
      return world.answer ?? false;
    },
    fetch: world.fetch ?? (async () => new Response('no network in tests', { status: 599 })),
    version: '0.0.0-test',
    ...(world.cwd !== undefined ? { cwd: world.cwd } : {}),
  };
  const code = await main(argv, io, false);
  return { code, stdout, stderr, asked };
}

/** A fetch that answers GET /v1/models with the given ids. */
export function modelsFetch(ids: string[]): Fetch {
  return async (input) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.endsWith('/v1/models')) return Response.json({ object: 'list', data: ids.map((id) => ({ id, object: 'model' })) });
    return new Response('not found', { status: 404 });
  };
}

// `setup-gateway relay` in the foreground, as a real process of the built CLI. It is ready once its
// whole banner is out, not its first line: the banner is several writes, and a busy machine hands
// them to the pipe in separate chunks (a test that read the token line after `listening on` failed).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { cliPath } from './run-agent.js';

export interface ForegroundRelay {
  /** Where it listens (http://127.0.0.1:PORT). */
  url: string;
  child: ChildProcessByStdio<null, Readable, Readable>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/**
 * The banner is complete when, after `listening on URL -> A, B (protocol)`, a `  To HOST: …` line
 * has ended for each upstream listed: the banner's last lines.
 */
export function bannerComplete(out: string): string | undefined {
  const m = /listening on (http:\/\/127\.0\.0\.1:\d+) -> (.+) \([^)\n]*\)\n/.exec(out);
  if (!m) return undefined;
  const upstreams = (m[2] as string).split(', ').length;
  const routes = out.slice(m.index + m[0].length).match(/^ {2}To [^\n]*\n/gm) ?? [];
  return routes.length >= upstreams ? (m[1] as string) : undefined;
}

/**
 * Starts `setup-gateway relay ...args`; resolves once its banner is out, rejects if it exits first.
 * `entry` is the file node runs (dist/cli.js unless given: the bin, dist/bin.cjs, runs as installed),
 * after `nodeArgs` (e.g. a module hook).
 */
export async function startForegroundRelay(args: string[], env: Record<string, string>, how: { entry?: string; nodeArgs?: string[] } = {}): Promise<ForegroundRelay> {
  const child = spawn(process.execPath, [...(how.nodeArgs ?? []), how.entry ?? cliPath, 'relay', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const ready = bannerComplete(out);
      if (ready) resolve(ready);
    });
    void exited.then((code) => reject(new Error(`relay exited (${code}) before its banner was out:\n${out}${err}`)));
  });
  return { url, child, stdout: () => out, stderr: () => err, exited };
}

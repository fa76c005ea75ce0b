// Start-up: which files of dist/ each command loads, traced with a module loader hook, and what
// went into those files (from the build's metafile, .cache/build-meta.json, written by
// scripts/build.mjs). Commands run through the bin, as installed (dist/bin.cjs, CommonJS, which
// answers --version alone and imports dist/cli.js for the rest). `--version` and `--help` must
// load no bundled library at all, and no command but the interactive mode may load ink or react.
// Timings are bench/startup's job.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../agents/paths.js';
import { npmEnv } from '../support/pack.js';
import { startForegroundRelay } from '../support/foreground-relay.js';
import { describeRun, runProcess } from '../support/run-agent.js';

interface BuildMeta {
  outputs: Record<string, { bytes: number; packages: string[]; sources: string[]; packageFiles: string[] }>;
}

const dist = join(repoRoot, 'dist');
const cli = join(dist, 'cli.js');
const bin = join(dist, 'bin.cjs');
const metaPath = join(repoRoot, '.cache', 'build-meta.json');
const register = join(repoRoot, 'test', 'support', 'load-trace', 'register.mjs');
const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

/** The interactive mode's libraries: only `setup-gateway` with no command may load them. */
const UI_PACKAGES = ['ink', 'react', 'react-dom', 'react-reconciler', 'scheduler', 'yoga-layout'];
/** What `--version` and `--help` may load in all (they load no bundled package at all). */
const START_UP_BUDGET_BYTES = 32 * 1024;

let meta: BuildMeta;
let home: string;

beforeAll(async () => {
  if (!existsSync(cli) || !existsSync(metaPath)) {
    throw new Error('dist/ or .cache/build-meta.json is missing: run `npm run build` (npm test does) first');
  }
  meta = JSON.parse(await readFile(metaPath, 'utf8')) as BuildMeta;
  const built = (await readdir(dist, { recursive: true })).filter((f) => f.endsWith('.js')).map((f) => f.split('\\').join('/'));
  const described = Object.keys(meta.outputs).filter((f) => f.endsWith('.js'));
  if (built.sort().join('\n') !== described.sort().join('\n')) {
    throw new Error('dist/ and .cache/build-meta.json disagree (a build ran in between?): run `npm run build` again');
  }
  home = await mkdtemp(join(tmpdir(), 'sg-startup-'));
});
afterAll(async () => {
  if (home) await rm(home, { recursive: true, force: true });
});

interface Loaded {
  code: number | null;
  stdout: string;
  /** dist-relative paths of the files loaded, in order. */
  files: string[];
  packages: string[];
  /** The packages' own files bundled into them (zod/v4/mini/schemas.js). */
  packageFiles: string[];
  bytes: number;
  describe: string;
}

/** Runs `node <entry> ...args` (the bin by default) and lists the ES modules it loaded. */
async function trace(args: string[], entry = bin): Promise<Loaded> {
  const log = join(home, `trace-${entry === bin ? 'bin' : 'cli'}-${args.join('_').replace(/\W+/g, '-')}.txt`);
  const r = await runProcess(process.execPath, ['--import', register, entry, ...args], {
    cwd: home,
    env: { ...npmEnv(home), SG_LOAD_TRACE: log },
    timeoutMs: 30_000,
  });
  const urls = existsSync(log) ? (await readFile(log, 'utf8')).split('\n').filter((u) => u.startsWith('file:')) : [];
  const files = [...new Set(urls.map((u) => relative(dist, fileURLToPath(u)).split('\\').join('/')))];
  // bin.cjs comes from a build of its own (a few lines, no package): not in the metafile.
  const unknownFiles = () => files.filter((f) => f !== 'bin.cjs' && !meta.outputs[f]);
  // Another build in this tree may have replaced dist/ (and the metafile) since beforeAll.
  if (unknownFiles().length > 0) meta = JSON.parse(await readFile(metaPath, 'utf8')) as BuildMeta;
  const unknown = unknownFiles();
  if (unknown.length > 0) throw new Error(`loaded files the build did not produce: ${unknown.join(', ')}`);
  const outputs = files.flatMap((f) => meta.outputs[f] ?? []);
  return {
    code: r.code,
    stdout: r.stdout,
    files,
    packages: [...new Set(outputs.flatMap((o) => o.packages))].sort(),
    packageFiles: outputs.flatMap((o) => o.packageFiles),
    bytes: outputs.reduce((n, o) => n + o.bytes, 0),
    describe: `${describeRun(r)}\nloaded: ${files.join(', ')}`,
  };
}

describe('start-up', () => {
  it('the bin answers --version alone, loading no other file', async () => {
    for (const flag of ['--version', '-v']) {
      const t = await trace([flag]);
      expect(t.code, t.describe).toBe(0);
      expect(t.stdout).toBe(`${version}\n`);
      expect(t.files, t.describe).toEqual(['bin.cjs']);
    }
  });

  it('dist/cli.js --version loads the entry file alone (and esbuild\'s tiny runtime helpers)', async () => {
    for (const flag of ['--version', '-v']) {
      const t = await trace([flag], cli);
      expect(t.code, t.describe).toBe(0);
      expect(t.stdout).toBe(`${version}\n`);
      expect(t.files[0]).toBe('cli.js');
      // Whatever else is loaded carries none of our modules and no package.
      const sources = t.files.flatMap((f) => meta.outputs[f]!.sources);
      expect(sources.filter((src) => src !== 'src/cli.ts' && src !== 'package.json'), t.describe).toEqual([]);
      expect(t.packages, t.describe).toEqual([]);
      expect(t.bytes, t.describe).toBeLessThanOrEqual(START_UP_BUDGET_BYTES);
    }
  });

  it('--help loads a few small files: no bundled library', async () => {
    const t = await trace(['--help']);
    expect(t.code, t.describe).toBe(0);
    expect(t.stdout).toContain('Usage:');
    expect(t.packages, t.describe).toEqual([]);
    expect(t.bytes, t.describe).toBeLessThanOrEqual(START_UP_BUDGET_BYTES);
  });

  it('a command loads its own chunk on demand (apply brings yaml, toml and jsonc)', async () => {
    const t = await trace(['apply', '--help']);
    expect(t.code, t.describe).toBe(0);
    expect(t.packages).toEqual(expect.arrayContaining(['jsonc-parser', 'smol-toml', 'yaml']));
  });

  it('detect --json loads no interactive-mode library', async () => {
    const t = await trace(['detect', '--json']);
    expect(t.code, t.describe).toBe(0);
    expect(t.packages.filter((p) => UI_PACKAGES.includes(p)), t.describe).toEqual([]);
  });

  it('apply loads no doctor code: each agent\'s checks are a chunk of their own, loaded by doctor alone', async () => {
    const isDoctor = (src: string) => src.startsWith('src/doctor/') || /^recipes\/[^/]+\/doctor\.ts$/.test(src);
    const own = Object.entries(meta.outputs).filter(([, o]) => o.sources.some((src) => /^recipes\/[^/]+\/doctor\.ts$/.test(src)));
    expect(own.length).toBeGreaterThan(0);
    for (const [file, o] of own) expect(o.sources.filter((src) => !/^recipes\/[^/]+\/doctor\.ts$/.test(src)), file).toEqual([]);
    const t = await trace(['apply', '--base-url', 'https://gw.example.com', '--key', 'sk-startup-1', '--agent', 'claude-code', '--agent', 'codex', '--model', 'm', '--dry-run', '--relay', 'never', '--json']);
    expect(t.code, t.describe).toBe(0);
    expect(t.files.flatMap((f) => meta.outputs[f]?.sources ?? []).filter(isDoctor), t.describe).toEqual([]);
  });

  it('the relay loads zod/mini, not zod\'s full API: a foreground relay serves for hours, and zod would stay in its memory', async () => {
    // `relay --help` loads the relay command's module whole, as a relay run does.
    const t = await trace(['relay', '--help']);
    expect(t.code, t.describe).toBe(0);
    expect(t.packageFiles.filter((f) => f.startsWith('zod/v4/mini/')), t.describe).not.toEqual([]);
    expect(t.packageFiles.filter((f) => f.startsWith('zod/v4/classic/')), t.describe).toEqual([]);
  });

  it('a foreground relay loads one file after the entry, with no node:crypto and no zod but zod/mini: it serves for hours beside a bare proxy\'s memory (bench/relay)', async () => {
    const log = join(home, 'trace-relay-serve.txt');
    const env = { ...npmEnv(home), SETUP_GATEWAY_KEY: 'sk-startup-relay', SG_LOAD_TRACE: log };
    // The local token exists, as apply leaves it: making one is a first start's work (node:crypto).
    const token = await runProcess(process.execPath, [bin, 'relay', 'token'], { cwd: home, env, timeoutMs: 30_000 });
    expect(token.code, describeRun(token)).toBe(0);
    const relay = await startForegroundRelay(['--upstream', 'http://127.0.0.1:9/v1', '--upstream-protocol', 'openai', '--port', '0', '--quiet'], env, { entry: bin, nodeArgs: ['--import', register] });
    // One request through the handler (refused: no local token), so what serving loads is loaded.
    const refused = await fetch(`${relay.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(401);
    relay.child.kill('SIGTERM');
    expect(await relay.exited, relay.stderr()).toBe(0);
    const urls = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    const files = [...new Set(urls.filter((u) => u.startsWith('file:')).map((u) => relative(dist, fileURLToPath(u)).split('\\').join('/')))];
    // Besides the relay's file, the bin and the entry, only the rule that sends a run there (src/cli.ts).
    expect(files.slice(0, 2)).toEqual(['bin.cjs', 'cli.js']);
    expect(files.at(-1)).toBe('relay-serve.js');
    expect(files.slice(2, -1).flatMap((f) => meta.outputs[f]?.sources ?? [f])).toEqual(['src/cli/relay-action.ts']);
    expect(urls.filter((u) => u.startsWith('node:'))).not.toContain('node:crypto');
    // Node's own modules, however loaded: none the relay does not use. Each costs resident memory
    // for hours (node:crypto alone about 1.3 MiB); perf_hooks came with a clock read per request,
    // the others with ESM imports of node:fs, node:net and node:util (scripts/build.mjs says how).
    const builtins = urls.filter((u) => u.startsWith('builtin:')).map((u) => u.slice('builtin:'.length));
    expect(builtins, 'the trace holds the built-in modules').toContain('http');
    const unused = ['crypto', 'tls', 'zlib', 'perf_hooks', 'internal/perf/performance', 'internal/blocklist', 'internal/socketaddress', 'internal/mime', 'internal/fs/streams'];
    expect(builtins.filter((b) => unused.includes(b))).toEqual([]);
    const zod = meta.outputs['relay-serve.js']?.packageFiles.filter((f) => f.startsWith('zod/')) ?? [];
    expect(zod.filter((f) => f.startsWith('zod/v4/mini/'))).not.toEqual([]);
    expect(zod.filter((f) => f.startsWith('zod/v4/classic/'))).toEqual([]);
  });

  it('no command listed in --help loads ink or react', async () => {
    const help = await trace(['--help']);
    const section = /^Commands:\n((?: {2}\S.*\n)+)/m.exec(help.stdout)?.[1] ?? '';
    const commands = [...section.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]!);
    expect(commands).toEqual(expect.arrayContaining(['apply', 'detect', 'undo', 'recipes']));
    for (const command of commands) {
      const t = await trace([command, '--help']);
      expect(t.code, t.describe).toBe(0);
      expect(t.packages.filter((p) => UI_PACKAGES.includes(p)), `${command}: ${t.describe}`).toEqual([]);
    }
    // One Node start per command (ten now), one after another: past the default 15 s on a busy machine.
  }, 60_000);
});

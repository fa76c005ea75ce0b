// Bundles the CLI and its runtime dependencies into dist/, so the published package has no
// dependencies to install and `npx setup-gateway` starts fast.
//
// The bin, dist/bin.cjs (src/bin.cts), is a few lines of CommonJS: it answers --version and
// otherwise imports dist/cli.js. Code splitting: dist/cli.js is a small entry (argument dispatch,
// --help); every `import()` in the source (one per command in src/cli/main.ts, the interactive
// mode) becomes its own file under dist/chunks/, and code shared between them (zod, yaml, …) a
// shared chunk, loaded only when a command needs it. bench/startup measures the effect;
// test/ship/startup.test.ts checks what each command loads, using .cache/build-meta.json below.
//
// The new build is written next to dist/ and swapped in at the end, so a test or a run of the CLI
// that reads dist/ while a build is under way never sees a half-written folder.
import { build } from 'esbuild';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * zod 4's `z` namespace re-exports every locale (`z.locales`), ~260 KB of messages in some 60
 * languages that esbuild cannot drop, since `z` is imported whole. We only ever use English (zod's
 * default, which zod imports from `locales/en.js` directly), so zod's locale index is replaced by
 * one exporting `en` alone: the chunk holding zod shrinks from ~450 KB to ~190 KB and every command
 * that parses options starts faster. Fails the build if zod's layout changes under it.
 */
/**
 * ink loads its React DevTools bridge (`ink/build/devtools.js`: react-devtools-core and the `ws`
 * WebSocket client, ~50 KB) only when DEV=true, and prints how to install react-devtools-core when
 * that import fails with ERR_MODULE_NOT_FOUND. We ship no devtools: the bridge is replaced by a
 * module that fails that way, so DEV=true gets ink's own message, and the published files import
 * no package that is not bundled.
 */
const inkWithoutDevtools = {
  name: 'ink-without-devtools',
  setup(b) {
    b.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]ink[\\/]/.test(args.importer) ? { path: 'ink-devtools', namespace: 'ink-devtools' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'ink-devtools' }, () => ({
      contents: "const error = new Error('React DevTools are not bundled with setup-gateway'); error.code = 'ERR_MODULE_NOT_FOUND'; throw error;",
    }));
  },
};

const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    let replaced = 0;
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)) return undefined;
      replaced += 1;
      return { path: path.resolve(path.dirname(args.importer), '../locales/en.js'), namespace: 'zod-locales' };
    });
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: path.dirname(args.path),
    }));
    b.onEnd((result) => {
      if (result.errors.length === 0 && replaced === 0) {
        throw new Error('scripts/build.mjs: zod no longer imports ../locales/index.js: update the zod-english-only plugin');
      }
    });
  },
};

/**
 * The foreground relay is a build of its own (below). In the CLI's build, the two imports of it
 * stay imports of that file, dist/relay-serve.js: the entry's (src/cli.ts, in dist/) and the relay
 * command's (src/cli/relay.ts, in a chunk under dist/chunks/). The relay's server code is bundled once.
 */
const relayServeStaysExternal = {
  name: 'relay-serve-stays-external',
  setup(b) {
    const importers = [
      { from: /[\\/]src[\\/]cli\.ts$/, specifier: './cli/relay-serve.js', output: './relay-serve.js' },
      { from: /[\\/]src[\\/]cli[\\/]relay\.ts$/, specifier: './relay-serve.js', output: '../relay-serve.js' },
    ];
    const seen = new Set();
    b.onResolve({ filter: /relay-serve\.js$/ }, (args) => {
      const known = importers.find((i) => i.from.test(args.importer) && i.specifier === args.path);
      if (!known) return undefined;
      seen.add(known);
      return { path: known.output, external: true };
    });
    b.onEnd((result) => {
      if (result.errors.length === 0 && seen.size !== importers.length) {
        throw new Error('scripts/build.mjs: src/cli.ts or src/cli/relay.ts no longer imports relay-serve.js as expected: update the relay-serve-stays-external plugin');
      }
    });
  },
};

/**
 * The foreground relay takes Node's modules through `require` (the banner's), not `import`. An
 * ESM import of a built-in module makes Node evaluate each of its lazy exports to build the
 * namespace: importing `node:fs` loaded the file streams, `node:net` its BlockList and
 * SocketAddress, `node:util` MIMEType, whatever the code used. Through require, a module's exports
 * are read when used. With the clock read only for the log (src/relay/handler.ts): thirteen of
 * Node's modules fewer in a serving relay and about half a MiB less resident memory (bench/relay).
 * `sideEffects: false`: an import whose bindings the bundle drops is dropped too, as it was.
 */
const builtinsThroughRequire = {
  name: 'builtins-through-require',
  setup(b) {
    // The wrapper's own require stays a require of the real module.
    b.onResolve({ filter: /^node:/ }, (args) => (args.namespace === 'builtin' ? { path: args.path, external: true } : { path: args.path, namespace: 'builtin', sideEffects: false }));
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

const out = 'dist';
const next = `${out}.next`;
const old = `${out}.old`;

await rm(next, { recursive: true, force: true });
const result = await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: next,
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // jsonc-parser's default entry is a UMD build that require()s its parts at run time; its ESM
  // build bundles cleanly.
  mainFields: ['module', 'main'],
  minify: true,
  // React and react-reconciler (for the interactive mode) pick their production builds by
  // NODE_ENV at run time; fixing it here drops their development builds (~260 KB) from the bundle.
  define: { 'process.env.NODE_ENV': '"production"' },
  // The licences of the bundled packages, in one file per output file that has any.
  legalComments: 'linked',
  // Bundled CommonJS modules may call require(); give the ESM output a working one.
  banner: { js: "import { createRequire as __sgCreateRequire } from 'node:module'; const require = __sgCreateRequire(import.meta.url);" },
  plugins: [zodEnglishOnly, inkWithoutDevtools, relayServeStaysExternal],
  // ink imports react-devtools-core (an optional peer we do not install) only when DEV=true, and
  // says so if it is missing: leave that import unresolved instead of failing the build. (The
  // ink-without-devtools plugin already keeps it out; this stays as a safety net.)
  external: ['react-devtools-core'],
  metafile: true,
  logLevel: 'warning',
});
await chmod(`${next}/cli.js`, 0o755);

// The foreground relay (src/cli/relay-serve.ts), the process that serves for hours: one file, all
// its static imports inside, so it loads one file after the entry rather than the twenty-odd
// chunks (and the whole of zod's core) it would share with the other commands. What it imports
// lazily (a re-target request's schema, a few lines) is inlined, evaluated only when first needed.
// Its resident memory is measured against a bare node:http proxy's by bench/relay.
const relayServe = await build({
  entryPoints: { 'relay-serve': 'src/cli/relay-serve.ts' },
  outdir: next,
  entryNames: '[name]',
  bundle: true,
  splitting: false,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  mainFields: ['module', 'main'],
  minify: true,
  legalComments: 'linked',
  banner: { js: "import { createRequire as __sgCreateRequire } from 'node:module'; const require = __sgCreateRequire(import.meta.url);" },
  plugins: [zodEnglishOnly, builtinsThroughRequire],
  metafile: true,
  logLevel: 'warning',
});

// The bin: a few lines of CommonJS that answer --version and otherwise import dist/cli.js (see
// src/bin.cts). Only package.json's version is bundled into it.
await build({
  entryPoints: ['src/bin.cts'],
  outfile: `${next}/bin.cjs`,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  plugins: [
    {
      name: 'cli-stays-external',
      setup(b) {
        b.onResolve({ filter: /^\.\/cli\.js$/ }, () => ({ path: './cli.js', external: true }));
        // The whole package.json would be bundled for one field.
        b.onLoad({ filter: /[\\/]package\.json$/ }, async (args) => ({
          contents: JSON.stringify({ version: JSON.parse(await readFile(args.path, 'utf8')).version }),
          loader: 'json',
        }));
      },
    },
  ],
  logLevel: 'warning',
});
await chmod(`${next}/bin.cjs`, 0o755);

// The profile document's JSON Schema (from the zod schema in src/core/profiles.ts, so the two
// cannot drift), published as dist/setup-gateway.schema.json for editors to complete profiles;
// and the shapes of `status --json` and `doctor --json` (src/app/output-schemas.ts), published as
// dist/status.schema.json and dist/doctor.schema.json for fleet reporting.
const schemaModule = `${next}/.schema.mjs`;
await build({
  stdin: {
    contents: "export { profileJsonSchema } from './src/core/profiles.ts'; export { outputJsonSchemas } from './src/app/output-schemas.ts';",
    resolveDir: process.cwd(),
    loader: 'ts',
  },
  outfile: schemaModule,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  mainFields: ['module', 'main'],
  logLevel: 'warning',
});
const { profileJsonSchema, outputJsonSchemas } = await import(path.resolve(schemaModule));
await writeFile(`${next}/setup-gateway.schema.json`, `${JSON.stringify(profileJsonSchema(), null, 2)}\n`);
for (const [name, schema] of Object.entries(outputJsonSchemas())) await writeFile(`${next}/${name}`, `${JSON.stringify(schema, null, 2)}\n`);
await rm(schemaModule);

await rm(old, { recursive: true, force: true });
await rename(out, old).catch((error) => {
  if (error.code !== 'ENOENT') throw error;
});
await rename(next, out);
await rm(old, { recursive: true, force: true });

// What went into each output file, for test/ship/startup.test.ts (which files a command loads,
// and whether they hold zod, yaml, react…, and which of their files). Kept out of dist/ so it is not published.
const outputs = {};
for (const [file, output] of [...Object.entries(result.metafile.outputs), ...Object.entries(relayServe.metafile.outputs)]) {
  const inputs = Object.keys(output.inputs);
  outputs[path.relative(next, file).split(path.sep).join('/')] = {
    bytes: output.bytes,
    packages: [...new Set(inputs.map(packageOf).filter((p) => p !== undefined))].sort(),
    sources: inputs.filter((i) => packageOf(i) === undefined),
    // The packages' own files, e.g. zod/v4/mini/schemas.js: which part of a package a file holds.
    packageFiles: inputs.flatMap((i) => /(?:^|[\\/])node_modules[\\/](.*)$/.exec(i.replace(/^[a-z-]+:/, ''))?.[1]?.split('\\').join('/') ?? []),
  };
}
await mkdir('.cache', { recursive: true });
await writeFile('.cache/build-meta.json', `${JSON.stringify({ outputs }, null, 2)}\n`);

/** `zod` for node_modules/zod/v4/core/x.js, `@scope/name` for scoped packages; undefined for ours. */
function packageOf(input) {
  const match = /(?:^|[\\/])node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(input.replace(/^[a-z-]+:/, ''));
  return match?.[1]?.replace('\\', '/');
}

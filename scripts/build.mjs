// Bundles the CLI and its runtime dependencies into dist/cli.js, so the published package has
// no dependencies to install and `npx setup-gateway` starts fast.
import { build } from 'esbuild';
import { chmod, rm } from 'node:fs/promises';

await rm('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // jsonc-parser's default entry is a UMD build that require()s its parts at run time; its ESM
  // build bundles cleanly.
  mainFields: ['module', 'main'],
  minify: true,
  legalComments: 'linked',
  // Some bundled CommonJS modules call require(); give ESM output a working one.
  banner: { js: "import { createRequire as __sgCreateRequire } from 'node:module'; const require = __sgCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
await chmod('dist/cli.js', 0o755);

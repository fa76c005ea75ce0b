// Prints the README's table of the relay's field rules, rendered from the adapters' own field
// tables (src/relay/fields-doc.ts); with --write, puts it between the README's markers.
// test/relay/fields.test.ts fails when the README and the tables disagree.
//
//   node scripts/relay-fields.mjs [--write]
import { build } from 'esbuild';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = await build({ entryPoints: [path.join(root, 'src/relay/fields-doc.ts')], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'error' });
const code = out.outputFiles[0].text;
const { fieldsMarkdown, FIELDS_START, FIELDS_END } = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
const block = fieldsMarkdown();
if (!process.argv.includes('--write')) {
  process.stdout.write(block);
} else {
  const readme = path.join(root, 'README.md');
  const text = await readFile(readme, 'utf8');
  const start = text.indexOf(FIELDS_START);
  const end = text.indexOf(FIELDS_END);
  if (start === -1 || end === -1) {
    process.stderr.write(`README.md has no ${FIELDS_START} … ${FIELDS_END} markers: add them where the table goes.\n`);
    process.exitCode = 1;
  } else {
    await writeFile(readme, text.slice(0, start) + block + text.slice(end + FIELDS_END.length + 1));
    process.stdout.write('README.md: relay field table written\n');
  }
}

// `node --import ./register.mjs app.js`: records every file: URL the app loads (static and dynamic
// imports alike), and the node: modules it imports, in the file named by SG_LOAD_TRACE, one per line. Used by test/ship/startup.test.ts
// to see which parts of dist/ a command really loads. At exit it adds every module of Node's own
// the process loaded, however (`builtin:` and the name from process.moduleLoadList: `builtin:crypto`,
// `builtin:internal/perf/performance`), since a module taken through require passes no hook.
import { createRequire, register } from 'node:module';

register('./hooks.mjs', import.meta.url);

// node:fs through require: imported, its lazy exports would load modules the app itself may not.
const { appendFileSync } = createRequire(import.meta.url)('node:fs');

const trace = process.env.SG_LOAD_TRACE;
if (trace) {
  process.on('exit', () => {
    const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => `builtin:${m.slice('NativeModule '.length)}\n`);
    appendFileSync(trace, builtins.join(''));
  });
}

// `node --import ./register.mjs app.js`: records every file: URL the app loads (static and dynamic
// imports alike), and the node: modules it imports, in the file named by SG_LOAD_TRACE, one per line. Used by test/ship/startup.test.ts
// to see which parts of dist/ a command really loads.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);

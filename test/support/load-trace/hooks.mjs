// Module loader hooks (they run on Node's loader thread): log, then load as usual. Node's own
// modules are logged too (node:crypto…), when imported as ES modules.
import { appendFileSync } from 'node:fs';

const trace = process.env.SG_LOAD_TRACE;

export async function load(url, context, nextLoad) {
  if (trace && (url.startsWith('file:') || url.startsWith('node:'))) appendFileSync(trace, `${url}\n`);
  return nextLoad(url, context);
}

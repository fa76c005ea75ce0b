// Module loader hooks (they run on Node's loader thread): log, then load as usual.
import { appendFileSync } from 'node:fs';

const trace = process.env.SG_LOAD_TRACE;

export async function load(url, context, nextLoad) {
  if (trace && url.startsWith('file:')) appendFileSync(trace, `${url}\n`);
  return nextLoad(url, context);
}

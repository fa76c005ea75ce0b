// OpenAI limits function names to 64 characters; MCP tools (`mcp__server__tool`) often exceed it.
// Long names are shortened reversibly: a prefix plus a hash of the whole name, restored on the
// way back from the request's own tool list. Case is never changed: clients match names exactly.
import { sha256Hex } from './util.js';

export const MAX_TOOL_NAME = 64;

export function shortenToolName(name: string): string {
  if (name.length <= MAX_TOOL_NAME) return name;
  return `${name.slice(0, MAX_TOOL_NAME - 9)}_${sha256Hex(name).slice(0, 8)}`;
}

/** The names one request declared: shortens them going up, restores them coming back. */
export class ToolNames {
  /** Made for the first long name: most requests have none, and a map per request cost more. */
  private restore: Map<string, string> | undefined;

  constructor(names: Iterable<string> = []) {
    for (const n of names) this.add(n);
  }

  add(name: string): string {
    const short = shortenToolName(name);
    if (short !== name) (this.restore ??= new Map()).set(short, name);
    return short;
  }

  /** The name to send upstream. */
  up(name: string): string {
    return this.add(name);
  }

  /** The client's name for a name the upstream used. */
  down(name: string): string {
    return this.restore?.get(name) ?? name;
  }
}

// How a relay is configured, what it is handed, and the model map (client model names to the
// gateway's models, tried in order).
import type { TranslateOptions } from './common.js';
import type { AnthropicAuth, IncomingHeaders } from './headers.js';
import type { LocalToken } from './token.js';
import type { UpstreamClient } from './upstream-client.js';
import type { UpstreamOptions, UpstreamProtocol } from './upstreams.js';

export type Fetch = typeof fetch;

/** Client model names (globs, `*` matches anything, case-insensitive) to upstream models, tried in order. */
export type ModelMap = Record<string, string | readonly string[]>;

export interface RelayOptions extends TranslateOptions {
  /** The gateway, or several: the first is used, the others are fallbacks on 429/5xx. */
  upstream: string | UpstreamOptions | ReadonlyArray<string | UpstreamOptions>;
  /** The gateway key, injected into every upstream request. */
  key: string;
  /**
   * The local token every request the relay forwards must carry (`x-api-key`, `Authorization:
   * Bearer`, `x-goog-api-key` or `?key=`); others get a 401. The CLI always sets it (the install's
   * token); without it, anyone who can connect spends the key, so leave it out only when the
   * embedding process alone can reach the relay.
   */
  token?: string | LocalToken;
  /** For upstreams that do not say. Default `auto`. */
  protocol?: UpstreamProtocol;
  models?: ModelMap;
  /** Reach the upstream through this fetch (tests, embedding); default: http1.ts, with keep-alive. */
  fetch?: Fetch;
  /** Or through this client (takes precedence over `fetch`). */
  client?: UpstreamClient;
  /** Ping a streaming client after this much upstream silence. Default 15 s. */
  pingIntervalMs?: number;
  /** Default 32 MiB. */
  maxBodyBytes?: number;
  /** How the key reaches an Anthropic-format upstream. Default both `x-api-key` and `Authorization: Bearer`. */
  anthropicAuth?: AnthropicAuth;
  anthropicVersion?: string;
  /** One line per request; never a key. */
  log?: (line: string) => void;
  /** Also log request bodies (prompts). */
  logBodies?: boolean;
}

export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
export const DEFAULT_PING_INTERVAL_MS = 15_000;

export interface RelayRequest {
  method: string;
  /** Path and query, e.g. `/v1/messages?beta=true`. */
  url: string;
  headers: IncomingHeaders;
  body: Uint8Array;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

/** The model map as a function: the upstream models a client's model maps to, in the order to try them. */
export function modelChooser(models: ModelMap = {}): (model: string) => string[] {
  const routes = Object.entries(models).map(([pattern, list]) => ({
    re: globToRegExp(pattern),
    models: (typeof list === 'string' ? [list] : [...list]).filter(Boolean),
  }));
  return (model) => {
    for (const r of routes) if (r.re.test(model) && r.models.length > 0) return r.models;
    return [model];
  };
}

// A gateway base URL and the forms derived from it, one rule for every command and the relay.
// No zod here: the relay loads this module, and zod would add to its memory (bench/relay).
import { gatewayRoot, isLoopbackHost } from '../relay/net.js';
import { UsageError } from './errors.js';

// One rule for gateway roots and loopback names, shared with the relay (which may not import core).
export { isLoopbackHost };

export interface GatewayUrls {
  /** The gateway root without `/v1`: what Anthropic clients want (they append `/v1/messages`). */
  anthropic: string;
  /** The root plus `/v1`: what OpenAI clients want (they append `/chat/completions`). */
  openai: string;
  /** Whether the URL is a loopback address (a local relay or proxy). */
  isLoopback: boolean;
}

export function normalizeBaseUrl(input: string): GatewayUrls {
  const raw = input.trim();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--base-url: "${raw}" is not a URL.`, ['Expected something like https://gateway.example.com/v1']);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`--base-url: the scheme must be http or https, not "${url.protocol.replace(/:$/, '')}".`);
  }
  if (url.username || url.password) {
    // Credentials in the URL would end up in every agent's config and every log line.
    throw new UsageError('--base-url: remove the user:password part; pass the key with --key, --key-env or --key-stdin.');
  }
  if (url.search || url.hash) {
    throw new UsageError('--base-url: remove the query string or fragment; the agents append their own paths.');
  }
  // Endpoint suffixes pasted by mistake (`https://gw/v1/chat/completions` means the gateway at
  // `https://gw`) and `/v1` (present, missing or doubled) are cut off.
  const pathname = gatewayRoot(url.pathname);
  const root = `${url.protocol}//${url.host}${pathname}`;
  return { anthropic: root, openai: `${root}/v1`, isLoopback: isLoopbackHost(url.hostname) };
}

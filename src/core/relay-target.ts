// Where an agent routed through the local relay points, and what it holds there. Read by apply
// (to plan such agents), doctor (to check them) and status alike, so it lives below all three.
import { DEFAULT_RELAY_HOST, DEFAULT_RELAY_PORT } from '../relay/defaults.js';
import { normalizeBaseUrl, type Profile } from './profile.js';

export function defaultRelayUrl(port = DEFAULT_RELAY_PORT): string {
  return `http://${DEFAULT_RELAY_HOST}:${port}`;
}

/**
 * The profile an agent routed through the relay gets: the relay's URL and the install's local
 * token (relay-token.ts), which the relay requires; the relay injects the real key.
 */
export function relayProfile(profile: Profile, relayUrl: string, token: string): Profile {
  return { ...profile, urls: normalizeBaseUrl(relayUrl), key: token };
}

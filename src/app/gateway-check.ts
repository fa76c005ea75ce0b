// The gateway as the user typed it: its URL, whether it answers with this key, which models it
// lists and which protocols it serves (what relay routing is decided from).
import { UsageError } from '../core/errors.js';
import { listModels, type Fetch } from '../core/gateway.js';
import { probeRequest, type ProbeProtocol } from '../core/http.js';
import { ModelIdSchema, normalizeBaseUrl, type GatewayUrls } from '../core/profile.js';
import type { Protocol } from '../core/recipe.js';
import { maskSecrets } from '../core/secrets.js';
import { DEFAULT_TIMEOUT_MS } from '../doctor/run.js';
import type { Served } from './route.js';

/** A URL as typed: its two forms, or a one-line reason it is not usable. */
export function parseGatewayUrl(input: string): { ok: true; urls: GatewayUrls } | { ok: false; error: string } {
  if (!input.trim()) return { ok: false, error: 'Type the gateway URL, e.g. https://gateway.example.com/v1' };
  try {
    return { ok: true, urls: normalizeBaseUrl(input) };
  } catch (error) {
    if (error instanceof UsageError) return { ok: false, error: error.message.replace(/^--base-url: /, '') };
    throw error;
  }
}

/** Why a typed model id cannot be used, or undefined when it can. */
export function modelProblem(model: string): string | undefined {
  const parsed = ModelIdSchema.safeParse(model);
  return parsed.success ? undefined : (parsed.error.issues[0]?.message ?? 'invalid model id');
}

export interface ProtocolStatus {
  /** A protocol name such as `anthropic-messages`. */
  protocol: string;
  /** The protocol probed, when the probe knows it: what relay routing is decided from. */
  id?: Protocol;
  ok: boolean;
  detail?: string;
}

export type ProtocolProbe = (urls: GatewayUrls, key: string, fetch: Fetch, models: readonly string[]) => Promise<ProtocolStatus[]>;

/** `keyRefused`: the gateway refused the key (401/403), so the next thing to try is another key. */
export type GatewayCheck = { ok: true; models: string[]; protocols?: ProtocolStatus[] } | { ok: false; reason: string; keyRefused?: boolean };

/**
 * What the gateway serves, from the check's protocol probe: served, not served (404/405), or
 * unknown (no probe, no answer, key refused): only "not served" moves an agent to the relay.
 */
export function servedOf(check: GatewayCheck | undefined): Served {
  const served: Served = {};
  if (!check?.ok) return served;
  for (const p of check.protocols ?? []) {
    if (!p.id) continue;
    if (p.ok) served[p.id] = true;
    else if (p.detail === 'not served') served[p.id] = false;
  }
  return served;
}

/** A failed check as one line: its cause and, after a retry, how many times it was tried. */
export function checkFailureText(check: { reason: string }, attempt = 1): string {
  return `${check.reason}${attempt > 1 ? ` (tried ${attempt} times)` : ''}`;
}

/** The live check: the gateway must list its models with this key; protocols when a probe is given. */
export async function checkGateway(urls: GatewayUrls, key: string, deps: { fetch: Fetch; probeProtocols?: ProtocolProbe }): Promise<GatewayCheck> {
  const models = await listModels(urls, key, deps.fetch);
  if (!models.ok) return { ok: false, reason: maskSecrets(models.reason, [key]), ...(models.keyRefused ? { keyRefused: true } : {}) };
  if (!deps.probeProtocols) return { ok: true, models: models.models };
  const protocols = await deps.probeProtocols(urls, key, deps.fetch, models.models).catch((error: unknown) => [
    { protocol: 'probe', ok: false, detail: maskSecrets(error instanceof Error ? error.message : String(error), [key]) },
  ]);
  return { ok: true, models: models.models, protocols };
}

const PROBED: ReadonlyArray<{ protocol: ProbeProtocol; name: string }> = [
  { protocol: 'anthropic-messages', name: 'Anthropic messages' },
  { protocol: 'openai-chat', name: 'OpenAI chat' },
  { protocol: 'openai-responses', name: 'OpenAI responses' },
];

/**
 * One request per protocol that no gateway turns into a completion (an empty conversation,
 * `X-Dry-Run: true`). 404/405: not served; 401/403: the key is refused there; any other answer:
 * the route exists.
 */
export async function probeProtocols(urls: GatewayUrls, key: string, fetch: Fetch, models: readonly string[], timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ProtocolStatus[]> {
  const model = models.includes('auto') ? 'auto' : (models[0] ?? 'auto');
  return Promise.all(
    PROBED.map(async ({ protocol, name }): Promise<ProtocolStatus> => {
      const outcome = await probeRequest(fetch, urls, protocol, key, model, timeoutMs);
      if (outcome.status === undefined) return { protocol: name, id: protocol, ok: false, detail: outcome.error ?? 'no answer' };
      if (outcome.status === 404 || outcome.status === 405) return { protocol: name, id: protocol, ok: false, detail: 'not served' };
      if (outcome.status === 401 || outcome.status === 403) return { protocol: name, id: protocol, ok: false, detail: 'key refused' };
      return { protocol: name, id: protocol, ok: true };
    }),
  );
}

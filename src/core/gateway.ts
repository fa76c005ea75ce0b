// Talking to the gateway itself: today only the model list, used when an agent needs a model
// and none was given. `fetch` is injected so tests can answer without a network.
import { z } from 'zod';
import type { GatewayUrls } from './profile.js';
import { describeFetchFailure } from '../relay/net.js';

const ModelListSchema = z.object({ data: z.array(z.object({ id: z.string() }).passthrough()) }).passthrough();

export type Fetch = typeof fetch;

/**
 * `noAnswer`: the gateway did not answer at all (refused, DNS, TLS, timeout), as opposed to an HTTP
 * error; `keyRefused`: it answered 401 or 403 (another key may do).
 */
export type ModelList = { ok: true; models: string[] } | { ok: false; reason: string; noAnswer?: boolean; keyRefused?: boolean };

export async function listModels(urls: GatewayUrls, key: string, fetchFn: Fetch, timeoutMs = 5000): Promise<ModelList> {
  const url = `${urls.openai}/models`;
  let response: Response;
  try {
    response = await fetchFn(url, {
      headers: { authorization: `Bearer ${key}`, 'x-api-key': key, accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (error) {
    // The cause named (refused on host:port, DNS, TLS and why, timeout): relay/net.ts's one rule.
    return { ok: false, noAnswer: true, reason: `GET ${url} failed: ${describeFetchFailure(error, { url, timeoutMs }).reason}` };
  }
  if (response.status === 401 || response.status === 403) {
    return { ok: false, reason: `GET ${url} answered ${response.status}: the gateway rejected the key`, keyRefused: true };
  }
  if (!response.ok) return { ok: false, reason: `GET ${url} answered HTTP ${response.status}` };
  const parsed = ModelListSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) return { ok: false, reason: `GET ${url} did not return a model list` };
  return { ok: true, models: parsed.data.data.map((m) => m.id) };
}

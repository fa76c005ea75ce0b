// Talking to the gateway over HTTP: every request has a deadline, never follows a redirect, and
// comes back as data (status, headers, body, or why there was no answer), so callers stay pure.
// Shared by apply's protocol probe and doctor's checks.
import type { Fetch } from './gateway.js';
import type { GatewayUrls } from './profile.js';
import { describeFetchFailure } from '../relay/net.js';

export type ProbeProtocol = 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'gemini';

export interface HttpOutcome {
  /** Set when an HTTP answer came back. */
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  bodyText?: string;
  /** Set when no answer came back: `timeout`, `ECONNREFUSED`, `ENOTFOUND`, a TLS code… */
  error?: string;
  /** The cause in words, with the host and port (relay/net.ts `describeFetchFailure`). */
  errorDetail?: string;
  ms?: number;
}

const MAX_BODY = 64 * 1024;

export async function request(fetchFn: Fetch, url: string, init: RequestInit, timeoutMs: number): Promise<HttpOutcome> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // A deadline of our own as well as the signal: an injected fetch may ignore the signal.
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new DOMException('timed out', 'TimeoutError'));
      resolve('timeout');
    }, timeoutMs);
  });
  try {
    const answer = await Promise.race([
      (async () => {
        const response = await fetchFn(url, { ...init, signal: controller.signal, redirect: 'manual' });
        const ms = Math.round(performance.now() - started);
        const headers: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          headers[name.toLowerCase()] = value;
        });
        const bodyText = (await response.text()).slice(0, MAX_BODY);
        let body: unknown;
        try {
          body = bodyText ? JSON.parse(bodyText) : undefined;
        } catch {
          body = undefined;
        }
        return { status: response.status, headers, body, bodyText, ms } satisfies HttpOutcome;
      })(),
      deadline,
    ]);
    if (answer === 'timeout') return failedOutcome(new DOMException('timed out', 'TimeoutError'), url, timeoutMs);
    return answer;
  } catch (error) {
    return failedOutcome(error, url, timeoutMs);
  } finally {
    clearTimeout(timer);
  }
}

/** A failed request as an outcome: its code, and its cause in words (the one rule, relay/net.ts). */
export function failedOutcome(error: unknown, url: string, timeoutMs: number): HttpOutcome {
  const failure = describeFetchFailure(error, { url, timeoutMs });
  return { error: failure.code, errorDetail: failure.reason };
}

function authHeaders(key: string | undefined): Record<string, string> {
  return key ? { authorization: `Bearer ${key}` } : {};
}

export function modelsRequest(fetchFn: Fetch, urls: GatewayUrls, key: string | undefined, timeoutMs: number): Promise<HttpOutcome> {
  return request(fetchFn, `${urls.openai}/models`, { headers: { ...authHeaders(key), accept: 'application/json' } }, timeoutMs);
}

export function endpointOf(protocol: ProbeProtocol, urls: GatewayUrls, model = 'auto'): string {
  switch (protocol) {
    case 'gemini':
      return `${urls.anthropic}/v1beta/models/${encodeURIComponent(model)}:generateContent`;
    case 'openai-chat':
      return `${urls.openai}/chat/completions`;
    case 'openai-responses':
      return `${urls.openai}/responses`;
    case 'anthropic-messages':
      return `${urls.anthropic}/v1/messages`;
  }
}

/**
 * A request no gateway can turn into a completion: an empty conversation, which every
 * implementation of these APIs refuses (400) after routing and authentication. A 404 means the
 * route is not served. `X-Dry-Run: true` asks gateways that support it for their routing decision.
 */
function cheapBody(protocol: ProbeProtocol, model: string): unknown {
  switch (protocol) {
    case 'openai-chat':
      return { model, messages: [], max_tokens: 1 };
    case 'openai-responses':
      return { model, input: [], max_output_tokens: 16 };
    case 'anthropic-messages':
      return { model, messages: [], max_tokens: 1 };
    case 'gemini':
      return { contents: [], generationConfig: { maxOutputTokens: 1 } };
  }
}

/** The smallest real request: one word in, at most one token (16 for responses, its minimum) out. */
function completionBody(protocol: ProbeProtocol, model: string): unknown {
  switch (protocol) {
    case 'openai-chat':
      return { model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 };
    case 'openai-responses':
      return { model, input: 'ping', max_output_tokens: 16 };
    case 'anthropic-messages':
      return { model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 };
    case 'gemini':
      return { contents: [{ role: 'user', parts: [{ text: 'ping' }] }], generationConfig: { maxOutputTokens: 1 } };
  }
}

export function probeRequest(
  fetchFn: Fetch,
  urls: GatewayUrls,
  protocol: ProbeProtocol,
  key: string | undefined,
  model: string,
  timeoutMs: number,
  completion = false,
): Promise<HttpOutcome> {
  const headers: Record<string, string> = { ...authHeaders(key), 'content-type': 'application/json', accept: 'application/json' };
  if (protocol === 'anthropic-messages') headers['anthropic-version'] = '2023-06-01';
  // Google's own header; gateways with a Gemini face take it (or the bearer token).
  if (protocol === 'gemini' && key) headers['x-goog-api-key'] = key;
  if (!completion) headers['x-dry-run'] = 'true';
  const body = completion ? completionBody(protocol, model) : cheapBody(protocol, model);
  return request(fetchFn, endpointOf(protocol, urls, model), { method: 'POST', headers, body: JSON.stringify(body) }, timeoutMs);
}

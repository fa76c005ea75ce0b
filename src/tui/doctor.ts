// The interactive mode's two seams to `setup-gateway doctor` (src/doctor):
// - the gateway check's protocol probe, from doctor's network layer: one request per protocol
//   that no gateway turns into a completion (an empty conversation, `X-Dry-Run: true`).
//   404/405: not served; 401/403: the key is refused there; any other answer: the route exists.
// - the checks after apply: doctor itself, on the agents just written.
import { probeRequest } from '../core/http.js';
import { readRelayStatus } from '../doctor/relay.js';
import { DEFAULT_TIMEOUT_MS, runDoctor } from '../doctor/run.js';
import type { Finding, ProbeProtocol } from '../doctor/types.js';
import type { Fetch } from '../core/gateway.js';
import type { GatewayUrls } from '../core/profile.js';
import { maskSecrets } from '../core/secrets.js';
import type { Check, ProtocolStatus, Verifier } from './wizard.js';

const PROBED: ReadonlyArray<{ protocol: ProbeProtocol; name: string }> = [
  { protocol: 'anthropic-messages', name: 'Anthropic messages' },
  { protocol: 'openai-chat', name: 'OpenAI chat' },
  { protocol: 'openai-responses', name: 'OpenAI responses' },
];

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

const BAD = new Set<Finding['level']>(['error', 'crash']);

/**
 * doctor on the agents just configured, with the gateway and key of the run: an agent passes
 * when doctor finds no error about it (warnings are named); gateway-level errors are one more
 * line. Every key doctor saw is masked.
 */
export const doctorChecks: Verifier = async (review, deps) => {
  const report = await runDoctor(
    {
      agents: review.choices.map((c) => c.recipe.id),
      baseUrl: review.profile.urls.openai,
      key: { value: review.profile.key, from: 'the interactive mode', source: 'flag' },
      offline: false,
      probeCompletion: false,
      timeoutMs: DEFAULT_TIMEOUT_MS,
    },
    // Agents routed through the local relay are checked against it (is it up?), not the gateway.
    { env: deps.env, fetch: deps.fetch, version: deps.version, relay: (env) => readRelayStatus(env, review.relay.url), ...(deps.cwd ? { cwd: deps.cwd } : {}), ...(deps.recipes ? { recipes: deps.recipes } : {}) },
  );
  const mask = (text: string) => maskSecrets(text, [review.profile.key, ...report.secrets]);
  const checks: Check[] = review.choices.map(({ recipe }) => {
    const mine = report.findings.filter((f) => f.agent === recipe.id);
    const bad = mine.filter((f) => BAD.has(f.level));
    const warnings = mine.filter((f) => f.level === 'warn');
    if (bad.length) return { agent: recipe.id, ok: false, detail: mask(`doctor: ${bad.map((f) => f.message).join(' ')}`) };
    const warned = warnings.length ? `; ${warnings.length} warning${warnings.length === 1 ? '' : 's'}: ${warnings.map((f) => f.message).join(' ')}` : '';
    return { agent: recipe.id, ok: true, detail: mask(`doctor: ${mine.length - warnings.length} check${mine.length - warnings.length === 1 ? '' : 's'} passed${warned}`) };
  });
  const gateway = report.findings.filter((f) => f.agent === undefined && BAD.has(f.level));
  if (gateway.length) checks.push({ agent: 'gateway', ok: false, detail: mask(`doctor: ${gateway.map((f) => f.message).join(' ')}`) });
  return checks;
};

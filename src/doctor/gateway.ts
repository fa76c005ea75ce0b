// Checks of the gateway itself, from the answers gathered in net.ts: reachable, TLS, key,
// models, which protocols it serves, routing trace headers, and (on request) a real completion.
import type { Protocol } from '../core/recipe.js';
import { maskKey } from '../core/secrets.js';
import { isTlsFailure } from '../relay/net.js';
import { isConfigured } from './checks/shared.js';
import { describeRoute, proxyFor, proxySettings } from '../relay/proxy.js';
import type { DoctorContext, Finding, HttpOutcome, NetResults, ProbeProtocol } from './types.js';

export const PROTOCOLS: readonly ProbeProtocol[] = ['openai-chat', 'openai-responses', 'anthropic-messages'];

export const PROTOCOL_NAMES: Record<ProbeProtocol, string> = {
  'openai-chat': 'OpenAI chat completions (POST /v1/chat/completions)',
  'openai-responses': 'OpenAI responses (POST /v1/responses)',
  'anthropic-messages': 'Anthropic messages (POST /v1/messages)',
  gemini: 'the Gemini API (POST /v1beta/models/{model}:generateContent)',
};

export function isProbeProtocol(p: Protocol): p is ProbeProtocol {
  return p === 'openai-chat' || p === 'openai-responses' || p === 'anthropic-messages';
}

/** A chain that ends at a CA this machine's Node does not know: what a TLS-inspecting proxy produces. */
const INTERCEPTION_CODES = new Set(['SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']);

/** Refusals by the proxy itself (src/relay/http1.ts names them). */
const PROXY_CODES = new Set(['PROXY_AUTH_REQUIRED', 'PROXY_CONNECT_FAILED', 'PROXY_UNSUPPORTED']);

/** The message a gateway put in its error body, in any of the usual shapes. */
export function gatewayMessage(outcome: HttpOutcome): string {
  const b = outcome.body as { error?: unknown; message?: unknown; detail?: unknown } | undefined;
  const e = b?.error as { message?: unknown } | string | undefined;
  const text =
    (typeof e === 'string' ? e : typeof e?.message === 'string' ? e.message : undefined) ??
    (typeof b?.message === 'string' ? b.message : undefined) ??
    (typeof b?.detail === 'string' ? b.detail : undefined) ??
    outcome.bodyText?.trim().slice(0, 200);
  return text ? text.slice(0, 200) : '';
}

function quoted(outcome: HttpOutcome): string {
  const m = gatewayMessage(outcome);
  return m ? `: "${m}"` : '';
}

const ROUTING_HEADER = /^x-[a-z0-9-]*(router|routing|route|model|provider|litellm|portkey|phase|cost|savings)[a-z0-9-]*$/;

/** Protocols the checked agents speak, with the agents that need each. */
export function neededProtocols(ctx: DoctorContext): Map<ProbeProtocol, string[]> {
  const needed = new Map<ProbeProtocol, string[]>();
  for (const a of ctx.agents) {
    const p = a.recipe.protocol;
    if (!isProbeProtocol(p) || a.viaRelay) continue;
    if (!a.slots.some((s) => s.slot === 'url' && typeof s.value === 'string')) continue;
    needed.set(p, [...(needed.get(p) ?? []), a.recipe.name]);
  }
  return needed;
}

export function gatewayFindings(ctx: DoctorContext, offline: boolean): Finding[] {
  const { gateway } = ctx;
  const out: Finding[] = [];
  if (!gateway.urls) {
    out.push({
      code: 'GATEWAY_UNKNOWN',
      level: 'error',
      message: 'No gateway to check: no --base-url, no apply recorded, and no agent points anywhere.',
      why: 'doctor compares every agent with one gateway; without it only the files themselves can be checked.',
      fix: 'setup-gateway (asks for the gateway and the key, then configures the agents)',
    });
    return out;
  }
  const urls = gateway.urls;
  out.push({
    code: 'GATEWAY_SOURCE',
    level: 'ok',
    message: `Gateway ${urls.openai} (from ${gateway.urlSource})${gateway.key ? `, key ${maskKey(gateway.key)} (from ${gateway.keyFrom})` : ''}.`,
    why: 'Every agent below is compared with this gateway and key.',
    fix: '',
  });
  const relayed = relayedOnly(ctx);
  if (!gateway.key && relayed.length) {
    // Not a gap: agents behind the relay hold only its local token; the relay holds the key.
    out.push({
      code: 'KEY_AT_RELAY',
      level: 'ok',
      message: `The gateway key is the relay's to hold: ${relayed.map((a) => a.recipe.name).join(', ')} ${relayed.length === 1 ? 'goes' : 'go'} through the local relay, which adds it.`,
      why: 'Those agents hold only the relay\'s local token; doctor checks the gateway itself only with a key it is given.',
      fix: 'To check the gateway with its key too, pass --key-env VAR (or set SETUP_GATEWAY_KEY).',
    });
  } else if (!gateway.key) {
    out.push({
      code: 'KEY_UNKNOWN',
      level: 'warn',
      message: 'No gateway key: none was given and no agent holds one.',
      why: 'Without the key, doctor cannot tell whether the gateway accepts it, and --fix cannot write it.',
      fix: 'Pass --key-env VAR (or --key-stdin, or set SETUP_GATEWAY_KEY).',
    });
  }
  const url = new URL(urls.openai);
  if (url.protocol === 'http:' && !urls.isLoopback) {
    out.push({
      code: 'GATEWAY_PLAIN_HTTP',
      level: 'warn',
      message: `The gateway URL is plain http to ${url.host}.`,
      why: 'The key and every prompt travel unencrypted; anyone on the network path can read them.',
      fix: 'Use the https:// address of the gateway.',
    });
  }
  if (offline || !ctx.net) {
    out.push({ code: 'NETWORK_SKIPPED', level: 'ok', message: 'Network checks skipped (--offline).', why: '', fix: 'Run without --offline to check the gateway itself.' });
    return out;
  }
  return [...out, networkPath(ctx, url), ...reachability(ctx, ctx.net, url)];
}

/** How doctor's requests reached the gateway: which proxy (or none), and which CAs were trusted. */
function networkPath(ctx: DoctorContext, url: URL): Finding {
  const settings = proxySettings(ctx.env.env);
  const extra = ctx.env.env.NODE_EXTRA_CA_CERTS;
  const cas = url.protocol === 'https:' ? `; TLS trusts Node's CA list${extra ? ` and NODE_EXTRA_CA_CERTS (${extra})` : ' (NODE_EXTRA_CA_CERTS is not set)'}` : '';
  return {
    code: 'GATEWAY_NETWORK',
    level: 'ok',
    message: `Requests to ${url.host} go ${describeRoute(settings, url)}${cas}.`,
    why: 'setup-gateway, the relay and Node-based agents read HTTPS_PROXY, HTTP_PROXY, NO_PROXY and NODE_EXTRA_CA_CERTS from the environment.',
    fix: '',
  };
}

function reachability(ctx: DoctorContext, net: NetResults, url: URL): Finding[] {
  const out: Finding[] = [];
  const m = net.models;
  const host = url.host;
  if (m.error) {
    out.push(connectionFinding(ctx, m, url));
    return out;
  }
  const status = m.status as number;
  if (status >= 300 && status < 400) {
    out.push({
      code: 'GATEWAY_REDIRECT',
      level: 'error',
      message: `GET ${ctx.gateway.urls?.openai}/models answered ${status}, a redirect to ${m.headers?.location ?? '(no location)'}.`,
      why: 'Agents do not follow redirects on API calls (Claude Code treats one as a failure): the base URL must be the final address.',
      fix: m.headers?.location ? `Use the address it redirects to: setup-gateway apply --base-url ${m.headers.location.replace(/\/models\/?$/, '')}` : 'Use the final address of the gateway.',
    });
    return out;
  }
  out.push({
    code: 'GATEWAY_REACHABLE',
    level: 'ok',
    message: `${host} answers (${m.ms ?? '?'} ms for GET /v1/models).`,
    why: 'The base URL resolves and a server answers there.',
    fix: '',
  });
  if (url.protocol === 'https:') {
    out.push({ code: 'GATEWAY_TLS', level: 'ok', message: `The TLS certificate of ${url.hostname} is valid.`, why: 'Agents refuse a connection whose certificate does not verify.', fix: '' });
  }

  const keyRejected = keyFindings(ctx, net, out);
  out.push(...modelListFindings(net));
  out.push(...protocolFindings(ctx, net, keyRejected));
  out.push(...completionFindings(net));
  const trace = traceHeaders(net);
  if (trace.length) {
    out.push({
      code: 'GATEWAY_TRACE',
      level: 'ok',
      message: `Routing trace: ${trace.join(', ')}.`,
      why: 'These response headers show how the gateway routed the probe.',
      fix: '',
    });
  }
  return out;
}

function connectionFinding(ctx: DoctorContext, m: HttpOutcome, url: URL): Finding {
  const { host } = url;
  const https = url.protocol === 'https:';
  const timeoutMs = ctx.timeoutMs;
  const code = m.error as string;
  // errorDetail names the cause (core/http.ts, from relay/net.ts's one rule): refused on host:port, DNS, TLS and why.
  const cause = m.errorDetail ?? code;
  if (PROXY_CODES.has(code)) {
    const route = proxyFor(proxySettings(ctx.env.env), url);
    const variable = route.via === 'proxy' ? route.proxy.variable : 'HTTPS_PROXY';
    return {
      code: 'GATEWAY_PROXY',
      level: 'error',
      message: `The proxy did not let the request to ${host} through: ${cause}${cause.includes(code) ? '' : ` (${code})`}.`,
      why: 'Agents behind the same proxy fail the same way.',
      fix:
        code === 'PROXY_AUTH_REQUIRED'
          ? `Put the proxy credentials in ${variable}: http://user:password@proxy:port (percent-encode special characters).`
          : code === 'PROXY_UNSUPPORTED'
            ? `Point ${variable} at an http:// or https:// proxy.`
            : `Ask your network team whether the proxy allows ${host}, or list the host in NO_PROXY if it is reachable directly.`,
    };
  }
  if (https && INTERCEPTION_CODES.has(code)) {
    const extra = ctx.env.env.NODE_EXTRA_CA_CERTS;
    return {
      code: 'GATEWAY_TLS',
      level: 'error',
      message: `TLS to ${host} failed: a proxy or company CA intercepts TLS: ${cause.replace(/^TLS error: /, '').replace(` (${code})`, '')} (${code}).`,
      why: 'The certificate chain ends at a CA this machine\'s Node does not trust, as when a company proxy inspects TLS; agents refuse it too, and turning verification off would expose the key.',
      fix: extra
        ? `NODE_EXTRA_CA_CERTS (${extra}) does not hold the CA that signed this chain: set it to your company's CA file (PEM), and pass the same file to the relay with --ca-file.`
        : "Set NODE_EXTRA_CA_CERTS to your company's CA file (PEM) for setup-gateway and Node-based agents, or pass it to the relay with --ca-file PATH.",
    };
  }
  if (code === 'timeout') {
    return {
      code: 'GATEWAY_TIMEOUT',
      level: 'error',
      message: `${host} did not answer: timeout after ${timeoutMs / 1000} s.`,
      why: 'Agents time out too, or hang; a slow start can also be a firewall silently dropping packets.',
      fix: 'Check the URL and your network (VPN, proxy); if the gateway is just slow, run doctor with --timeout 15.',
    };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return {
      code: 'GATEWAY_DNS',
      level: 'error',
      message: code === 'ENOTFOUND' ? `${host.replace(/:\d+$/, '')} does not resolve: DNS name not found (${code}).` : `${cause} (${code}).`,
      why: 'No agent can reach a host name that DNS does not know.',
      fix: 'Check the spelling of the base URL, or your DNS/VPN.',
    };
  }
  if (isTlsFailure(code)) {
    return {
      code: 'GATEWAY_TLS',
      level: 'error',
      message: `TLS to ${host} failed: ${cause.replace(/^TLS error: /, '').replace(` (${code})`, '')} (${code}).`,
      why: 'Agents refuse a connection whose certificate does not verify; turning verification off would expose the key.',
      fix: https ? 'Fix the certificate on the gateway, or trust your proxy\'s CA with NODE_EXTRA_CA_CERTS (Node agents) and the system store.' : 'Check the URL scheme.',
    };
  }
  return {
    code: 'GATEWAY_UNREACHABLE',
    level: 'error',
    // The cause names the host and port when it knows them ("connection refused on HOST:PORT"): not twice.
    message: `Cannot connect${cause.includes(host) ? '' : ` to ${host}`}: ${cause}${cause.includes(code) ? '' : ` (${code})`}.`,
    why: 'Every agent configured for this gateway fails until it is reachable.',
    fix: 'Check that the gateway (or the local relay) is running and the URL and port are right.',
  };
}

/** The configured agents when every one of them goes through the local relay (which holds the gateway key); else none. */
function relayedOnly(ctx: DoctorContext): DoctorContext['agents'] {
  const configured = ctx.agents.filter((a) => isConfigured(a));
  return configured.length && configured.every((a) => a.viaRelay) ? configured : [];
}

/** Returns whether the gateway rejected the key. */
function keyFindings(ctx: DoctorContext, net: NetResults, out: Finding[]): boolean {
  const key = ctx.gateway.key;
  const refused = (o: HttpOutcome | undefined) => o?.status === 401 || o?.status === 403;
  const probes = Object.values(net.probes);
  // The model list decides when it answers; otherwise the key is rejected only if every route refuses it.
  const auth = refused(net.models)
    ? net.models
    : net.models.status !== undefined && net.models.status < 300
      ? undefined
      : probes.some(refused) && !probes.some((o) => o !== undefined && served(o))
        ? probes.find(refused)
        : undefined;
  if (auth && !key && relayedOnly(ctx).length) {
    // Expected: the key is the relay's; the agents' own route is checked through the relay.
    out.push({
      code: 'GATEWAY_KEY_REQUIRED',
      level: 'ok',
      message: `The gateway wants a key (${auth.status}), which the relay adds; doctor was given none to check it with.`,
      why: 'The agents here reach the gateway only through the local relay.',
      fix: 'To check the gateway with its key too, pass --key-env VAR (or set SETUP_GATEWAY_KEY).',
    });
    // Said once here: the protocol probes' 401s are the same missing key.
    return true;
  }
  if (auth) {
    const status = auth.status as number;
    out.push({
      code: key ? 'GATEWAY_KEY_REJECTED' : 'GATEWAY_KEY_REQUIRED',
      level: 'error',
      message: key
        ? `The gateway rejected the key ${maskKey(key)} with ${status}${quoted(auth)}.`
        : `The gateway wants a key (${status}${quoted(auth)}) and doctor has none.`,
      why:
        status === 401
          ? 'A 401 means the gateway does not know the key: a typo, a revoked key, or a key for another service.'
          : 'A 403 means the key is known but not allowed here: plan, quota, model, IP or BYOK restrictions of the gateway.',
      fix: key ? 'Check the key in the gateway\'s dashboard, then `setup-gateway apply` with the right one.' : 'Pass --key-env VAR.',
    });
    return true;
  }
  if (!key) return false;
  const accepted = [net.models, ...Object.values(net.probes)].some((o) => o?.status !== undefined && o.status < 500 && o.status !== 404 && o.status !== 405);
  if (accepted) out.push({ code: 'GATEWAY_KEY', level: 'ok', message: `The gateway accepts the key ${maskKey(key)}.`, why: 'Requests with it are authenticated.', fix: '' });
  return false;
}

function modelListFindings(net: NetResults): Finding[] {
  const m = net.models;
  if (m.status === 401 || m.status === 403) return [];
  if (net.modelIds) {
    const shown = net.modelIds.slice(0, 8).join(', ') + (net.modelIds.length > 8 ? ', …' : '');
    return [{ code: 'GATEWAY_MODELS', level: 'ok', message: `The gateway lists ${net.modelIds.length} model${net.modelIds.length === 1 ? '' : 's'}${shown ? `: ${shown}` : ''}.`, why: 'Each agent\'s model is checked against this list.', fix: '' }];
  }
  return [
    {
      code: 'GATEWAY_MODELS',
      level: 'warn',
      message: `GET /v1/models answered ${m.status}${m.status && m.status < 300 ? ' without a model list' : quoted(m)}: the agents' models cannot be checked.`,
      why: 'Without the list, a misspelled model is only found when the agent fails.',
      fix: 'Check the models in the gateway\'s documentation or dashboard.',
    },
  ];
}

function served(o: HttpOutcome): boolean {
  return o.status !== undefined && o.status !== 404 && o.status !== 405 && o.status !== 501 && o.status !== 401 && o.status !== 403 && o.status < 500;
}

function protocolFindings(ctx: DoctorContext, net: NetResults, keyRejected: boolean): Finding[] {
  const out: Finding[] = [];
  const needed = neededProtocols(ctx);
  for (const p of PROTOCOLS) {
    const o = net.probes[p];
    if (!o) continue;
    const users = needed.get(p) ?? [];
    const name = PROTOCOL_NAMES[p];
    if (o.error) {
      out.push({
        code: 'PROTOCOL_UNREACHABLE',
        level: users.length ? 'error' : 'warn',
        message: `${name}: no answer (${o.errorDetail ?? o.error}).`,
        why: users.length ? `${users.join(', ')} speak${users.length === 1 ? 's' : ''} this protocol.` : 'No agent checked here needs it.',
        fix: 'Check the gateway\'s status and logs.',
      });
      continue;
    }
    if (o.status === 401 || o.status === 403) {
      if (!keyRejected) {
        out.push({
          code: 'PROTOCOL_KEY_REJECTED',
          level: users.length ? 'error' : 'warn',
          message: `${name}: the key was refused (${o.status}${quoted(o)}).`,
          why: 'The gateway lists models with this key but refuses it here.',
          fix: 'Check the key\'s permissions in the gateway.',
        });
      }
      continue;
    }
    if (served(o)) {
      const dry = dryRun(o);
      out.push({
        code: 'PROTOCOL_OK',
        level: 'ok',
        message: `Serves ${name}${dry ? ` (dry run: ${dry})` : ''}${users.length ? `, used by ${users.join(', ')}` : ''}.`,
        why: 'The probe sent an empty conversation with X-Dry-Run: true: routed and answered, never billed.',
        fix: '',
      });
      continue;
    }
    if ((o.status as number) >= 500) {
      out.push({
        code: 'PROTOCOL_ERROR',
        level: users.length ? 'error' : 'warn',
        message: `${name}: the gateway answered ${o.status}${quoted(o)}.`,
        why: 'A server error on the probe usually means the same for the agents.',
        fix: 'Check the gateway\'s status and logs.',
      });
      continue;
    }
    out.push({
      code: users.length ? 'PROTOCOL_MISSING' : 'PROTOCOL_NOT_SERVED',
      level: users.length ? 'error' : 'ok',
      message: `Does not serve ${name} (${o.status})${users.length ? `, which ${users.join(', ')} need${users.length === 1 ? 's' : ''}` : ''}.`,
      why: users.length
        ? 'An agent can only talk to the gateway in its own protocol; every request would fail with 404.'
        : 'No agent checked here needs it.',
      fix: users.length
        ? p === 'anthropic-messages'
          ? 'Use a gateway with an Anthropic-compatible endpoint, or put the setup-gateway relay in between (it translates to OpenAI chat completions).'
          : 'Use a gateway that serves this protocol, or a relay that translates it.'
        : '',
    });
  }
  return out;
}

function dryRun(o: HttpOutcome): string | undefined {
  const b = o.body as { dryRun?: unknown; dry_run?: unknown; routing?: Record<string, unknown> } | undefined;
  if (!b || (b.dryRun !== true && b.dry_run !== true)) return undefined;
  const r = b.routing ?? {};
  const model = r.modelSelected ?? r.model ?? r.selected_model;
  return typeof model === 'string' ? `routed to ${model}` : 'routing decision returned';
}

function completionFindings(net: NetResults): Finding[] {
  return PROTOCOLS.flatMap((p): Finding[] => {
    const o = net.completions[p];
    if (!o) return [];
    const name = PROTOCOL_NAMES[p];
    if (o.status !== undefined && o.status >= 200 && o.status < 300) {
      const model = (o.body as { model?: unknown } | undefined)?.model;
      return [{ code: 'COMPLETION_OK', level: 'ok', message: `A 1-token completion over ${name} came back${typeof model === 'string' ? ` from ${model}` : ''}.`, why: 'The gateway reaches a real model (--probe-completion).', fix: '' }];
    }
    return [
      {
        code: 'COMPLETION_FAILED',
        level: 'error',
        message: `A 1-token completion over ${name} failed: ${o.error ? (o.errorDetail ?? o.error) : `${o.status}${quoted(o)}`}.`,
        why: 'The gateway is up but cannot complete a request for this model: the agents fail the same way.',
        fix: 'Check the model id and the provider behind the gateway.',
      },
    ];
  });
}

function traceHeaders(net: NetResults): string[] {
  const seen = new Map<string, string>();
  for (const o of [net.models, ...Object.values(net.probes), ...Object.values(net.completions)]) {
    for (const [name, value] of Object.entries(o?.headers ?? {})) {
      if (ROUTING_HEADER.test(name) && !seen.has(name)) seen.set(name, value.slice(0, 120));
    }
  }
  return [...seen].map(([n, v]) => `${n}: ${v}`);
}

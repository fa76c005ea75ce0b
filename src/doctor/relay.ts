// The local relay (src/relay, being written) as doctor sees it: a pluggable reader of its status
// (from its pid file in the state dir), and a check that it runs, answers and matches this
// version whenever an agent is pointed at it. Without a reader, nothing is reported.
import type { Environment } from '../core/environment.js';
import type { Fetch } from '../core/gateway.js';
import { request } from '../core/http.js';
import { defaultRelayUrl } from '../core/relay-target.js';
import { isAlive, readRelayState } from '../core/relay-state.js';
import type { AgentState, DoctorContext, Finding, HttpOutcome } from './types.js';

export interface RelayStatus {
  /** A relay process is alive (its pid file names a running process). */
  running: boolean;
  pid?: number;
  /** Where it listens, e.g. http://127.0.0.1:4141 */
  url?: string;
  /** The setup-gateway version that started it. */
  version?: string;
}

/** Reads the relay's status; undefined when no relay was ever started. */
export type RelayStatusReader = (env: Environment) => Promise<RelayStatus | undefined>;

/**
 * The background relay as `relay start` recorded it (src/core/relay-state.ts). With no record, the
 * relay is not running at `url`: the address `apply` (or the interactive mode) points agents at.
 */
export async function readRelayStatus(env: Environment, url = defaultRelayUrl()): Promise<RelayStatus> {
  const state = await readRelayState(env);
  if (!state) return { running: false, url };
  return { running: isAlive(state.pid), pid: state.pid, url: state.url, ...(state.version ? { version: state.version } : {}) };
}

function origin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function portOf(url: string | undefined): string {
  const port = url ? new URL(url).port : '';
  return port ? ` --port ${port}` : '';
}

/** Whether one of the agent's URL settings points at `url`'s origin (scheme, host and port). */
export function pointsAt(agent: Pick<AgentState, 'slots'>, url: string): boolean {
  const target = origin(url);
  return Boolean(target) && agent.slots.some((s) => s.slot === 'url' && typeof s.value === 'string' && origin(s.value) === target);
}

/** Agents whose URL settings point at the relay's address. */
export function relayUsers(ctx: DoctorContext, relayUrl: string | undefined): string[] {
  return relayUrl ? ctx.agents.filter((a) => pointsAt(a, relayUrl)).map((a) => a.recipe.name) : [];
}

export async function relayFindings(
  ctx: DoctorContext,
  status: RelayStatus | undefined,
  options: { fetch: Fetch; version: string; offline: boolean },
): Promise<Finding[]> {
  if (!status) return [];
  const users = relayUsers(ctx, status.url);
  if (!users.length) {
    return status.running ? [{ code: 'RELAY_UNUSED', level: 'ok', message: `The relay runs (pid ${status.pid ?? '?'}) but no agent checked here points at it.`, why: '', fix: '' }] : [];
  }
  const needs = `${users.join(', ')} ${users.length === 1 ? 'sends' : 'send'} requests to it`;
  if (!status.running) {
    return [
      {
        code: 'RELAY_DOWN',
        level: 'error',
        message: `The relay is not running; ${needs}.`,
        why: 'Every request of those agents fails with "connection refused".',
        fix: `Start it with SETUP_GATEWAY_KEY set: setup-gateway relay start --upstream ${ctx.gateway.urls?.openai ?? 'GATEWAY_URL'}${portOf(status.url)} (or at every login: setup-gateway relay install-service …)`,
      },
    ];
  }
  const out: Finding[] = [];
  if (!options.offline && status.url) {
    // Asked as its agents ask: with the local token (the relay requires it on every forwarded request).
    const headers: Record<string, string> = { accept: 'application/json', ...(ctx.relayToken ? { authorization: `Bearer ${ctx.relayToken}` } : {}) };
    const answer: HttpOutcome = await request(options.fetch, `${status.url.replace(/\/+$/, '')}/v1/models`, { headers }, ctx.timeoutMs);
    if (answer.error) {
      out.push({ code: 'RELAY_NOT_ANSWERING', level: 'error', message: `The relay (pid ${status.pid ?? '?'}) does not answer at ${status.url} (${answer.error}).`, why: `${needs}.`, fix: 'Restart it: setup-gateway relay' });
    } else if (answer.status === 401 && ctx.relayToken) {
      out.push({
        code: 'RELAY_TOKEN_REFUSED',
        level: 'error',
        message: `The relay at ${status.url} (pid ${status.pid ?? '?'}) refuses this install's local token.`,
        why: `It was started with another state folder (XDG_STATE_HOME), so it requires another token; ${needs}.`,
        fix: `Restart it from here: setup-gateway relay stop, then setup-gateway relay start --upstream ${ctx.gateway.urls?.openai ?? 'GATEWAY_URL'}${portOf(status.url)}`,
      });
    } else {
      out.push({ code: 'RELAY_OK', level: 'ok', message: `The relay answers at ${status.url} (pid ${status.pid ?? '?'}); ${needs}.`, why: '', fix: '' });
    }
  }
  if (status.version && status.version !== options.version) {
    out.push({
      code: 'RELAY_VERSION',
      level: 'warn',
      message: `The relay was started by setup-gateway ${status.version}; this is ${options.version}.`,
      why: 'An older relay may lack translation fixes this version has.',
      fix: 'Restart it: setup-gateway relay',
    });
  }
  return out;
}

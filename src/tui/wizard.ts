// The interactive mode's words that both the ink TUI (app.tsx) and the line-by-line fallback
// (plain.ts) show: the gateways offered, how an agent and its state read, how a run ended. The
// logic they drive is in src/app (session, agents, gateway check, write, verify).
import type { AgentRow, AgentState } from '../app/agents.js';
import type { Review } from '../app/session.js';
import type { StartChoice } from '../app/start.js';
import type { Outcome } from '../app/verify.js';
import { displayPath, type Environment } from '../core/environment.js';
import type { Evidence } from '../core/recipe.js';

/** The exit code of a run the user cancelled (q, Esc, Ctrl-C): nothing was written. As for SIGINT. */
export const CANCELLED = 130;

/** How an interactive run ended, for the TUI and --plain alike. */
export type TuiResult =
  | { kind: 'cancelled' }
  | { kind: 'error'; message: string }
  /** The review showed nothing to write and the user closed it. */
  | { kind: 'nothing'; review: Review }
  | { kind: 'done'; review: Review; outcome: Outcome };

export interface Preset {
  id: string;
  label: string;
  /** Null for "type your own". */
  url: string | null;
  hint: string;
}

export const PRESETS: readonly Preset[] = [
  { id: 'coderouter', label: 'CodeRouter', url: 'https://www.coderouter.io/api/v1', hint: 'hosted gateway' },
  { id: 'openrouter', label: 'OpenRouter', url: 'https://openrouter.ai/api/v1', hint: 'hosted gateway' },
  { id: 'litellm', label: 'LiteLLM proxy', url: 'http://localhost:4000', hint: 'on this machine' },
  { id: 'keeptrusts', label: 'Keeptrusts gateway', url: 'http://localhost:41002', hint: 'on this machine' },
  { id: 'custom', label: 'Custom URL', url: null, hint: 'your own gateway' },
];

/** The first list's last entry, after the saved profiles. */
export const NEW_GATEWAY = 'Add a new gateway';

/** A saved profile (or the last gateway, not saved as a profile) as the first list shows it. */
export function startChoiceLabel(choice: StartChoice): string {
  return choice.saved ? choice.name : `${choice.name} (last used)`;
}

/** Where it goes and whether its key is known (then it is not asked for). */
export function startChoiceHint(choice: StartChoice): string {
  const key = choice.key ? `key from ${choice.keyFrom ?? 'the profile'}` : choice.keyProblem ? 'key asked: its reference does not resolve' : 'key asked';
  return `${choice.baseUrl} · ${key}${choice.last && choice.saved ? ' · last used' : ''}`;
}

/** One line per agent: what detection found, shortest first. */
export function describeEvidence(evidence: readonly Evidence[], env: Environment): string {
  if (evidence.length === 0) return 'not found';
  const parts = evidence.map((e) => {
    if (e.kind === 'binary') return `${displayPath(env, e.path)}${e.version ? ` ${e.version}` : ''}`;
    if (e.kind === 'extension') return `${e.editor ?? 'editor'} extension${e.version ? ` ${e.version}` : ''}`;
    return displayPath(env, e.path);
  });
  const unique = [...new Set(parts)];
  return unique.length > 2 ? `${unique.slice(0, 2).join(', ')} +${unique.length - 2}` : unique.join(', ');
}

export function describeState(state: AgentState): string {
  const files = (n: number) => `${n} file${n === 1 ? '' : 's'}`;
  switch (state.kind) {
    case 'routed':
      return 'already routed here';
    case 'routed-update':
      return `routed here; will update ${files(state.files)}`;
    case 'vendor':
      return `${state.detail}; will change ${files(state.files)}`;
    case 'other-gateway':
      return `another gateway (${state.url}); will change ${files(state.files)}`;
    case 'changes':
      return `will change ${files(state.files)}`;
    case 'manual':
      return 'needs manual steps';
    case 'error':
      return state.message;
  }
}

/** The agents list's words for an agent: its state when found, else why it is not. */
export function rowStatus(row: AgentRow): string {
  if (row.found) return describeState(row.state);
  return row.recipe.explicitOnly ? 'only when you select it' : 'not installed';
}

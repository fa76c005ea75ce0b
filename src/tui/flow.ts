// The interactive mode's flow as a pure step reducer: where the run is (a step, carrying what was
// answered so far), what can happen there (an answer, an async result, cancel), and the one slow
// thing a step waits for (its effect). No I/O, no React, no terminal: the ink screens (app.tsx,
// screens/) and the line-by-line mode (plain.ts) both drive this reducer through the same runner
// (runner.ts), so the two modes ask the same questions in the same order and cannot drift.
import type { AgentRow } from '../app/agents.js';
import { modelProblem, parseGatewayUrl, servedOf, type GatewayCheck } from '../app/gateway-check.js';
import { keyProblem } from '../app/key.js';
import { proposedModel, proposedSmallModel } from '../app/model.js';
import { defaultModel } from '../core/model.js';
import type { Recipe } from '../core/recipe.js';
import type { Served } from '../app/route.js';
import { hasChanges, type Choice, type ConsentQuestion, type Review } from '../app/session.js';
import { profileNameProblem, type StartChoice, type StartPoint } from '../app/start.js';
import type { Outcome } from '../app/verify.js';
import type { RelayStatus, Written } from '../app/write.js';
import type { GatewayUrls } from '../core/profile.js';
import { maskKey } from '../core/secrets.js';
import type { TuiResult } from './wizard.js';

/**
 * Where a gateway came from: a saved profile (or the last apply's gateway), or a new one the user
 * asked to save as a profile (`save`). Its name is what the run is recorded under.
 */
export interface Origin {
  name: string;
  /** A new gateway to save as a profile of this name when the changes are written. */
  save?: boolean;
  /** The profile's models: the one for every agent, and per agent. */
  model?: string;
  models?: Readonly<Record<string, string>>;
}

/** A gateway and the key to use with it. */
export interface Gateway {
  urls: GatewayUrls;
  key: string;
  /** Where the key came from when it was not typed (`env:GW_KEY`, `the last apply`). */
  keyFrom?: string;
  from?: Origin;
}

/** A gateway after its check: the models it lists and the protocols it serves (none known when unchecked). */
export interface Connection extends Gateway {
  /** Absent when the user went on without a successful check. */
  check?: GatewayCheck;
  models: string[];
  served: Served;
}

/** The agents chosen, in the list's order, and the model picked for each so far (undefined: its own default). */
export interface Selection extends Connection {
  agents: AgentRow[];
  picked: Readonly<Record<string, string | undefined>>;
}

export type AfterCheck = 'retry' | 'key' | 'gateway' | 'go';

export type Step =
  /** The saved profiles and the last gateway, or a new gateway (null). `chosen`: the answer given before. */
  | { at: 'start'; choices: StartChoice[]; chosen?: string | null }
  /**
   * Choose a gateway. `key`: the key already known (SETUP_GATEWAY_KEY, or typed before).
   * `chosen`: the answer given before, when the user came back to this question (so for the
   * `chosen` and `text` of the steps below).
   */
  | { at: 'gateway'; key?: string; chosen?: string | null }
  | { at: 'custom-url'; key?: string; error?: string; text?: string }
  /** `from`: the profile chosen, whose key is not known (`why`: its reference did not resolve). */
  | { at: 'key'; urls: GatewayUrls; error?: string; from?: Origin; why?: string }
  /** A new gateway checked: save it as a profile? (a name, or empty for no) */
  | { at: 'profile-name'; connection: Connection; error?: string; text?: string }
  /** `attempt`: how many times this gateway has been checked, this time included (a retry shows it). */
  | { at: 'checking'; gateway: Gateway; attempt?: number }
  | { at: 'checked'; gateway: Gateway; check: GatewayCheck; attempt?: number }
  | { at: 'discovering'; connection: Connection }
  | { at: 'agents'; connection: Connection; rows: AgentRow[]; chosen?: readonly string[] }
  /** The model question: one for every agent that takes a model (`agent` undefined), or one agent's. */
  | { at: 'model'; selection: Selection; agent?: string; chosen?: { model: string | undefined } }
  | { at: 'model-text'; selection: Selection; agent?: string; error?: string }
  /** After the one model: go on with it, or change single agents' models. */
  | { at: 'models'; selection: Selection }
  /** Reading the files and planning; `consentsAsked`: the consent questions were answered already. */
  | { at: 'planning'; selection: Selection; granted: ReadonlySet<string>; consentsAsked: boolean }
  | { at: 'consent'; selection: Selection; questions: ConsentQuestion[]; index: number; granted: ReadonlySet<string> }
  | { at: 'review'; selection: Selection; review: Review }
  | { at: 'writing'; review: Review }
  | { at: 'relay-offer'; review: Review; written: Written }
  | { at: 'starting-relay'; review: Review; written: Written }
  | { at: 'verifying'; review: Review; written: Written; relay?: RelayStatus }
  /** Something unexpected failed; the screen shows it until the user leaves. */
  | { at: 'failed'; error: unknown; message: string }
  | { at: 'finished'; result: TuiResult };

export type StepAt = Step['at'];

export interface FlowState {
  /** SETUP_GATEWAY_KEY, when it holds a usable key: the key question is skipped. */
  envKey?: string;
  /** The saved profiles and the last apply (app/start.ts), when there are any: the run starts from them. */
  start?: StartPoint;
  step: Step;
  /** The questions answered on the way here, oldest first, each with its answer: where `back` goes. */
  history?: readonly Step[];
}

export type FlowEvent =
  /** Esc, Ctrl-C, q, or a prompt aborted. */
  | { type: 'cancel' }
  /** Left, Backspace or b: the question before, with its answer. */
  | { type: 'back' }
  /** A profile from the first list: its name, or null for "add a new gateway". */
  | { type: 'profile'; name: string | null }
  /** Save the new gateway as a profile of this name (empty: do not save). */
  | { type: 'profile-name'; text: string }
  /** A gateway from the list: its URL, or null for "type your own". */
  | { type: 'gateway'; url: string | null }
  | { type: 'url'; text: string }
  | { type: 'key'; text: string }
  | { type: 'after-check'; choice: AfterCheck }
  | { type: 'agents'; ids: readonly string[] }
  /** A model from the list (undefined: the agent's own default). */
  | { type: 'model'; model: string | undefined }
  /** "Type a model id…" */
  | { type: 'type-model' }
  /** On the models step: change this agent's model. */
  | { type: 'model-for'; agent: string }
  | { type: 'model-id'; text: string }
  | { type: 'consent'; yes: boolean }
  /** Enter on the review (write, or leave when there is nothing to write), on the models step (go on), or on a failure (leave). */
  | { type: 'confirm' }
  | { type: 'start-relay'; yes: boolean }
  // Results of the effects, fed back by the runner.
  | { type: 'checked'; check: GatewayCheck }
  | { type: 'discovered'; rows: AgentRow[] }
  /** `questions`: the consents the plan still needs (pendingConsents). */
  | { type: 'planned'; review: Review; questions: ConsentQuestion[] }
  | { type: 'written'; written: Written; offerRelay: boolean }
  | { type: 'relay-started'; relay: RelayStatus }
  | { type: 'verified'; outcome: Outcome }
  | { type: 'failed'; error: unknown };

/** The slow work a step waits for; the runner performs it and answers with an event. */
export type Effect =
  | { kind: 'check'; gateway: Gateway }
  | { kind: 'discover'; gateway: Gateway; models: string[] }
  | { kind: 'plan'; gateway: Gateway; choices: Choice[]; granted: ReadonlySet<string>; served: Served }
  | { kind: 'write'; review: Review }
  | { kind: 'start-relay'; review: Review }
  | { kind: 'verify'; review: Review; written: Written; relay?: RelayStatus };

/**
 * The first step: the saved profiles and the last gateway when there are any (the last one marked,
 * else the first), else the gateway list.
 */
export function initialState(envKey: string | undefined, start?: StartPoint): FlowState {
  const base: FlowState = envKey ? { envKey, step: { at: 'gateway', key: envKey } } : { step: { at: 'gateway' } };
  if (!start?.choices.length) return base;
  const marked = start.choices.find((c) => c.last) ?? start.choices[0];
  return { ...base, start, step: { at: 'start', choices: start.choices, ...(marked ? { chosen: marked.name } : {}) } };
}

/** Steps that write: nothing may interrupt them, not even cancel. */
export const UNINTERRUPTIBLE: ReadonlySet<StepAt> = new Set(['writing', 'starting-relay', 'verifying']);

/** The choices after a check: go on when it passed; otherwise retry, another key, another gateway, or go on unchecked. */
export function afterCheckChoices(check: GatewayCheck): Array<{ value: AfterCheck; label: string }> {
  if (check.ok) return [{ value: 'go', label: 'Continue: choose the agents' }];
  return [
    { value: 'retry', label: 'Try again' },
    { value: 'key', label: 'Use another key' },
    { value: 'gateway', label: 'Choose another gateway' },
    { value: 'go', label: 'Continue without checking (no model list)' },
  ];
}

/** The choice marked as the default after a check: another key when the gateway refused this one, else the first. */
export function defaultAfterCheck(check: GatewayCheck): AfterCheck {
  return !check.ok && check.keyRefused ? 'key' : (afterCheckChoices(check)[0]?.value ?? 'go');
}

/** Whether an agent is asked for a model: not one that has no place for it (e.g. Windsurf). */
export function takesModel(recipe: Pick<Recipe, 'model'>): boolean {
  return recipe.model !== 'none';
}

/** The agents of a selection that are asked for a model. */
export function modelTakers(selection: Selection): AgentRow[] {
  return selection.agents.filter((r) => takesModel(r.recipe));
}

/** Whether the one model question offers "each agent's own default": only when none of them needs a model. */
export function ownDefaultOffered(rows: readonly AgentRow[]): boolean {
  return rows.every((r) => r.recipe.model === 'optional');
}

/**
 * The model marked on a model question: the one chosen before when coming back; for one agent its
 * pick; for all, the saved profile's model, else the gateway's `auto` when listed, else what the
 * first agent would get.
 */
export function initialModel(step: Extract<Step, { at: 'model' }>): string | undefined {
  if (step.chosen) return step.chosen.model;
  if (step.agent !== undefined) return step.selection.picked[step.agent];
  const first = modelTakers(step.selection)[0];
  // A saved profile's model was picked for the agents already: it is the one marked.
  const from = step.selection.from;
  if (first && (from?.model !== undefined || from?.models)) return step.selection.picked[first.recipe.id];
  const auto = defaultModel(step.selection.models);
  if (auto) return auto;
  return first ? step.selection.picked[first.recipe.id] : undefined;
}

/** Steps that ask the user something: `back` works there (when something was answered before). */
const QUESTIONS: ReadonlySet<StepAt> = new Set(['start', 'profile-name', 'gateway', 'custom-url', 'key', 'checked', 'agents', 'model', 'model-text', 'models', 'consent', 'review']);

/** The user's answers (the other events are results of the effects, cancel and back). */
const ANSWERS: ReadonlySet<FlowEvent['type']> = new Set(['profile', 'profile-name', 'gateway', 'url', 'key', 'after-check', 'agents', 'model', 'type-model', 'model-for', 'model-id', 'consent', 'confirm']);

/** Two steps that ask the same question (the same agent's model, the same consent). */
function sameQuestion(a: Step, b: Step): boolean {
  if (a.at !== b.at) return false;
  if ((a.at === 'model' || a.at === 'model-text') && (b.at === 'model' || b.at === 'model-text')) return a.agent === b.agent;
  if (a.at === 'consent' && b.at === 'consent') return a.index === b.index;
  return true;
}

/**
 * The step as it goes on the history: with the answer given, so coming back to it shows that
 * answer marked. Undefined for a step not worth coming back to: a typed model id (back goes to
 * its list), a check that passed (nothing was asked there), a retry.
 */
function remembered(step: Step, event: FlowEvent): Step | undefined {
  switch (step.at) {
    case 'start':
      return event.type === 'profile' ? { ...step, chosen: event.name } : step;
    case 'profile-name':
      return event.type === 'profile-name' ? { at: 'profile-name', connection: step.connection, text: event.text } : step;
    case 'gateway':
      return event.type === 'gateway' ? { ...step, chosen: event.url } : step;
    case 'custom-url':
      return event.type === 'url' ? { at: 'custom-url', ...(step.key ? { key: step.key } : {}), text: event.text } : step;
    case 'key': {
      const { error: _error, ...asked } = step;
      return asked;
    }
    case 'checked':
      return step.check.ok || (event.type === 'after-check' && event.choice === 'retry') ? undefined : step;
    case 'agents':
      return event.type === 'agents' ? { ...step, chosen: event.ids } : step;
    case 'model':
      return event.type === 'model' ? { ...step, chosen: { model: event.model } } : step;
    case 'model-text':
    case 'review':
      return undefined;
    default:
      return QUESTIONS.has(step.at) ? step : undefined;
  }
}

/**
 * Where the run goes on `event`. Events that do not belong to the current step change nothing (a
 * late result, a stray key). Keeps the history of answered questions for `back`: an answer that
 * moves on pushes its question; arriving at a question asked before goes back to where it was.
 */
export function reduce(state: FlowState, event: FlowEvent): FlowState {
  const history = state.history ?? [];
  if (event.type === 'back') {
    const previous = history.at(-1);
    if (!previous || !QUESTIONS.has(state.step.at)) return state;
    return { ...state, step: previous, history: history.slice(0, -1) };
  }
  const next = advance(state, event);
  if (next === state) return next;
  let kept = history;
  if (ANSWERS.has(event.type) && QUESTIONS.has(state.step.at) && !sameQuestion(state.step, next.step)) {
    const entry = remembered(state.step, event);
    if (entry) kept = [...kept, entry];
  }
  const again = kept.findIndex((h) => sameQuestion(h, next.step));
  if (again >= 0) kept = kept.slice(0, again);
  // Once written there is no way back.
  if (!QUESTIONS.has(next.step.at) && next.step.at !== 'checking' && next.step.at !== 'discovering' && next.step.at !== 'planning') kept = [];
  return kept.length ? { ...next, history: kept } : withoutHistory(next);
}

function withoutHistory(state: FlowState): FlowState {
  const { history: _history, ...rest } = state;
  return rest;
}

function advance(state: FlowState, event: FlowEvent): FlowState {
  const step = state.step;
  const to = (next: Step): FlowState => ({ ...state, step: next });
  if (step.at === 'finished') return state;
  if (event.type === 'cancel') {
    if (UNINTERRUPTIBLE.has(step.at)) return state;
    // The files are written by then: leaving the relay question declines it, the run goes on to its checks.
    if (step.at === 'relay-offer') return reduce(state, { type: 'start-relay', yes: false });
    return to({ at: 'finished', result: step.at === 'failed' ? { kind: 'error', message: step.message } : { kind: 'cancelled' } });
  }
  if (event.type === 'failed') {
    if (!isBusy(step)) return state;
    return to({ at: 'failed', error: event.error, message: event.error instanceof Error ? event.error.message : String(event.error) });
  }
  /** A gateway URL is chosen: check it, asking for the key first when none is known. */
  const withUrls = (urls: GatewayUrls, key: string | undefined): Step => (key ? { at: 'checking', gateway: { urls, key } } : { at: 'key', urls });

  switch (step.at) {
    case 'start': {
      if (event.type !== 'profile') return state;
      if (event.name === null) return to(state.envKey ? { at: 'gateway', key: state.envKey } : { at: 'gateway' });
      const choice = step.choices.find((c) => c.name === event.name);
      if (!choice) return state;
      const parsed = parseGatewayUrl(choice.baseUrl);
      if (!parsed.ok) return to({ at: 'failed', error: new Error(parsed.error), message: parsed.error });
      const from = originOf(choice);
      // A key already known is not asked for again; a profile whose key is not known gets the masked question.
      if (choice.key) return to({ at: 'checking', gateway: { urls: parsed.urls, key: choice.key, ...(choice.keyFrom ? { keyFrom: choice.keyFrom } : {}), from } });
      return to({ at: 'key', urls: parsed.urls, from, ...(choice.keyProblem ? { why: choice.keyProblem } : {}) });
    }
    case 'profile-name': {
      if (event.type !== 'profile-name') return state;
      const name = event.text.trim();
      if (name === '') return to({ at: 'discovering', connection: step.connection });
      const problem = profileNameProblem(name, state.start?.names ?? []);
      if (problem) return to({ ...step, error: `The name: ${problem}.` });
      return to({ at: 'discovering', connection: { ...step.connection, from: { name, save: true } } });
    }
    case 'gateway': {
      if (event.type !== 'gateway') return state;
      if (event.url === null) return to(step.key ? { at: 'custom-url', key: step.key } : { at: 'custom-url' });
      const parsed = parseGatewayUrl(event.url);
      if (!parsed.ok) return to({ at: 'failed', error: new Error(parsed.error), message: parsed.error });
      return to(withUrls(parsed.urls, step.key));
    }
    case 'custom-url': {
      if (event.type !== 'url') return state;
      const parsed = parseGatewayUrl(event.text);
      if (!parsed.ok) return to({ ...step, error: parsed.error });
      return to(withUrls(parsed.urls, step.key));
    }
    case 'key': {
      if (event.type !== 'key') return state;
      const key = event.text.trim();
      const problem = keyProblem(key);
      if (problem) return to({ ...step, error: `The key: ${problem}.` });
      return to({ at: 'checking', gateway: { urls: step.urls, key, ...(step.from ? { from: step.from } : {}) } });
    }
    case 'checking':
      return event.type === 'checked' ? to({ at: 'checked', gateway: step.gateway, check: event.check, ...(step.attempt ? { attempt: step.attempt } : {}) }) : state;
    case 'checked': {
      if (event.type !== 'after-check' || !afterCheckChoices(step.check).some((c) => c.value === event.choice)) return state;
      switch (event.choice) {
        case 'retry':
          return to({ at: 'checking', gateway: step.gateway, attempt: (step.attempt ?? 1) + 1 });
        case 'key':
          return to({ at: 'key', urls: step.gateway.urls, ...(step.gateway.from ? { from: step.gateway.from } : {}) });
        case 'gateway':
          return to({ at: 'gateway', key: step.gateway.key });
        case 'go': {
          const connection: Connection = { ...step.gateway, check: step.check, models: step.check.ok ? step.check.models : [], served: servedOf(step.check) };
          // A new gateway, when the run started from saved profiles: it can be saved as one.
          return to(state.start && !step.gateway.from ? { at: 'profile-name', connection } : { at: 'discovering', connection });
        }
      }
    }
    case 'discovering': {
      if (event.type !== 'discovered') return state;
      // The agents chosen last time are marked again.
      const last = (state.start?.agents ?? []).filter((id) => event.rows.some((r) => r.recipe.id === id));
      return to({ at: 'agents', connection: step.connection, rows: event.rows, ...(last.length ? { chosen: last } : {}) });
    }
    case 'agents': {
      if (event.type !== 'agents') return state;
      const agents = step.rows.filter((r) => event.ids.includes(r.recipe.id));
      if (agents.length === 0) return state;
      const from = step.connection.from;
      const modelOf = (r: AgentRow) => from?.models?.[r.recipe.id] ?? from?.model ?? proposedModel(r.recipe, step.connection.models);
      const picked = Object.fromEntries(agents.map((r) => [r.recipe.id, takesModel(r.recipe) ? modelOf(r) : undefined]));
      const selection: Selection = { ...step.connection, agents, picked };
      // Agents that take no model (Windsurf) are not asked for one.
      return to(modelTakers(selection).length ? { at: 'model', selection } : planningOf(selection));
    }
    case 'model':
      if (event.type === 'type-model') return to({ at: 'model-text', selection: step.selection, ...agentOf(step) });
      return event.type === 'model' ? to(modelPicked(step.selection, step.agent, event.model)) : state;
    case 'model-text': {
      if (event.type !== 'model-id') return state;
      const model = event.text.trim();
      const problem = modelProblem(model);
      if (problem) return to({ ...step, error: `The model id: ${problem}.` });
      return to(modelPicked(step.selection, step.agent, model));
    }
    case 'models':
      if (event.type === 'model-for' && modelTakers(step.selection).some((r) => r.recipe.id === event.agent)) {
        return to({ at: 'model', selection: step.selection, agent: event.agent });
      }
      return event.type === 'confirm' ? to(planningOf(step.selection)) : state;
    case 'planning': {
      if (event.type !== 'planned') return state;
      const questions = step.consentsAsked ? [] : event.questions;
      if (questions.length) return to({ at: 'consent', selection: step.selection, questions, index: 0, granted: step.granted });
      return to({ at: 'review', selection: step.selection, review: event.review });
    }
    case 'consent': {
      if (event.type !== 'consent') return state;
      const question = step.questions[step.index];
      const granted = new Set(step.granted);
      if (event.yes && question) granted.add(question.agent);
      if (step.index + 1 < step.questions.length) return to({ ...step, index: step.index + 1, granted });
      // Every answer is in: plan again, with the edits that were allowed.
      return to({ at: 'planning', selection: step.selection, granted, consentsAsked: true });
    }
    case 'review':
      if (event.type !== 'confirm') return state;
      return to(hasChanges(step.review) ? { at: 'writing', review: step.review } : { at: 'finished', result: { kind: 'nothing', review: step.review } });
    case 'writing':
      if (event.type !== 'written') return state;
      return to(event.offerRelay ? { at: 'relay-offer', review: step.review, written: event.written } : { at: 'verifying', review: step.review, written: event.written });
    case 'relay-offer':
      if (event.type !== 'start-relay') return state;
      return to(event.yes ? { at: 'starting-relay', review: step.review, written: step.written } : { at: 'verifying', review: step.review, written: step.written });
    case 'starting-relay':
      return event.type === 'relay-started' ? to({ at: 'verifying', review: step.review, written: step.written, relay: event.relay }) : state;
    case 'verifying':
      return event.type === 'verified' ? to({ at: 'finished', result: { kind: 'done', review: step.review, outcome: event.outcome } }) : state;
    case 'failed':
      return event.type === 'confirm' ? to({ at: 'finished', result: { kind: 'error', message: step.message } }) : state;
  }
}

function agentOf(step: { agent?: string }): { agent?: string } {
  return step.agent !== undefined ? { agent: step.agent } : {};
}

function planningOf(selection: Selection): Step {
  return { at: 'planning', selection, granted: new Set(), consentsAsked: false };
}

/**
 * A model answered: for one agent, back to the models step; for all, every agent that takes a
 * model gets it (one that needs a model keeps its proposal when "its own default" was taken),
 * then the models step when there is more than one such agent to change.
 */
function modelPicked(selection: Selection, agent: string | undefined, model: string | undefined): Step {
  if (agent !== undefined) return { at: 'models', selection: { ...selection, picked: { ...selection.picked, [agent]: model } } };
  const takers = modelTakers(selection);
  const picked = { ...selection.picked };
  for (const r of takers) picked[r.recipe.id] = model ?? (r.recipe.model === 'required' ? selection.picked[r.recipe.id] : undefined);
  const next: Selection = { ...selection, picked };
  return takers.length > 1 ? { at: 'models', selection: next } : planningOf(next);
}

/** The effect a step waits for, or undefined when it waits for the user. */
export function effectOf(step: Step): Effect | undefined {
  switch (step.at) {
    case 'checking':
      return { kind: 'check', gateway: step.gateway };
    case 'discovering':
      return { kind: 'discover', gateway: gatewayOf(step.connection), models: step.connection.models };
    case 'planning':
      return { kind: 'plan', gateway: gatewayOf(step.selection), choices: choicesOf(step.selection), granted: step.granted, served: step.selection.served };
    case 'writing':
      return { kind: 'write', review: step.review };
    case 'starting-relay':
      return { kind: 'start-relay', review: step.review };
    case 'verifying':
      return { kind: 'verify', review: step.review, written: step.written, ...(step.relay ? { relay: step.relay } : {}) };
    default:
      return undefined;
  }
}

export function isBusy(step: Step): boolean {
  return effectOf(step) !== undefined;
}

function gatewayOf(connection: Gateway): Gateway {
  return { urls: connection.urls, key: connection.key, ...(connection.from ? { from: connection.from } : {}) };
}

function originOf(choice: StartChoice): Origin {
  return { name: choice.name, ...(choice.model !== undefined ? { model: choice.model } : {}), ...(choice.models ? { models: choice.models } : {}) };
}

export function choicesOf(selection: Selection): Choice[] {
  return selection.agents.map((r) => {
    const model = selection.picked[r.recipe.id];
    const smallModel = proposedSmallModel(r.recipe, model, selection.models);
    return { recipe: r.recipe, evidence: r.evidence, model, ...(smallModel ? { smallModel } : {}) };
  });
}

/** The gateway and key of a step, once chosen. */
export function gatewayAt(step: Step): Gateway | undefined {
  switch (step.at) {
    case 'checking':
    case 'checked':
      return step.gateway;
    case 'discovering':
    case 'agents':
    case 'profile-name':
      return step.connection;
    case 'model':
    case 'model-text':
    case 'models':
    case 'planning':
    case 'consent':
    case 'review':
      return step.selection;
    default:
      return undefined;
  }
}

export interface TrailEntry {
  label: string;
  answer: string;
}

/**
 * What was answered before this step, one line per question (clack-style): the gateway, the key,
 * the agents, the models. Shown above every question up to the review, which shows it all.
 */
export function trailOf(state: FlowState): TrailEntry[] {
  const step = state.step;
  const key = (g: Gateway) => ({ label: 'Key', answer: `${maskKey(g.key)}${g.keyFrom ? ` (from ${g.keyFrom})` : g.key === state.envKey ? ' (from SETUP_GATEWAY_KEY)' : ''}` });
  const named = (from: Origin | undefined) => (from ? ` (${from.save ? 'saved as profile' : 'profile'} ${from.name})` : '');
  switch (step.at) {
    case 'key':
      return [{ label: 'Gateway', answer: `${step.urls.openai}${named(step.from)}` }];
    case 'checking':
    case 'checked':
      return [{ label: 'Gateway', answer: `${step.gateway.urls.openai}${named(step.gateway.from)}` }, key(step.gateway)];
    case 'discovering':
    case 'agents':
    case 'profile-name':
      return [{ label: 'Gateway', answer: `${step.connection.urls.openai}${named(step.connection.from)}${checkSummary(step.connection)}` }, key(step.connection)];
    case 'model':
    case 'model-text':
    case 'models':
    case 'planning':
    case 'consent': {
      const s = step.selection;
      const trail: TrailEntry[] = [
        { label: 'Gateway', answer: `${s.urls.openai}${named(s.from)}${checkSummary(s)}` },
        key(s),
        { label: 'Agents', answer: s.agents.map((r) => r.recipe.name).join(', ') },
      ];
      // The models are answered once the one question is (on the models step and after).
      const answered = !((step.at === 'model' || step.at === 'model-text') && step.agent === undefined);
      if (answered && modelTakers(s).length) trail.push({ label: modelTakers(s).length > 1 ? 'Models' : 'Model', answer: modelsSummary(s) });
      return trail;
    }
    default:
      return [];
  }
}

/** The models picked, shortest: "auto" when one for all, else "auto (Claude Code, Aider) · gw-model (Codex CLI)". */
export function modelsSummary(selection: Selection): string {
  const groups = new Map<string, string[]>();
  for (const r of modelTakers(selection)) {
    const model = selection.picked[r.recipe.id] ?? 'its own default';
    groups.set(model, [...(groups.get(model) ?? []), r.recipe.name]);
  }
  if (groups.size === 1) {
    const [model] = [...groups.keys()];
    return modelTakers(selection).length > 1 ? `${model} for all` : (model ?? '');
  }
  return [...groups].map(([model, names]) => `${model} (${names.join(', ')})`).join(' · ');
}

function checkSummary(connection: Connection): string {
  if (!connection.check?.ok) return ' (not checked)';
  return ` (✓ ${connection.models.length} model${connection.models.length === 1 ? '' : 's'})`;
}

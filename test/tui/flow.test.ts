// The interactive mode's flow (src/tui/flow.ts), a pure reducer: every transition, cancel at each
// step, retries, results that come late; then the runner (src/tui/runner.ts) feeding an effect's
// result back. The screens and --plain only map keys and prompts to these events.
import { describe, expect, it } from 'vitest';
import { claudeCode } from '../../recipes/claude-code/recipe.js';
import { codex } from '../../recipes/codex/recipe.js';
import { windsurf } from '../../recipes/windsurf/recipe.js';
import type { AgentRow } from '../../src/app/agents.js';
import type { GatewayCheck } from '../../src/app/gateway-check.js';
import type { ConsentQuestion, Review } from '../../src/app/session.js';
import type { StartChoice, StartPoint } from '../../src/app/start.js';
import type { Outcome } from '../../src/app/verify.js';
import type { RelayStatus, Written } from '../../src/app/write.js';
import type { AgentPlan } from '../../src/core/plan.js';
import { normalizeBaseUrl } from '../../src/core/profile.js';
import {
  afterCheckChoices,
  choicesOf,
  defaultAfterCheck,
  effectOf,
  initialState,
  reduce,
  initialModel,
  trailOf,
  type Connection,
  type FlowEvent,
  type FlowState,
  type Gateway,
  type Selection,
  type Step,
} from '../../src/tui/flow.js';
import { Flow } from '../../src/tui/runner.js';
import { modelsFetch } from '../support/run-cli.js';
import { makeTempHome } from '../support/temp-home.js';
import { waitUntil } from '../support/wait.js';

const KEY = 'sk-test-flow-secret-1234';
const URLS = normalizeBaseUrl('http://gw.test:4000/v1');
const GATEWAY: Gateway = { urls: URLS, key: KEY };
const OK: GatewayCheck = {
  ok: true,
  models: ['auto', 'gw-model'],
  protocols: [
    { protocol: 'Anthropic messages', id: 'anthropic-messages', ok: false, detail: 'not served' },
    { protocol: 'OpenAI chat', id: 'openai-chat', ok: true },
  ],
};
const DOWN: GatewayCheck = { ok: false, reason: 'GET http://gw.test:4000/v1/models failed: ECONNREFUSED' };
const ROWS: AgentRow[] = [
  { recipe: claudeCode, found: true, evidence: [], state: { kind: 'changes', files: 2 } },
  { recipe: codex, found: false, evidence: [], state: { kind: 'changes', files: 1 } },
];
const CONNECTION: Connection = { ...GATEWAY, check: OK, models: OK.models, served: { 'anthropic-messages': false, 'openai-chat': true } };
const SELECTION: Selection = { ...CONNECTION, agents: ROWS, picked: { 'claude-code': 'auto', codex: 'auto' } };
const QUESTIONS: ConsentQuestion[] = [
  { agent: 'claude-code', name: 'Claude Code', file: '~/.claude/settings.json', question: 'Remove ANTHROPIC_API_KEY?' },
  { agent: 'codex', name: 'Codex CLI', file: '~/.codex/config.toml', question: 'Remove the old key?' },
];
const WRITTEN: Written = { runId: 'run-1', reports: [] };
const RELAY: RelayStatus = { url: 'http://127.0.0.1:4850', running: true, started: true, pid: 7 };

/** A review whose plans change files (or not): all the flow reads of one. */
function review(changes: boolean): Review {
  const plan = { changes: changes ? [{ path: '/x' }] : [] } as unknown as AgentPlan;
  return { plans: [plan] } as unknown as Review;
}

const at = (step: Step, envKey?: string): FlowState => (envKey ? { envKey, step } : { step });

/** Reduces each event in turn. */
function run(state: FlowState, ...events: FlowEvent[]): FlowState {
  return events.reduce(reduce, state);
}

describe('the gateway step', () => {
  it('starts at the gateway list, knowing the key from SETUP_GATEWAY_KEY when there is one', () => {
    expect(initialState(undefined)).toEqual({ step: { at: 'gateway' } });
    expect(initialState(KEY)).toEqual({ envKey: KEY, step: { at: 'gateway', key: KEY } });
  });

  it('a preset with no key known asks for the key; with one, checks at once', () => {
    expect(reduce(initialState(undefined), { type: 'gateway', url: 'http://gw.test:4000/v1' }).step).toEqual({ at: 'key', urls: URLS });
    expect(reduce(initialState(KEY), { type: 'gateway', url: 'http://gw.test:4000/v1' }).step).toEqual({ at: 'checking', gateway: GATEWAY });
  });

  it('"type your own" asks for the URL, keeping the key', () => {
    expect(reduce(initialState(KEY), { type: 'gateway', url: null }).step).toEqual({ at: 'custom-url', key: KEY });
    expect(reduce(initialState(undefined), { type: 'gateway', url: null }).step).toEqual({ at: 'custom-url' });
  });

  it('a preset that is not a URL fails the run (a bug, not the user)', () => {
    const step = reduce(initialState(undefined), { type: 'gateway', url: 'not a url' }).step;
    expect(step).toMatchObject({ at: 'failed', message: expect.stringContaining('is not a URL') });
  });

  it('a typed URL that is not one stays on the question with the reason; a good one goes on', () => {
    const wrong = reduce(at({ at: 'custom-url' }), { type: 'url', text: 'not a url' });
    expect(wrong.step).toMatchObject({ at: 'custom-url', error: expect.stringContaining('is not a URL') });
    expect(reduce(at({ at: 'custom-url' }), { type: 'url', text: '' }).step).toMatchObject({ at: 'custom-url', error: 'Type the gateway URL, e.g. https://gateway.example.com/v1' });
    expect(reduce(wrong, { type: 'url', text: 'http://gw.test:4000/v1/chat/completions' }).step).toEqual({ at: 'key', urls: URLS });
    expect(reduce(at({ at: 'custom-url', key: KEY }), { type: 'url', text: 'http://gw.test:4000' }).step).toEqual({ at: 'checking', gateway: GATEWAY });
  });

  it('a key that cannot be one stays on the question; a good one is trimmed and checked', () => {
    expect(reduce(at({ at: 'key', urls: URLS }), { type: 'key', text: '  ' }).step).toMatchObject({ at: 'key', urls: URLS, error: expect.stringMatching(/^The key: .+\.$/) });
    expect(reduce(at({ at: 'key', urls: URLS }), { type: 'key', text: ` ${KEY}\n` }).step).toEqual({ at: 'checking', gateway: GATEWAY });
  });
});

describe('the check and what follows it', () => {
  const checking = at({ at: 'checking', gateway: GATEWAY }, KEY);

  it('waits for the check, ignoring answers meant for other steps', () => {
    expect(effectOf(checking.step)).toEqual({ kind: 'check', gateway: GATEWAY });
    expect(reduce(checking, { type: 'key', text: 'sk-other-key-0000' })).toBe(checking);
    expect(reduce(checking, { type: 'confirm' })).toBe(checking);
    expect(reduce(checking, { type: 'checked', check: OK }).step).toEqual({ at: 'checked', gateway: GATEWAY, check: OK });
  });

  it('after a passing check only "go on" is offered, with its models and what the gateway serves', () => {
    const checked = at({ at: 'checked', gateway: GATEWAY, check: OK });
    expect(afterCheckChoices(OK).map((c) => c.value)).toEqual(['go']);
    expect(reduce(checked, { type: 'after-check', choice: 'retry' })).toBe(checked);
    expect(reduce(checked, { type: 'after-check', choice: 'go' }).step).toEqual({ at: 'discovering', connection: CONNECTION });
  });

  it('after a failing one: try again (as often as wanted), another key, another gateway (keeping the key), or go on unchecked', () => {
    const failed = at({ at: 'checked', gateway: GATEWAY, check: DOWN });
    expect(afterCheckChoices(DOWN).map((c) => c.label)).toEqual(['Try again', 'Use another key', 'Choose another gateway', 'Continue without checking (no model list)']);
    const retried = run(failed, { type: 'after-check', choice: 'retry' }, { type: 'checked', check: DOWN }, { type: 'after-check', choice: 'retry' });
    // Each retry counts: the screen says how many times it tried.
    expect(retried.step).toEqual({ at: 'checking', gateway: GATEWAY, attempt: 3 });
    expect(reduce(retried, { type: 'checked', check: OK }).step).toEqual({ at: 'checked', gateway: GATEWAY, check: OK, attempt: 3 });
    expect(reduce(failed, { type: 'after-check', choice: 'key' }).step).toEqual({ at: 'key', urls: URLS });
    const other = run(failed, { type: 'after-check', choice: 'key' }, { type: 'key', text: 'sk-another-key-5678' });
    expect(other.step).toEqual({ at: 'checking', gateway: { urls: URLS, key: 'sk-another-key-5678' } });
    expect(reduce(failed, { type: 'after-check', choice: 'gateway' }).step).toEqual({ at: 'gateway', key: KEY });
    expect(run(failed, { type: 'after-check', choice: 'gateway' }, { type: 'gateway', url: 'https://openrouter.ai/api/v1' }).step).toMatchObject({
      at: 'checking',
      gateway: { key: KEY, urls: { openai: 'https://openrouter.ai/api/v1' } },
    });
    expect(reduce(failed, { type: 'after-check', choice: 'go' }).step).toEqual({ at: 'discovering', connection: { ...GATEWAY, check: DOWN, models: [], served: {} } });
  });
});

describe('agents and models', () => {
  const agents = at({ at: 'agents', connection: CONNECTION, rows: ROWS });

  it('looks for the agents, then lists them', () => {
    const discovering = at({ at: 'discovering', connection: CONNECTION });
    expect(effectOf(discovering.step)).toEqual({ kind: 'discover', gateway: GATEWAY, models: OK.models });
    expect(reduce(discovering, { type: 'discovered', rows: ROWS }).step).toEqual(agents.step);
  });

  it('needs at least one agent; the chosen ones keep the list order and get the default model', () => {
    expect(reduce(agents, { type: 'agents', ids: [] })).toBe(agents);
    expect(reduce(agents, { type: 'agents', ids: ['nobody'] })).toBe(agents);
    const step = reduce(agents, { type: 'agents', ids: ['codex', 'claude-code'] }).step;
    expect(step).toEqual({ at: 'model', selection: SELECTION });
  });

  it('without a model list: a model is required only where the agent requires one', () => {
    const unchecked = at({ at: 'agents', connection: { ...GATEWAY, models: [], served: {} }, rows: ROWS });
    const step = reduce(unchecked, { type: 'agents', ids: ['claude-code', 'codex'] }).step;
    expect(step).toMatchObject({ at: 'model', selection: { picked: { 'claude-code': undefined, codex: undefined } } });
    const listed = at({ at: 'agents', connection: { ...GATEWAY, models: ['gw-model', 'other'], served: {} }, rows: ROWS });
    expect(reduce(listed, { type: 'agents', ids: ['claude-code', 'codex'] }).step).toMatchObject({ selection: { picked: { 'claude-code': undefined, codex: 'gw-model' } } });
  });

  it('asks one model for all the agents, then offers to change single ones, then plans (issue 14)', () => {
    const model = at({ at: 'model', selection: SELECTION });
    expect(effectOf(model.step)).toBeUndefined();
    const models = reduce(model, { type: 'model', model: 'gw-model' });
    const all = { ...SELECTION, picked: { 'claude-code': 'gw-model', codex: 'gw-model' } };
    expect(models.step).toEqual({ at: 'models', selection: all });
    // Change Codex alone, then go on.
    const codexModel = reduce(models, { type: 'model-for', agent: 'codex' });
    expect(codexModel.step).toEqual({ at: 'model', selection: all, agent: 'codex' });
    const changed = reduce(codexModel, { type: 'model', model: 'auto' });
    const selection = { ...SELECTION, picked: { 'claude-code': 'gw-model', codex: 'auto' } };
    expect(changed.step).toEqual({ at: 'models', selection });
    expect(reduce(changed, { type: 'model-for', agent: 'nobody' })).toBe(changed);
    const planning = reduce(changed, { type: 'confirm' });
    expect(planning.step).toEqual({ at: 'planning', selection, granted: new Set(), consentsAsked: false });
    expect(effectOf(planning.step)).toEqual({
      kind: 'plan',
      gateway: GATEWAY,
      choices: [
        { recipe: claudeCode, evidence: [], model: 'gw-model' },
        { recipe: codex, evidence: [], model: 'auto' },
      ],
      granted: new Set(),
      served: CONNECTION.served,
    });
  });

  it("gives an agent's small slots the gateway's smaller model of the family, as apply does, and only agents that have them", () => {
    const listed = { ...SELECTION, models: ['claude-sonnet-4.5', 'claude-haiku-4.5', 'gpt-5', 'gpt-5-mini'], picked: { 'claude-code': 'claude-sonnet-4.5', codex: 'gpt-5' } };
    expect(choicesOf(listed)).toEqual([
      { recipe: claudeCode, evidence: [], model: 'claude-sonnet-4.5', smallModel: 'claude-haiku-4.5' },
      { recipe: codex, evidence: [], model: 'gpt-5' },
    ]);
    // No smaller model listed: the small slots take the main one (nothing to carry).
    expect(choicesOf({ ...listed, models: ['claude-sonnet-4.5'] })[0]).toEqual({ recipe: claudeCode, evidence: [], model: 'claude-sonnet-4.5' });
  });

  it("marks the gateway's auto on the one question; without it, what the first agent would get", () => {
    expect(initialModel({ at: 'model', selection: SELECTION })).toBe('auto');
    const noAuto = { ...SELECTION, models: ['gw-model', 'other'], picked: { 'claude-code': undefined, codex: 'gw-model' } };
    expect(initialModel({ at: 'model', selection: noAuto })).toBeUndefined();
    expect(initialModel({ at: 'model', selection: noAuto, agent: 'codex' })).toBe('gw-model');
    expect(initialModel({ at: 'model', selection: noAuto, chosen: { model: 'other' } })).toBe('other');
  });

  it("\"its own default\" for all keeps a proposal for the agents that need a model", () => {
    const noAuto = { ...SELECTION, models: ['gw-model'], picked: { 'claude-code': undefined, codex: 'gw-model' } };
    expect(reduce(at({ at: 'model', selection: noAuto }), { type: 'model', model: undefined }).step).toMatchObject({ at: 'models', selection: { picked: { 'claude-code': undefined, codex: 'gw-model' } } });
  });

  it('skips the model question for agents that take no model (Windsurf), and the models step with one agent left', () => {
    const rows: AgentRow[] = [...ROWS, { recipe: windsurf, found: true, evidence: [], state: { kind: 'manual' } }];
    const listed = at({ at: 'agents', connection: CONNECTION, rows });
    expect(reduce(listed, { type: 'agents', ids: ['windsurf'] }).step).toMatchObject({ at: 'planning', selection: { picked: { windsurf: undefined } } });
    const two = reduce(listed, { type: 'agents', ids: ['windsurf', 'codex'] });
    expect(two.step).toMatchObject({ at: 'model' });
    // One agent takes a model: no "change single agents" step after it.
    expect(reduce(two, { type: 'model', model: 'gw-model' }).step).toMatchObject({ at: 'planning', selection: { picked: { windsurf: undefined, codex: 'gw-model' } } });
  });

  it('a typed model id is checked, trimmed, and taken for all (or for the one agent)', () => {
    const typing = run(at({ at: 'model', selection: SELECTION }), { type: 'type-model' });
    expect(typing.step).toEqual({ at: 'model-text', selection: SELECTION });
    const empty = reduce(typing, { type: 'model-id', text: '   ' });
    expect(empty.step).toMatchObject({ at: 'model-text', error: 'The model id: the model id is empty.' });
    expect(reduce(empty, { type: 'model-id', text: ' typed/model-1 ' }).step).toEqual({
      at: 'models',
      selection: { ...SELECTION, picked: { 'claude-code': 'typed/model-1', codex: 'typed/model-1' } },
    });
    const one = run(at({ at: 'model', selection: SELECTION, agent: 'codex' }), { type: 'type-model' }, { type: 'model-id', text: 'x/y' });
    expect(one.step).toEqual({ at: 'models', selection: { ...SELECTION, picked: { 'claude-code': 'auto', codex: 'x/y' } } });
  });
});

describe('back (issue 14)', () => {
  const typedKey = (state: FlowState) => run(state, { type: 'gateway', url: null }, { type: 'url', text: 'http://gw.test:4000/v1' }, { type: 'key', text: KEY });

  it('the first question has no back; every question after it goes to the one before, with its answer marked', () => {
    expect(reduce(initialState(undefined), { type: 'back' })).toEqual(initialState(undefined));
    const url = reduce(initialState(undefined), { type: 'gateway', url: null });
    expect(reduce(url, { type: 'back' }).step).toEqual({ at: 'gateway', chosen: null });
    const key = reduce(url, { type: 'url', text: 'http://gw.test:4000/v1' });
    expect(key.step.at).toBe('key');
    expect(reduce(key, { type: 'back' }).step).toEqual({ at: 'custom-url', text: 'http://gw.test:4000/v1' });
    const failed = run(typedKey(initialState(undefined)), { type: 'checked', check: DOWN });
    expect(failed.step.at).toBe('checked');
    expect(reduce(failed, { type: 'back' }).step).toEqual({ at: 'key', urls: URLS });
  });

  it('goes back from the review through the model questions and the agents to the gateway', () => {
    let s = run(typedKey(initialState(undefined)), { type: 'checked', check: OK });
    s = run(s, { type: 'after-check', choice: 'go' }, { type: 'discovered', rows: ROWS }, { type: 'agents', ids: ['claude-code', 'codex'] });
    s = run(s, { type: 'model', model: 'gw-model' }, { type: 'model-for', agent: 'codex' }, { type: 'model', model: 'auto' }, { type: 'confirm' });
    s = run(s, { type: 'planned', review: review(true), questions: [] });
    expect(s.step.at).toBe('review');
    const back = (state: FlowState) => reduce(state, { type: 'back' });
    const models = back(s);
    expect(models.step).toMatchObject({ at: 'models', selection: { picked: { 'claude-code': 'gw-model', codex: 'auto' } } });
    const all = back(models);
    expect(all.step).toMatchObject({ at: 'model', chosen: { model: 'gw-model' } });
    expect(all.step).not.toHaveProperty('agent');
    const agents = back(all);
    expect(agents.step).toMatchObject({ at: 'agents', chosen: ['claude-code', 'codex'] });
    // The check passed: nothing was asked there, so back goes to the key.
    expect(back(agents).step).toEqual({ at: 'key', urls: URLS });
    expect(back(back(back(agents))).step).toEqual({ at: 'gateway', chosen: null });
    expect(back(back(back(back(agents))))).toEqual(back(back(back(agents))));
  });

  it('a retried check, or a question asked again, does not pile up: back goes where the user came from', () => {
    let s = run(typedKey(initialState(undefined)), { type: 'checked', check: DOWN });
    s = run(s, { type: 'after-check', choice: 'retry' }, { type: 'checked', check: DOWN }, { type: 'after-check', choice: 'retry' }, { type: 'checked', check: DOWN });
    expect(reduce(s, { type: 'back' }).step).toEqual({ at: 'key', urls: URLS });
    const models = run(at({ at: 'model', selection: SELECTION }), { type: 'model', model: 'auto' });
    const again = run(models, { type: 'model-for', agent: 'codex' }, { type: 'model', model: 'gw-model' }, { type: 'model-for', agent: 'claude-code' }, { type: 'model', model: 'gw-model' });
    expect(again.history?.map((h) => h.at)).toEqual(['model']);
  });

  it('a typed model id goes back to its list; consents go back one by one', () => {
    const typing = run(at({ at: 'model', selection: SELECTION }), { type: 'type-model' });
    expect(reduce(typing, { type: 'back' }).step).toEqual({ at: 'model', selection: SELECTION });
    const consent = at({ at: 'consent', selection: SELECTION, questions: QUESTIONS, index: 0, granted: new Set() });
    const second = reduce(consent, { type: 'consent', yes: true });
    expect(reduce(second, { type: 'back' }).step).toEqual(consent.step);
  });

  it('is ignored while working, after writing, and with nothing before', () => {
    const writing = at({ at: 'writing', review: review(true) });
    expect(reduce({ ...writing, history: [{ at: 'gateway' }] }, { type: 'back' }).step).toBe(writing.step);
    const written = run(at({ at: 'review', selection: SELECTION, review: review(true) }), { type: 'confirm' });
    expect(written.history).toBeUndefined();
  });
});

describe('after a failed check (issue 14)', () => {
  it('the choice marked is "Use another key" when the gateway refused the key, else "Try again"', () => {
    expect(defaultAfterCheck({ ok: false, reason: 'GET …/models answered 401: the gateway rejected the key', keyRefused: true })).toBe('key');
    expect(defaultAfterCheck(DOWN)).toBe('retry');
    expect(defaultAfterCheck(OK)).toBe('go');
  });
});

describe('consents, review, writing', () => {
  const planning = at({ at: 'planning', selection: SELECTION, granted: new Set(), consentsAsked: false });

  it('a plan needing no consent goes to the review', () => {
    const r = review(true);
    expect(reduce(planning, { type: 'planned', review: r, questions: [] }).step).toEqual({ at: 'review', selection: SELECTION, review: r });
  });

  it('consents are asked one by one, then the plan is made again with the ones granted, and not asked twice', () => {
    const asked = reduce(planning, { type: 'planned', review: review(true), questions: QUESTIONS });
    expect(asked.step).toEqual({ at: 'consent', selection: SELECTION, questions: QUESTIONS, index: 0, granted: new Set() });
    const second = reduce(asked, { type: 'consent', yes: true });
    expect(second.step).toMatchObject({ at: 'consent', index: 1, granted: new Set(['claude-code']) });
    const again = reduce(second, { type: 'consent', yes: false });
    expect(again.step).toEqual({ at: 'planning', selection: SELECTION, granted: new Set(['claude-code']), consentsAsked: true });
    expect(effectOf(again.step)).toMatchObject({ kind: 'plan', granted: new Set(['claude-code']) });
    const r = review(true);
    expect(reduce(again, { type: 'planned', review: r, questions: QUESTIONS }).step).toEqual({ at: 'review', selection: SELECTION, review: r });
  });

  it('enter on a review with changes writes; with none it ends with nothing written', () => {
    const changes = review(true);
    expect(reduce(at({ at: 'review', selection: SELECTION, review: changes }), { type: 'confirm' }).step).toEqual({ at: 'writing', review: changes });
    const none = review(false);
    expect(reduce(at({ at: 'review', selection: SELECTION, review: none }), { type: 'confirm' }).step).toEqual({ at: 'finished', result: { kind: 'nothing', review: none } });
  });

  it('after writing: offers the relay when it is needed and not running, then checks what was written', () => {
    const r = review(true);
    const writing = at({ at: 'writing', review: r });
    expect(effectOf(writing.step)).toEqual({ kind: 'write', review: r });
    expect(reduce(writing, { type: 'written', written: WRITTEN, offerRelay: false }).step).toEqual({ at: 'verifying', review: r, written: WRITTEN });
    const offer = reduce(writing, { type: 'written', written: WRITTEN, offerRelay: true });
    expect(offer.step).toEqual({ at: 'relay-offer', review: r, written: WRITTEN });
    expect(reduce(offer, { type: 'start-relay', yes: false }).step).toEqual({ at: 'verifying', review: r, written: WRITTEN });
    const starting = reduce(offer, { type: 'start-relay', yes: true });
    expect(starting.step).toEqual({ at: 'starting-relay', review: r, written: WRITTEN });
    expect(effectOf(starting.step)).toEqual({ kind: 'start-relay', review: r });
    const verifying = reduce(starting, { type: 'relay-started', relay: RELAY });
    expect(verifying.step).toEqual({ at: 'verifying', review: r, written: WRITTEN, relay: RELAY });
    expect(effectOf(verifying.step)).toEqual({ kind: 'verify', review: r, written: WRITTEN, relay: RELAY });
    const outcome = { ...WRITTEN, checks: [], nextSteps: [], failed: false } as Outcome;
    expect(reduce(verifying, { type: 'verified', outcome }).step).toEqual({ at: 'finished', result: { kind: 'done', review: r, outcome } });
  });
});

describe('cancel, failures, late results', () => {
  const r = review(true);
  const questionSteps: Step[] = [
    { at: 'gateway' },
    { at: 'custom-url' },
    { at: 'key', urls: URLS },
    { at: 'checking', gateway: GATEWAY },
    { at: 'checked', gateway: GATEWAY, check: DOWN },
    { at: 'discovering', connection: CONNECTION },
    { at: 'agents', connection: CONNECTION, rows: ROWS },
    { at: 'model', selection: SELECTION },
    { at: 'model', selection: SELECTION, agent: 'codex' },
    { at: 'model-text', selection: SELECTION },
    { at: 'models', selection: SELECTION },
    { at: 'planning', selection: SELECTION, granted: new Set(), consentsAsked: false },
    { at: 'consent', selection: SELECTION, questions: QUESTIONS, index: 1, granted: new Set() },
    { at: 'review', selection: SELECTION, review: r },
  ];
  for (const step of questionSteps) {
    it(`cancel at ${step.at} ends the run cancelled`, () => {
      expect(reduce(at(step), { type: 'cancel' }).step).toEqual({ at: 'finished', result: { kind: 'cancelled' } });
    });
  }

  it('cancel is ignored while files are written, the relay starts, or the result is checked', () => {
    for (const step of [
      { at: 'writing', review: r },
      { at: 'starting-relay', review: r, written: WRITTEN },
      { at: 'verifying', review: r, written: WRITTEN },
    ] satisfies Step[]) {
      const state = at(step);
      expect(reduce(state, { type: 'cancel' })).toBe(state);
    }
  });

  it('cancel at the relay question, after writing, declines the relay: the run goes on to check what was written', () => {
    expect(reduce(at({ at: 'relay-offer', review: r, written: WRITTEN }), { type: 'cancel' }).step).toEqual({ at: 'verifying', review: r, written: WRITTEN });
  });

  it('a result that comes after cancel changes nothing', () => {
    const cancelled = run(at({ at: 'checking', gateway: GATEWAY }), { type: 'cancel' });
    expect(reduce(cancelled, { type: 'checked', check: OK })).toBe(cancelled);
    expect(reduce(cancelled, { type: 'failed', error: new Error('late') })).toBe(cancelled);
  });

  it('an effect that throws shows the failure; leaving it (enter, Esc, q) ends the run as an error', () => {
    const failed = reduce(at({ at: 'discovering', connection: CONNECTION }), { type: 'failed', error: new Error('the disk went away') });
    expect(failed.step).toMatchObject({ at: 'failed', message: 'the disk went away' });
    expect(reduce(failed, { type: 'gateway', url: null })).toBe(failed);
    const result = { at: 'finished', result: { kind: 'error', message: 'the disk went away' } };
    expect(reduce(failed, { type: 'confirm' }).step).toEqual(result);
    expect(reduce(failed, { type: 'cancel' }).step).toEqual(result);
    expect(reduce(at({ at: 'writing', review: r }), { type: 'failed', error: 'plain text' }).step).toMatchObject({ at: 'failed', message: 'plain text' });
  });

  it('a failure reported while the user is being asked something is ignored (only steps that wait can fail)', () => {
    const state = at({ at: 'agents', connection: CONNECTION, rows: ROWS });
    expect(reduce(state, { type: 'failed', error: new Error('x') })).toBe(state);
  });

  it('a finished run takes no more events', () => {
    const done = at({ at: 'finished', result: { kind: 'cancelled' } });
    for (const event of [{ type: 'cancel' }, { type: 'confirm' }, { type: 'gateway', url: null }] satisfies FlowEvent[]) expect(reduce(done, event)).toBe(done);
  });

  it('only the steps that wait have an effect', () => {
    for (const step of questionSteps) expect(effectOf(step) === undefined).toBe(!['checking', 'discovering', 'planning'].includes(step.at));
  });
});

describe('the trail of answers', () => {
  it('grows with each answer, from the first question on; the review shows it all instead', () => {
    expect(trailOf(initialState(KEY))).toEqual([]);
    expect(trailOf(at({ at: 'key', urls: URLS }))).toEqual([{ label: 'Gateway', answer: 'http://gw.test:4000/v1' }]);
    expect(trailOf(at({ at: 'checked', gateway: GATEWAY, check: OK }))).toEqual([
      { label: 'Gateway', answer: 'http://gw.test:4000/v1' },
      { label: 'Key', answer: 'sk-…1234' },
    ]);
    expect(trailOf(at({ at: 'agents', connection: CONNECTION, rows: ROWS }, KEY))).toEqual([
      { label: 'Gateway', answer: 'http://gw.test:4000/v1 (✓ 2 models)' },
      { label: 'Key', answer: 'sk-…1234 (from SETUP_GATEWAY_KEY)' },
    ]);
    expect(trailOf(at({ at: 'model', selection: { ...SELECTION, check: DOWN, models: [] } }))).toEqual([
      { label: 'Gateway', answer: 'http://gw.test:4000/v1 (not checked)' },
      { label: 'Key', answer: 'sk-…1234' },
      { label: 'Agents', answer: 'Claude Code, Codex CLI' },
    ]);
    expect(trailOf(at({ at: 'models', selection: SELECTION })).at(-1)).toEqual({ label: 'Models', answer: 'auto for all' });
    expect(trailOf(at({ at: 'planning', selection: { ...SELECTION, picked: { 'claude-code': undefined, codex: 'auto' } }, granted: new Set(), consentsAsked: false })).at(-1)).toEqual({
      label: 'Models',
      answer: 'its own default (Claude Code) · auto (Codex CLI)',
    });
    expect(trailOf(at({ at: 'review', selection: SELECTION, review: review(true) }))).toEqual([]);
  });
});

describe('the runner', () => {
  it('performs the effect of each step entered and feeds its result back', async () => {
    const t = await makeTempHome({ SETUP_GATEWAY_KEY: KEY });
    try {
      const flow = new Flow({ env: t.env, fetch: modelsFetch(['auto', 'gw-model']), version: '0' });
      const seen: string[] = [];
      flow.subscribe((state) => seen.push(state.step.at));
      const start = flow.state;
      flow.dispatch({ type: 'gateway', url: 'http://gw.test:4000/v1' });
      expect(flow.state.step.at).toBe('checking');
      const checked = await flow.next(flow.state);
      expect(checked.step).toEqual({ at: 'checked', gateway: GATEWAY, check: { ok: true, models: ['auto', 'gw-model'] } });
      expect(seen).toEqual(['checking', 'checked']);
      expect(await flow.next(start)).toBe(flow.state);
    } finally {
      await t.cleanup();
    }
  });

  it('a result that arrives after cancel is dropped; a throwing effect becomes a failure', async () => {
    const t = await makeTempHome();
    try {
      let answer: (response: Response) => void = () => {};
      const slow = new Flow({ env: t.env, fetch: () => new Promise<Response>((resolve) => (answer = resolve)), version: '0' }, {}, initialState(KEY));
      // Every event reaches the flow through dispatch, the effects' results too: watch them arrive.
      const events: FlowEvent[] = [];
      const dispatch = slow.dispatch;
      slow.dispatch = (event) => {
        events.push(event);
        dispatch(event);
      };
      slow.dispatch({ type: 'gateway', url: 'http://gw.test:4000/v1' });
      slow.dispatch({ type: 'cancel' });
      const cancelled = slow.state;
      answer(Response.json({ data: [{ id: 'auto' }] }));
      await waitUntil(() => events.some((e) => e.type === 'checked'), () => 'the check to answer');
      expect(slow.state).toBe(cancelled);
      expect(cancelled.step).toEqual({ at: 'finished', result: { kind: 'cancelled' } });

      const broken = async () => Promise.reject(new Error('the disk went away'));
      const flow = new Flow(
        { env: t.env, fetch: modelsFetch(['auto']), version: '0', probe: { exists: broken, isExecutableFile: broken, readText: broken, realpath: broken, listDir: broken } },
        {},
        at({ at: 'checked', gateway: GATEWAY, check: OK }, KEY),
      );
      flow.dispatch({ type: 'after-check', choice: 'go' });
      expect((await flow.next(flow.state)).step).toMatchObject({ at: 'failed', message: 'the disk went away' });
    } finally {
      await t.cleanup();
    }
  });
});

describe('starting from the saved profiles (issue 13)', () => {
  const A: StartChoice = { name: 'a', baseUrl: 'http://gw.test:4000/v1', saved: true, last: false, keyRef: 'env:GW_A', key: KEY, keyFrom: 'env:GW_A', model: 'gw-model' };
  const B: StartChoice = { name: 'b', baseUrl: 'http://gw-b.test/v1', saved: true, last: true, keyRef: 'env:GW_B', keyProblem: "the profile's key comes from environment variable GW_B, which is not set or empty." };
  const START: StartPoint = { choices: [A, B], agents: ['codex'], names: ['a', 'b'] };

  it('starts at the profiles with the last one marked; no profile and no last apply: the first run\'s gateway list', () => {
    expect(initialState(undefined, START).step).toEqual({ at: 'start', choices: [A, B], chosen: 'b' });
    expect(initialState(KEY, { choices: [], agents: [], names: [] })).toEqual(initialState(KEY));
  });

  it('a profile whose key is known is checked at once, with where the key came from in the trail', () => {
    const s = reduce(initialState(undefined, START), { type: 'profile', name: 'a' });
    expect(s.step).toEqual({ at: 'checking', gateway: { urls: URLS, key: KEY, keyFrom: 'env:GW_A', from: { name: 'a', model: 'gw-model' } } });
    expect(trailOf(s)).toEqual([
      { label: 'Gateway', answer: 'http://gw.test:4000/v1 (profile a)' },
      { label: 'Key', answer: 'sk-…1234 (from env:GW_A)' },
    ]);
  });

  it('a profile whose key is not known asks for it (masked), saying why; back returns to the profiles', () => {
    const s = reduce(initialState(undefined, START), { type: 'profile', name: 'b' });
    expect(s.step).toMatchObject({ at: 'key', urls: normalizeBaseUrl('http://gw-b.test/v1'), from: { name: 'b' }, why: B.keyProblem });
    expect(run(s, { type: 'key', text: KEY }).step).toMatchObject({ at: 'checking', gateway: { key: KEY, from: { name: 'b' } } });
    expect(reduce(s, { type: 'back' }).step).toEqual({ at: 'start', choices: [A, B], chosen: 'b' });
  });

  it('the last agents are marked on the agents list, and the profile\'s model is picked', () => {
    let s = run(initialState(undefined, START), { type: 'profile', name: 'a' }, { type: 'checked', check: OK }, { type: 'after-check', choice: 'go' });
    expect(s.step.at).toBe('discovering');
    s = reduce(s, { type: 'discovered', rows: ROWS });
    expect(s.step).toMatchObject({ at: 'agents', chosen: ['codex'] });
    s = reduce(s, { type: 'agents', ids: ['claude-code', 'codex'] });
    expect(s.step).toMatchObject({ at: 'model', selection: { picked: { 'claude-code': 'gw-model', codex: 'gw-model' } } });
    const plan = effectOf(run(s, { type: 'model', model: 'gw-model' }, { type: 'confirm' }).step);
    expect(plan).toMatchObject({ kind: 'plan', gateway: { from: { name: 'a' } } });
  });

  it('a new gateway is offered to be saved as a profile after its check: a valid unused name, or empty for no', () => {
    let s = run(initialState(KEY, START), { type: 'profile', name: null });
    expect(s.step).toEqual({ at: 'gateway', key: KEY });
    s = run(s, { type: 'gateway', url: 'http://gw.test:4000/v1' }, { type: 'checked', check: OK }, { type: 'after-check', choice: 'go' });
    expect(s.step).toMatchObject({ at: 'profile-name', connection: { urls: URLS } });
    expect(reduce(s, { type: 'profile-name', text: 'a' }).step).toMatchObject({ at: 'profile-name', error: 'The name: a profile named "a" exists.' });
    expect(reduce(s, { type: 'profile-name', text: 'no spaces' }).step).toMatchObject({ at: 'profile-name', error: expect.stringMatching(/^The name: a profile name is/) });
    expect(reduce(s, { type: 'profile-name', text: 'default' }).step).toMatchObject({ at: 'profile-name', error: expect.stringMatching(/reserved/) });
    expect(reduce(s, { type: 'profile-name', text: '' }).step).toEqual({ at: 'discovering', connection: expect.not.objectContaining({ from: expect.anything() }) });
    const saved = reduce(s, { type: 'profile-name', text: 'mygw' });
    expect(saved.step).toMatchObject({ at: 'discovering', connection: { from: { name: 'mygw', save: true } } });
    expect(trailOf(saved)[0]).toEqual({ label: 'Gateway', answer: 'http://gw.test:4000/v1 (saved as profile mygw) (✓ 2 models)' });
    // Back from the agents goes to the name question with the name typed.
    const agents = reduce(saved, { type: 'discovered', rows: ROWS });
    expect(reduce(agents, { type: 'back' }).step).toMatchObject({ at: 'profile-name', text: 'mygw' });
  });

  it('the first run (no profiles) asks no name: a new gateway goes on to the agents', () => {
    const s = run(initialState(KEY), { type: 'gateway', url: 'http://gw.test:4000/v1' }, { type: 'checked', check: OK }, { type: 'after-check', choice: 'go' });
    expect(s.step.at).toBe('discovering');
  });
});

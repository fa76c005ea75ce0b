// Runs the flow (flow.ts) against the real world: performs each step's effect with the use cases
// of src/app and feeds the result back as an event. Both the ink screens and --plain drive a
// `Flow`; neither calls the use cases itself.
import { discoverAgents } from '../app/agents.js';
import { checkGateway } from '../app/gateway-check.js';
import type { Printer } from '../app/io.js';
import { keyFromEnvironment } from '../app/key.js';
import { pendingConsents, planReview, type SessionDeps } from '../app/session.js';
import { checkWritten } from '../app/verify.js';
import { relayToStart, startLocalRelay, writeReview } from '../app/write.js';
import { effectOf, initialState, reduce, type Effect, type FlowEvent, type FlowState } from './flow.js';

export interface RunnerOptions {
  /** Where the relay's own start-up lines go (--plain prints them; the TUI has no place for them). */
  print?: Printer;
}

/** Performs one effect; whatever it throws comes back as a `failed` event. */
export async function perform(effect: Effect, deps: SessionDeps, options: RunnerOptions = {}): Promise<FlowEvent> {
  try {
    switch (effect.kind) {
      case 'check':
        return { type: 'checked', check: await checkGateway(effect.gateway.urls, effect.gateway.key, deps) };
      case 'discover':
        return { type: 'discovered', rows: await discoverAgents(deps, effect.gateway.urls, effect.gateway.key, effect.models) };
      case 'plan': {
        const review = await planReview(deps, effect.gateway.urls, effect.gateway.key, effect.choices, effect.granted, effect.served, effect.gateway.from);
        return { type: 'planned', review, questions: pendingConsents(review, deps.env) };
      }
      case 'write': {
        const written = await writeReview(effect.review, deps);
        return { type: 'written', written, offerRelay: await relayToStart(written, deps) };
      }
      case 'start-relay':
        return { type: 'relay-started', relay: await startLocalRelay(effect.review, deps, options.print) };
      case 'verify':
        return { type: 'verified', outcome: await checkWritten(effect.review, effect.written, deps, effect.relay) };
    }
  } catch (error) {
    return { type: 'failed', error };
  }
}

type Listener = (state: FlowState, previous: FlowState) => void;

/**
 * One run of the flow: the current state, `dispatch` for the user's answers, and the effects of
 * the steps entered, performed as they are entered. Dispatch is synchronous: keys that arrive
 * together each see the state the one before left.
 */
export class Flow {
  #state: FlowState;
  readonly #listeners = new Set<Listener>();

  constructor(
    private readonly deps: SessionDeps,
    private readonly options: RunnerOptions = {},
    state: FlowState = initialState(keyFromEnvironment(deps.env)),
  ) {
    this.#state = state;
  }

  get state(): FlowState {
    return this.#state;
  }

  dispatch = (event: FlowEvent): void => {
    const previous = this.#state;
    const next = reduce(previous, event);
    if (next === previous) return;
    this.#state = next;
    for (const listener of [...this.#listeners]) listener(next, previous);
    // A step that waits for something starts it as it is entered; its result is an event like
    // any other (ignored if the run has moved on, e.g. cancelled).
    const effect = next.step !== previous.step ? effectOf(next.step) : undefined;
    if (effect) void perform(effect, this.deps, this.options).then(this.dispatch);
  };

  subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  };

  /** Resolves with the first state other than `after` (at once if it is already another). */
  next(after: FlowState): Promise<FlowState> {
    if (this.#state !== after) return Promise.resolve(this.#state);
    return new Promise((resolve) => {
      const off = this.subscribe((state) => {
        off();
        resolve(state);
      });
    });
  }
}

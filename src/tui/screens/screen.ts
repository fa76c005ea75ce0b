// What every screen gets from the app: its step, the way to answer, and the room it has.
import type { Environment } from '../../core/environment.js';
import type { FlowEvent, FlowState, Step, StepAt, TrailEntry } from '../flow.js';

/** " · ← back" in a screen's hints when there is a question to go back to. */
export function backHint(state: FlowState, keys = '←'): string {
  return state.history?.length ? ` · ${keys} back` : '';
}

export interface ScreenProps<A extends StepAt> {
  step: Extract<Step, { at: A }>;
  state: FlowState;
  dispatch: (event: FlowEvent) => void;
  /** Body lines left under the trail. */
  height: number;
  columns: number;
  /** The answers so far, shown above the screen (empty when the terminal has no room for them). */
  trail: readonly TrailEntry[];
  env: Environment;
}

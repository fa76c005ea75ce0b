// The interactive TUI: gateway → key → live check → agents → models → review → apply. The flow
// is the pure reducer of flow.ts, run by runner.ts (the same one --plain drives); this file maps
// keys to its events and each step to its screen (screens/). Nothing is written before the user
// presses enter on the review. Left, Backspace and `b` go back to the question before (where they
// are not text being typed); Esc and Ctrl-C cancel everywhere (Esc first clears a filter being
// typed), `q` wherever no text is being typed; both end the run with `{ kind: 'cancelled' }` (exit 130).
import { render, useApp } from 'ink';
import { Fragment, useLayoutEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { SessionDeps } from '../app/session.js';
import { bodyHeight, ColorContext, isBackKey, KeysProvider, trailRows, useKeys, useTerminalSize } from './components.js';
import { initialState, trailOf, type FlowState, type Step, type StepAt } from './flow.js';
import { keyFromEnvironment } from '../app/key.js';
import type { StartPoint } from '../app/start.js';
import { ProfileNameScreen } from './screens/profile-name.js';
import { StartScreen } from './screens/start.js';
import { Flow } from './runner.js';
import { AgentsScreen } from './screens/agents.js';
import { BusyScreen } from './screens/busy.js';
import { CheckedScreen } from './screens/checked.js';
import { ConsentScreen } from './screens/consent.js';
import { CustomUrlScreen } from './screens/custom-url.js';
import { FailedScreen } from './screens/failed.js';
import { GatewayScreen } from './screens/gateway.js';
import { KeyScreen } from './screens/key.js';
import { ModelTextScreen } from './screens/model-text.js';
import { ModelScreen } from './screens/model.js';
import { ModelsScreen } from './screens/models.js';
import { RelayOfferScreen } from './screens/relay-offer.js';
import { ReviewScreen } from './screens/review.js';
import type { ScreenProps } from './screens/screen.js';
import type { Terminal } from './terminal.js';
import type { TuiResult } from './wizard.js';

export type { TuiResult } from './wizard.js';

/**
 * The body a screen needs under the trail of answers; the trail is left out when it would leave
 * less. The agents list is never cut for it: every agent stays in view when the terminal has room.
 */
function roomNeeded(step: Step): number {
  return step.at === 'agents' ? Math.max(12, step.rows.length + 3) : 12;
}

/** `start`: the saved profiles and the last gateway (app/start.ts); none: the first run's gateway list. */
export function App({ deps, onExit, start }: { deps: SessionDeps; onExit: (result: TuiResult) => void; start?: StartPoint | undefined }) {
  return (
    <KeysProvider>
      <Session deps={deps} onExit={onExit} start={start} />
    </KeysProvider>
  );
}

function Session({ deps, onExit, start }: { deps: SessionDeps; onExit: (result: TuiResult) => void; start?: StartPoint | undefined }) {
  const { exit } = useApp();
  const size = useTerminalSize();
  const [flow] = useState(() => new Flow(deps, {}, initialState(keyFromEnvironment(deps.env), start)));
  const state = useSyncExternalStore(flow.subscribe, () => flow.state);
  const finished = useRef(false);

  // The run ends when the flow does: report how, once, and let ink unmount.
  useLayoutEffect(() => {
    if (state.step.at !== 'finished' || finished.current) return;
    finished.current = true;
    onExit(state.step.result);
    exit();
  }, [state]);

  // The keys no screen used (a text input keeps its letters, a filter its Esc): cancel wherever
  // the flow takes it (not while writing: the reducer ignores it there), back where there is a
  // question before.
  useKeys(
    (input, key) => {
      if (key.escape || (key.ctrl && input === 'c') || input === 'q') flow.dispatch({ type: 'cancel' });
      else if (isBackKey(input, key)) flow.dispatch({ type: 'back' });
    },
    { fallback: true },
  );

  const step = state.step;
  const full = bodyHeight(size);
  const answered = trailOf(state);
  const trail = full - trailRows(answered) >= roomNeeded(step) ? answered : [];
  const props = { state, dispatch: flow.dispatch, height: full - trailRows(trail), columns: size.columns, trail, env: deps.env };
  // Each screen is its own subtree: a text input or list never inherits the previous screen's state.
  const screenKey = `${step.at}:${'index' in step ? step.index : ''}:${'agent' in step ? step.agent : ''}:${(state.history ?? []).length}`;
  return <Fragment key={screenKey}>{screenOf(state, props)}</Fragment>;
}

function screenOf(state: FlowState, common: Omit<ScreenProps<StepAt>, 'step'>): ReactNode {
  const step = state.step;
  switch (step.at) {
    case 'start':
      return <StartScreen {...common} step={step} />;
    case 'profile-name':
      return <ProfileNameScreen {...common} step={step} />;
    case 'gateway':
      return <GatewayScreen {...common} step={step} />;
    case 'custom-url':
      return <CustomUrlScreen {...common} step={step} />;
    case 'key':
      return <KeyScreen {...common} step={step} />;
    case 'checked':
      return <CheckedScreen {...common} step={step} />;
    case 'agents':
      return <AgentsScreen {...common} step={step} />;
    case 'model':
      return <ModelScreen {...common} step={step} />;
    case 'model-text':
      return <ModelTextScreen {...common} step={step} />;
    case 'models':
      return <ModelsScreen {...common} step={step} />;
    case 'consent':
      return <ConsentScreen {...common} step={step} />;
    case 'review':
      return <ReviewScreen {...common} step={step} />;
    case 'relay-offer':
      return <RelayOfferScreen {...common} step={step} />;
    case 'failed':
      return <FailedScreen {...common} step={step} />;
    case 'checking':
    case 'discovering':
    case 'planning':
    case 'writing':
    case 'starting-relay':
    case 'verifying':
      return <BusyScreen {...common} step={step} />;
    case 'finished':
      return null;
  }
}

/**
 * Runs the TUI on a terminal until the user finishes or cancels. Draws on the alternate screen,
 * so the shell's screen comes back as it was; the summary is printed after, to scrollback.
 */
export async function runTui(deps: SessionDeps, terminal: Terminal, color: boolean, start?: StartPoint): Promise<TuiResult> {
  let result: TuiResult = { kind: 'cancelled' };
  const out = terminal.stdout;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    out.write('\u001b[?1049l');
  };
  // A narrower terminal rewraps what is on screen: start from a clean one before ink redraws.
  const onResize = () => out.write('\u001b[2J\u001b[H');
  out.write('\u001b[?1049h\u001b[2J\u001b[H');
  out.on('resize', onResize);
  process.once('exit', restore);
  try {
    const instance = render(
      <ColorContext.Provider value={color}>
        <App deps={deps} onExit={(r) => (result = r)} start={start} />
      </ColorContext.Provider>,
      { stdin: terminal.stdin, stdout: out, exitOnCtrlC: false, patchConsole: false },
    );
    await instance.waitUntilExit();
  } finally {
    out.off('resize', onResize);
    restore();
    process.off('exit', restore);
  }
  return result;
}

// Something unexpected failed: say what, and leave on enter (or q, Esc).
import { EnterKey, Frame, Tone } from '../components.js';
import type { ScreenProps } from './screen.js';

export function FailedScreen({ step, dispatch }: ScreenProps<'failed'>) {
  return (
    <Frame step="Apply" hints="enter or q quit">
      <Tone tone="error" wrap="wrap">{`Something went wrong: ${step.message}`}</Tone>
      <EnterKey onEnter={() => dispatch({ type: 'confirm' })} />
    </Frame>
  );
}

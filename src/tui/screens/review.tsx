// Step 3: every change, scrollable; nothing is written before enter.
import { hasChanges } from '../../app/session.js';
import { EnterKey, Frame, ScrollView } from '../components.js';
import { reviewLines } from '../text.js';
import type { ScreenProps } from './screen.js';

export function ReviewScreen({ step, dispatch, height, env }: ScreenProps<'review'>) {
  const changes = hasChanges(step.review);
  return (
    <Frame step="Review" hints={changes ? 'enter write these files · ↑↓ PgUp PgDn scroll · q quit (nothing is written)' : 'enter finish · ↑↓ scroll · q quit'}>
      <EnterKey onEnter={() => dispatch({ type: 'confirm' })} />
      <ScrollView lines={reviewLines(step.review, env)} height={height} />
    </Frame>
  );
}

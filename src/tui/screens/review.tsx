// Step 3: every change, scrollable; nothing is written before enter.
import { useMemo } from 'react';
import { hasChanges } from '../../app/session.js';
import { EnterKey, Frame, ScrollView } from '../components.js';
import { reviewLines } from '../text.js';
import type { ScreenProps } from './screen.js';

export function ReviewScreen({ step, dispatch, height, columns, env }: ScreenProps<'review'>) {
  const changes = hasChanges(step.review);
  const lines = useMemo(() => reviewLines(step.review, env), [step.review, env]);
  return (
    <Frame step="Review" hints={changes ? 'enter write these files · ↑↓ PgUp PgDn scroll · q quit (nothing is written)' : 'enter finish · ↑↓ scroll · q quit'}>
      <EnterKey onEnter={() => dispatch({ type: 'confirm' })} />
      <ScrollView lines={lines} width={columns} height={height} />
    </Frame>
  );
}

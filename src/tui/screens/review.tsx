// Step 3: every change, scrollable; nothing is written before enter.
import { useMemo } from 'react';
import { hasChanges } from '../../app/session.js';
import { EnterKey, Frame, ScrollView } from '../components.js';
import { reviewLines } from '../text.js';
import { backHint, type ScreenProps } from './screen.js';

export function ReviewScreen({ step, state, dispatch, height, columns, env }: ScreenProps<'review'>) {
  const changes = hasChanges(step.review);
  const lines = useMemo(() => reviewLines(step.review, env), [step.review, env]);
  return (
    <Frame step="Review" hints={changes ? `enter write these files · ↑↓ PgUp PgDn${backHint(state)} · q quit (nothing written)` : `enter finish · ↑↓ scroll${backHint(state)} · q quit`}>
      <EnterKey onEnter={() => dispatch({ type: 'confirm' })} />
      <ScrollView lines={lines} width={columns} height={height} />
    </Frame>
  );
}

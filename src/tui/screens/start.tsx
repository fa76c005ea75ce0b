// The first question when there are saved profiles (or a last gateway): one of them, or a new gateway.
import { Box } from 'ink';
import { Frame, SelectList, Tone, type Item } from '../components.js';
import { NEW_GATEWAY, startChoiceHint, startChoiceLabel } from '../wizard.js';
import { backHint, type ScreenProps } from './screen.js';

export function StartScreen({ step, state, dispatch, height }: ScreenProps<'start'>) {
  const items: Item<string | null>[] = [
    ...step.choices.map((c) => ({ key: `profile:${c.name}`, label: startChoiceLabel(c), hint: startChoiceHint(c), value: c.name })),
    { key: 'new', label: NEW_GATEWAY, hint: 'a preset or your own URL', value: null },
  ];
  const initial = Math.max(0, items.findIndex((i) => i.value === (step.chosen ?? null)));
  return (
    <Frame step="Gateway" hints={`↑↓ move · enter choose${backHint(state)} · q quit`}>
      <Tone tone="strong">Which gateway should your coding agents use?</Tone>
      <Box marginTop={1}>
        <SelectList items={items} initial={initial} height={height - 2} onSelect={(item) => dispatch({ type: 'profile', name: item.value })} />
      </Box>
    </Frame>
  );
}

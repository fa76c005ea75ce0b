// Step 1: which gateway (a preset, or "type your own").
import { Box } from 'ink';
import { Frame, SelectList, Tone, type Item } from '../components.js';
import { PRESETS } from '../wizard.js';
import { backHint, type ScreenProps } from './screen.js';

export function GatewayScreen({ step, state, dispatch, height }: ScreenProps<'gateway'>) {
  const items: Item<string | null>[] = PRESETS.map((p) => ({ key: p.id, label: p.label.padEnd(20), hint: p.url ?? 'type its URL', value: p.url }));
  return (
    <Frame step="Gateway" hints={`↑↓ move · enter choose${backHint(state)} · q quit`}>
      <Tone tone="strong">Which gateway should your coding agents use?</Tone>
      <Box marginTop={1}>
        <SelectList items={items} initial={Math.max(0, PRESETS.findIndex((p) => step.chosen !== undefined && p.url === step.chosen))} height={height - 2} onSelect={(item) => dispatch({ type: 'gateway', url: item.value })} />
      </Box>
    </Frame>
  );
}

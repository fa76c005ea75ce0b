// After the one model: go on with it, or pick an agent to give it another model.
import { Box } from 'ink';
import { Frame, SelectList, Tone, type Item } from '../components.js';
import { modelTakers } from '../flow.js';
import { backHint, type ScreenProps } from './screen.js';

export function ModelsScreen({ step, state, dispatch, height, columns, trail }: ScreenProps<'models'>) {
  const { selection } = step;
  const takers = modelTakers(selection);
  const width = Math.min(Math.max(...takers.map((r) => r.recipe.name.length)), Math.max(12, columns - 30));
  const items: Item<string | null>[] = [
    { key: '-', label: 'Continue with these models', value: null },
    ...takers.map((r) => ({ key: r.recipe.id, label: `Change ${r.recipe.name}`.padEnd(width + 7), hint: selection.picked[r.recipe.id] ?? 'its own default', value: r.recipe.id })),
  ];
  return (
    <Frame step="Agents" hints={`↑↓ move · enter choose${backHint(state)} · q quit`} trail={trail}>
      <Tone tone="strong">Change the model of single agents?</Tone>
      <Box marginTop={1}>
        <SelectList
          items={items}
          height={Math.max(1, height - 2)}
          onSelect={(item) => dispatch(item.value === null ? { type: 'confirm' } : { type: 'model-for', agent: item.value })}
        />
      </Box>
    </Frame>
  );
}

// A model for one agent: the gateway's list (filterable), its own default when optional, or typed.
import { Box } from 'ink';
import { FilterSelect, Frame, Tone, type Item } from '../components.js';
import type { ScreenProps } from './screen.js';

/** Sentinel for "type a model id" in the model list. */
const TYPE_MODEL = '\u0000type';

export function ModelScreen({ step, dispatch, height, trail }: ScreenProps<'model'>) {
  const { selection, index } = step;
  const row = selection.agents[index];
  if (!row) return null;
  const recipe = row.recipe;
  const items: Item<string | undefined>[] = [
    ...(recipe.model === 'optional' ? [{ key: '-', label: `no model: ${recipe.name}'s own default`, value: undefined, pinned: true }] : []),
    ...selection.models.map((m) => ({ key: m, label: m, value: m })),
    { key: TYPE_MODEL, label: 'Type a model id…', value: TYPE_MODEL, pinned: true },
  ];
  const current = selection.picked[recipe.id];
  const initial = Math.max(0, items.findIndex((i) => i.value === current));
  return (
    <Frame step="Agents" hints="↑↓ move · / filter · enter choose · q quit" trail={trail}>
      <Tone tone="strong">{`Model for ${recipe.name} (${index + 1} of ${selection.agents.length})`}</Tone>
      <Tone tone="dim">{recipe.model === 'required' ? `${recipe.name} needs a model the gateway serves.` : `Optional: without one, ${recipe.name} asks for its own default models.`}</Tone>
      <Box marginTop={1}>
        <FilterSelect
          key={recipe.id}
          items={items}
          initial={initial}
          height={height - 3}
          onQuit={() => dispatch({ type: 'cancel' })}
          onSelect={(item) => dispatch(item.value === TYPE_MODEL ? { type: 'type-model' } : { type: 'model', model: item.value })}
        />
      </Box>
    </Frame>
  );
}

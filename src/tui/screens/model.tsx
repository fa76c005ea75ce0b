// The model question: one model for every agent that takes one (the gateway's list, filterable;
// `auto` marked when it lists it), or, from the models step, one agent's.
import { Box } from 'ink';
import { FilterSelect, Frame, Tone, type Item } from '../components.js';
import { initialModel, modelTakers, ownDefaultOffered } from '../flow.js';
import { backHint, type ScreenProps } from './screen.js';

/** Sentinel for "type a model id" in the model list. */
const TYPE_MODEL = '\u0000type';

export function ModelScreen({ step, state, dispatch, height, trail }: ScreenProps<'model'>) {
  const { selection } = step;
  const takers = modelTakers(selection);
  const rows = step.agent === undefined ? takers : takers.filter((r) => r.recipe.id === step.agent);
  const one = rows.length === 1 ? rows[0]?.recipe : undefined;
  if (!rows.length) return null;
  const ownDefault = ownDefaultOffered(rows);
  const items: Item<string | undefined>[] = [
    ...(ownDefault ? [{ key: '-', label: one ? `no model: ${one.name}'s own default` : "no model: each agent's own default", value: undefined, pinned: true }] : []),
    ...selection.models.map((m) => ({ key: m, label: m, value: m })),
    { key: TYPE_MODEL, label: 'Type a model id…', value: TYPE_MODEL, pinned: true },
  ];
  const current = initialModel(step);
  const initial = Math.max(0, items.findIndex((i) => i.value === current));
  const title = one ? `Model for ${one.name}` : `One model for all ${rows.length} agents`;
  const note = one
    ? one.model === 'required'
      ? `${one.name} needs a model the gateway serves.`
      : `Optional: without one, ${one.name} asks for its own default models.`
    : `${rows.map((r) => r.recipe.name).join(', ')}; you can change single agents next.`;
  return (
    <Frame step="Agents" hints={`↑↓ move · / filter · enter choose${backHint(state)} · q quit`} trail={trail}>
      <Tone tone="strong">{title}</Tone>
      <Tone tone="dim" wrap="wrap">
        {note}
      </Tone>
      <Box marginTop={1}>
        <FilterSelect
          key={step.agent ?? '*'}
          items={items}
          initial={initial}
          height={height - 3}
          onSelect={(item) => dispatch(item.value === TYPE_MODEL ? { type: 'type-model' } : { type: 'model', model: item.value })}
        />
      </Box>
    </Frame>
  );
}

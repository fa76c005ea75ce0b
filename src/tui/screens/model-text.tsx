// A model id typed by hand (the gateway listed none, or not the one wanted).
import { Box } from 'ink';
import { Frame, TextInput, Tone } from '../components.js';
import type { ScreenProps } from './screen.js';

export function ModelTextScreen({ step, dispatch, trail }: ScreenProps<'model-text'>) {
  const row = step.selection.agents[step.index];
  if (!row) return null;
  return (
    <Frame step="Agents" hints="enter confirm · ctrl-u clear · esc quit" trail={trail}>
      <Tone tone="strong">{`Model id for ${row.recipe.name}`}</Tone>
      <Tone tone="dim">As the gateway names it, e.g. anthropic/claude-sonnet-4.5</Tone>
      <Box marginTop={1}>
        <TextInput label="Model:" error={step.error} onSubmit={(text) => dispatch({ type: 'model-id', text })} />
      </Box>
    </Frame>
  );
}

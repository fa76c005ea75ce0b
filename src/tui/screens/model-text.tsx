// A model id typed by hand (the gateway listed none, or not the one wanted), for all or one agent.
import { Box } from 'ink';
import { Frame, TextInput, Tone } from '../components.js';
import { backHint, type ScreenProps } from './screen.js';

export function ModelTextScreen({ step, state, dispatch, trail }: ScreenProps<'model-text'>) {
  const name = step.agent === undefined ? 'all agents' : (step.selection.agents.find((r) => r.recipe.id === step.agent)?.recipe.name ?? step.agent);
  return (
    <Frame step="Agents" hints={`enter confirm · ctrl-u clear${backHint(state, '← (empty)')} · esc quit`} trail={trail}>
      <Tone tone="strong">{`Model id for ${name}`}</Tone>
      <Tone tone="dim">As the gateway names it, e.g. anthropic/claude-sonnet-4.5</Tone>
      <Box marginTop={1}>
        <TextInput label="Model:" error={step.error} onSubmit={(text) => dispatch({ type: 'model-id', text })} />
      </Box>
    </Frame>
  );
}

// The gateway's URL, typed.
import { Box } from 'ink';
import { Frame, TextInput, Tone } from '../components.js';
import { backHint, type ScreenProps } from './screen.js';

export function CustomUrlScreen({ step, state, dispatch, trail }: ScreenProps<'custom-url'>) {
  return (
    <Frame step="Gateway" hints={`enter confirm · ctrl-u clear${backHint(state, '← (empty)')} · esc quit`} trail={trail}>
      <Tone tone="strong">The gateway's URL</Tone>
      <Tone tone="dim">With or without /v1; a pasted …/v1/chat/completions works too.</Tone>
      <Box marginTop={1}>
        <TextInput label="URL:" initial={step.text ?? ''} placeholder="https://gateway.example.com/v1" error={step.error} onSubmit={(text) => dispatch({ type: 'url', text })} />
      </Box>
    </Frame>
  );
}

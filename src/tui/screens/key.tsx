// The gateway key, typed and never shown.
import { Box } from 'ink';
import { Frame, TextInput, Tone } from '../components.js';
import { backHint, type ScreenProps } from './screen.js';

export function KeyScreen({ step, state, dispatch, trail }: ScreenProps<'key'>) {
  return (
    <Frame step="Gateway" hints={`enter confirm · ctrl-u clear${backHint(state, '← (empty)')} · esc quit`} trail={trail}>
      <Tone tone="strong">{`The key for ${step.urls.openai}${step.from ? ` (profile ${step.from.name})` : ''}`}</Tone>
      {step.why ? <Tone tone="warn">{step.why}</Tone> : null}
      <Tone tone="dim">It is never shown; the files that hold it are written private (0600).</Tone>
      <Tone tone="dim">Tip: with SETUP_GATEWAY_KEY set, this question is skipped.</Tone>
      <Box marginTop={1}>
        <TextInput label="Key:" mask error={step.error} onSubmit={(text) => dispatch({ type: 'key', text })} />
      </Box>
    </Frame>
  );
}

// A new gateway, checked: save it as a profile (a name), or not (empty).
import { Box } from 'ink';
import { Frame, TextInput, Tone } from '../components.js';
import { backHint, type ScreenProps } from './screen.js';

export function ProfileNameScreen({ step, state, dispatch, trail }: ScreenProps<'profile-name'>) {
  return (
    <Frame step="Gateway" hints={`enter confirm · ctrl-u clear${backHint(state, '← (empty)')} · esc quit`} trail={trail}>
      <Tone tone="strong">{`Save ${step.connection.urls.openai} as a profile?`}</Tone>
      <Tone tone="dim">Type its name, or press enter to go on without saving. The key is not saved in it.</Tone>
      <Box marginTop={1}>
        <TextInput label="Name:" initial={step.text ?? ''} placeholder="(not saved)" error={step.error} onSubmit={(text) => dispatch({ type: 'profile-name', text })} />
      </Box>
    </Frame>
  );
}

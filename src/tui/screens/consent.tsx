// An edit that needs the user's yes first (e.g. removing ANTHROPIC_API_KEY from a settings file).
import { Box, Text } from 'ink';
import { Frame, SelectList, Tone, YesNoKeys } from '../components.js';
import { backHint, type ScreenProps } from './screen.js';

export function ConsentScreen({ step, state, dispatch, trail }: ScreenProps<'consent'>) {
  const question = step.questions[step.index];
  if (!question) return null;
  const answer = (yes: boolean) => dispatch({ type: 'consent', yes });
  return (
    <Frame step="Review" hints={`↑↓ move · enter choose · y yes · n no${backHint(state)} · q quit`} trail={trail}>
      <Tone tone="strong">{`${question.name}, ${question.file}`}</Tone>
      <Text wrap="wrap">{question.question}</Text>
      <Box marginTop={1}>
        <YesNoKeys onAnswer={answer} />
        <SelectList
          items={[
            { key: 'yes', label: 'Yes, remove it', value: true },
            { key: 'no', label: 'No, leave it (the agent may not use the gateway)', value: false },
          ]}
          height={2}
          onSelect={(item) => answer(item.value)}
        />
      </Box>
    </Frame>
  );
}

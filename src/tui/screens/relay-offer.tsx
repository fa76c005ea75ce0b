// After writing: agents go through the local relay, which is not running; start it now?
import { Box, Text } from 'ink';
import { Frame, SelectList, Tone, YesNoKeys } from '../components.js';
import type { ScreenProps } from './screen.js';

export function RelayOfferScreen({ step, dispatch }: ScreenProps<'relay-offer'>) {
  const { written, review } = step;
  const names = written.reports.filter((r) => r.relay).map((r) => r.name);
  const answer = (yes: boolean) => dispatch({ type: 'start-relay', yes });
  return (
    <Frame step="Apply" hints="↑↓ move · enter choose · y yes · n no">
      <Tone tone="ok">{`✓ Written${written.runId ? ` (run ${written.runId})` : ''}`}</Tone>
      <Tone tone="strong">Start the local relay now?</Tone>
      <Text wrap="wrap">{`${names.join(', ')} ${names.length === 1 ? 'goes' : 'go'} through the local relay at ${review.relay.url}, which is not running. It runs in the background with your key in its environment.`}</Text>
      <Box marginTop={1}>
        <YesNoKeys onAnswer={answer} />
        <SelectList
          items={[
            { key: 'yes', label: 'Yes, start it now', value: true },
            { key: 'no', label: 'No, I will start it myself (the command is in the summary)', value: false },
          ]}
          height={2}
          onSelect={(item) => answer(item.value)}
        />
      </Box>
    </Frame>
  );
}

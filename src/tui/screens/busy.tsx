// The steps that wait for something (checking, looking, planning, writing, starting, verifying):
// a spinner saying what, and for the last ones, what was written.
import type { ReactNode } from 'react';
import { Frame, Spinner, Tone, type StepName } from '../components.js';
import type { ScreenProps } from './screen.js';

type BusyAt = 'checking' | 'discovering' | 'planning' | 'writing' | 'starting-relay' | 'verifying';

export function BusyScreen({ step, trail }: ScreenProps<BusyAt>) {
  const frame = (name: StepName, hints: string, body: ReactNode) => (
    <Frame step={name} hints={hints} trail={trail}>
      {body}
    </Frame>
  );
  switch (step.at) {
    case 'checking':
      return frame('Gateway', 'esc quit', <Spinner label={`Checking ${step.gateway.urls.openai}: listing its models with your key…`} />);
    case 'discovering':
      return frame('Agents', 'esc quit', <Spinner label="Looking for agents on this machine…" />);
    case 'planning':
      return frame('Review', 'esc quit', <Spinner label="Reading your config files and planning the changes…" />);
    case 'writing': {
      const files = step.review.plans.reduce((n, p) => n + (p.error ? 0 : p.changes.length), 0);
      return frame('Apply', 'writing: please wait', <Spinner label={`Writing ${files} file${files === 1 ? '' : 's'} (each backed up first)…`} />);
    }
    case 'starting-relay':
      return frame('Apply', 'starting the relay: please wait', <Spinner label={`Starting the local relay at ${step.review.relay.url}…`} />);
    case 'verifying':
      return frame(
        'Apply',
        'writing: please wait',
        <>
          <Tone tone="ok">{`✓ Written${step.written.runId ? ` (run ${step.written.runId})` : ''}`}</Tone>
          {step.written.reports.map((r) => (
            <Tone key={r.id} tone={r.status === 'failed' ? 'error' : r.status === 'updated' ? 'ok' : 'dim'}>{`  ${r.name}: ${r.status}`}</Tone>
          ))}
          <Spinner label="Checking what was written…" />
        </>,
      );
  }
}

// Step 2: which agents, each with what detection found and where it points now.
import { Box } from 'ink';
import { useState } from 'react';
import { preselected, type AgentRow, type AgentState } from '../../app/agents.js';
import { Frame, MultiSelect, Tone, type CheckItem, type ToneName } from '../components.js';
import { describeEvidence, rowStatus } from '../wizard.js';
import { backHint, type ScreenProps } from './screen.js';

export function AgentsScreen({ step, state, dispatch, height, columns, trail, env }: ScreenProps<'agents'>) {
  const { rows } = step;
  const [focused, setFocused] = useState<AgentRow | undefined>(rows[0]);
  // The names' column: as wide as the longest name that leaves room for the longest status; a
  // longer name runs on into its own row's room (whole when the terminal has it).
  const statuses = rows.map(rowStatus);
  const cap = Math.max(12, columns - 8 - Math.max(...statuses.map((s) => s.length)));
  const width = Math.max(0, ...rows.map((r) => r.recipe.name.length).filter((n) => n <= cap)) || cap;
  const items: CheckItem<AgentRow>[] = rows.map((r) => ({
    key: r.recipe.id,
    label: r.recipe.name,
    value: r,
    dim: !r.found,
    status: rowStatus(r),
    tone: toneOfState(r.state),
  }));
  return (
    <Frame step="Agents" hints={`↑↓ move · space select · a all found · enter continue${backHint(state)} · q quit`} trail={trail}>
      <Tone tone="strong">{`Which agents should use ${step.connection.urls.openai}?`}</Tone>
      <Box marginTop={1} flexDirection="column">
        <MultiSelect
          items={items}
          initial={new Set(step.chosen ?? rows.filter(preselected).map((r) => r.recipe.id))}
          height={height - 3}
          labelWidth={width}
          width={columns}
          onCursor={(item) => setFocused(item.value)}
          onSubmit={(selected) => dispatch({ type: 'agents', ids: selected.map((r) => r.recipe.id) })}
        />
      </Box>
      {focused ? (
        <Tone tone="dim">{focused.found ? `${focused.recipe.name}: ${describeEvidence(focused.evidence, env)}` : `${focused.recipe.name} was not found here; select it to configure it anyway.`}</Tone>
      ) : null}
    </Frame>
  );
}

function toneOfState(state: AgentState): ToneName | undefined {
  switch (state.kind) {
    case 'routed':
    case 'routed-update':
      return 'ok';
    case 'vendor':
    case 'other-gateway':
    case 'manual':
      return 'warn';
    case 'error':
      return 'error';
    default:
      return undefined;
  }
}

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
  // Names whole when the terminal has room: the status after them is what gets cut.
  const width = Math.min(Math.max(...rows.map((r) => r.recipe.name.length)), Math.max(16, columns - 38));
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

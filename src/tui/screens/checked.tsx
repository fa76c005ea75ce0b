// The gateway check's result: its models and protocols, or why it failed and what to do now.
import { Box, Text } from 'ink';
import { checkFailureText, type GatewayCheck } from '../../app/gateway-check.js';
import { maskKey } from '../../core/secrets.js';
import { Frame, SelectList, Tone } from '../components.js';
import { afterCheckChoices, defaultAfterCheck } from '../flow.js';
import { backHint, type ScreenProps } from './screen.js';

export function CheckedScreen({ step, state, dispatch, columns }: ScreenProps<'checked'>) {
  const { check, gateway } = step;
  const keyText = `${maskKey(gateway.key)}${gateway.key === state.envKey ? ' (from SETUP_GATEWAY_KEY)' : ''}`;
  const choices = afterCheckChoices(check);
  return (
    <Frame step="Gateway" hints={check.ok ? `enter continue${backHint(state)} · q quit` : `↑↓ move · enter choose${backHint(state)} · q quit`}>
      <CheckResult check={check} attempt={step.attempt ?? 1} url={gateway.urls.openai} keyText={keyText} width={columns} />
      <Box marginTop={1}>
        <SelectList
          items={choices.map((c) => ({ key: c.value, label: c.label, value: c.value }))}
          initial={Math.max(0, choices.findIndex((c) => c.value === defaultAfterCheck(check)))}
          height={4}
          onSelect={(item) => dispatch({ type: 'after-check', choice: item.value })}
        />
      </Box>
    </Frame>
  );
}

function CheckResult({ check, attempt, url, keyText, width }: { check: GatewayCheck; attempt: number; url: string; keyText: string; width: number }) {
  if (!check.ok) {
    return (
      <Box flexDirection="column">
        <Tone tone="error" wrap="wrap">{`✗ ${checkFailureText(check, attempt)}`}</Tone>
        <Tone tone="dim">{`Key: ${keyText}`}</Tone>
      </Box>
    );
  }
  const list = check.models.length ? fitList(check.models, width - 12) : 'none listed';
  return (
    <Box flexDirection="column">
      <Tone tone="ok">{`✓ ${url} answered with your key.`}</Tone>
      <Text wrap="truncate-end">{`  Models (${check.models.length}): ${list}`}</Text>
      {check.protocols?.length ? (
        <Text wrap="truncate-end">
          {'  Protocols: '}
          {check.protocols.map((p) => (
            <Tone key={p.protocol} tone={p.ok ? 'ok' : 'error'}>{`${p.ok ? '✓' : '✗'} ${p.protocol}${p.detail ? ` (${p.detail})` : ''}  `}</Tone>
          ))}
        </Text>
      ) : null}
      <Tone tone="dim">{`  Key: ${keyText}`}</Tone>
    </Box>
  );
}

/** As many ids as fit in `width`, `auto` first, then "+N more". */
function fitList(models: readonly string[], width: number): string {
  const ordered = [...models.filter((m) => m === 'auto'), ...models.filter((m) => m !== 'auto')];
  let text = '';
  for (const [i, m] of ordered.entries()) {
    const more = ordered.length - i;
    const next = text ? `${text}, ${m}` : m;
    if (next.length + ` +${more} more`.length > width && text) return `${text} +${more} more`;
    text = next;
  }
  return text;
}

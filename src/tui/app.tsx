// The interactive TUI: gateway → key → live check → agents → models → review → apply.
// Screens hold no engine logic: they ask, and call src/app. Nothing is written before the
// user presses enter on the review. Esc and Ctrl-C cancel everywhere, `q` wherever no text is
// being typed; both end the run with `{ kind: 'cancelled' }` (exit 130).
import { Box, render, Text, useApp, useInput } from 'ink';
import { Fragment, useEffect, useMemo, useRef, useState } from 'react';
import type { Served } from '../app/route.js';
import type { GatewayUrls } from '../core/profile.js';
import { maskKey } from '../core/secrets.js';
import {
  bodyHeight,
  ColorContext,
  FilterSelect,
  Frame,
  MultiSelect,
  ScrollView,
  SelectList,
  Spinner,
  TextInput,
  Tone,
  useTerminalSize,
  type CheckItem,
  type Item,
  type StepName,
  type ToneName,
} from './components.js';
import type { Terminal } from './terminal.js';
import { reviewLines } from './text.js';
import { discoverAgents, preselected, type AgentRow, type AgentState } from '../app/agents.js';
import { checkGateway, modelProblem, parseGatewayUrl, servedOf, type GatewayCheck } from '../app/gateway-check.js';
import { keyFromEnvironment, keyProblem } from '../app/key.js';
import { defaultModel } from '../app/model.js';
import { hasChanges, pendingConsents, planReview, type ConsentQuestion, type Review, type SessionDeps } from '../app/session.js';
import { checkWritten } from '../app/verify.js';
import { relayToStart, startLocalRelay, writeReview, type RelayStatus, type Written } from '../app/write.js';
import { describeEvidence, rowStatus, PRESETS, type TuiResult } from './wizard.js';

export type { TuiResult } from './wizard.js';

type Stage =
  | { at: 'gateway' }
  | { at: 'custom-url'; error?: string }
  | { at: 'key'; error?: string }
  | { at: 'checking' }
  | { at: 'checked'; check: GatewayCheck }
  | { at: 'discovering' }
  | { at: 'agents' }
  | { at: 'model'; index: number }
  | { at: 'model-text'; index: number; error?: string }
  | { at: 'planning' }
  | { at: 'consent'; index: number }
  | { at: 'review' }
  | { at: 'writing' }
  | { at: 'relay'; written: Written }
  | { at: 'starting-relay'; written: Written }
  | { at: 'verifying'; written: Written; relay?: RelayStatus }
  | { at: 'failed'; message: string };

const STEP_OF: Record<Stage['at'], StepName> = {
  gateway: 'Gateway',
  'custom-url': 'Gateway',
  key: 'Gateway',
  checking: 'Gateway',
  checked: 'Gateway',
  discovering: 'Agents',
  agents: 'Agents',
  model: 'Agents',
  'model-text': 'Agents',
  planning: 'Review',
  consent: 'Review',
  review: 'Review',
  writing: 'Apply',
  relay: 'Apply',
  'starting-relay': 'Apply',
  verifying: 'Apply',
  failed: 'Apply',
};

/** Stages where letters are typed: `q` is text there, not quit. The model picker handles `q` itself. */
const TYPING = new Set<Stage['at']>(['custom-url', 'key', 'model-text', 'model']);
/** Stages that must not be interrupted: files are being written. */
const BUSY = new Set<Stage['at']>(['writing', 'starting-relay', 'verifying']);

/** Sentinel for "type a model id" in the model list. */
const TYPE_MODEL = '\u0000type';

export function App({ deps, onExit }: { deps: SessionDeps; onExit: (result: TuiResult) => void }) {
  const { exit } = useApp();
  const size = useTerminalSize();
  const height = bodyHeight(size);
  const envKey = useMemo(() => keyFromEnvironment(deps.env), [deps.env]);
  const [stage, setStage] = useState<Stage>({ at: 'gateway' });
  const [urls, setUrls] = useState<GatewayUrls>();
  const [key, setKey] = useState<string | undefined>(envKey);
  const [models, setModels] = useState<string[]>([]);
  const [served, setServed] = useState<Served>({});
  const [rows, setRows] = useState<AgentRow[]>([]);
  const [focused, setFocused] = useState<AgentRow | undefined>();
  const [chosen, setChosen] = useState<AgentRow[]>([]);
  const [picked, setPicked] = useState<Record<string, string | undefined>>({});
  const [granted, setGranted] = useState<ReadonlySet<string>>(new Set());
  const [consentsAsked, setConsentsAsked] = useState(false);
  const [consents, setConsents] = useState<ConsentQuestion[]>([]);
  const [review, setReview] = useState<Review>();
  const finished = useRef(false);

  const finish = (result: TuiResult) => {
    if (finished.current) return;
    finished.current = true;
    onExit(result);
    exit();
  };
  const fail = (error: unknown) => setStage({ at: 'failed', message: error instanceof Error ? error.message : String(error) });

  useInput((input, k) => {
    if (BUSY.has(stage.at)) return;
    if (k.escape || (k.ctrl && input === 'c') || (input === 'q' && !TYPING.has(stage.at))) {
      finish(stage.at === 'failed' ? { kind: 'error', message: stage.message } : { kind: 'cancelled' });
    }
  });

  // The slow steps run when their stage is entered; a stage left early ignores its result.
  useEffect(() => {
    let live = true;
    const guard =
      <T,>(then: (value: T) => void) =>
      (value: T) => {
        if (live) then(value);
      };
    const onError = guard(fail);
    if (stage.at === 'checking' && urls && key) {
      checkGateway(urls, key, deps)
        .then(
          guard((check) => {
            if (check.ok) setModels(check.models);
            setServed(servedOf(check));
            setStage({ at: 'checked', check });
          }),
        )
        .catch(onError);
    } else if (stage.at === 'discovering' && urls && key) {
      discoverAgents(deps, urls, key, models)
        .then(
          guard((found) => {
            setRows(found);
            setFocused(found[0]);
            setStage({ at: 'agents' });
          }),
        )
        .catch(onError);
    } else if (stage.at === 'planning' && urls && key) {
      const choices = chosen.map((r) => ({ recipe: r.recipe, evidence: r.evidence, model: picked[r.recipe.id] }));
      planReview(deps, urls, key, choices, granted, served)
        .then(
          guard((planned) => {
            const questions = consentsAsked ? [] : pendingConsents(planned, deps.env);
            setReview(planned);
            if (questions.length) {
              setConsents(questions);
              setStage({ at: 'consent', index: 0 });
            } else {
              setStage({ at: 'review' });
            }
          }),
        )
        .catch(onError);
    } else if (stage.at === 'writing' && review) {
      writeReview(review, deps)
        .then(async (written) => ({ written, ask: await relayToStart(written, deps) }))
        .then(guard(({ written, ask }) => setStage(ask ? { at: 'relay', written } : { at: 'verifying', written })))
        .catch(onError);
    } else if (stage.at === 'starting-relay' && review) {
      startLocalRelay(review, deps)
        .then(guard((relay) => setStage({ at: 'verifying', written: stage.written, relay })))
        .catch(onError);
    } else if (stage.at === 'verifying' && review) {
      checkWritten(review, stage.written, deps, stage.relay)
        .then(guard((outcome) => finish({ kind: 'done', review, outcome })))
        .catch(onError);
    }
    return () => {
      live = false;
    };
  }, [stage]);

  // Each screen is its own subtree: a text input or list never inherits the previous screen's state.
  const screenKey = `${stage.at}:${'index' in stage ? stage.index : ''}`;
  return <Fragment key={screenKey}>{screen()}</Fragment>;

  function screen() {
    const step = STEP_OF[stage.at];
    const gatewayLabel = urls ? urls.openai : '';

    switch (stage.at) {
      case 'gateway': {
        const items: Item<string | null>[] = PRESETS.map((p) => ({ key: p.id, label: p.label.padEnd(20), hint: p.url ?? 'type its URL', value: p.url }));
        return (
          <Frame step={step} hints="↑↓ move · enter choose · q quit">
            <Tone tone="strong">Which gateway should your coding agents use?</Tone>
            <Box marginTop={1}>
              <SelectList
                items={items}
                height={height - 2}
                onSelect={(item) => {
                  if (item.value === null) return setStage({ at: 'custom-url' });
                  const parsed = parseGatewayUrl(item.value);
                  if (!parsed.ok) return fail(parsed.error);
                  setUrls(parsed.urls);
                  setStage(key ? { at: 'checking' } : { at: 'key' });
                }}
              />
            </Box>
          </Frame>
        );
      }
      case 'custom-url':
        return (
          <Frame step={step} hints="enter confirm · ctrl-u clear · esc quit">
            <Tone tone="strong">The gateway's URL</Tone>
            <Tone tone="dim">With or without /v1; a pasted …/v1/chat/completions works too.</Tone>
            <Box marginTop={1}>
              <TextInput
                label="URL:"
                placeholder="https://gateway.example.com/v1"
                error={stage.error}
                onSubmit={(value) => {
                  const parsed = parseGatewayUrl(value);
                  if (!parsed.ok) return setStage({ at: 'custom-url', error: parsed.error });
                  setUrls(parsed.urls);
                  setStage(key ? { at: 'checking' } : { at: 'key' });
                }}
              />
            </Box>
          </Frame>
        );
      case 'key':
        return (
          <Frame step={step} hints="enter confirm · ctrl-u clear · esc quit">
            <Tone tone="strong">{`The key for ${gatewayLabel}`}</Tone>
            <Tone tone="dim">It is never shown; the files that hold it are written private (0600).</Tone>
            <Tone tone="dim">Tip: with SETUP_GATEWAY_KEY set, this question is skipped.</Tone>
            <Box marginTop={1}>
              <TextInput
                label="Key:"
                mask
                error={stage.error}
                onSubmit={(value) => {
                  const problem = keyProblem(value.trim());
                  if (problem) return setStage({ at: 'key', error: `The key: ${problem}.` });
                  setKey(value.trim());
                  setStage({ at: 'checking' });
                }}
              />
            </Box>
          </Frame>
        );
      case 'checking':
        return (
          <Frame step={step} hints="esc quit">
            <Spinner label={`Checking ${gatewayLabel}: listing its models with your key…`} />
          </Frame>
        );
      case 'checked':
        return (
          <Frame step={step} hints={stage.check.ok ? 'enter continue · q quit' : '↑↓ move · enter choose · q quit'}>
            <CheckResult check={stage.check} url={gatewayLabel} keyText={key ? `${maskKey(key)}${key === envKey ? ' (from SETUP_GATEWAY_KEY)' : ''}` : ''} width={size.columns} />
            <Box marginTop={1}>
              <SelectList
                items={
                  stage.check.ok
                    ? [{ key: 'go', label: 'Continue: choose the agents', value: 'go' }]
                    : [
                        { key: 'retry', label: 'Try again', value: 'retry' },
                        { key: 'key', label: 'Use another key', value: 'key' },
                        { key: 'gateway', label: 'Choose another gateway', value: 'gateway' },
                        { key: 'go', label: 'Continue without checking (no model list)', value: 'go' },
                      ]
                }
                height={4}
                onSelect={(item) => {
                  if (item.value === 'retry') setStage({ at: 'checking' });
                  else if (item.value === 'key') setStage({ at: 'key' });
                  else if (item.value === 'gateway') setStage({ at: 'gateway' });
                  else setStage({ at: 'discovering' });
                }}
              />
            </Box>
          </Frame>
        );
      case 'discovering':
        return (
          <Frame step={step} hints="esc quit">
            <Spinner label="Looking for agents on this machine…" />
          </Frame>
        );
      case 'agents': {
        const width = Math.min(24, Math.max(...rows.map((r) => r.recipe.name.length)));
        const items: CheckItem<AgentRow>[] = rows.map((r) => ({
          key: r.recipe.id,
          label: r.recipe.name,
          value: r,
          dim: !r.found,
          status: rowStatus(r),
          tone: toneOfState(r.state),
        }));
        const current = focused ?? rows[0];
        return (
          <Frame step={step} hints="↑↓ move · space select · a all · enter continue · q quit">
            <Tone tone="strong">{`Which agents should use ${gatewayLabel}?`}</Tone>
            <Box marginTop={1} flexDirection="column">
              <MultiSelect
                items={items}
                initial={new Set(rows.filter(preselected).map((r) => r.recipe.id))}
                height={height - 3}
                labelWidth={width}
                onCursor={(item) => setFocused(item.value)}
                onSubmit={(selected) => {
                  setChosen(selected);
                  setPicked(Object.fromEntries(selected.map((r) => [r.recipe.id, defaultModel(r.recipe, models)])));
                  setStage({ at: 'model', index: 0 });
                }}
              />
            </Box>
            {current ? (
              <Tone tone="dim">{current.found ? `${current.recipe.name}: ${describeEvidence(current.evidence, deps.env)}` : `${current.recipe.name} was not found here; select it to configure it anyway.`}</Tone>
            ) : null}
          </Frame>
        );
      }
      case 'model': {
        const row = chosen[stage.index];
        if (!row) return null;
        const recipe = row.recipe;
        const items: Item<string | undefined>[] = [
          ...(recipe.model === 'optional' ? [{ key: '-', label: `no model: ${recipe.name}'s own default`, value: undefined, pinned: true }] : []),
          ...models.map((m) => ({ key: m, label: m, value: m })),
          { key: TYPE_MODEL, label: 'Type a model id…', value: TYPE_MODEL, pinned: true },
        ];
        const current = picked[recipe.id];
        const initial = Math.max(0, items.findIndex((i) => i.value === current));
        const next = (model: string | undefined) => {
          setPicked({ ...picked, [recipe.id]: model });
          setStage(stage.index + 1 < chosen.length ? { at: 'model', index: stage.index + 1 } : { at: 'planning' });
        };
        return (
          <Frame step={step} hints="↑↓ move · / filter · enter choose · q quit">
            <Tone tone="strong">{`Model for ${recipe.name} (${stage.index + 1} of ${chosen.length})`}</Tone>
            <Tone tone="dim">{recipe.model === 'required' ? `${recipe.name} needs a model the gateway serves.` : `Optional: without one, ${recipe.name} asks for its own default models.`}</Tone>
            <Box marginTop={1}>
              <FilterSelect
                key={recipe.id}
                items={items}
                initial={initial}
                height={height - 3}
                onQuit={() => finish({ kind: 'cancelled' })}
                onSelect={(item) => (item.value === TYPE_MODEL ? setStage({ at: 'model-text', index: stage.index }) : next(item.value))}
              />
            </Box>
          </Frame>
        );
      }
      case 'model-text': {
        const row = chosen[stage.index];
        if (!row) return null;
        return (
          <Frame step={step} hints="enter confirm · ctrl-u clear · esc quit">
            <Tone tone="strong">{`Model id for ${row.recipe.name}`}</Tone>
            <Tone tone="dim">As the gateway names it, e.g. anthropic/claude-sonnet-4.5</Tone>
            <Box marginTop={1}>
              <TextInput
                label="Model:"
                error={stage.error}
                onSubmit={(value) => {
                  const problem = modelProblem(value.trim());
                  if (problem) return setStage({ at: 'model-text', index: stage.index, error: `The model id: ${problem}.` });
                  setPicked({ ...picked, [row.recipe.id]: value.trim() });
                  setStage(stage.index + 1 < chosen.length ? { at: 'model', index: stage.index + 1 } : { at: 'planning' });
                }}
              />
            </Box>
          </Frame>
        );
      }
      case 'planning':
        return (
          <Frame step={step} hints="esc quit">
            <Spinner label="Reading your config files and planning the changes…" />
          </Frame>
        );
      case 'consent': {
        const question = consents[stage.index];
        if (!question) return null;
        const answer = (yes: boolean) => {
          const next = new Set(granted);
          if (yes) next.add(question.agent);
          setGranted(next);
          if (stage.index + 1 < consents.length) return setStage({ at: 'consent', index: stage.index + 1 });
          setConsentsAsked(true);
          setStage({ at: 'planning' });
        };
        return (
          <Frame step={step} hints="↑↓ move · enter choose · y yes · n no · q quit">
            <Tone tone="strong">{`${question.name}, ${question.file}`}</Tone>
            <Text wrap="wrap">{question.question}</Text>
            <Box marginTop={1}>
              <ConsentKeys onAnswer={answer} />
              <SelectList
                key={`${question.agent}:${stage.index}`}
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
      case 'review': {
        if (!review) return null;
        const changes = hasChanges(review);
        return (
          <Frame step={step} hints={changes ? 'enter write these files · ↑↓ PgUp PgDn scroll · q quit (nothing is written)' : 'enter finish · ↑↓ scroll · q quit'}>
            <ReviewKeys onConfirm={() => (changes ? setStage({ at: 'writing' }) : finish({ kind: 'nothing', review }))} />
            <ScrollView lines={reviewLines(review, deps.env)} height={height} />
          </Frame>
        );
      }
      case 'relay': {
        if (!review) return null;
        const names = stage.written.reports.filter((r) => r.relay).map((r) => r.name);
        const answer = (yes: boolean) => setStage(yes ? { at: 'starting-relay', written: stage.written } : { at: 'verifying', written: stage.written });
        return (
          <Frame step={step} hints="↑↓ move · enter choose · y yes · n no">
            <Tone tone="ok">{`✓ Written${stage.written.runId ? ` (run ${stage.written.runId})` : ''}`}</Tone>
            <Tone tone="strong">Start the local relay now?</Tone>
            <Text wrap="wrap">{`${names.join(', ')} ${names.length === 1 ? 'goes' : 'go'} through the local relay at ${review.relay.url}, which is not running. It runs in the background with your key in its environment.`}</Text>
            <Box marginTop={1}>
              <ConsentKeys onAnswer={answer} />
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
      case 'starting-relay':
        return (
          <Frame step={step} hints="starting the relay: please wait">
            <Spinner label={`Starting the local relay at ${review?.relay.url ?? ''}…`} />
          </Frame>
        );
      case 'writing':
      case 'verifying': {
        const files = review ? review.plans.reduce((n, p) => n + (p.error ? 0 : p.changes.length), 0) : 0;
        return (
          <Frame step={step} hints="writing: please wait">
            {stage.at === 'writing' ? (
              <Spinner label={`Writing ${files} file${files === 1 ? '' : 's'} (each backed up first)…`} />
            ) : (
              <>
                <Tone tone="ok">{`✓ Written${stage.written.runId ? ` (run ${stage.written.runId})` : ''}`}</Tone>
                {stage.written.reports.map((r) => (
                  <Tone key={r.id} tone={r.status === 'failed' ? 'error' : r.status === 'updated' ? 'ok' : 'dim'}>{`  ${r.name}: ${r.status}`}</Tone>
                ))}
                <Spinner label="Checking what was written…" />
              </>
            )}
          </Frame>
        );
      }
      case 'failed':
        return (
          <Frame step={step} hints="enter or q quit">
            <Tone tone="error" wrap="wrap">{`Something went wrong: ${stage.message}`}</Tone>
            <QuitOnEnter onQuit={() => finish({ kind: 'error', message: stage.message })} />
          </Frame>
        );
    }
  }
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

function CheckResult({ check, url, keyText, width }: { check: GatewayCheck; url: string; keyText: string; width: number }) {
  if (!check.ok) {
    return (
      <Box flexDirection="column">
        <Tone tone="error" wrap="wrap">{`✗ ${check.reason}`}</Tone>
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

function ConsentKeys({ onAnswer }: { onAnswer: (yes: boolean) => void }) {
  useInput((input) => {
    if (input === 'y' || input === 'Y') onAnswer(true);
    else if (input === 'n' || input === 'N') onAnswer(false);
  });
  return null;
}

function ReviewKeys({ onConfirm }: { onConfirm: () => void }) {
  useInput((_, key) => {
    if (key.return) onConfirm();
  });
  return null;
}

function QuitOnEnter({ onQuit }: { onQuit: () => void }) {
  useInput((_, key) => {
    if (key.return) onQuit();
  });
  return null;
}

/**
 * Runs the TUI on a terminal until the user finishes or cancels. Draws on the alternate screen,
 * so the shell's screen comes back as it was; the summary is printed after, to scrollback.
 */
export async function runTui(deps: SessionDeps, terminal: Terminal, color: boolean): Promise<TuiResult> {
  let result: TuiResult = { kind: 'cancelled' };
  const out = terminal.stdout;
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    out.write('\u001b[?1049l');
  };
  // A narrower terminal rewraps what is on screen: start from a clean one before ink redraws.
  const onResize = () => out.write('\u001b[2J\u001b[H');
  out.write('\u001b[?1049h\u001b[2J\u001b[H');
  out.on('resize', onResize);
  process.once('exit', restore);
  try {
    const instance = render(
      <ColorContext.Provider value={color}>
        <App deps={deps} onExit={(r) => (result = r)} />
      </ColorContext.Provider>,
      { stdin: terminal.stdin, stdout: out, exitOnCtrlC: false, patchConsole: false },
    );
    await instance.waitUntilExit();
  } finally {
    out.off('resize', onResize);
    restore();
    process.off('exit', restore);
  }
  return result;
}

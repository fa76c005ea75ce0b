// `setup-gateway --plain` (and terminals ink cannot drive: TERM=dumb, CI): the flow of flow.ts,
// run by the same runner as the TUI, with each step asked as a line question (lines.ts: numbered
// choices, typed answers, no escape sequences) and the slow steps announced as printed lines.
// Above each question, one line per answer given since the last one (the trail of the TUI).
// "b" (or Left on an empty line) goes back; Esc or Ctrl-C at any question cancels: nothing is written.
import { preselected } from '../app/agents.js';
import type { Printer } from '../app/io.js';
import { hasChanges, type SessionDeps } from '../app/session.js';
import type { Environment } from '../core/environment.js';
import { checkFailureText } from '../app/gateway-check.js';
import { maskKey } from '../core/secrets.js';
import { afterCheckChoices, defaultAfterCheck, initialModel, initialState, isBusy, modelTakers, ownDefaultOffered, reduce, trailOf, type FlowEvent, type FlowState, type Step } from './flow.js';
import { Back, Cancelled, LineReader, lineAsk, type LineAsk } from './lines.js';
import { Flow } from './runner.js';
import type { Terminal } from './terminal.js';
import { printLines, reviewLines } from './text.js';
import { describeEvidence, NEW_GATEWAY, rowStatus, PRESETS, startChoiceHint, startChoiceLabel, type TuiResult } from './wizard.js';
import { keyFromEnvironment } from '../app/key.js';
import type { StartPoint } from '../app/start.js';

const NO_MODEL = '\u0000none';
const TYPE_MODEL = '\u0000type';

export async function runPlain(deps: SessionDeps, terminal: Terminal, print: Printer, start?: StartPoint): Promise<TuiResult> {
  const reader = new LineReader(terminal);
  try {
    return await run(deps, reader, print, start);
  } finally {
    reader.close();
  }
}

async function run(deps: SessionDeps, reader: LineReader, print: Printer, start: StartPoint | undefined): Promise<TuiResult> {
  const ask = lineAsk(reader);
  const flow = new Flow(deps, { print }, initialState(keyFromEnvironment(deps.env), start));
  let shown: Step | undefined;
  let trailed = 0;
  for (;;) {
    const state = flow.state;
    const step = state.step;
    if (step !== shown) {
      announce(state, shown, print, deps.env);
      shown = step;
    }
    // The answers given since the last question, one line each (after going back, none).
    const trail = trailOf(state);
    // (A check that passed asks nothing: its answers come with the next question.)
    if (!isBusy(step) && !(step.at === 'checked' && step.check.ok)) {
      for (const t of trail.slice(trailed)) print.out(`${print.paint('green', '✓')} ${t.label}: ${t.answer}`);
      trailed = trail.length;
    }
    if (step.at === 'finished') return step.result;
    // An unexpected error ends the run as any command's does (main reports it).
    if (step.at === 'failed') throw step.error;
    if (isBusy(step)) {
      await flow.next(state);
      continue;
    }
    reader.back = Boolean(state.history?.length);
    const event = await question(state, ask, deps.env).catch((error: unknown) => {
      if (error instanceof Cancelled) return { type: 'cancel' } as const;
      if (error instanceof Back) return { type: 'back' } as const;
      throw error;
    });
    flow.dispatch(event);
  }
}

/** What a step says as it is entered, before its question (or while its work runs). */
function announce(state: FlowState, previous: Step | undefined, print: Printer, env: Environment): void {
  const step = state.step;
  switch (step.at) {
    case 'checking': {
      const { urls, key } = step.gateway;
      // Once per gateway chosen, not again on a retry.
      if ((previous?.at === 'gateway' || previous?.at === 'custom-url') && key === state.envKey) print.out(`Using the key from SETUP_GATEWAY_KEY (${maskKey(key)}).`);
      print.addSecret(key);
      print.out(`Checking ${urls.openai}: listing its models with your key…`);
      return;
    }
    case 'checked': {
      const check = step.check;
      if (!check.ok) {
        print.out(print.paint('red', `✗ ${checkFailureText(check, step.attempt)}`));
        return;
      }
      const models = check.models;
      print.out(print.paint('green', `✓ ${step.gateway.urls.openai} answered with your key.`) + ` Models (${models.length}): ${models.slice(0, 8).join(', ')}${models.length > 8 ? ` +${models.length - 8} more` : ''}`);
      for (const p of check.protocols ?? []) print.out(`  ${p.ok ? '✓' : '✗'} ${p.protocol}${p.detail ? ` (${p.detail})` : ''}`);
      return;
    }
    case 'key':
      if (step.why) print.out(print.paint('yellow', `! ${step.why}`));
      return;
    case 'discovering':
      print.out('Looking for agents on this machine…');
      return;
    case 'review':
      print.out();
      printLines(print, reviewLines(step.review, env));
      print.out();
      return;
    case 'writing':
      print.out('Writing…');
      return;
    case 'starting-relay':
      print.out('Starting the local relay…');
      return;
    case 'verifying':
      if (step.relay?.error) print.out(print.paint('red', `✗ The local relay could not start: ${step.relay.error}`));
      print.out('Checking what was written…');
      return;
    case 'finished':
      if (step.result.kind === 'done') print.out();
      return;
    default:
      return;
  }
}

/**
 * The step's question, answered as an event. What a typed answer may be is the reducer's to say:
 * the line's validation asks it.
 */
async function question(state: FlowState, ask: LineAsk, env: Environment): Promise<FlowEvent> {
  const step = state.step;
  const problem = (event: FlowEvent): string | true => {
    const next = reduce(state, event).step;
    const error = next.at === step.at && 'error' in next ? next.error : undefined;
    return typeof error === 'string' ? error : true;
  };
  switch (step.at) {
    case 'start': {
      const choices = [
        ...step.choices.map((c) => ({ title: startChoiceLabel(c), hint: startChoiceHint(c), value: c.name as string | null })),
        { title: NEW_GATEWAY, hint: 'a preset or your own URL', value: null },
      ];
      const name = await ask.select('Which gateway should your coding agents use?', choices, Math.max(0, choices.findIndex((c) => c.value === (step.chosen ?? null))));
      return { type: 'profile', name };
    }
    case 'profile-name': {
      const text = await ask.text(`Save ${step.connection.urls.openai} as a profile? Its name (Enter: do not save; the key is not saved in it)`, {
        validate: (v) => problem({ type: 'profile-name', text: v }),
      });
      return { type: 'profile-name', text };
    }
    case 'gateway': {
      const id = await ask.select(
        'Which gateway should your coding agents use?',
        PRESETS.map((p) => ({ title: p.label, hint: p.url ?? 'type its URL', value: p.id })),
      );
      return { type: 'gateway', url: PRESETS.find((p) => p.id === id)?.url ?? null };
    }
    case 'custom-url': {
      const text = await ask.text("The gateway's URL (with or without /v1)", { validate: (v) => problem({ type: 'url', text: v }) });
      return { type: 'url', text };
    }
    case 'key': {
      const text = await ask.text(`The key for ${step.urls.openai}${step.from ? ` (profile ${step.from.name})` : ''} (never shown; SETUP_GATEWAY_KEY skips this)`, {
        mask: true,
        validate: (v) => problem({ type: 'key', text: v }),
      });
      return { type: 'key', text };
    }
    case 'checked': {
      // A gateway that answered needs no question: on to the agents.
      if (step.check.ok) return { type: 'after-check', choice: 'go' };
      const choices = afterCheckChoices(step.check);
      const choice = await ask.select(
        'What now?',
        choices.map((c) => ({ title: c.label, value: c.value })),
        Math.max(0, choices.findIndex((c) => c.value === defaultAfterCheck(step.check))),
      );
      return { type: 'after-check', choice };
    }
    case 'agents': {
      const ids = await ask.multiselect(
        `Which agents should use ${step.connection.urls.openai}?`,
        step.rows.map((r) => ({
          title: `${r.recipe.name}: ${rowStatus(r)}`,
          hint: r.found ? describeEvidence(r.evidence, env) : 'not found here; select it to configure it anyway',
          value: r.recipe.id,
          selected: step.chosen ? step.chosen.includes(r.recipe.id) : preselected(r),
          aside: !r.found,
        })),
      );
      return { type: 'agents', ids };
    }
    case 'model': {
      const takers = modelTakers(step.selection);
      const rows = step.agent === undefined ? takers : takers.filter((r) => r.recipe.id === step.agent);
      const one = rows.length === 1 ? rows[0]?.recipe : undefined;
      const pinned = [
        ...(ownDefaultOffered(rows) ? [{ title: one ? `no model: ${one.name}'s own default` : "no model: each agent's own default", value: NO_MODEL }] : []),
        { title: 'Type a model id…', value: TYPE_MODEL },
      ];
      const choices = step.selection.models.map((m) => ({ title: m, value: m }));
      const preferred = initialModel(step) ?? NO_MODEL;
      const initial = Math.max(0, [...pinned, ...choices].findIndex((c) => c.value === preferred));
      const message = one
        ? `Model for ${one.name}${one.model === 'required' ? '' : ' (optional)'}`
        : `One model for all ${rows.length} agents (${rows.map((r) => r.recipe.name).join(', ')}); you can change single agents next`;
      const model = await ask.search(message, choices, initial, pinned);
      if (model === TYPE_MODEL) return { type: 'type-model' };
      return { type: 'model', model: model === NO_MODEL ? undefined : model };
    }
    case 'model-text': {
      const name = step.agent === undefined ? 'all agents' : (step.selection.agents.find((r) => r.recipe.id === step.agent)?.recipe.name ?? step.agent);
      const text = await ask.text(`Model id for ${name}, as the gateway names it`, { validate: (v) => problem({ type: 'model-id', text: v }) });
      return { type: 'model-id', text };
    }
    case 'models': {
      const { selection } = step;
      const agent = await ask.select<string | null>('Change the model of single agents?', [
        { title: 'Continue with these models', value: null },
        ...modelTakers(selection).map((r) => ({ title: `Change ${r.recipe.name}`, hint: selection.picked[r.recipe.id] ?? 'its own default', value: r.recipe.id })),
      ]);
      return agent === null ? { type: 'confirm' } : { type: 'model-for', agent };
    }
    case 'consent': {
      const c = step.questions[step.index];
      if (!c) throw new Error(`internal: no consent question at ${step.index}`);
      return { type: 'consent', yes: await ask.confirm(`${c.name}, ${c.file}: ${c.question}`, true) };
    }
    case 'review':
      // Nothing to write: the run ends with what each agent is (no question).
      if (!hasChanges(step.review)) return { type: 'confirm' };
      return (await ask.confirm('Write these changes?', true)) ? { type: 'confirm' } : { type: 'cancel' };
    case 'relay-offer': {
      const yes = await ask.confirm(`Start the local relay now? (${step.review.relay.url}, for the agents that go through it)`, true);
      return { type: 'start-relay', yes };
    }
    default:
      throw new Error(`internal: no question at ${step.at}`);
  }
}

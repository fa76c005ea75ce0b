// `setup-gateway --plain` (and terminals ink cannot drive: TERM=dumb, CI): the same questions
// as the TUI, asked line by line with `prompts`, then the same engine calls (src/app).
// Esc or Ctrl-C at any question cancels: nothing is written.
import prompts from 'prompts';
import type { Printer } from '../app/io.js';
import { maskKey } from '../core/secrets.js';
import type { GatewayUrls } from '../core/profile.js';
import type { Served } from '../app/route.js';
import type { Terminal } from './terminal.js';
import { printLines, reviewLines } from './text.js';
import { discoverAgents, preselected } from '../app/agents.js';
import { checkGateway, modelProblem, parseGatewayUrl, servedOf } from '../app/gateway-check.js';
import { keyFromEnvironment, keyProblem } from '../app/key.js';
import { defaultModel } from '../app/model.js';
import { hasChanges, pendingConsents, planReview, type Choice, type SessionDeps } from '../app/session.js';
import { checkWritten } from '../app/verify.js';
import { relayToStart, startLocalRelay, writeReview, type RelayStatus } from '../app/write.js';
import { describeEvidence, rowStatus, PRESETS, type TuiResult } from './wizard.js';

class Cancelled extends Error {}

const NO_MODEL = '\u0000none';
const TYPE_MODEL = '\u0000type';

export async function runPlain(deps: SessionDeps, terminal: Terminal, print: Printer): Promise<TuiResult> {
  const ask = async <T>(question: Omit<prompts.PromptObject, 'name'>): Promise<T> => {
    let cancelled = false;
    const answers = await prompts(
      { ...question, name: 'value', stdin: terminal.stdin, stdout: terminal.stdout },
      {
        onCancel: () => {
          cancelled = true;
          return false;
        },
      },
    );
    if (cancelled) throw new Cancelled();
    return answers.value as T;
  };
  try {
    return await questions(deps, ask, print);
  } catch (error) {
    if (error instanceof Cancelled) return { kind: 'cancelled' };
    throw error;
  }
}

type Ask = <T>(question: Omit<prompts.PromptObject, 'name'>) => Promise<T>;

async function questions(deps: SessionDeps, ask: Ask, print: Printer): Promise<TuiResult> {
  const env = deps.env;
  const envKey = keyFromEnvironment(env);
  let key = envKey;
  let urls: GatewayUrls | undefined;
  let models: string[] = [];
  let served: Served = {};

  const askKey = async (): Promise<string> => {
    const typed = await ask<string>({
      type: 'password',
      message: `The key for ${urls?.openai ?? 'the gateway'} (never shown; SETUP_GATEWAY_KEY skips this)`,
      validate: (v: string) => (keyProblem(v.trim()) ? `The key: ${keyProblem(v.trim())}.` : true),
    });
    return typed.trim();
  };

  // Step 1: gateway, key, live check (retry, another key, another gateway, or go on unchecked).
  gateway: for (;;) {
    const presetId = await ask<string>({
      type: 'select',
      message: 'Which gateway should your coding agents use?',
      choices: PRESETS.map((p) => ({ title: p.label, description: p.url ?? 'type its URL', value: p.id })),
    });
    const preset = PRESETS.find((p) => p.id === presetId);
    const url =
      preset?.url ??
      (await ask<string>({
        type: 'text',
        message: "The gateway's URL (with or without /v1)",
        validate: (v: string) => {
          const parsed = parseGatewayUrl(v);
          return parsed.ok ? true : parsed.error;
        },
      }));
    const parsed = parseGatewayUrl(url);
    if (!parsed.ok) throw new Error(parsed.error);
    urls = parsed.urls;
    if (key && key === envKey) print.out(`Using the key from SETUP_GATEWAY_KEY (${maskKey(key)}).`);
    key ??= await askKey();
    print.addSecret(key);
    for (;;) {
      print.out(`Checking ${urls.openai}: listing its models with your key…`);
      const check = await checkGateway(urls, key, deps);
      if (check.ok) {
        models = check.models;
        served = servedOf(check);
        print.out(print.paint('green', `✓ ${urls.openai} answered with your key.`) + ` Models (${models.length}): ${models.slice(0, 8).join(', ')}${models.length > 8 ? ` +${models.length - 8} more` : ''}`);
        for (const p of check.protocols ?? []) print.out(`  ${p.ok ? '✓' : '✗'} ${p.protocol}${p.detail ? ` (${p.detail})` : ''}`);
        break gateway;
      }
      print.out(print.paint('red', `✗ ${check.reason}`));
      const next = await ask<string>({
        type: 'select',
        message: 'What now?',
        choices: [
          { title: 'Try again', value: 'retry' },
          { title: 'Use another key', value: 'key' },
          { title: 'Choose another gateway', value: 'gateway' },
          { title: 'Continue without checking (no model list)', value: 'go' },
        ],
      });
      if (next === 'key') {
        key = await askKey();
        print.addSecret(key);
      } else if (next === 'gateway') {
        continue gateway;
      } else if (next === 'go') {
        break gateway;
      }
    }
  }
  if (!urls || !key) throw new Error('internal: no gateway chosen');

  // Step 2: agents (detected ones pre-selected) and a model for each.
  print.out('Looking for agents on this machine…');
  const rows = await discoverAgents(deps, urls, key, models);
  const ids = await ask<string[]>({
    type: 'multiselect',
    message: `Which agents should use ${urls.openai}?`,
    instructions: false,
    hint: 'space select, a all, enter confirm',
    min: 1,
    choices: rows.map((r) => ({
      title: `${r.recipe.name}: ${rowStatus(r)}`,
      description: r.found ? describeEvidence(r.evidence, env) : 'not found here; select it to configure it anyway',
      value: r.recipe.id,
      selected: preselected(r),
    })),
  });
  const choices: Choice[] = [];
  for (const row of rows.filter((r) => ids.includes(r.recipe.id))) {
    const recipe = row.recipe;
    const choicesList = [
      ...(recipe.model === 'optional' ? [{ title: `no model: ${recipe.name}'s own default`, value: NO_MODEL }] : []),
      ...models.map((m) => ({ title: m, value: m })),
      { title: 'Type a model id…', value: TYPE_MODEL },
    ];
    const preferred = defaultModel(recipe, models) ?? NO_MODEL;
    let model = await ask<string>({
      type: 'autocomplete',
      message: `Model for ${recipe.name}${recipe.model === 'required' ? '' : ' (optional)'} (type to filter)`,
      choices: choicesList,
      initial: Math.max(0, choicesList.findIndex((c) => c.value === preferred)),
      limit: 10,
      suggest: async (input: string, all: prompts.Choice[]) =>
        all.filter((c) => c.value === NO_MODEL || c.value === TYPE_MODEL || c.title.toLowerCase().includes(String(input).toLowerCase())),
    });
    if (model === TYPE_MODEL) {
      model = (
        await ask<string>({
          type: 'text',
          message: `Model id for ${recipe.name}, as the gateway names it`,
          validate: (v: string) => (modelProblem(v.trim()) ? `The model id: ${modelProblem(v.trim())}.` : true),
        })
      ).trim();
    }
    choices.push({ recipe, evidence: row.evidence, model: model === NO_MODEL ? undefined : model });
  }

  // Step 3: consents, then the review of every change.
  let review = await planReview(deps, urls, key, choices, new Set(), served);
  const consents = pendingConsents(review, env);
  if (consents.length) {
    const granted = new Set<string>();
    for (const c of consents) {
      if (await ask<boolean>({ type: 'confirm', message: `${c.name}, ${c.file}: ${c.question}`, initial: true })) granted.add(c.agent);
    }
    review = await planReview(deps, urls, key, choices, granted, served);
  }
  print.out();
  printLines(print, reviewLines(review, env));
  print.out();
  if (!hasChanges(review)) return { kind: 'nothing', review };
  if (!(await ask<boolean>({ type: 'confirm', message: 'Write these changes?', initial: true }))) return { kind: 'cancelled' };

  // Step 4: apply, check.
  print.out('Writing…');
  const written = await writeReview(review, deps);
  let relay: RelayStatus | undefined;
  if (await relayToStart(written, deps)) {
    if (await ask<boolean>({ type: 'confirm', message: `Start the local relay now? (${review.relay.url}, for the agents that go through it)`, initial: true })) {
      print.out('Starting the local relay…');
      relay = await startLocalRelay(review, deps, print);
      if (relay.error) print.out(print.paint('red', `✗ The local relay could not start: ${relay.error}`));
    }
  }
  print.out('Checking what was written…');
  const outcome = await checkWritten(review, written, deps, relay);
  print.out();
  return { kind: 'done', review, outcome };
}

// `apply` and the interactive mode, given the same inputs, write the same bytes. Each scenario
// runs `setup-gateway apply` (the command, flags and all) in one temp HOME and the interactive
// flow (the reducer and runner the TUI and --plain drive, answering as a user at the keyboard
// would) in another, against the same mock gateway, then compares every file written, byte for
// byte and mode for mode (setup-gateway's own state folder aside: its journal holds run ids).
import { lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { probeProtocols } from '../../src/app/gateway-check.js';
import type { SessionDeps } from '../../src/app/session.js';
import { stateDir } from '../../src/core/environment.js';
import { newRelayToken, saveNewRelayToken } from '../../src/core/relay-token.js';
import { proposedModel } from '../../src/app/model.js';
import { initialModel, modelTakers, type FlowEvent, type FlowState, type Selection } from '../../src/tui/flow.js';
import { Flow } from '../../src/tui/runner.js';
import type { TuiResult } from '../../src/tui/wizard.js';
import { startMockGateway, type MockGateway } from '../support/mock-gateway.js';
import { runCli } from '../support/run-cli.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';

const KEY = 'sk-parity-0123456789abcdef';

let mock: MockGateway | undefined;
const homes: TempHome[] = [];

afterEach(async () => {
  await mock?.close();
  mock = undefined;
  await Promise.all(homes.splice(0).map((h) => h.cleanup()));
});

async function home(): Promise<TempHome> {
  const t = await makeTempHome({ GATEWAY_KEY: KEY });
  homes.push(t);
  return t;
}

/** What the user answers in the interactive mode. */
interface Answers {
  agents: string[];
  /** Per agent, the model typed or chosen from the list; absent: enter on the one proposed. */
  models?: Record<string, string>;
  /** Yes to every consent question (as apply's --yes). */
  consent?: boolean;
}

/**
 * Drives the interactive flow to its end, answering each step as scripted: the gateway typed as
 * a custom URL, the key typed, continue after the check, the agents, a model per agent (enter on
 * the proposed one unless scripted), the consents, enter on the review, and no to starting the
 * relay (apply without --yes does not start it either).
 */
async function interactive(t: TempHome, gateway: string, answers: Answers): Promise<TuiResult> {
  const deps: SessionDeps = { env: t.env, fetch, version: '0.0.0-test', probeProtocols };
  const flow = new Flow(deps);
  let state: FlowState = flow.state;
  for (;;) {
    const step = state.step;
    if (step.at === 'finished') return step.result;
    const event = answer(state, gateway, answers);
    if (event) flow.dispatch(event);
    state = await flow.next(state);
  }
}

function answer(state: FlowState, gateway: string, answers: Answers): FlowEvent | undefined {
  const step = state.step;
  switch (step.at) {
    case 'gateway':
      return { type: 'gateway', url: null };
    case 'custom-url':
      return { type: 'url', text: gateway };
    case 'key':
      return { type: 'key', text: KEY };
    case 'checked':
      expect(step.check.ok).toBe(true);
      return { type: 'after-check', choice: 'go' };
    case 'agents':
      return { type: 'agents', ids: answers.agents };
    case 'model': {
      // The one question takes what it marks; then each agent that should differ is changed alone.
      if (step.agent === undefined) return { type: 'model', model: initialModel(step) };
      return { type: 'model', model: wanted(step.selection, answers, step.agent) };
    }
    case 'models': {
      const differs = modelTakers(step.selection).find((r) => step.selection.picked[r.recipe.id] !== wanted(step.selection, answers, r.recipe.id));
      return differs ? { type: 'model-for', agent: differs.recipe.id } : { type: 'confirm' };
    }
    case 'consent':
      return { type: 'consent', yes: answers.consent === true };
    case 'review':
      return { type: 'confirm' };
    case 'relay-offer':
      return { type: 'start-relay', yes: false };
    case 'failed':
      throw new Error(`the interactive mode failed: ${step.message}`);
    default:
      return undefined; // a step that waits for its effect
  }
}

/** The model an agent should end with: the one given, else the one apply would write. */
function wanted(selection: Selection, answers: Answers, id: string): string | undefined {
  if (answers.models && id in answers.models) return answers.models[id];
  const recipe = selection.agents.find((r) => r.recipe.id === id)?.recipe;
  return recipe ? proposedModel(recipe, selection.models) : undefined;
}

/** Every file under the home (setup-gateway's state folder aside) → its bytes and mode. */
async function tree(t: TempHome): Promise<Map<string, { bytes: string; mode: number }>> {
  const skip = stateDir(t.env);
  const out = new Map<string, { bytes: string; mode: number }>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (full === skip) continue;
      if (entry.isDirectory()) await walk(full);
      else out.set(path.relative(t.home, full), { bytes: (await readFile(full)).toString('base64'), mode: (await lstat(full)).mode & 0o777 });
    }
  };
  await walk(t.home);
  return out;
}

async function expectSameFiles(a: TempHome, b: TempHome): Promise<Map<string, { bytes: string; mode: number }>> {
  const [left, right] = await Promise.all([tree(a), tree(b)]);
  expect([...right.keys()].sort()).toEqual([...left.keys()].sort());
  for (const [file, entry] of left) expect({ file, ...right.get(file) }).toEqual({ file, ...entry });
  return left;
}

/** The text of a file in a home. */
async function text(t: TempHome, file: string): Promise<string> {
  return readFile(path.join(t.home, file), 'utf8');
}

describe('apply and the interactive mode write the same files', () => {
  it('several agents, no model named: the gateway auto for each (Claude Code, Codex, Aider, opencode)', async () => {
    mock = await startMockGateway({ models: ['auto', 'gw-model'] });
    const agents = ['claude-code', 'codex', 'aider', 'opencode'];
    const [cli, tui] = [await home(), await home()];
    const run = await runCli(['apply', '--base-url', `${mock.url}/v1`, '--key-env', 'GATEWAY_KEY', ...agents.flatMap((a) => ['--agent', a])], { env: cli.env, fetch });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = await interactive(tui, `${mock.url}/v1`, { agents });
    expect(result.kind).toBe('done');
    const files = await expectSameFiles(cli, tui);
    expect(files.size).toBeGreaterThanOrEqual(5);
    expect(JSON.parse(await text(cli, '.claude/settings.json')).env.ANTHROPIC_MODEL).toBe('auto');
    expect(await text(cli, '.codex/config.toml')).toMatch(/^model = "auto"$/m);
    expect(await text(cli, '.aider.conf.yml')).toMatch(/^model: openai\/auto$/m);
  });

  it('models named per agent, and a gateway without auto: the optional agent keeps its own default', async () => {
    mock = await startMockGateway({ models: ['gw-model', 'other-model'] });
    const [cli, tui] = [await home(), await home()];
    const run = await runCli(
      ['apply', '--base-url', `${mock.url}/v1`, '--key-env', 'GATEWAY_KEY', '--agent', 'claude-code', '--agent', 'codex', '--agent', 'aider', '--model', 'codex=other-model', '--model', 'aider=gw-model'],
      { env: cli.env, fetch },
    );
    expect(run.code).toBe(0);
    // Codex: typed as in apply; Aider: enter on the first listed, which the interactive mode proposes.
    const result = await interactive(tui, `${mock.url}/v1`, { agents: ['claude-code', 'codex', 'aider'], models: { codex: 'other-model' } });
    expect(result.kind).toBe('done');
    await expectSameFiles(cli, tui);
    expect(JSON.parse(await text(cli, '.claude/settings.json')).env.ANTHROPIC_MODEL).toBeUndefined();
    expect(await text(cli, '.codex/config.toml')).toMatch(/^model = "other-model"$/m);
    expect(await text(cli, '.aider.conf.yml')).toMatch(/^model: openai\/gw-model$/m);
  });

  it('through the relay: a gateway without Anthropic messages routes Claude Code through the local relay in both', async () => {
    mock = await startMockGateway({ models: ['auto'], protocols: { anthropic: false } });
    const [cli, tui] = [await home(), await home()];
    // The install's relay token is an input like the others: the same one in both homes.
    const token = newRelayToken();
    for (const t of [cli, tui]) await saveNewRelayToken(t.env, token);
    const run = await runCli(['apply', '--base-url', `${mock.url}/v1`, '--key-env', 'GATEWAY_KEY', '--agent', 'claude-code', '--agent', 'codex'], { env: cli.env, fetch });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/via the local relay http:\/\/127\.0\.0\.1:\d+/);
    const result = await interactive(tui, `${mock.url}/v1`, { agents: ['claude-code', 'codex'] });
    expect(result.kind).toBe('done');
    if (result.kind === 'done') expect(result.review.relay.routes.map((r) => r.agent)).toEqual(['claude-code']);
    await expectSameFiles(cli, tui);
    const settings = JSON.parse(await text(cli, '.claude/settings.json'));
    expect(settings.env.ANTHROPIC_BASE_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(settings.env.ANTHROPIC_MODEL).toBe('auto');
    expect(settings.env.ANTHROPIC_AUTH_TOKEN).toBe(token);
    expect(await text(cli, '.codex/config.toml')).toContain(`base_url = "${mock.url}/v1"`);
  });

  it('existing files and a consent given (apply --yes, yes at the question): the same edits', async () => {
    mock = await startMockGateway({ models: ['auto'] });
    const [cli, tui] = [await home(), await home()];
    const existing = `${JSON.stringify({ theme: 'dark', env: { ANTHROPIC_API_KEY: 'sk-ant-old-0000000000', KEEP: '1' } }, null, 2)}\n`;
    for (const t of [cli, tui]) {
      await mkdir(path.join(t.home, '.claude'), { recursive: true });
      await writeFile(path.join(t.home, '.claude', 'settings.json'), existing, { mode: 0o644 });
      await writeFile(path.join(t.home, '.aider.conf.yml'), '# mine\ndark-mode: true\n');
    }
    const run = await runCli(['apply', '--base-url', `${mock.url}/v1`, '--key-env', 'GATEWAY_KEY', '--agent', 'claude-code', '--agent', 'aider', '--yes'], { env: cli.env, fetch });
    expect(run.code).toBe(0);
    const result = await interactive(tui, `${mock.url}/v1`, { agents: ['claude-code', 'aider'], consent: true });
    expect(result.kind).toBe('done');
    await expectSameFiles(cli, tui);
    const settings = JSON.parse(await text(cli, '.claude/settings.json'));
    expect(settings.env.ANTHROPIC_API_KEY).toBeUndefined();
    expect(settings).toMatchObject({ theme: 'dark', env: { KEEP: '1' } });
    expect(await text(cli, '.aider.conf.yml')).toMatch(/^# mine\ndark-mode: true\n/);
  });
});

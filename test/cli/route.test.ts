// apply's relay routing: which agents go through the local relay, and what they get written.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aider } from '../../recipes/aider/recipe.js';
import { claudeCode } from '../../recipes/claude-code/recipe.js';
import { codex } from '../../recipes/codex/recipe.js';
import { decideRoutes } from '../../src/app/route.js';
import { readRelayToken, relayTokenPath } from '../../src/core/relay-token.js';
import type { Fetch } from '../../src/core/gateway.js';
import { runCli } from '../support/run-cli.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';

describe('decideRoutes', () => {
  const all = [claudeCode, codex, aider];
  it.each([
    ['everything served: all direct', { 'anthropic-messages': true, 'openai-chat': true, 'openai-responses': true }, 'auto', []],
    ['OpenAI-only gateway: Claude Code and Codex via the relay', { 'anthropic-messages': false, 'openai-chat': true, 'openai-responses': false }, 'auto', ['claude-code', 'codex']],
    ['Anthropic-only gateway: the OpenAI agents via the relay', { 'anthropic-messages': true, 'openai-chat': false, 'openai-responses': false }, 'auto', ['codex', 'aider']],
    ['unknown answers never move an agent', {}, 'auto', []],
    ['nothing served: nothing to translate to', { 'anthropic-messages': false, 'openai-chat': false, 'openai-responses': false }, 'auto', []],
    ['never', { 'anthropic-messages': false, 'openai-chat': true }, 'never', []],
    ['always', {}, 'always', ['claude-code', 'codex', 'aider']],
  ] as const)('%s', (_, served, mode, expected) => {
    expect(decideRoutes(all, served, mode).map((r) => r.agent)).toEqual(expected);
  });
});

/** A gateway that serves only OpenAI chat completions: /v1/messages and /v1/responses are 404. */
const openAiOnly: Fetch = async (input) => {
  const url = String(input instanceof Request ? input.url : input);
  if (url.endsWith('/v1/chat/completions')) return Response.json({ error: { message: 'messages is empty' } }, { status: 400 });
  if (url.endsWith('/v1/models')) return Response.json({ object: 'list', data: [{ id: 'gpt-x', object: 'model' }] });
  return new Response('not found', { status: 404 });
};

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome();
});
afterEach(() => t.cleanup());

const KEY = 'sk-route-test-key-0001';
const args = ['apply', '--base-url', 'https://gw.example.com/v1', '--key', KEY, '--agent', 'claude-code', '--agent', 'codex', '--model', 'gpt-x'];

describe('apply against an OpenAI-only gateway', () => {
  it('points Claude Code and Codex at the local relay, keeps the gateway key out of their files, and says the relay must run', async () => {
    const run = await runCli([...args, '--json'], { env: t.env, fetch: openAiOnly });
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.agents.map((a: { id: string; relay?: { url: string } }) => [a.id, a.relay?.url])).toEqual([
      ['claude-code', 'http://127.0.0.1:4850'],
      ['codex', 'http://127.0.0.1:4850'],
    ]);
    expect(doc.relay).toMatchObject({ url: 'http://127.0.0.1:4850', running: false, started: false });
    expect(doc.relay.message).toMatch(/relay start --upstream https:\/\/gw\.example\.com\/v1 --port 4850/);

    // Both hold the install's random local token (0600 in the state folder), which the relay requires.
    const token = await readRelayToken(t.env);
    expect(token).toMatch(/^sgr-[0-9a-f]{64}$/);
    expect((await stat(relayTokenPath(t.env))).mode & 0o777).toBe(0o600);
    const claude = JSON.parse(await readFile(path.join(t.home, '.claude/settings.json'), 'utf8'));
    expect(claude.env.ANTHROPIC_BASE_URL).toBe('http://127.0.0.1:4850');
    expect(claude.env.ANTHROPIC_AUTH_TOKEN).toBe(token);
    const codexConfig = parseToml(await readFile(path.join(t.home, '.codex/config.toml'), 'utf8')) as { model_providers: Record<string, Record<string, string>> };
    expect(codexConfig.model_providers['setup-gateway']).toMatchObject({ base_url: 'http://127.0.0.1:4850/v1', experimental_bearer_token: token });
    // The token is masked in every output.
    expect(run.stdout + run.stderr).not.toContain(token);

    // The next apply keeps the token: nothing changes.
    const again = await runCli([...args, '--json'], { env: t.env, fetch: openAiOnly });
    expect(JSON.parse(again.stdout).agents.map((a: { status: string }) => a.status)).toEqual(['unchanged', 'unchanged']);
    expect(await readRelayToken(t.env)).toBe(token);
  });

  it('--relay-port moves the relay, and the text output names it per agent', async () => {
    const run = await runCli([...args, '--relay-port', '4999', '--dry-run'], { env: t.env, fetch: openAiOnly });
    expect(run.stdout).toMatch(/claude-code.*\n\s+via the local relay http:\/\/127\.0\.0\.1:4999: the gateway does not serve Anthropic messages/);
    expect(run.stdout).toContain('"ANTHROPIC_BASE_URL": "http://127.0.0.1:4999"');
    // A dry run makes no token either: the diff shows one (masked) that is never saved.
    expect(run.stdout).toMatch(/"ANTHROPIC_AUTH_TOKEN": "sgr…[0-9a-f]{4}"/);
    expect(await readRelayToken(t.env)).toBeUndefined();
  });

  it('--relay never writes the gateway itself', async () => {
    await runCli([...args, '--relay', 'never'], { env: t.env, fetch: openAiOnly });
    const claude = JSON.parse(await readFile(path.join(t.home, '.claude/settings.json'), 'utf8'));
    expect(claude.env.ANTHROPIC_BASE_URL).toBe('https://gw.example.com');
    expect(claude.env.ANTHROPIC_AUTH_TOKEN).toBe(KEY);
  });

  it('rejects a bad --relay value as a usage error', async () => {
    const run = await runCli([...args, '--relay', 'sometimes'], { env: t.env, fetch: openAiOnly });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/relay: /);
  });
});

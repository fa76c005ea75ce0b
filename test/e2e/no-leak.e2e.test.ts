// No request escapes the gateway. Each real agent runs with HTTPS_PROXY/HTTP_PROXY at a recording
// proxy that refuses everything (test/support/recording-proxy.ts), NO_PROXY for loopback only, so
// the mock gateway is reached directly and any other host the agent tries is named. The configs
// start in the real-world shapes that leaked (secondary models on OpenRouter or Anthropic, a
// Codex provider for a profile); after `apply` every model request must be at the mock, with the
// key, and the proxy must have seen no connection at all with the agent's telemetry switched off
// (the switch its recipe documents), and none outside the telemetry hosts its recipe lists with
// the defaults.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findRecipe } from '../../recipes/index.js';
import { agentVersions, claudeBin, codexBin, opencodeBin } from '../agents/paths.js';
import { E2E_TIMEOUT, useE2e } from '../support/e2e.js';
import { startRecordingProxy, VENDOR_HOSTS, type RecordingProxy } from '../support/recording-proxy.js';
import { agentEnv, runProcess, runSetupGateway, type ProcessRun, type TempWorld } from '../support/run-agent.js';

const REPLY = 'MOCK-GATEWAY-REPLY no-leak 7d2e: the route works';
const KEY = `sk-test-"q'#$x\\y-noleak`;
const MODEL = 'gw-main-1';
const SMALL = 'gw-small-1';

const e2e = useE2e({ reply: REPLY, key: KEY, model: MODEL, requires: [claudeBin, codexBin, opencodeBin] });

let proxy: RecordingProxy;
beforeAll(async () => {
  proxy = await startRecordingProxy();
  return () => proxy.close();
});
afterEach(() => proxy.reset());

/** The agent's environment with every outbound connection sent to the recording proxy, loopback excepted. */
function proxied(w: TempWorld, extra: Record<string, string> = {}): Record<string, string> {
  const url = proxy.url;
  const noProxy = '127.0.0.1,localhost,::1';
  return agentEnv(w.home, { HTTPS_PROXY: url, HTTP_PROXY: url, https_proxy: url, http_proxy: url, NO_PROXY: noProxy, no_proxy: noProxy, ...extra });
}

/** What the proxy and the mock saw, for failure messages. */
function seen(run: ProcessRun): string {
  const proxied = proxy.connections.map((c) => `${c.kind} ${c.target}`).join(', ') || '(nothing)';
  const mocked = e2e.mock.requests.map((r) => `${r.method} ${r.path} model=${String((r.body as { model?: unknown } | undefined)?.model)}`).join(', ') || '(nothing)';
  return `exit ${run.code}${run.timedOut ? ' (timed out)' : ''}\nproxy: ${proxied}\nmock: ${mocked}\n--- stdout ---\n${run.stdout}\n--- stderr ---\n${run.stderr}`;
}

/** Every model request at the mock carried the key and one of `models`; at least one was made; the reply came back. */
function expectAllAtGateway(run: ProcessRun, path: string, models: readonly string[]): string[] {
  const why = seen(run);
  expect(run.code, why).toBe(0);
  expect(run.stdout, why).toContain(REPLY);
  const hits = e2e.mock.requestsTo(path);
  expect(hits.length, why).toBeGreaterThan(0);
  for (const r of hits) {
    expect(r.headers.authorization, why).toBe(`Bearer ${KEY}`);
    expect(models, why).toContain((r.body as { model?: string }).model);
  }
  return hits.map((r) => (r.body as { model: string }).model);
}

function expectNoVendorHost(run: ProcessRun): void {
  expect(proxy.connectionsTo(VENDOR_HOSTS).map((c) => c.target), seen(run)).toEqual([]);
}

/** With the defaults: every host contacted is one the recipe lists as its telemetry. */
function expectOnlyTelemetry(run: ProcessRun, agent: string): void {
  const listed = findRecipe(agent)?.telemetry?.hosts ?? [];
  expect(
    proxy.connections.filter((c) => !listed.includes(c.host)).map((c) => c.target),
    `${agent}'s recipe lists its telemetry hosts as ${listed.join(', ')}\n${seen(run)}`,
  ).toEqual([]);
}

async function put(w: TempWorld, rel: string, text: string): Promise<void> {
  await mkdir(join(w.home, rel, '..'), { recursive: true });
  await writeFile(join(w.home, rel), text);
}

describe('no request escapes the gateway (recording proxy)', () => {
  it(
    `Claude Code ${agentVersions.claude}: small/fast and subagent models set to Anthropic ids, telemetry off: no connection but to the mock`,
    async () => {
      const w = await e2e.world('sg-e2e-noleak-claude-');
      await put(
        w,
        '.claude/settings.json',
        `${JSON.stringify({ env: { ANTHROPIC_SMALL_FAST_MODEL: 'claude-3-5-haiku-20241022', CLAUDE_CODE_SUBAGENT_MODEL: 'claude-opus-4-1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' } }, null, 2)}\n`,
      );
      await e2e.apply(w, 'claude-code', ['--small-model', SMALL]);
      e2e.mock.reset();
      const run = await runProcess(claudeBin, ['-p', 'say hi'], { cwd: w.cwd, env: proxied(w), timeoutMs: 90_000 });
      expectAllAtGateway(run, '/v1/messages', [MODEL, SMALL]);
      expect(proxy.connections, seen(run)).toEqual([]);
    },
    E2E_TIMEOUT,
  );

  it(
    `Claude Code ${agentVersions.claude} with its defaults: nothing but its listed telemetry hosts, and no model request there`,
    async () => {
      const w = await e2e.world('sg-e2e-noleak-claude-');
      await e2e.apply(w, 'claude-code');
      e2e.mock.reset();
      const run = await runProcess(claudeBin, ['-p', 'say hi'], { cwd: w.cwd, env: proxied(w), timeoutMs: 90_000 });
      expectAllAtGateway(run, '/v1/messages', [MODEL]);
      expectOnlyTelemetry(run, 'claude-code');
    },
    E2E_TIMEOUT,
  );

  it(
    `Codex ${agentVersions.codex}: a profile on an OpenRouter provider (codex exec --profile fast) reaches the mock after apply --yes; analytics and plugins off: no other connection`,
    async () => {
      const w = await e2e.world('sg-e2e-noleak-codex-');
      await put(w, '.codex/config.toml', '[analytics]\nenabled = false\n\n[features]\nplugins = false\n\n[model_providers.openrouter]\nname = "OpenRouter"\nbase_url = "https://openrouter.ai/api/v1"\nenv_key = "OPENROUTER_API_KEY"\n');
      await put(w, '.codex/fast.config.toml', 'model = "google/gemini-2.5-flash"\nmodel_provider = "openrouter"\n');
      await e2e.apply(w, 'codex');
      e2e.mock.reset();

      const main = await runProcess(codexBin, ['exec', '--skip-git-repo-check', 'say hi'], { cwd: w.cwd, env: proxied(w), timeoutMs: 90_000 });
      expectAllAtGateway(main, '/v1/responses', [MODEL]);
      expect(proxy.connections, seen(main)).toEqual([]);

      e2e.mock.reset();
      const profiled = await runProcess(codexBin, ['exec', '--profile', 'fast', '--skip-git-repo-check', 'say hi'], { cwd: w.cwd, env: proxied(w), timeoutMs: 90_000 });
      expectAllAtGateway(profiled, '/v1/responses', ['google/gemini-2.5-flash']);
      expect(proxy.connections, seen(profiled)).toEqual([]);
    },
    E2E_TIMEOUT,
  );

  it(
    `Codex ${agentVersions.codex}: a profile file with a provider of its own on OpenRouter is doctor's PROFILE_ELSEWHERE, and the codex command its fix names reaches the mock`,
    async () => {
      const w = await e2e.world('sg-e2e-noleak-codex-profile-');
      await put(w, '.codex/config.toml', '[analytics]\nenabled = false\n\n[features]\nplugins = false\n');
      await e2e.apply(w, 'codex');
      await put(w, '.codex/own.config.toml', 'model = "google/gemini-2.5-flash"\nmodel_provider = "openrouter"\n\n[model_providers.openrouter]\nname = "OpenRouter"\nbase_url = "https://openrouter.ai/api/v1"\nenv_key = "OPENROUTER_API_KEY"\n');

      const doctor = await runSetupGateway(w.home, w.cwd, ['doctor', '--agent', 'codex', '--offline', '--json']);
      const finding = (JSON.parse(doctor.stdout) as { findings: Array<{ code: string; fix: string; file?: string }> }).findings.find((f) => f.code === 'PROFILE_ELSEWHERE');
      expect(finding?.file, doctor.stdout).toBe(join(w.home, '.codex', 'own.config.toml'));
      const command = /codex (--profile own -c model_provider=[\w-]+)/.exec(finding?.fix ?? '')?.[1]?.split(' ');
      expect(command, finding?.fix).toEqual(['--profile', 'own', '-c', 'model_provider=setup-gateway']);

      e2e.mock.reset();
      const run = await runProcess(codexBin, ['exec', ...(command ?? []), '--skip-git-repo-check', 'say hi'], { cwd: w.cwd, env: proxied(w), timeoutMs: 90_000 });
      expectAllAtGateway(run, '/v1/responses', ['google/gemini-2.5-flash']);
      expect(proxy.connections, seen(run)).toEqual([]);
    },
    E2E_TIMEOUT,
  );

  it(
    `Codex ${agentVersions.codex} with its defaults: nothing but its listed telemetry hosts`,
    async () => {
      const w = await e2e.world('sg-e2e-noleak-codex-');
      await e2e.apply(w, 'codex');
      e2e.mock.reset();
      const run = await runProcess(codexBin, ['exec', '--skip-git-repo-check', 'say hi'], { cwd: w.cwd, env: proxied(w), timeoutMs: 90_000 });
      expectAllAtGateway(run, '/v1/responses', [MODEL]);
      expectNoVendorHost(run);
      expectOnlyTelemetry(run, 'codex');
    },
    E2E_TIMEOUT,
  );

  it(
    `opencode ${agentVersions.opencode}: small_model and the plan agent on OpenRouter before apply; the title is generated with the gateway's small model, and no connection goes to a vendor`,
    async () => {
      const w = await e2e.world('sg-e2e-noleak-opencode-');
      await put(
        w,
        '.config/opencode/opencode.json',
        `${JSON.stringify(
          {
            $schema: 'https://opencode.ai/config.json',
            provider: { openrouter: { options: { apiKey: 'sk-or-not-a-real-key' } } },
            model: 'openrouter/anthropic/claude-sonnet-4.5',
            small_model: 'openrouter/google/gemini-2.5-flash',
            agent: { plan: { model: 'openrouter/anthropic/claude-opus-4.1' } },
          },
          null,
          2,
        )}\n`,
      );
      await e2e.apply(w, 'opencode', ['--small-model', SMALL]);
      e2e.mock.reset();
      const env = proxied(w, { OPENCODE_DISABLE_AUTOUPDATE: '1', OPENCODE_DISABLE_MODELS_FETCH: '1', OPENCODE_DISABLE_DEFAULT_PLUGINS: '1' });
      const run = await runProcess(opencodeBin, ['run', 'say hi'], { cwd: w.cwd, env, timeoutMs: 90_000 });
      const models = expectAllAtGateway(run, '/v1/chat/completions', [MODEL, SMALL]);
      // opencode titles a new session with its small model.
      expect(models, seen(run)).toContain(SMALL);
      expect(models, seen(run)).toContain(MODEL);
      // It still fetches provider packages from the npm registry (no switch stops that): no vendor host, nothing unlisted.
      expectNoVendorHost(run);
      expectOnlyTelemetry(run, 'opencode');
    },
    E2E_TIMEOUT,
  );
});

// `setup-gateway apply`: configure agents without questions (beyond a consent prompt on a
// terminal). Detect → plan → (dry run: show) → apply → report.
import { z } from 'zod';
import { findRecipe, recipes as allRecipes } from '../../recipes/index.js';
import { applyChanges } from '../core/apply.js';
import { detectAll, type Evidence } from '../core/detect.js';
import type { Environment } from '../core/environment.js';
import { displayPath, stateDir } from '../core/environment.js';
import { ExitCode, UsageError } from '../core/errors.js';
import { listModels, type ModelList } from '../core/gateway.js';
import { filesToRead, planAgents, type AgentPlan } from '../core/plan.js';
import { createProfile, type Profile } from '../core/profile.js';
import type { Recipe } from '../core/recipe.js';
import { takeSnapshot } from '../core/snapshot.js';
import { parseCommand } from './args.js';
import { Printer } from '../app/io.js';
import type { CliIO } from './io.js';
import { probeServed, routeAgents } from '../app/route.js';
import { relayStartCommand, runningRelay, startRelay } from '../app/relay-run.js';
import { printReports, reportFor, type AgentReport } from '../app/report.js';

export const applyHelp = `Usage: setup-gateway apply --base-url URL [options]

Configure coding agents to use an AI gateway, without questions.

Options:
  --base-url URL      the gateway, with or without /v1 (required)
  --key KEY           the gateway key (visible in the process list: prefer the next two)
  --key-env VAR       read the key from environment variable VAR
  --key-stdin         read the key from standard input
                      (default: the SETUP_GATEWAY_KEY environment variable)
  --agent ID          configure this agent (repeatable; default: every detected agent)
  --model ID          the model for every agent, or AGENT=ID for one (repeatable)
  --dry-run           print the changes as diffs (keys masked) and write nothing
  --yes               consent to removing conflicting settings (e.g. ANTHROPIC_API_KEY)
                      and to starting the local relay when an agent needs it
  --relay MODE        auto (default): agents whose protocol the gateway does not serve
                      go through the local relay; never; always
  --relay-port N      the relay's port when apply starts it (default 4850)
  --json              print one JSON document
  -h, --help          show this help
`;

const OptionsSchema = z.object({
  'base-url': z.string({ error: 'is required (e.g. --base-url https://gateway.example.com/v1)' }),
  key: z.string().optional(),
  'key-env': z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name').optional(),
  'key-stdin': z.boolean().default(false),
  agent: z.array(z.string()).default([]),
  model: z.array(z.string()).default([]),
  'dry-run': z.boolean().default(false),
  yes: z.boolean().default(false),
  json: z.boolean().default(false),
  relay: z.enum(['auto', 'never', 'always']).default('auto'),
  'relay-port': z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number')
    .transform(Number)
    .refine((n) => n > 0 && n <= 65535, 'must be between 1 and 65535')
    .optional(),
});
type Options = z.infer<typeof OptionsSchema>;

export const applyFlags = {
  'base-url': { type: 'string' },
  key: { type: 'string' },
  'key-env': { type: 'string' },
  'key-stdin': { type: 'boolean' },
  agent: { type: 'string', multiple: true },
  model: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean' },
  json: { type: 'boolean' },
  relay: { type: 'string' },
  'relay-port': { type: 'string' },
} as const;

export async function applyCommand(argv: readonly string[], io: CliIO, print: Printer): Promise<number> {
  const options = parseCommand('apply', argv, applyFlags, OptionsSchema);
  const key = await resolveKey(options, io);
  print.addSecret(key);
  const env = io.environment();
  const profile = createProfile({ baseUrl: options['base-url'], key, ...splitModels(options.model) });
  const { recipes, evidence } = await selectRecipes(options.agent, env);
  if (recipes.length === 0) {
    print.err('No supported agent was detected. Name one with --agent (see `setup-gateway recipes`).');
    return ExitCode.failure;
  }

  const reports = new Map<string, AgentReport>();
  const ready = await resolveModels(recipes, profile, io, reports);
  const relay = await routeThroughRelay(ready, profile, options, io, env);
  const snapshot = await takeSnapshot(ready.flatMap((r) => filesToRead(r, relay.profileFor(r.id), env, evidence(r.id))));
  const planWith = (consent: (id: string) => boolean) =>
    planAgents(ready, { profile, profileFor: relay.profileFor, env, snapshot, consent, evidence });
  let plans = planWith(() => options.yes);
  const asked = await askConsents(plans, options, io, env);
  if (asked.size > 0) plans = planWith((id) => options.yes || asked.has(id));

  for (const plan of plans) for (const secret of plan.secrets) print.addSecret(secret);
  let runId: string | null = null;
  if (!options['dry-run']) {
    const outcome = await applyChanges(
      plans.filter((p) => !p.error).map((p) => ({ agent: p.recipe.id, changes: p.changes })),
      { stateDir: stateDir(env), toolVersion: io.version, baseUrl: profile.urls.openai },
    );
    runId = outcome.runId;
    for (const plan of plans) reports.set(plan.recipe.id, reportFor(plan, env, options['dry-run'], outcome.failed[plan.recipe.id]));
  } else {
    for (const plan of plans) reports.set(plan.recipe.id, reportFor(plan, env, true));
  }
  for (const route of relay.routes) {
    const report = reports.get(route.agent);
    if (report && report.status !== 'failed') report.relay = { url: relay.url, reason: route.reason };
  }
  const relayStatus = relay.routes.length && !options['dry-run'] ? await ensureRelay(relay.url, profile, options, io, print) : undefined;

  const ordered = recipes.map((r) => reports.get(r.id)).filter((r): r is AgentReport => Boolean(r));
  const failed = ordered.some((r) => r.status === 'failed');
  if (options.json) {
    print.json({ ok: !failed, dryRun: options['dry-run'], runId, gateway: profile.urls, agents: ordered, ...(relayStatus ? { relay: relayStatus } : {}) });
  } else {
    printReports(print, ordered, profile, options['dry-run'], runId, env);
    if (relayStatus) print.out(relayStatus.message);
  }
  return failed ? ExitCode.failure : ExitCode.ok;
}

/** Decides which agents go through the local relay (see route.ts) and gives each its profile. */
async function routeThroughRelay(ready: Recipe[], profile: Profile, options: Options, io: CliIO, env: Environment) {
  const served = options.relay === 'auto' ? await probeServed(ready, profile, io.fetch) : {};
  return routeAgents(ready, profile, served, options.relay, env, options['relay-port']);
}

/**
 * Agents now point at the relay: say whether it runs, and start it when the user agrees
 * (`--yes`, or yes at the prompt). The key reaches the relay in its environment only.
 */
async function ensureRelay(url: string, profile: Profile, options: Options, io: CliIO, print: Printer) {
  const env = io.environment();
  const running = await runningRelay(env);
  if (running) return { url: running.url, running: true, started: false, message: `The local relay is running at ${running.url} (pid ${running.pid}).` };
  const command = relayStartCommand(profile, url);
  const agree = options.yes || (io.interactive && !options.json && (await io.confirm(`Start the local relay at ${url} now?`)));
  if (!agree) {
    return {
      url,
      running: false,
      started: false,
      message: `The local relay must run for these agents. Start it with SETUP_GATEWAY_KEY set: ${command} (or keep it running at login: setup-gateway relay install-service --upstream ${profile.urls.openai}).`,
    };
  }
  // In --json mode the relay's own lines would break the one JSON document.
  const quiet = options.json ? new Printer({ ...io, stdout: { write() {} } }, false) : print;
  const started = await startRelay(env, profile, url, quiet);
  return { url, running: Boolean(started), started: true, message: started ? `Started the local relay at ${started.url} (pid ${started.pid}); stop it with \`setup-gateway relay stop\`.` : 'The local relay did not start.' };
}

async function resolveKey(options: Options, io: CliIO): Promise<string> {
  const sources = [options.key !== undefined, options['key-env'] !== undefined, options['key-stdin']].filter(Boolean).length;
  if (sources > 1) throw new UsageError('apply: give the key one way only: --key, --key-env or --key-stdin.');
  if (options.key !== undefined) return options.key;
  const env = io.environment().env;
  if (options['key-env']) {
    const value = env[options['key-env']];
    if (!value) throw new UsageError(`apply: --key-env ${options['key-env']}: that environment variable is not set or empty.`);
    return value;
  }
  if (options['key-stdin']) return (await io.readStdin()).replace(/[\r\n]+$/, '').trim();
  const fromEnv = env.SETUP_GATEWAY_KEY;
  if (fromEnv) return fromEnv;
  throw new UsageError('apply: a gateway key is required.', ['Pass --key-env VAR, --key-stdin, --key KEY, or set SETUP_GATEWAY_KEY.']);
}

/** `--model m` sets the default; `--model codex=m` one agent's model. */
function splitModels(values: readonly string[]): { model?: string; models: Record<string, string> } {
  const models: Record<string, string> = {};
  let model: string | undefined;
  for (const value of values) {
    const eq = value.indexOf('=');
    const agent = eq > 0 ? value.slice(0, eq) : '';
    if (agent && findRecipe(agent)) models[agent] = value.slice(eq + 1);
    else model = value;
  }
  return { ...(model !== undefined ? { model } : {}), models };
}

/** The agents named, or every detected one; with what detection found for each. */
async function selectRecipes(ids: readonly string[], env: Environment): Promise<{ recipes: Recipe[]; evidence: (id: string) => Evidence[] }> {
  const unknown = ids.filter((id) => !findRecipe(id));
  if (unknown.length) {
    throw new UsageError(`apply: unknown agent ${unknown.map((u) => `"${u}"`).join(', ')}.`, [`Known agents: ${allRecipes.map((r) => r.id).join(', ')}.`]);
  }
  const named = [...new Set(ids)].map((id) => findRecipe(id) as Recipe);
  const detections = await detectAll(named.length ? named : allRecipes, env);
  const byId = new Map(detections.map((d) => [d.recipe.id, d.evidence]));
  // An explicit-only recipe (shell-env) is configured when named, never because it was "found".
  const recipes = named.length ? named : detections.filter((d) => d.found && !d.recipe.explicitOnly).map((d) => d.recipe);
  return { recipes, evidence: (id) => byId.get(id) ?? [] };
}

/**
 * Agents that cannot work without a model get one: the gateway's `auto` when it offers it,
 * otherwise they fail with the list of what the gateway offers.
 */
async function resolveModels(recipes: Recipe[], profile: Profile, io: CliIO, reports: Map<string, AgentReport>): Promise<Recipe[]> {
  let list: Promise<ModelList> | undefined;
  const ready: Recipe[] = [];
  for (const recipe of recipes) {
    if (recipe.model === 'optional' || profile.models[recipe.id] || profile.model) {
      ready.push(recipe);
      continue;
    }
    list ??= listModels(profile.urls, profile.key, io.fetch);
    const models = await list;
    if (models.ok && models.models.includes('auto')) {
      profile.models[recipe.id] = 'auto';
      ready.push(recipe);
      continue;
    }
    const offered = models.ok
      ? models.models.length
        ? `The gateway offers: ${models.models.join(', ')}.`
        : 'The gateway lists no models.'
      : `Could not list the gateway's models (${models.reason}).`;
    reports.set(recipe.id, {
      id: recipe.id,
      name: recipe.name,
      status: 'failed',
      files: [],
      messages: [`${recipe.name} needs a model: pass --model ID (or --model ${recipe.id}=ID). ${offered}`],
      notes: [],
    });
  }
  return ready;
}

async function askConsents(plans: AgentPlan[], options: Options, io: CliIO, env: Environment): Promise<Set<string>> {
  const granted = new Set<string>();
  if (options.yes || options.json || options['dry-run'] || !io.interactive) return granted;
  for (const plan of plans) {
    for (const c of plan.consents.filter((x) => !x.granted)) {
      if (await io.confirm(`${plan.recipe.name}, ${displayPath(env, c.file)}: ${c.question}`)) granted.add(plan.recipe.id);
    }
  }
  return granted;
}

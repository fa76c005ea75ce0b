// `setup-gateway doctor`: prove that every configured agent really routes through the gateway.
// Reads, asks the gateway, reports; writes nothing unless --fix, which re-plans the agents and
// applies through the same engine as `apply` (diff first, confirmation unless --yes, undo-able).
import { z } from 'zod';
import { findRecipe, recipes as allRecipes } from '../../recipes/index.js';
import { displayPath } from '../core/environment.js';
import { ExitCode, UsageError } from '../core/errors.js';
import { failed, renderReport, reportJson, summarize, supportsUnicode, type Paint } from '../doctor/render.js';
import { readRelayStatus } from '../doctor/relay.js';
import { DEFAULT_TIMEOUT_MS, runDoctor, type DoctorOptions, type DoctorReport } from '../doctor/run.js';
import { parseCommand } from './args.js';
import type { Printer } from '../app/io.js';
import { againstFindings } from '../app/against.js';
import { resolveKey, resolveKeyReference } from '../app/key.js';
import { loadProfile, type LoadedProfile } from '../app/profile-source.js';
import { planDoctorFix, writeDoctorFix } from '../app/doctor-fix.js';
import { recordDoctorRun } from '../app/doctor-record.js';
import { diffColor } from '../app/report.js';
import { commandOf, type CliIO } from './io.js';
import { withPrefix } from '../app/command.js';

export const doctorHelp = `Usage: setup-gateway doctor [options]

Check that every configured agent really routes through the gateway: the gateway answers,
accepts the key and serves each agent's protocol; each agent's files parse, point at it with the
right URL shape, hold the key and a model it lists; nothing overrides them (environment,
project files, a subscription login); and they hold what setup-gateway last wrote.
Changes no agent's file, except with --fix. Each agent's result is kept for \`status\`.

The gateway is --base-url when given, else the one of the last apply, else the first agent's.
The key is --key/--key-env/--key-stdin/SETUP_GATEWAY_KEY when given, else the one the first
configured agent holds (e.g. ANTHROPIC_AUTH_TOKEN in ~/.claude/settings.json).

Options:
  --agent ID          check this agent (repeatable; default: every detected or applied agent)
  --base-url URL      the gateway to check against
  --against PROFILE   also report drift from a profile: a saved name, a FILE or an https
                      URL (a team's profile document); its gateway is the one checked, and
                      each agent's URL and model are compared with it (PROFILE_* codes)
  --sha256 HEX        with --against FILE|URL: refuse the document unless its bytes have
                      this SHA-256
  --key KEY | --key-env VAR | --key-stdin
                      the gateway key (default: SETUP_GATEWAY_KEY, else the agents' own)
  --offline           skip every network check
  --probe-completion  also send one 1-token completion per protocol the agents use
  --timeout SECONDS   deadline of each network request (default: 5)
  --strict            warnings fail too (exit 1)
  --fix               re-apply setup-gateway's settings where they drifted (shows the diff)
  --yes               apply --fix without asking
  --verbose           show why and how to fix for passing checks too
  --json              print one JSON document
  -h, --help          show this help

Exit codes: 0 no errors, 1 errors (or warnings with --strict), 2 usage error.
--json prints one document; its shape is published as dist/doctor.schema.json.

Examples:
  setup-gateway doctor
  setup-gateway doctor --agent codex --probe-completion
  setup-gateway doctor --against ./team-profile.json --offline
`;

const OptionsSchema = z.object({
  agent: z.array(z.string()).default([]),
  'base-url': z.string().optional(),
  against: z.string().optional(),
  sha256: z.string().optional(),
  key: z.string().optional(),
  'key-env': z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name').optional(),
  'key-stdin': z.boolean().default(false),
  offline: z.boolean().default(false),
  'probe-completion': z.boolean().default(false),
  timeout: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a number of seconds')
    .transform(Number)
    .refine((n) => n > 0 && n <= 300, 'must be between 0 and 300 seconds')
    .optional(),
  strict: z.boolean().default(false),
  fix: z.boolean().default(false),
  yes: z.boolean().default(false),
  verbose: z.boolean().default(false),
  json: z.boolean().default(false),
});
type Options = z.infer<typeof OptionsSchema>;

const flags = {
  agent: { type: 'string', multiple: true },
  'base-url': { type: 'string' },
  against: { type: 'string' },
  sha256: { type: 'string' },
  key: { type: 'string' },
  'key-env': { type: 'string' },
  'key-stdin': { type: 'boolean' },
  offline: { type: 'boolean' },
  'probe-completion': { type: 'boolean' },
  timeout: { type: 'string' },
  strict: { type: 'boolean' },
  fix: { type: 'boolean' },
  yes: { type: 'boolean' },
  verbose: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export async function doctorCommand(argv: readonly string[], io: CliIO, print: Printer): Promise<number> {
  const options = parseCommand('doctor', argv, flags, OptionsSchema);
  const unknown = options.agent.filter((id) => !findRecipe(id));
  if (unknown.length) {
    throw new UsageError(`doctor: unknown agent ${unknown.map((u) => `"${u}"`).join(', ')}.`, [`Known agents: ${allRecipes.map((r) => r.id).join(', ')}.`]);
  }
  if (options['probe-completion'] && options.offline) throw new UsageError('doctor: --probe-completion needs the network; drop --offline.');
  if (options.against !== undefined && options['base-url'] !== undefined) throw new UsageError('doctor: give --against or --base-url, not both: the profile names the gateway.');
  if (options.sha256 !== undefined && options.against === undefined) throw new UsageError('doctor: --sha256 pins the profile of --against FILE|URL.');
  const env = io.environment();
  const keyWorld = { env: env.env, readStdin: () => io.readStdin() };
  const against = options.against !== undefined ? await loadProfile(options.against, options.sha256, { env, fetch: io.fetch, ...(io.cwd !== undefined ? { cwd: io.cwd } : {}) }) : undefined;
  const key = (await resolveKey('doctor', options, keyWorld)) ?? (against ? await profileKey(against, keyWorld) : undefined);
  if (key) print.addSecret(key.value);
  const baseUrl = against?.profile.baseUrl ?? options['base-url'];
  const doctorOptions: DoctorOptions = {
    agents: [...new Set(options.agent)],
    ...(baseUrl !== undefined ? { baseUrl } : {}),
    ...(key ? { key } : {}),
    offline: options.offline,
    probeCompletion: options['probe-completion'],
    timeoutMs: options.timeout !== undefined ? Math.round(options.timeout * 1000) : DEFAULT_TIMEOUT_MS,
  };
  const deps = { env, ...(io.cwd ? { cwd: io.cwd } : {}), fetch: io.fetch, version: io.version, recipes: allRecipes, relay: readRelayStatus };
  const noColor = Boolean(env.env.NO_COLOR);
  const paint: Paint = (c, t) => (noColor ? t : print.paint(c, t));
  const show = (report: DoctorReport) => {
    for (const s of report.secrets) print.addSecret(s);
    for (const line of renderReport(report, { verbose: options.verbose, unicode: supportsUnicode(env), paint, env })) print.out(line);
  };

  const command = commandOf(io);
  // Every fix names commands as they run in the way this one was started (app/command.ts).
  const runnable = (r: DoctorReport) => {
    for (const f of r.findings) f.fix = withPrefix(f.fix, command);
    return r;
  };
  const report = await runDoctor(doctorOptions, deps);
  for (const s of report.secrets) print.addSecret(s);
  if (against) report.findings.push(...againstFindings(report, against.profile, applyCommandFor(options.against as string, options.sha256)));
  runnable(report);
  const json = (r: DoctorReport) => ({ ...reportJson(r, options.strict), ...(against ? { against: againstJson(against) } : {}) });
  // For `status`: each agent's result, the report after a fix when there was one.
  const record = (r: DoctorReport) =>
    recordDoctorRun(env, r, options.offline).catch((error: unknown) => print.err(`(doctor's result was not kept for \`status\`: ${error instanceof Error ? error.message : String(error)})`));
  if (!options.fix) {
    await record(report);
    if (options.json) print.json(json(report));
    else show(report);
    return failed(report.findings, options.strict) ? ExitCode.failure : ExitCode.ok;
  }

  // --fix
  if (!options.json) show(report);
  const fix = await runFix(report, options, io, print, paint);
  const after = fix.applied ? await runDoctor(doctorOptions, deps) : report;
  if (against && fix.applied) after.findings.push(...againstFindings(after, against.profile, applyCommandFor(options.against as string, options.sha256)));
  if (fix.applied) runnable(after);
  for (const s of after.secrets) print.addSecret(s);
  await record(after);
  if (options.json) {
    print.json({ ...json(after), fix: fix.json, ...(fix.applied ? { before: { summary: summarize(report.findings), findings: report.findings } } : {}) });
  } else if (fix.applied) {
    print.out();
    print.out(paint('bold', 'After the fix:'));
    print.out();
    show(after);
  }
  return failed(after.findings, options.strict) ? ExitCode.failure : ExitCode.ok;
}

interface FixOutcome {
  applied: boolean;
  json: Record<string, unknown>;
}

async function runFix(report: DoctorReport, options: Options, io: CliIO, print: Printer, paint: Paint): Promise<FixOutcome> {
  const env = report.ctx.env;
  const say = (text = '') => {
    if (!options.json) print.out(text);
  };
  say();
  say(paint('bold', 'Fix'));
  const plan = planDoctorFix(report);
  if (plan.kind === 'unknown-gateway') {
    say(`Nothing can be fixed: ${plan.why}.`);
    return { applied: false, json: { applied: false, reason: plan.why } };
  }
  for (const p of plan.failed) say(`${p.recipe.name}: cannot be fixed automatically: ${p.error}`);
  const { agents } = plan;
  if (!agents.length) {
    say('No file needs changing: what is left (if anything) needs a fix by hand, as described above.');
    return { applied: false, json: { applied: false, reason: 'nothing to change', agents: [] } };
  }
  for (const a of agents) {
    say(`${a.id}:`);
    for (const line of a.diff.trimEnd().split('\n')) say(`    ${paint(diffColor(line), line)}`);
  }
  let go = options.yes;
  if (!go && io.interactive && !options.json) go = await io.confirm(`Apply these changes to ${agents.length} agent${agents.length === 1 ? '' : 's'}?`);
  if (!go) {
    say('Nothing was written. Run again with --fix --yes to apply.');
    return { applied: false, json: { applied: false, reason: 'not confirmed (pass --yes)', agents } };
  }
  const outcome = await writeDoctorFix(plan, { env, version: io.version });
  for (const a of agents) {
    const failure = outcome.failed[a.id];
    say(failure ? `${paint('red', 'failed')} ${a.id}: ${failure}` : `${paint('green', 'fixed')} ${a.id}: ${a.files.map((f) => displayPath(env, f)).join(', ')}`);
  }
  if (outcome.runId) say(`Undo with: ${commandOf(io)} undo --id ${outcome.runId}`);
  return { applied: Boolean(outcome.runId), json: { applied: Boolean(outcome.runId), runId: outcome.runId, agents, failed: outcome.failed } };
}

/** The key of the profile doctor checks against, when its reference gives one here (else doctor finds the agents'). */
async function profileKey(loaded: LoadedProfile, world: { env: Record<string, string | undefined>; readStdin(): Promise<string> }) {
  if (loaded.profile.key === undefined) return undefined;
  try {
    return await resolveKeyReference('doctor', loaded.profile.key, world);
  } catch {
    return undefined;
  }
}

/** The apply that puts agents back on the profile, as the user named it (a shell-safe form). */
function applyCommandFor(against: string, sha256: string | undefined): string {
  const quoted = /^[\w@%+=:,./~-]+$/.test(against) ? against : `'${against.replace(/'/g, `'\\''`)}'`;
  return `setup-gateway apply --profile ${quoted}${sha256 ? ` --sha256 ${sha256}` : ''}`;
}

function againstJson(loaded: LoadedProfile): Record<string, unknown> {
  return { name: loaded.profile.name, from: loaded.from, baseUrl: loaded.profile.baseUrl, ...(loaded.sha256 ? { sha256: loaded.sha256 } : {}) };
}

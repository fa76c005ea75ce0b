// `setup-gateway apply`: configure agents without questions (beyond a consent prompt on a
// terminal). Detect → plan → (dry run: show) → apply → report.
import { z } from 'zod';
import { applyAgents, type ApplyRequest, type ApplyResult } from '../app/apply.js';
import { applyRequestFor } from '../app/profiles.js';
import { loadProfile } from '../app/profile-source.js';
import { Printer } from '../app/io.js';
import { resolveKey } from '../app/key.js';
import { relayStartAdvice } from '../app/relay-run.js';
import { PLACEHOLDER_KEY, printReports } from '../app/report.js';
import type { RelayStatus } from '../app/write.js';
import { ExitCode, UsageError } from '../core/errors.js';
import { displayPath, type Environment } from '../core/environment.js';
import type { Profile } from '../core/profile.js';
import { parseCommand } from './args.js';
import { commandOf, type CliIO } from './io.js';
import { withPrefix } from '../app/command.js';

export const applyHelp = `Usage: setup-gateway apply --base-url URL [options]
       setup-gateway apply --profile NAME|FILE|URL [--sha256 HEX] [options]

Configure coding agents to use an AI gateway, without questions.

Options:
  --base-url URL      the gateway, with or without /v1 (required unless --profile)
  --profile NAME      a saved profile (see \`setup-gateway profile --help\`): its URL, key
                      reference, models and relay preference; the flags below win over it
  --profile FILE|URL  a profile document (the same fields: a team's file, or an https://
                      URL; plain http only to localhost); it names no key: the key comes
                      from its "key" reference (env:VAR, file:PATH), a key flag or
                      SETUP_GATEWAY_KEY
  --sha256 HEX        refuse the profile file or URL unless its bytes have this SHA-256
                      (as \`sha256sum FILE\` prints it)
  --check             write nothing; exit 0 when every agent already matches, 3 when
                      something would change (1 and 2 as usual); with --json, lists the
                      changed and unchanged files
  --key KEY           the gateway key (visible in the process list: prefer the next two)
  --key-env VAR       read the key from environment variable VAR
  --key-stdin         read the key from standard input
                      (default: the SETUP_GATEWAY_KEY environment variable)
  --agent ID          configure this agent (repeatable; default: every detected agent)
  --model ID          the model for every agent, or AGENT=ID for one (repeatable)
  --small-model ID    the model of the agents' small slots (titles, commit messages,
                      summaries; default: the gateway's smaller model of the same family
                      when it lists one, else the main model)
  --dry-run           print the changes as diffs (keys masked) and write nothing
  --yes               consent to removing conflicting settings (e.g. ANTHROPIC_API_KEY)
                      and to starting the local relay when an agent needs it
  --relay MODE        auto (default): agents whose protocol the gateway does not serve
                      go through the local relay; never; always
  --relay-port N      the relay's port when apply starts it (default 4850)
  --offline           ask the gateway nothing (no model list, no protocol probes): for a
                      gateway that is not up yet; agents go direct, name their --model
  --json              print one JSON document
  -h, --help          show this help

A gateway that does not answer (connection refused, DNS, TLS, timeout) gets a warning:
the agents are configured all the same, and fail until it answers.

Examples:
  SETUP_GATEWAY_KEY=sk-… setup-gateway apply --base-url https://gw.example.com/v1 --dry-run
  setup-gateway apply --profile ./team-profile.json --key-env GW_KEY --yes
  setup-gateway apply --profile work --check --json    # exit 3 when something would change
`;

const OptionsSchema = z.object({
  'base-url': z.string().optional(),
  profile: z.string().optional(),
  sha256: z.string().optional(),
  check: z.boolean().default(false),
  key: z.string().optional(),
  'key-env': z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name').optional(),
  'key-stdin': z.boolean().default(false),
  agent: z.array(z.string()).default([]),
  model: z.array(z.string()).default([]),
  'small-model': z.string().min(1).optional(),
  'dry-run': z.boolean().default(false),
  yes: z.boolean().default(false),
  json: z.boolean().default(false),
  relay: z.enum(['auto', 'never', 'always']).optional(),
  offline: z.boolean().default(false),
  'relay-port': z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number')
    .transform(Number)
    .refine((n) => n > 0 && n <= 65535, 'must be between 1 and 65535')
    .optional(),
});

export const applyFlags = {
  'base-url': { type: 'string' },
  profile: { type: 'string' },
  sha256: { type: 'string' },
  check: { type: 'boolean' },
  key: { type: 'string' },
  'key-env': { type: 'string' },
  'key-stdin': { type: 'boolean' },
  agent: { type: 'string', multiple: true },
  model: { type: 'string', multiple: true },
  'small-model': { type: 'string' },
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean' },
  json: { type: 'boolean' },
  relay: { type: 'string' },
  'relay-port': { type: 'string' },
  offline: { type: 'boolean' },
} as const;

export async function applyCommand(argv: readonly string[], io: CliIO, print: Printer): Promise<number> {
  const options = parseCommand('apply', argv, applyFlags, OptionsSchema);
  const env = io.environment();
  const base = await gatewayOf(options, io, print);
  if (base.key !== PLACEHOLDER_KEY) print.addSecret(base.key);
  // Questions only where someone can answer them, never into a JSON document, never in a check.
  const ask = io.interactive && !options.json && !options.check ? (question: string) => io.confirm(question) : undefined;
  const dryRun = options['dry-run'] || options.check;
  const result = await applyAgents(
    {
      ...base,
      agents: options.agent,
      dryRun,
      yes: options.yes,
      offline: options.offline,
      ...(options['small-model'] !== undefined ? { smallModel: options['small-model'] } : {}),
      ...(options['relay-port'] !== undefined ? { relayPort: options['relay-port'] } : {}),
    },
    {
      env,
      fetch: io.fetch,
      version: io.version,
      ...(ask ? { confirm: ask } : {}),
      // In --json mode the relay's own lines would break the one JSON document.
      print: options.json ? new Printer({ ...io, stdout: { write() {} } }, false) : print,
    },
  );
  if (result.kind === 'no-agents') {
    print.err('No supported agent was detected. Name one with --agent (see `setup-gateway recipes`).');
    return ExitCode.failure;
  }
  for (const secret of result.secrets) print.addSecret(secret);
  if (options.check) return printCheck(result, options.json, print, env);
  const relay = result.relay ? { ...result.relay, message: relayMessage(result.relay, result.profile) } : undefined;
  if (options.json) {
    print.json({
      ok: !result.failed,
      dryRun: options['dry-run'],
      runId: result.runId,
      gateway: { ...result.profile.urls, ...(result.unreachable ? { unreachable: result.unreachable } : {}) },
      agents: result.reports,
      ...(relay ? { relay } : {}),
    });
  } else {
    const command = commandOf(io);
    printReports(print, result.reports, result.profile, options['dry-run'], result.runId, env, command);
    if (relay) print.out(withPrefix(relay.message, command));
    if (result.unreachable) for (const line of unreachableWarning(result.unreachable, options['dry-run'])) print.err(line);
  }
  return result.failed ? ExitCode.failure : ExitCode.ok;
}

/**
 * `--check`: what apply would change, file by file, and the exit code a configuration-management
 * run keys on: 0 everything matches, 3 something would change, 1 an agent cannot be configured.
 */
function printCheck(result: Extract<ApplyResult, { kind: 'done' }>, json: boolean, print: Printer, env: Environment): number {
  const files = result.reports.flatMap((r) => [
    ...r.files.map((path) => ({ agent: r.id, path, state: 'changed' as const })),
    ...(r.unchanged ?? []).map((path) => ({ agent: r.id, path, state: 'unchanged' as const })),
  ]);
  const changed = files.filter((f) => f.state === 'changed');
  const code = result.failed ? ExitCode.failure : changed.length ? ExitCode.changes : ExitCode.ok;
  if (json) {
    print.json({
      ok: !result.failed,
      check: true,
      changed: changed.map((f) => f.path),
      unchanged: files.filter((f) => f.state === 'unchanged').map((f) => f.path),
      files,
      gateway: { ...result.profile.urls, ...(result.unreachable ? { unreachable: result.unreachable } : {}) },
      agents: result.reports,
    });
    return code;
  }
  printReports(print, result.reports, result.profile, true, null, env);
  print.out(
    result.failed
      ? 'Check: some agents cannot be configured (above).'
      : changed.length
        ? `Check: ${changed.length} file${changed.length === 1 ? '' : 's'} would change (${changed.map((f) => displayPath(env, f.path)).join(', ')}); run without --check to apply.`
        : 'Check: every agent already matches; nothing would change.',
  );
  return code;
}


/** The gateway to apply: a profile (--profile, the flags win over its fields), or the flags alone. */
async function gatewayOf(options: z.infer<typeof OptionsSchema>, io: CliIO, print: Printer): Promise<Omit<ApplyRequest, 'agents' | 'dryRun' | 'yes'>> {
  const world = { env: io.environment().env, readStdin: () => io.readStdin() };
  if (options.profile !== undefined) {
    if (options['base-url'] !== undefined) throw new UsageError('apply: give --profile or --base-url, not both.');
    const { profile } = await loadProfile(options.profile, options.sha256, { env: io.environment(), fetch: io.fetch, ...(io.cwd !== undefined ? { cwd: io.cwd } : {}) });
    const { request } = await applyRequestFor(profile, { keyFlags: options, models: options.model, ...(options.relay ? { relay: options.relay } : {}), command: 'apply' }, world);
    return request;
  }
  if (options.sha256 !== undefined) throw new UsageError('apply: --sha256 pins a profile file or URL: give it with --profile FILE|URL.');
  if (options['base-url'] === undefined) {
    throw new UsageError('apply: invalid options:', ['base-url: is required (e.g. --base-url https://gateway.example.com/v1), or name a saved profile with --profile NAME']);
  }
  const key = await resolveKey('apply', options, world);
  if (!key && options['dry-run']) {
    // A dry run shows where the key would go; it needs no real one.
    print.err(`No key given: this dry run shows ${PLACEHOLDER_KEY} where the key goes. To apply, pass --key-env VAR, --key-stdin, --key KEY, or set SETUP_GATEWAY_KEY.`);
    return { baseUrl: options['base-url'], key: PLACEHOLDER_KEY, models: options.model, relay: options.relay ?? 'auto' };
  }
  if (!key) throw new UsageError('apply: a gateway key is required.', ['Pass --key-env VAR, --key-stdin, --key KEY, or set SETUP_GATEWAY_KEY.']);
  return { baseUrl: options['base-url'], key: key.value, models: options.model, relay: options.relay ?? 'auto' };
}

/** A gateway that did not answer: said plainly, after the report, with the way to skip the check. */
function unreachableWarning(reason: string, dryRun: boolean): string[] {
  return [
    `Warning: the gateway did not answer: ${reason}.`,
    dryRun
      ? '  Applying would configure the agents all the same, and they would fail until the gateway answers.'
      : '  The agents above were configured all the same: they fail until the gateway answers. Check the URL, or start the gateway.',
    '  For a gateway that is not up yet, add --offline: apply then asks it nothing (name each agent\'s --model).',
  ];
}

/** What apply says about the local relay its agents now point at. */
function relayMessage(relay: RelayStatus, profile: Profile): string {
  if (relay.running && relay.started) return `Started the local relay at ${relay.url}${relay.pid ? ` (pid ${relay.pid})` : ''}; stop it with \`setup-gateway relay stop\`.`;
  if (relay.running) return `The local relay is running at ${relay.url}${relay.pid ? ` (pid ${relay.pid})` : ''}.`;
  const start = `Start it ${relayStartAdvice(profile, relay.url)}.`;
  return relay.error ? `The local relay did not start (${relay.error}). ${start}` : `The local relay must run for these agents. ${start}`;
}

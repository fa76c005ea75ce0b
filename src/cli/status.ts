// `setup-gateway status`: where each agent routes now, read from its files.
import { z } from 'zod';
import type { Printer } from '../app/io.js';
import { agentStatuses, describeStatus } from '../app/status.js';
import { ExitCode } from '../core/errors.js';
import { parseCommand } from './args.js';
import type { CliIO } from './io.js';

export const statusHelp = `Usage: setup-gateway status [--json]

One line per agent (installed, or configured by a file): where it routes now, read from its
files, so an agent changed by hand shows as it is:
  profile NAME        a saved profile's gateway (\`default\`: the gateway of an apply without --profile)
  the local relay     setup-gateway's relay, which forwards to the gateway
  direct to its vendor
  another gateway     a URL setup-gateway did not write
the model its files name, and what doctor found the last time it checked the agent (passed, or
its first error; "before setup-gateway last changed it" when an apply or use came since).

Options:
  --json      one JSON document: { "agents": [ { id, name, installed, via, profile, url, model,
              managed, doctor } ] }, via one of profile|relay|vendor|other, doctor null or
              { at, passed, errors, warnings, codes, offline, outdated }; its shape is
              published as dist/status.schema.json (see README, "Fleet reporting")

Examples:
  setup-gateway status
  setup-gateway status --json | jq -r '.agents[] | select(.managed) | .id'
`;

export async function statusCommand(argv: readonly string[], io: CliIO, print: Printer): Promise<number> {
  const options = parseCommand('status', argv, { json: { type: 'boolean' } }, z.object({ json: z.boolean().default(false) }));
  const statuses = await agentStatuses({ env: io.environment() });
  if (options.json) {
    print.json({ agents: statuses });
    return ExitCode.ok;
  }
  if (statuses.length === 0) print.out('No supported agent is installed or configured (see `setup-gateway recipes`).');
  for (const s of statuses) print.out(describeStatus(s));
  return ExitCode.ok;
}

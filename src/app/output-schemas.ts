// The JSON documents fleet reporting reads: `status --json` and `doctor --json`. Their shapes are
// a public contract (dashboards and configuration-management runs parse them), so they are written
// down here once, published as dist/status.schema.json and dist/doctor.schema.json by the build,
// and the tests hold every document the commands print to them. A field is added here first;
// none is removed or renamed without a major version.
import { z } from 'zod';

const AgentStatusSchema = z
  .object({
    id: z.string().describe('The agent id (see `setup-gateway recipes`)'),
    name: z.string(),
    installed: z.boolean().describe('Detection found it (a binary, its folder or its editor extension)'),
    via: z.enum(['profile', 'relay', 'vendor', 'other']).describe('profile: a saved or applied profile\'s gateway; relay: the local relay; vendor: its vendor\'s own endpoint; other: a URL setup-gateway did not write'),
    profile: z.string().nullable().describe('The profile it routes to (`default`: an apply without a profile); for `relay`, the profile last applied through it'),
    url: z.string().nullable().describe('The gateway root its files hold (no /v1); null for its vendor'),
    model: z.string().nullable().describe('The model its files name, where setup-gateway writes one'),
    managed: z.boolean().describe('setup-gateway routes it now (what `use` switches)'),
    doctor: z
      .object({
        at: z.string().describe('When doctor last checked this agent (ISO 8601)'),
        passed: z.boolean().describe('No errors (warnings allowed, as doctor exits 0 without --strict)'),
        errors: z.number().int().nonnegative(),
        warnings: z.number().int().nonnegative(),
        codes: z.array(z.string()).describe('Its error codes, then its warning codes (the agent\'s own and the gateway\'s)'),
        offline: z.boolean().describe('That run asked the gateway nothing (--offline)'),
        outdated: z.boolean().describe('setup-gateway changed the agent\'s files after that check'),
      })
      .strict()
      .nullable()
      .describe('What doctor found the last time it checked this agent; null when it never did'),
  })
  .strict();

export const StatusJsonSchema = z
  .object({ agents: z.array(AgentStatusSchema) })
  .strict()
  .describe('setup-gateway status --json');

const FindingSchema = z
  .object({
    code: z.string().describe('Stable and greppable, e.g. CLAUDE_API_KEY_CONFLICT, PROFILE_MODEL_DRIFT'),
    level: z.enum(['ok', 'warn', 'error', 'crash']),
    agent: z.string().optional().describe('The agent it is about; absent for the gateway and the relay'),
    file: z.string().optional(),
    line: z.number().int().optional(),
    message: z.string(),
    why: z.string(),
    fix: z.string().describe('What to do (often a command that runs as printed); empty when nothing'),
    unchecked: z.boolean().optional().describe('doctor could not look (an agent set up by hand): not a pass'),
  })
  .strict();

const SummarySchema = z
  .object({ ok: z.number().int(), unchecked: z.number().int(), warn: z.number().int(), error: z.number().int(), crash: z.number().int() })
  .strict();

export const DoctorJsonSchema = z
  .object({
    ok: z.boolean().describe('No error or crash (nor a warning with --strict): the exit code is 0'),
    gateway: z
      .object({
        baseUrl: z.string().optional().describe('The gateway checked, with /v1'),
        anthropicUrl: z.string().optional(),
        urlSource: z.string().nullable().describe('Where the gateway URL came from (--base-url, the last apply, an agent…)'),
        keySource: z.enum(['flag', 'env', 'agent', 'none']),
        latencyMs: z.number().optional(),
        models: z.array(z.string()).optional().describe('The models the gateway lists'),
      })
      .strict(),
    agents: z.array(z.object({ id: z.string(), name: z.string(), detected: z.boolean(), model: z.string().optional() }).strict()),
    summary: SummarySchema,
    findings: z.array(FindingSchema),
    against: z
      .object({ name: z.string(), from: z.string().describe('The file or URL (or saved profile) given to --against'), baseUrl: z.string(), sha256: z.string().optional() })
      .strict()
      .optional()
      .describe('With --against: the profile the PROFILE_* findings compare with'),
    fix: z.record(z.string(), z.unknown()).optional().describe('With --fix: what was applied (applied, runId, agents, failed) or why not (reason)'),
    before: z.object({ summary: SummarySchema, findings: z.array(FindingSchema) }).strict().optional().describe('With --fix, when it applied: the report before the fix'),
  })
  .strict()
  .describe('setup-gateway doctor --json');

/** The published files: name in dist/ → JSON Schema. */
export function outputJsonSchemas(): Record<string, unknown> {
  return {
    'status.schema.json': z.toJSONSchema(StatusJsonSchema),
    'doctor.schema.json': z.toJSONSchema(DoctorJsonSchema),
  };
}

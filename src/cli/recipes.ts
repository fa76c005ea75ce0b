// `setup-gateway recipes`: what each agent gets, derived from the recipes' own plans (run on a
// placeholder profile), so the listing can never disagree with what apply writes.
import { z } from 'zod';
import { recipes } from '../../recipes/index.js';
import { ExitCode } from '../core/errors.js';
import { createProfile } from '../core/profile.js';
import { ModelSlotSchema, TelemetrySchema } from '../core/recipe.js';
import { parseCommand } from './args.js';
import type { Printer } from '../app/io.js';
import type { CliIO } from './io.js';

export const recipesHelp = `Usage: setup-gateway recipes [--json]

List the supported agents and what setup-gateway writes for each, where.

Examples:
  setup-gateway recipes
  setup-gateway recipes --json | jq '.recipes[] | {id, files: [.files[].path]}'
`;

const OptionsSchema = z.object({ json: z.boolean().default(false) });

export async function recipesCommand(argv: readonly string[], io: CliIO, print: Printer): Promise<number> {
  const options = parseCommand('recipes', argv, { json: { type: 'boolean' } }, OptionsSchema);
  const env = io.environment();
  const profile = createProfile({ baseUrl: 'https://gateway.example.com/v1', key: 'KEY', model: 'MODEL', models: {} });
  const listing = recipes.map((recipe) => {
    const plan = recipe.plan({ profile, env, model: 'MODEL', evidence: [] });
    return {
      id: recipe.id,
      name: recipe.name,
      protocol: recipe.protocol,
      model: recipe.model,
      ...(recipe.explicitOnly ? { explicitOnly: true } : {}),
      checked: recipe.checked,
      sources: recipe.sources,
      files: plan.files.map((f) => ({
        path: f.path,
        format: f.kind === 'structured' ? f.format : `${f.block?.dialect ?? 'shell'} block`,
        keys: f.kind === 'structured' ? f.ops.map((op) => `${op.op === 'delete' ? '-' : ''}${op.path.join('.')}`) : (f.block?.vars.map((v) => v.name) ?? []),
        holdsSecret: f.holdsSecret,
        purpose: f.purpose,
      })),
      // Validated here too: what --json promises is the schema's shape.
      slots: recipe.slots.map((slot) => ModelSlotSchema.parse(slot)),
      ...(recipe.telemetry ? { telemetry: TelemetrySchema.parse(recipe.telemetry) } : {}),
      notes: plan.notes,
      ...(plan.manual ? { manual: plan.manual } : {}),
    };
  });
  if (options.json) {
    print.json({ recipes: listing });
    return ExitCode.ok;
  }
  for (const r of listing) {
    const explicit = r.explicitOnly ? `, only with --agent ${r.id}` : '';
    print.out(`${print.paint('bold', r.name)} (${r.id}), speaks ${r.protocol}, model ${r.model}${explicit}`);
    for (const f of r.files) {
      print.out(`  ${f.path}  [${f.format}${f.holdsSecret ? ', 0600' : ''}]`);
      print.out(print.paint('dim', `    ${f.purpose}`));
    }
    if (r.manual) print.out(`  manual steps: ${r.manual.why}`);
    for (const slot of r.slots) {
      const how = !slot.routable ? 'cannot be routed' : slot.writes === 'none' ? 'routable, left as set' : `routed (${slot.writes} model)`;
      print.out(print.paint('dim', `  ${slot.role} model: ${slot.keys.join(', ')}: ${how}`));
    }
    if (r.telemetry) print.out(print.paint('dim', `  telemetry: ${r.telemetry.hosts.join(', ')}; off: ${r.telemetry.off}`));
    print.out();
  }
  return ExitCode.ok;
}

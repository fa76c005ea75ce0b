// `setup-gateway detect`: every known agent, found or not, with the evidence.
import { z } from 'zod';
import { recipes } from '../../recipes/index.js';
import { detectAll } from '../core/detect.js';
import { ExitCode } from '../core/errors.js';
import { parseCommand } from './args.js';
import type { Printer } from '../app/io.js';
import type { CliIO } from './io.js';

export const detectHelp = `Usage: setup-gateway detect [--json]

List every agent setup-gateway knows, whether it is installed, and the evidence
(binary on PATH with its version where cheap, config folders).

Examples:
  setup-gateway detect
  setup-gateway detect --json | jq -r '.agents[] | select(.found) | .id'
`;

const OptionsSchema = z.object({ json: z.boolean().default(false) });

export async function detectCommand(argv: readonly string[], io: CliIO, print: Printer): Promise<number> {
  const options = parseCommand('detect', argv, { json: { type: 'boolean' } }, OptionsSchema);
  const detections = await detectAll(recipes, io.environment());
  if (options.json) {
    print.json({
      agents: detections.map((d) => ({
        id: d.recipe.id,
        name: d.recipe.name,
        found: d.found,
        ...(d.recipe.explicitOnly ? { explicitOnly: true } : {}),
        evidence: d.evidence,
      })),
    });
    return ExitCode.ok;
  }
  const width = Math.max(...detections.map((d) => d.recipe.id.length));
  for (const d of detections) {
    const mark = d.found ? print.paint('green', '✓') : print.paint('dim', '·');
    const label = d.found ? d.recipe.name : print.paint('dim', `${d.recipe.name} (not found)`);
    // Shown, but `apply` without --agent skips it: say so where the user looks.
    const explicit = d.recipe.explicitOnly ? print.paint('dim', ` (only with --agent ${d.recipe.id})`) : '';
    print.out(`${mark} ${d.recipe.id.padEnd(width)}  ${label}${explicit}`);
    for (const e of d.evidence) print.out(print.paint('dim', `    ${e.kind}: ${e.path}${e.version ? ` (${e.version})` : ''}`));
  }
  print.out();
  print.out(`${detections.filter((d) => d.found).length} of ${detections.length} agents found.`);
  return ExitCode.ok;
}

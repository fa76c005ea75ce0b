// `setup-gateway profile add|list|show|remove|rename`: the saved gateways.
import { z } from 'zod';
import type { Printer } from '../app/io.js';
import { addProfile, keySourceText, removeProfile, renameProfile, shownProfile } from '../app/profiles.js';
import { displayPath } from '../core/environment.js';
import { ExitCode, UsageError } from '../core/errors.js';
import { findProfile, profilesFile, readProfiles } from '../core/profiles.js';
import { parseCommand } from './args.js';
import { closest } from './suggest.js';
import type { CliIO } from './io.js';

export const profileHelp = `Usage: setup-gateway profile add NAME --base-url URL [key flags] [options]
       setup-gateway profile list [--json]
       setup-gateway profile show NAME [--json]
       setup-gateway profile remove NAME
       setup-gateway profile rename OLD NEW

Save gateways by name, then point every agent at one with \`setup-gateway use NAME\`
(or \`apply --profile NAME\`). Profiles live in $XDG_CONFIG_HOME/setup-gateway/profiles.json
(~/.config/setup-gateway/profiles.json).

A profile stores where its key comes from, not the key:
  --key-env VAR       the key is read from environment variable VAR when the profile is used
  --key-file PATH     the key is the first line of PATH when the profile is used
  --key KEY, --key-stdin
                      the key itself: kept only with --save-key
  --save-key          keep the key itself in the profiles file (then readable by you only, 0600)
  (no key flag: SETUP_GATEWAY_KEY is read when the profile is used)

Options of add:
  --base-url URL      the gateway, with or without /v1 (required)
  --model ID          the model for every agent, or AGENT=ID for one (repeatable)
  --relay MODE        auto, never or always (as apply's --relay)
  --replace           overwrite a profile of that name
  --json              print one JSON document

Examples:
  setup-gateway profile add work --base-url https://gw.example.com/v1 --key-env WORK_GW_KEY
  setup-gateway profile add home --base-url http://localhost:4000 --key-file ~/.gw-key --model auto
  printf %s "$KEY" | setup-gateway profile add lab --base-url https://lab.example.com --key-stdin --save-key
  setup-gateway profile list
  setup-gateway profile show work --json
  setup-gateway profile rename home laptop
  setup-gateway profile remove lab
`;

const NAME = z.string();

const AddSchema = z.object({
  'base-url': z.string({ error: 'is required (e.g. --base-url https://gateway.example.com/v1)' }),
  key: z.string().optional(),
  'key-env': z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name').optional(),
  'key-stdin': z.boolean().default(false),
  'key-file': z.string().min(1).optional(),
  'save-key': z.boolean().default(false),
  model: z.array(z.string()).default([]),
  relay: z.enum(['auto', 'never', 'always']).optional(),
  replace: z.boolean().default(false),
  json: z.boolean().default(false),
});
const addFlags = {
  'base-url': { type: 'string' },
  key: { type: 'string' },
  'key-env': { type: 'string' },
  'key-stdin': { type: 'boolean' },
  'key-file': { type: 'string' },
  'save-key': { type: 'boolean' },
  model: { type: 'string', multiple: true },
  relay: { type: 'string' },
  replace: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;
const JsonSchema = z.object({ json: z.boolean().default(false) });

/** Splits the leading positional words (the subcommand's arguments) from the flags. */
function words(argv: readonly string[], count: number, usage: string): { names: string[]; flags: string[] } {
  const names = argv.slice(0, count);
  if (names.length < count || names.some((n) => n.startsWith('-'))) throw new UsageError(`profile: ${usage}`, ['See `setup-gateway profile --help`.']);
  return { names, flags: argv.slice(count) };
}

export async function profileCommand(argv: readonly string[], io: CliIO, print: Printer): Promise<number> {
  const [sub, ...rest] = argv;
  const env = io.environment();
  switch (sub) {
    case 'add': {
      const { names, flags } = words(rest, 1, 'usage: profile add NAME --base-url URL [key flags]');
      const options = parseCommand('profile add', flags, addFlags, AddSchema);
      if (options.key !== undefined) print.addSecret(options.key);
      const result = await addProfile(
        env,
        {
          name: NAME.parse(names[0]),
          baseUrl: options['base-url'],
          models: options.model,
          ...(options.relay ? { relay: options.relay } : {}),
          keyFlags: options,
          saveKey: options['save-key'],
          replace: options.replace,
        },
        { env: env.env, readStdin: () => io.readStdin() },
      );
      if (result.profile.key !== undefined && options['save-key']) print.addSecret(result.profile.key);
      if (options.json) print.json({ ok: true, replaced: result.replaced, file: result.file, profile: shownProfile(result.profile) });
      else {
        print.out(`${result.replaced ? 'Replaced' : 'Saved'} profile "${result.profile.name}" (${result.profile.baseUrl}; key: ${keySourceText(result.profile)}) in ${displayPath(env, result.file)}.`);
        print.out(`Point your agents at it with \`setup-gateway use ${result.profile.name}\`.`);
      }
      return ExitCode.ok;
    }
    case 'list': {
      const options = parseCommand('profile list', rest, { json: { type: 'boolean' } }, JsonSchema);
      const store = await readProfiles(env);
      if (options.json) {
        print.json({ file: profilesFile(env), profiles: store.profiles.map(shownProfile) });
      } else if (store.profiles.length === 0) {
        print.out('No profile saved. Add one with `setup-gateway profile add NAME --base-url URL --key-env VAR`.');
      } else {
        const width = Math.max(...store.profiles.map((p) => p.name.length));
        for (const p of store.profiles) print.out(`${p.name.padEnd(width)}  ${p.baseUrl}${p.model ? `  model ${p.model}` : ''}  key: ${keySourceText(p)}`);
      }
      return ExitCode.ok;
    }
    case 'show': {
      const { names, flags } = words(rest, 1, 'usage: profile show NAME [--json]');
      const options = parseCommand('profile show', flags, { json: { type: 'boolean' } }, JsonSchema);
      const profile = shownProfile(findProfile(await readProfiles(env), names[0] as string));
      if (options.json) {
        print.json(profile);
      } else {
        print.out(`Profile ${profile.name}`);
        print.out(`  base URL  ${profile.baseUrl}`);
        print.out(`  key       ${keySourceText(findProfile(await readProfiles(env), profile.name))}`);
        print.out(`  model     ${profile.model ?? "the gateway's default (auto when it lists one)"}`);
        for (const [agent, model] of Object.entries(profile.models ?? {})) print.out(`  model     ${agent}: ${model}`);
        print.out(`  relay     ${profile.relay ?? 'auto'}`);
      }
      return ExitCode.ok;
    }
    case 'remove': {
      const { names, flags } = words(rest, 1, 'usage: profile remove NAME');
      parseCommand('profile remove', flags, {}, z.object({}));
      await removeProfile(env, names[0] as string);
      print.out(`Removed profile "${names[0]}".`);
      return ExitCode.ok;
    }
    case 'rename': {
      const { names, flags } = words(rest, 2, 'usage: profile rename OLD NEW');
      parseCommand('profile rename', flags, {}, z.object({}));
      await renameProfile(env, names[0] as string, names[1] as string);
      print.out(`Renamed profile "${names[0]}" to "${names[1]}".`);
      return ExitCode.ok;
    }
    default:
      throw new UsageError(sub === undefined ? 'profile: say what to do: add, list, show, remove or rename.' : `profile: unknown subcommand "${sub}".${didYouMean(sub)}`, [
        'See `setup-gateway profile --help`.',
      ]);
  }
}

function didYouMean(sub: string): string {
  const meant = closest(sub, ['add', 'list', 'show', 'remove', 'rename']);
  return meant ? ` Did you mean \`profile ${meant}\`?` : '';
}

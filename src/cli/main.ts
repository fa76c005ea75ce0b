// Dispatch: the command word picks one module; errors become a message and an exit code here,
// so no command ever prints a stack trace.
//
// Start-up: each command's module is imported only when that command runs (scripts/build.mjs
// splits the bundle at these dynamic imports), so `--version` and `--help` evaluate none of zod,
// yaml, smol-toml or jsonc-parser, and no command but the interactive mode loads ink or react.
// Register a command lazily, as below; a static import here would pull its whole module graph
// into the start-up chunk (test/ship/startup.test.ts fails then).
import { ExitCode, UsageError } from '../core/errors.js';
import { Printer } from '../app/io.js';
import type { CliIO } from './io.js';
import { reportError } from './report-error.js';
import { closest } from './suggest.js';

type Command = (argv: readonly string[], io: CliIO, print: Printer) => Promise<number>;
interface CommandModule {
  run: Command;
  help: string;
}
/** Eager `{ run, help }` still works, but `{ load }` keeps start-up fast. */
type CommandEntry = CommandModule | { load(): Promise<CommandModule> };

const COMMANDS: Record<string, CommandEntry> = {
  apply: { load: async () => import('./apply.js').then((m) => ({ run: m.applyCommand, help: m.applyHelp })) },
  detect: { load: async () => import('./detect.js').then((m) => ({ run: m.detectCommand, help: m.detectHelp })) },
  undo: { load: async () => import('./undo.js').then((m) => ({ run: m.undoCommand, help: m.undoHelp })) },
  recipes: { load: async () => import('./recipes.js').then((m) => ({ run: m.recipesCommand, help: m.recipesHelp })) },
  doctor: { load: async () => import('./doctor.js').then((m) => ({ run: m.doctorCommand, help: m.doctorHelp })) },
  relay: { load: async () => import('./relay.js').then((m) => ({ run: m.relayCommand, help: m.relayHelp })) },
  profile: { load: async () => import('./profile.js').then((m) => ({ run: m.profileCommand, help: m.profileHelp })) },
  use: { load: async () => import('./use.js').then((m) => ({ run: m.useCommand, help: m.useHelp })) },
  status: { load: async () => import('./status.js').then((m) => ({ run: m.statusCommand, help: m.statusHelp })) },
};

/** Every command word, in the order of the help. */
export const commandNames: readonly string[] = Object.keys(COMMANDS);

async function loadCommand(entry: CommandEntry): Promise<CommandModule> {
  return 'load' in entry ? entry.load() : entry;
}

export const mainHelp = `setup-gateway: route every coding agent through one AI gateway.

Usage: setup-gateway                  in a terminal: questions, a review, then apply
       setup-gateway --plain          the same, one question per line
       setup-gateway <command> [options]
       setup-gateway --base-url URL … options without a command: apply

Commands:
  apply     configure agents for a gateway (--base-url, key, --agent, --model, --dry-run)
  detect    list the agents installed on this machine
  undo      restore the files the last run changed (--list, --id, --dry-run)
  recipes   the supported agents and what each gets written where
  doctor    check that every configured agent really routes through the gateway (--fix)
  relay     run a local relay that translates between OpenAI and Anthropic APIs (start|stop|status)
  profile   save gateways by name (add|list|show|remove|rename)
  use       switch every agent setup-gateway routes to a saved profile, in one undoable step
  status    where each agent routes now: which profile, the local relay, its vendor

Options:
  -h, --help      show help (also: setup-gateway <command> --help)
  -v, --version   print the version

Exit codes: 0 ok, 1 failure, 2 usage error, 3 changes pending (apply --check),
130 cancelled (interactive mode).

Examples:
  setup-gateway
  SETUP_GATEWAY_KEY=sk-… setup-gateway apply --base-url https://gw.example.com/v1 --dry-run
  setup-gateway doctor
`;

export async function main(argv: readonly string[], io: CliIO, color: boolean): Promise<number> {
  const wantsJson = argv.includes('--json');
  const print = new Printer(io, color && !wantsJson);
  const [command, ...rest] = argv;
  try {
    if (command === '--version' || command === '-v') {
      print.out(io.version);
      return ExitCode.ok;
    }
    if (command === undefined || (command === '--plain' && rest.length === 0)) {
      // No command: the interactive mode (src/tui, loaded only here), when there is a terminal.
      // Without one (a pipe, CI) there is nobody to ask: the help, and a usage error.
      const terminal = await io.terminal?.();
      if (terminal) {
        const { runInteractive } = await import('../tui/index.js');
        return await runInteractive({ plain: command === '--plain' }, io, print, terminal);
      }
      print.out(mainHelp);
      return ExitCode.usage;
    }
    if (command === '--help' || command === '-h' || command === 'help') {
      const topic = command === 'help' ? rest[0] : undefined;
      const topicEntry = topic === undefined ? undefined : COMMANDS[topic];
      print.out(topicEntry ? (await loadCommand(topicEntry)).help : mainHelp);
      return ExitCode.ok;
    }
    // Options without a command (`setup-gateway --base-url … --key-env …`) are apply's.
    if (command.startsWith('-')) return await main(['apply', ...argv.filter((a) => a !== '--plain')], io, color);
    const found = COMMANDS[command];
    if (!found) {
      const meant = closest(command, Object.keys(COMMANDS));
      throw new UsageError(`Unknown command "${command}".${meant ? ` Did you mean \`${meant}\`?` : ''}`, [`Commands: ${Object.keys(COMMANDS).join(', ')}. See \`setup-gateway --help\`.`]);
    }
    const entry = await loadCommand(found);
    if (rest.includes('--help') || rest.includes('-h')) {
      print.out(entry.help);
      return ExitCode.ok;
    }
    return await entry.run(rest, io, print);
  } catch (error) {
    return reportError(error, print, io);
  }
}

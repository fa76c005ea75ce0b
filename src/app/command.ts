// How to print a setup-gateway command so that it runs when pasted: one decision for the CLI's
// messages, the interactive mode's summary and doctor's fixes.
//
// The rule: run through npx, the tool is not on the user's PATH afterwards (npx puts its cache's
// .bin on PATH for our own process only), so a printed `setup-gateway undo …` would be "command
// not found"; we print `npx setup-gateway@<this version> …` instead, which runs the same release.
// install.sh starts us with `npx --yes --package setup-gateway@VERSION -- setup-gateway …`, so
// the one-liner is covered by the same rule. We know npx started us when either
//   - the script that runs lies in npx's cache (`…/_npx/<hash>/node_modules/…`), the folder npm
//     (7 and later) installs `npx` and `npm exec` packages into; or
//   - when the script's location is unknown, npm's environment says so: `npm exec`/`npx` set
//     npm_command=exec for the process it runs (npm_lifecycle_event=npx too). Those variables
//     are inherited by everything below an npx, so the script's location wins when known.
// Anything else (a global `npm i -g`, a package manager, a checkout linked with npm link) put
// `setup-gateway` on PATH: plain `setup-gateway …`.
import path from 'node:path';

/** What the decision looks at: the process's environment, the running script, our version. */
export interface Launch {
  env: Readonly<Record<string, string | undefined>>;
  /** process.argv[1]: the bin or bundle that runs; unknown in tests. */
  script?: string | undefined;
  version: string;
}

/** Whether npx (or `npm exec`, or install.sh through npx) started this process. */
export function startedByNpx(launch: Launch): boolean {
  if (launch.script) return /\/_npx\//.test(launch.script.split(path.win32.sep).join('/'));
  // Only when the script is unknown: these variables are inherited by every process below an
  // `npx` (a test runner started with npx, say), so they do not outrank the script's location.
  return launch.env.npm_command === 'exec' || launch.env.npm_lifecycle_event === 'npx';
}

/** The words that start a setup-gateway command the user can paste: `setup-gateway` or `npx setup-gateway@1.2.3`. */
export function commandPrefix(launch: Launch): string {
  return startedByNpx(launch) ? `npx setup-gateway@${launch.version}` : 'setup-gateway';
}

const SUBCOMMANDS = 'apply|detect|undo|recipes|doctor|relay|profile|use|status';

/**
 * A text naming setup-gateway commands (a doctor fix, a next step) with each one in the form
 * that runs: `setup-gateway doctor --fix` -> `npx setup-gateway@1.2.3 doctor --fix`. Only the
 * command word is touched: "the setup-gateway block" or "setup-gateway's" stay as they are.
 */
export function withPrefix(text: string, prefix: string): string {
  if (prefix === 'setup-gateway') return text;
  return text.replace(new RegExp(`(?<![\\w@/.-])setup-gateway(?=(?: (?:${SUBCOMMANDS})\\b| \\(|\`|$))`, 'g'), prefix);
}

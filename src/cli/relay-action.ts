// Which action `setup-gateway relay ARGS` asks for. In a module of its own, with no imports: the
// entry (src/cli.ts) reads it to send a foreground relay straight to its own file (relay-serve.ts),
// and the relay command (relay.ts) to dispatch the rest, so the two cannot disagree.

export const RELAY_ACTIONS = ['start', 'stop', 'status', 'install-service', 'token', 'rotate-token', 'run'] as const;
export type RelayAction = (typeof RELAY_ACTIONS)[number];

/**
 * The action and the flags that follow it: `run` when the first word is an option or absent
 * (`relay --upstream …`), undefined when the first word is not an action (a usage error, which
 * the relay command words).
 */
export function relayAction(argv: readonly string[]): { action: RelayAction; flags: readonly string[] } | undefined {
  const first = argv[0];
  if (first === undefined || first.startsWith('-')) return { action: 'run', flags: argv };
  return (RELAY_ACTIONS as readonly string[]).includes(first) ? { action: first as RelayAction, flags: argv.slice(1) } : undefined;
}

/** Whether `relay ARGS` serves in the foreground (not a help request, which the dispatcher answers). */
export function servesInForeground(argv: readonly string[]): boolean {
  const asked = relayAction(argv);
  return asked?.action === 'run' && !asked.flags.includes('--help') && !asked.flags.includes('-h');
}

// The relay's options: the flags, their zod/mini schema, and what they resolve to (the gateway key,
// the upstreams, the model map, the local token, the network). Shared by the foreground relay
// (relay-serve.ts, built as a file of its own) and the commands that check them before starting one
// elsewhere (`relay start`, `relay install-service`).
import path from 'node:path';
import * as z from 'zod/mini';
import type { Printer } from '../app/io.js';
import { KEY_VARIABLE, resolveKey } from '../app/key.js';
import type { Environment } from '../core/environment.js';
import { UsageError } from '../core/errors.js';
import { isLoopbackHost, normalizeBaseUrl } from '../core/base-url.js';
import { relayTokenSource } from '../core/relay-token.js';
import { extraCaCertificates } from '../core/trust.js';
import { DEFAULT_RELAY_HOST, DEFAULT_RELAY_PORT } from '../relay/defaults.js';
import { http1Client } from '../relay/http1.js';
import { proxySecrets, proxySettings, type ProxySettings } from '../relay/proxy.js';
import type { StartRelayOptions } from '../relay/server.js';
import type { LocalToken } from '../relay/token.js';
import type { CliIO } from './io.js';

// zod/mini, not zod: the foreground relay parses its options and then serves for hours, and the
// full zod would stay loaded all that time (about 4 MiB of its memory; bench/relay measures it).
const ProtocolSchema = z.enum(['openai', 'anthropic', 'auto'], 'must be openai, anthropic or auto');

export const OptionsSchema = z.object({
  upstream: z._default(z.array(z.string()), []),
  'upstream-protocol': z._default(ProtocolSchema, 'auto'),
  'key-env': z.optional(z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'))),
  port: z._default(
    z.pipe(z.string().check(z.regex(/^\d{1,5}$/, 'must be a port number')), z.transform(Number)).check(z.refine((n) => n <= 65535, 'must be at most 65535')),
    DEFAULT_RELAY_PORT,
  ),
  host: z._default(z.string().check(z.minLength(1, 'must not be empty')), DEFAULT_RELAY_HOST),
  'allow-remote': z._default(z.boolean(), false),
  model: z._default(z.array(z.string().check(z.regex(/^[^=\s]+=[^=\s]+$/, 'must look like PATTERN=MODEL[,MODEL…]'))), []),
  'max-tokens': z.optional(z.pipe(z.string().check(z.regex(/^\d+$/, 'must be a number')), z.transform(Number))),
  'ca-file': z.optional(z.string().check(z.minLength(1, 'must not be empty'))),
  'log-bodies': z._default(z.boolean(), false),
  quiet: z._default(z.boolean(), false),
  json: z._default(z.boolean(), false),
});
export type Options = z.infer<typeof OptionsSchema>;

export const FLAGS = {
  upstream: { type: 'string', multiple: true },
  'upstream-protocol': { type: 'string' },
  'key-env': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'allow-remote': { type: 'boolean' },
  model: { type: 'string', multiple: true },
  'max-tokens': { type: 'string' },
  'ca-file': { type: 'string' },
  'log-bodies': { type: 'boolean' },
  quiet: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** What a relay runs with: the options resolved, and how it reaches the gateway (for its banner). */
export type RelayRunOptions = StartRelayOptions & { token: LocalToken; network: { proxy: ProxySettings; caFile?: string } };

/** The relay options from the flags and the environment; checks what would otherwise fail later. */
export async function relayOptions(env: Environment, options: Options, print: Printer, io: CliIO): Promise<RelayRunOptions> {
  // Only --key-env: the relay runs on, in the background or as a service, reading its key from its environment.
  const found = await resolveKey('relay', { 'key-env': options['key-env'] }, { env: env.env, readStdin: () => io.readStdin() });
  if (!found) throw new UsageError(`relay: the gateway key is missing: set ${KEY_VARIABLE} (or name another variable with --key-env).`);
  const key = found.value;
  print.addSecret(key);
  const upstreams = options.upstream.length > 0 ? options.upstream : env.env.SETUP_GATEWAY_UPSTREAM ? [env.env.SETUP_GATEWAY_UPSTREAM] : [];
  if (upstreams.length === 0) throw new UsageError('relay: --upstream URL is required (the gateway, e.g. https://gateway.example.com/v1).');
  const roots = upstreams.map((u) => normalizeBaseUrl(u).anthropic);
  if (!isLoopbackHost(options.host) && !options['allow-remote']) {
    throw new UsageError(`relay: --host ${options.host} is not a loopback address: anyone who can reach it would use your gateway key.`, ['Pass --allow-remote as well if that is what you want.']);
  }
  const models: Record<string, string[]> = {};
  for (const m of options.model) {
    const eq = m.indexOf('=');
    models[m.slice(0, eq)] = m
      .slice(eq + 1)
      .split(',')
      .filter(Boolean);
  }
  // The install's token, made on first use; re-read when the file changes (rotate-token, or its undo).
  const token = await relayTokenSource(env);
  print.addSecret(token.value);
  // How requests leave this machine: read once, here; the proxy credentials never reach a log unmasked.
  const proxy = proxySettings(env.env);
  for (const s of proxySecrets(proxy)) print.addSecret(s);
  const caFile = options['ca-file'] ? path.resolve(io.cwd ?? process.cwd(), options['ca-file']) : undefined;
  const extraCa = caFile ? await extraCaCertificates(env.env, caFile) : [];
  return {
    upstream: roots,
    key,
    token,
    protocol: options['upstream-protocol'],
    models,
    host: options.host,
    port: options.port,
    ...(options['max-tokens'] !== undefined ? { maxOutputTokens: options['max-tokens'] } : {}),
    logBodies: options['log-bodies'],
    client: http1Client({ proxy, ...(extraCa.length ? { extraCa } : {}) }),
    network: { proxy, ...(caFile ? { caFile } : {}) },
    ...(options.quiet ? {} : { log: (line: string) => print.err(`${new Date().toISOString()} ${line}`) }),
  };
}

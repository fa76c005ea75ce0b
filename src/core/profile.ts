// The gateway profile: one base URL, one key, optional models. Validated once at the edge with
// zod; every recipe receives the already-derived URL forms so none of them re-derives `/v1`.
import { z } from 'zod';
import { gatewayRoot, isLoopbackHost } from '../relay/net.js';
import { UsageError } from './errors.js';
import { formatZodError } from './zod-errors.js';

// One rule for gateway roots and loopback names, shared with the relay (which may not import core).
export { isLoopbackHost };

export interface GatewayUrls {
  /** The gateway root without `/v1`: what Anthropic clients want (they append `/v1/messages`). */
  anthropic: string;
  /** The root plus `/v1`: what OpenAI clients want (they append `/chat/completions`). */
  openai: string;
  /** Whether the URL is a loopback address (a local relay or proxy). */
  isLoopback: boolean;
}

export function normalizeBaseUrl(input: string): GatewayUrls {
  const raw = input.trim();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--base-url: "${raw}" is not a URL.`, ['Expected something like https://gateway.example.com/v1']);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`--base-url: the scheme must be http or https, not "${url.protocol.replace(/:$/, '')}".`);
  }
  if (url.username || url.password) {
    // Credentials in the URL would end up in every agent's config and every log line.
    throw new UsageError('--base-url: remove the user:password part; pass the key with --key, --key-env or --key-stdin.');
  }
  if (url.search || url.hash) {
    throw new UsageError('--base-url: remove the query string or fragment; the agents append their own paths.');
  }
  // Endpoint suffixes pasted by mistake (`https://gw/v1/chat/completions` means the gateway at
  // `https://gw`) and `/v1` (present, missing or doubled) are cut off.
  const pathname = gatewayRoot(url.pathname);
  const root = `${url.protocol}//${url.host}${pathname}`;
  return { anthropic: root, openai: `${root}/v1`, isLoopback: isLoopbackHost(url.hostname) };
}

/** A gateway key: anything printable but whitespace, which would break an HTTP header or a config line. */
export const KeySchema = z
  .string()
  .min(1, 'the key is empty')
  .max(4096, 'the key is longer than 4096 characters')
  .refine((k) => !/[\s\u0000-\u001f\u007f]/.test(k), 'the key contains whitespace or a control character (a pasted newline?)');

/** A model id as the gateway names it, e.g. `auto`, `anthropic/claude-sonnet-4.5`. */
export const ModelIdSchema = z
  .string()
  .min(1, 'the model id is empty')
  .max(256)
  .refine((m) => !/[\s\u0000-\u001f\u007f]/.test(m), 'the model id contains whitespace or a control character');

export const ProfileInputSchema = z.object({
  baseUrl: z.string().min(1, 'the base URL is empty'),
  key: KeySchema,
  /** The model for every agent, unless `models` names one for that agent. */
  model: ModelIdSchema.optional(),
  models: z.record(z.string(), ModelIdSchema).default({}),
  /** `--small-model`: the model for every agent's small slots (titles, commit messages, summaries). */
  smallModel: ModelIdSchema.optional(),
});
export type ProfileInput = z.input<typeof ProfileInputSchema>;

export interface Profile {
  urls: GatewayUrls;
  /** `--small-model`, as given (see `smallModels`). */
  smallModel?: string;
  key: string;
  model?: string;
  models: Record<string, string>;
  /**
   * The model each agent's small slots get, by agent id, resolved by core/model.ts's
   * `smallModelFor` when the main model is assigned; an agent absent here uses its main model.
   */
  smallModels?: Record<string, string>;
}

export function createProfile(input: ProfileInput): Profile {
  const parsed = ProfileInputSchema.safeParse(input);
  if (!parsed.success) throw new UsageError('Invalid gateway settings:', formatZodError(parsed.error));
  const { baseUrl, key, model, models, smallModel } = parsed.data;
  return { urls: normalizeBaseUrl(baseUrl), key, ...(model ? { model } : {}), models, ...(smallModel ? { smallModel } : {}) };
}

/** The model chosen for one agent, if any. */
export function modelFor(profile: Profile, agentId: string): string | undefined {
  return profile.models[agentId] ?? profile.model;
}

/** The model for one agent's small slots: resolved for it, else the main model. */
export function smallModelOf(profile: Profile, agentId: string): string | undefined {
  return profile.smallModels?.[agentId] ?? profile.smallModel ?? modelFor(profile, agentId);
}

// The gateway profile: one base URL, one key, optional models. Validated once at the edge with
// zod; every recipe receives the already-derived URL forms so none of them re-derives `/v1`.
import { z } from 'zod';
import { normalizeBaseUrl, type GatewayUrls } from './base-url.js';
import { UsageError } from './errors.js';
import { keyProblem } from './key-rule.js';
import { formatZodError } from './zod-errors.js';

// The URL forms and the key rule live in zod-free modules, which the relay loads without zod.
export { isLoopbackHost, normalizeBaseUrl, type GatewayUrls } from './base-url.js';

/** A gateway key: anything printable but whitespace, which would break an HTTP header or a config line. */
export const KeySchema = z.string().superRefine((key, ctx) => {
  const problem = keyProblem(key);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

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

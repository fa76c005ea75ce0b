// The re-target request's shape (relay-retarget.ts), in a module of its own so that zod loads
// only when a request is written or taken, not with every relay.
import { z } from 'zod';

export const RequestSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{16}$/),
  upstream: z.array(z.string().url()).min(1),
  key: z.string().min(1),
  protocol: z.enum(['openai', 'anthropic', 'auto']),
});
export type RetargetRequest = z.infer<typeof RequestSchema>;

// The re-target request's shape (relay-retarget.ts), in a module of its own so that zod loads
// only when a request is written or taken. zod/mini, as the relay's options are: the relay process
// takes these requests, and zod's full API would stay in its memory for hours.
import * as z from 'zod/mini';

export const RequestSchema = z.object({
  id: z.string().check(z.regex(/^[0-9a-f]{16}$/)),
  upstream: z.array(z.url()).check(z.minLength(1)),
  key: z.string().check(z.minLength(1)),
  protocol: z.enum(['openai', 'anthropic', 'auto']),
});
export type RetargetRequest = z.infer<typeof RequestSchema>;

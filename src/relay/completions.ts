// Legacy completions (`POST /v1/completions`, `/v1/engines/<engine>/completions`: Copilot's
// inline suggestions through `debug.overrideProxyUrl`) for upstreams that no longer serve them:
// the prompt becomes a chat turn, and the reply text comes back as `text_completion` choices.
// A fill-in-the-middle request (prompt + suffix) asks the model for the missing middle only.
import { clampTokens, type TranslateOptions } from './common.js';
import type { ErrorInfo } from './errors.js';
import type { LRequest, OChunk, ORequest, OResponse, OUsage } from './types.js';
import { nowSeconds, randomId } from './util.js';

const FIM_INSTRUCTIONS =
  'You complete code. The user message holds the text before the cursor, the marker <CURSOR>, and the text after it. ' +
  'Reply with only the text to insert at <CURSOR>: no explanation, no code fences, no repetition of the surrounding text.';

const COMPLETE_INSTRUCTIONS =
  'Continue the text of the user message from exactly where it stops. Reply with the continuation only: no explanation, no code fences, no repetition.';

/** Legacy fields chat completions takes as they are (an Anthropic gateway has no place for them). */
const CHAT_ONLY = ['presence_penalty', 'frequency_penalty', 'seed', 'logit_bias'] as const;

/** A legacy completion request as a chat request for a gateway speaking `upstream` (chat, or Anthropic through chat). */
export function completionsToChatRequest(req: LRequest, model: string, opts: TranslateOptions = {}, upstream: 'chat' | 'anthropic' = 'chat'): ORequest {
  const prompt = promptText(req.prompt);
  const suffix = typeof req.suffix === 'string' ? req.suffix : '';
  const body: ORequest = {
    model,
    messages: suffix
      ? [
          { role: 'system', content: FIM_INSTRUCTIONS },
          { role: 'user', content: `${prompt}<CURSOR>${suffix}` },
        ]
      : [
          { role: 'system', content: COMPLETE_INSTRUCTIONS },
          { role: 'user', content: prompt },
        ],
  };
  const max = clampTokens(typeof req.max_tokens === 'number' ? req.max_tokens : undefined, opts);
  if (max !== undefined) body.max_tokens = max;
  if (typeof req.temperature === 'number') body.temperature = req.temperature;
  if (typeof req.top_p === 'number') body.top_p = req.top_p;
  // Every stop sequence goes: a gateway that takes fewer (OpenAI's limit is 4) refuses them itself.
  const stop = typeof req.stop === 'string' ? [req.stop] : Array.isArray(req.stop) ? req.stop : [];
  if (stop.length > 0) body.stop = stop;
  if (typeof req.user === 'string') body.user = req.user;
  if (upstream === 'chat') for (const key of CHAT_ONLY) if (req[key] !== undefined && req[key] !== null) body[key] = req[key];
  if (req.stream === true) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  return body;
}

function promptText(prompt: LRequest['prompt']): string {
  if (typeof prompt === 'string') return prompt;
  if (Array.isArray(prompt) && typeof prompt[0] === 'string') return prompt[0];
  return '';
}

export interface CompletionObject {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  choices: Array<{ text: string; index: number; logprobs: null; finish_reason: string | null }>;
  usage?: OUsage;
}

export function chatToCompletionResponse(resp: OResponse, model: string): CompletionObject {
  const choice = Array.isArray(resp.choices) ? resp.choices[0] : undefined;
  const out: CompletionObject = {
    id: randomId('cmpl-'),
    object: 'text_completion',
    created: nowSeconds(),
    model: resp.model || model,
    choices: [{ text: choice?.message?.content ?? '', index: 0, logprobs: null, finish_reason: choice?.finish_reason ?? 'stop' }],
  };
  if (resp.usage) out.usage = resp.usage;
  return out;
}

export type CompletionStreamItem = { kind: 'chunk'; chunk: CompletionObject } | { kind: 'done' } | { kind: 'error'; info: ErrorInfo };

/** O chunks -> legacy completion chunks, then `[DONE]`. */
export class ChatToCompletionsStream {
  private readonly id = randomId('cmpl-');
  private readonly created = nowSeconds();
  private finished = false;
  private sawFinish = false;
  private usage: OUsage | undefined;

  constructor(
    private model: string,
    /** Send the usage chunk (`stream_options.include_usage`). */
    private readonly includeUsage: boolean,
  ) {}

  get isFinished(): boolean {
    return this.finished;
  }

  push(chunk: OChunk): CompletionStreamItem[] {
    if (this.finished) return [];
    if (typeof chunk.model === 'string' && chunk.model) this.model = chunk.model;
    if (chunk.usage) this.usage = chunk.usage;
    const out: CompletionStreamItem[] = [];
    for (const choice of Array.isArray(chunk.choices) ? chunk.choices : []) {
      const text = choice.delta?.content;
      if (typeof text === 'string' && text) out.push(this.chunk(text, null));
      if (choice.finish_reason) {
        this.sawFinish = true;
        out.push(this.chunk('', choice.finish_reason));
      }
    }
    return out;
  }

  done(): CompletionStreamItem[] {
    if (this.finished) return [];
    if (!this.sawFinish) return this.error({ message: 'The upstream stream ended before the reply was complete.' });
    this.finished = true;
    const out: CompletionStreamItem[] = [];
    if (this.usage && this.includeUsage) out.push({ kind: 'chunk', chunk: { id: this.id, object: 'text_completion', created: this.created, model: this.model, choices: [], usage: this.usage } });
    out.push({ kind: 'done' });
    return out;
  }

  error(info: ErrorInfo): CompletionStreamItem[] {
    if (this.finished) return [];
    this.finished = true;
    return [{ kind: 'error', info }];
  }

  private chunk(text: string, finish: string | null): CompletionStreamItem {
    return { kind: 'chunk', chunk: { id: this.id, object: 'text_completion', created: this.created, model: this.model, choices: [{ text, index: 0, logprobs: null, finish_reason: finish }] } };
  }
}

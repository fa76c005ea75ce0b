// Legacy completions (`/v1/completions`, `/v1/engines/{model}/completions`): Aider's and editors'
// fill-in-the-middle. As a client only: a prompt (and suffix) becomes a chat request with an
// instruction, and chat replies and chunks become completion objects (completions.ts). Like
// Responses, the relay does not write these requests: a gateway serving them is passed through.
import { chatToCompletionResponse, ChatToCompletionsStream, completionsToChatRequest } from '../completions.js';
import { type ErrorInfo, openaiErrorBody } from '../errors.js';
import { asks, fieldTable } from '../fields.js';
import { SSE_COMMENT_PING, sseData } from '../sse.js';
import type { ChatConsumer } from '../streams.js';
import type { LRequest, OChunk } from '../types.js';
import { type Adapter, wantsUsage } from './adapter.js';

/** Chat chunks -> a completions client's chunks, then `[DONE]`. */
export class CompletionsEncoder implements ChatConsumer {
  readonly ping = SSE_COMMENT_PING;
  private readonly stream: ChatToCompletionsStream;
  constructor(model: string, includeUsage: boolean) {
    this.stream = new ChatToCompletionsStream(model, includeUsage);
  }
  get finished(): boolean {
    return this.stream.isFinished;
  }
  chunk(chunk: OChunk): string {
    return this.encode(this.stream.push(chunk));
  }
  done(): string {
    return this.encode(this.stream.done());
  }
  error(info: ErrorInfo, status: number): string {
    const items = this.stream.error(info);
    return items.length ? sseData(openaiErrorBody(status, info)) : '';
  }
  private encode(items: ReturnType<ChatToCompletionsStream['push']>): string {
    let out = '';
    for (const item of items) {
      if (item.kind === 'chunk') out += sseData(item.chunk);
      else if (item.kind === 'done') out += sseData('[DONE]');
    }
    return out;
  }
}

// ------------------------------------------------------------------------------ fields

const moreThanOne = (v: unknown): boolean => typeof v !== 'number' || v > 1;
const isTrue = (v: unknown): boolean => v === true;
const isNumber = (v: unknown): boolean => typeof v === 'number';
const severalOrTokens = (v: unknown): boolean => Array.isArray(v) && (v.length > 1 || typeof v[0] !== 'string');

/** A legacy completions client's fields on its translated routes (a gateway serving /v1/completions is a pass-through). */
export const COMPLETIONS_FIELDS = fieldTable({
  model: { chat: 'translated', anthropic: 'translated', note: 'the model map applies (or the engine named in the path)' },
  prompt: {
    chat: 'refused',
    anthropic: 'refused',
    note: 'a user turn after an instruction to continue the text (a string, or a list of one)',
    why: 'the relay completes one text prompt per request; send each prompt on its own, as text.',
    applies: severalOrTokens,
    when: 'when a list of several prompts, or token ids',
  },
  suffix: { chat: 'translated', anthropic: 'translated', note: 'fill-in-the-middle: the text after a `<CURSOR>` marker, with an instruction to write only the middle' },
  max_tokens: { chat: 'translated', anthropic: 'translated', note: '`max_tokens`' },
  temperature: { chat: 'translated', anthropic: 'translated', note: '`temperature`' },
  top_p: { chat: 'translated', anthropic: 'translated', note: '`top_p`' },
  stop: { chat: 'translated', anthropic: 'translated', note: '`stop`, every entry' },
  stream: { chat: 'translated', anthropic: 'translated', note: '`stream`, chunks written by the relay' },
  stream_options: { chat: 'translated', anthropic: 'translated', reply: true, note: 'the relay writes the usage chunk when `include_usage` asks for it' },
  user: { chat: 'translated', anthropic: 'translated', note: '`user`' },
  presence_penalty: { chat: 'translated', anthropic: 'dropped', note: 'chat’s own; the Messages API has no penalties', applies: asks, when: 'Anthropic: when not 0' },
  frequency_penalty: { chat: 'translated', anthropic: 'dropped', note: 'chat’s own; the Messages API has no penalties', applies: asks, when: 'Anthropic: when not 0' },
  seed: { chat: 'translated', anthropic: 'dropped', note: 'chat’s own; the Messages API has no seed' },
  logit_bias: { chat: 'translated', anthropic: 'dropped', note: 'chat’s own; token ids mean nothing to another model’s tokenizer', applies: asks, when: 'Anthropic: when not empty' },
  n: { chat: 'refused', anthropic: 'refused', note: 'the relay returns one choice; send the request n times, or leave n at 1.', applies: moreThanOne, when: 'when above 1' },
  best_of: { chat: 'refused', anthropic: 'refused', note: 'the relay returns the one completion the gateway gives.', applies: moreThanOne, when: 'when above 1' },
  echo: { chat: 'refused', anthropic: 'refused', note: 'the relay does not repeat the prompt in the completion.', applies: isTrue, when: 'when true' },
  logprobs: { chat: 'refused', anthropic: 'refused', note: 'the relay returns no log probabilities.', applies: isNumber, when: 'when a number' },
});

const ENGINE_PATH = /^\/engines\/([^/]+)\/completions$/;

/** A path segment unescaped; as it is when its escapes are malformed (a bad request is the gateway's to refuse). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export const completions: Adapter = {
  id: 'completions',
  endpoint(path) {
    if (path === '/completions') return {};
    const m = ENGINE_PATH.exec(path);
    return m ? { model: decodeSegment(m[1] as string) } : undefined;
  },
  upstreamPath: '/v1/completions',
  anthropicHeaders: false,
  errors: 'openai',
  ping: SSE_COMMENT_PING,
  streamError: (status, info) => sseData(openaiErrorBody(status, info)),
  client: {
    fields: COMPLETIONS_FIELDS,
    invalid: (body) => (body.prompt === undefined ? 'prompt: required' : undefined),
    accept: (body, ctx) => ({
      request: completionsToChatRequest(body as LRequest, ctx.model, ctx.options, ctx.upstream === 'anthropic' ? 'anthropic' : 'chat'),
      usage: true,
      dropped: '',
      // A completions client sees the model it asked for.
      reply: (common) => chatToCompletionResponse(common, ctx.requested),
      encoder: () => new CompletionsEncoder(ctx.requested, wantsUsage(body)),
    }),
  },
};

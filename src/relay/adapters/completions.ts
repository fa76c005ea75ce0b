// Legacy completions (`/v1/completions`, `/v1/engines/{model}/completions`): Aider's and editors'
// fill-in-the-middle. As a client only: a prompt (and suffix) becomes a chat request with an
// instruction, and chat replies and chunks become completion objects (completions.ts). Like
// Responses, the relay does not write these requests: a gateway serving them is passed through.
import { chatToCompletionResponse, ChatToCompletionsStream, completionsToChatRequest } from '../completions.js';
import { type ErrorInfo, openaiErrorBody } from '../errors.js';
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
    invalid: (body) => (body.prompt === undefined ? 'prompt: required' : undefined),
    accept: (body, ctx) => ({
      request: completionsToChatRequest(body as LRequest, ctx.model, ctx.options),
      usage: true,
      // A completions client sees the model it asked for.
      reply: (common) => chatToCompletionResponse(common, ctx.requested),
      encoder: () => new CompletionsEncoder(ctx.requested, wantsUsage(body)),
    }),
  },
};

// OpenAI Responses (`/v1/responses`): Codex's protocol. As a client only: its requests become
// chat requests and chat replies and chunks become Responses objects and events (responses.ts).
// The relay does not write Responses requests: a gateway that serves /v1/responses is used
// as it is (pass-through), and one that does not is reached through chat or Anthropic.
import { ClientError, openaiErrorBody } from '../errors.js';
import { ChatToResponsesStream, chatToResponsesResponse, responsesToChatRequest, type ResponsesReplyContext } from '../responses.js';
import { SSE_COMMENT_PING, sseData, sseEvent } from '../sse.js';
import type { ChatConsumer } from '../streams.js';
import type { OChunk, RRequest, RStreamEvent } from '../types.js';
import type { ErrorInfo } from '../errors.js';
import type { Adapter } from './adapter.js';

function encodeEvents(events: RStreamEvent[]): string {
  let out = '';
  for (const e of events) out += sseEvent(e.type, e);
  return out;
}

/** Chat chunks -> a Responses client's events. */
export class ResponsesEncoder implements ChatConsumer {
  readonly ping = SSE_COMMENT_PING;
  private readonly stream: ChatToResponsesStream;
  constructor(ctx: ResponsesReplyContext) {
    this.stream = new ChatToResponsesStream(ctx);
  }
  get finished(): boolean {
    return this.stream.isFinished;
  }
  chunk(chunk: OChunk): string {
    return encodeEvents(this.stream.push(chunk));
  }
  done(): string {
    return encodeEvents(this.stream.done());
  }
  error(info: ErrorInfo): string {
    return encodeEvents(this.stream.error(info));
  }
}

export const responses: Adapter = {
  id: 'responses',
  endpoint: (path) => (path === '/responses' ? {} : undefined),
  upstreamPath: '/v1/responses',
  anthropicHeaders: false,
  errors: 'openai',
  ping: SSE_COMMENT_PING,
  streamError: (status, info) => sseData(openaiErrorBody(status, info)),
  client: {
    invalid: (body) => (typeof body.input !== 'string' && !Array.isArray(body.input) ? 'input: required (a string or an array)' : undefined),
    accept(body, ctx) {
      if (typeof body.previous_response_id === 'string' && body.previous_response_id) {
        // Chat upstreams keep no conversation state: the earlier turns would be silently lost.
        throw new ClientError(400, `previous_response_id is not supported: ${ctx.upstreamName} has no /v1/responses, so the relay keeps no stored responses; send the whole conversation in input.`);
      }
      const r = responsesToChatRequest({ ...body, model: ctx.model } as RRequest, ctx.options);
      const reply: ResponsesReplyContext = { request: body as RRequest, toolNames: r.toolNames, customTools: r.customTools };
      return {
        request: r.body,
        usage: true,
        reply: (common) => chatToResponsesResponse(common, reply),
        encoder: () => new ResponsesEncoder(reply),
      };
    },
  },
};

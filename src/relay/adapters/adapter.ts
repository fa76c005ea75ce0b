// What one protocol brings to the relay. The common form is OpenAI chat completions: the fast
// translators all go through it (an Anthropic client in front of a chat gateway is one hop, a
// Responses client in front of an Anthropic gateway is two), and a translated stream is an
// upstream decoder feeding chat chunks to a client encoder (see streams.ts).
//
// An adapter has a client side (a client speaking it can be served through the common form) and,
// when the relay can write it, an upstream side (a common-form request can be sent to a gateway
// that speaks it). Pass-through between a client and a gateway of the same protocol needs neither.
import type { TranslateOptions } from '../common.js';
import type { ClientProtocol, ErrorInfo } from '../errors.js';
import type { FieldTable } from '../fields.js';
import type { ChatConsumer, StreamTranslator } from '../streams.js';
import type { ModelEntry } from '../local.js';
import type { ORequest, OResponse } from '../types.js';

export type ProtocolId = 'anthropic' | 'chat' | 'responses' | 'completions' | 'gemini';

/** A client-side path (without `/v1`) this protocol answers, and the model the path itself names. */
export interface EndpointMatch {
  /** `/engines/{id}/completions` names its model in the path. */
  model?: string;
  /** Not an inference but a route the protocol's `local` side answers (Gemini's model list and token count). */
  side?: 'models' | 'count';
}

/** What one attempt needs to know to translate a client's request. */
export interface ClientContext {
  /** The upstream model of this attempt (after the model map). */
  model: string;
  /** The model the client asked for (its body's, or its path's). */
  requested: string;
  /** The upstream, as named in error messages (`upstream https://gw`). */
  upstreamName: string;
  /** The protocol of the gateway this attempt goes to (what it can take besides the common form). */
  upstream: ProtocolId;
  /** The client's request URL, path and query (Gemini names the stream kind there). */
  url: string;
  options: TranslateOptions;
}

/** A client's request in the common form, and how to answer that client. */
export interface ClientTurn {
  readonly request: ORequest;
  /** A common-form reply as this client's JSON body. */
  reply(common: OResponse): unknown;
  /** This client's stream encoder, fed common-form chunks. */
  encoder(): ChatConsumer;
  /** Whether the encoder wants the usage chunk (chat clients only when they asked for it). */
  readonly usage: boolean;
  /** The content type of this client's stream, when it is not SSE (Gemini's JSON-array stream). */
  readonly contentType?: string | undefined;
  /** Parts the translation dropped by a documented rule (server tools, …), comma-separated; '' when none. */
  readonly dropped: string;
}

/** A common-form request as this protocol's body, and how to read the gateway's answer back. */
export interface UpstreamTurn {
  readonly body: string;
  /** The gateway's JSON reply in the common form. */
  reply(json: Record<string, unknown>): OResponse;
  /** Decodes the gateway's SSE events into common-form chunks for `consumer`. */
  decoder(consumer: ChatConsumer, includeUsage: boolean): StreamTranslator;
  /** Common-form parts this protocol has no place for, dropped by a documented rule; '' when none. */
  readonly dropped: string;
}

export interface ClientSide {
  /**
   * The rule for each field of this protocol's requests on its translated routes (fields.ts): the
   * handler applies it before `accept`, the README's table and the conformance test read it.
   */
  readonly fields: FieldTable;
  /** This protocol's names for common-form fields an upstream side may drop (`temperature` is Gemini's `generationConfig.temperature`). */
  readonly commonNames?: Readonly<Record<string, string>>;
  /** Why this body is not a request of this protocol (a 400 for the client), or undefined. */
  invalid(body: Record<string, unknown>): string | undefined;
  /** May throw ClientError when the request cannot be translated. */
  accept(body: Record<string, unknown>, ctx: ClientContext): ClientTurn;
}

export interface UpstreamSide {
  send(request: ORequest, options: TranslateOptions, model: string): UpstreamTurn;
}

/** What a protocol answers itself besides inference (its paths say so with `EndpointMatch.side`). */
export interface LocalSide {
  /** A token count for this protocol's count request (an estimate). */
  countTokens(body: Record<string, unknown>): unknown;
  /** The gateway's models in this protocol's shape, or one of them (`model`; undefined when unknown). */
  models(list: ModelEntry[], model: string | undefined): unknown;
}

export interface Adapter {
  readonly id: ProtocolId;
  /** Matches a client-side path (without `/v1`) this protocol answers. */
  endpoint(path: string): EndpointMatch | undefined;
  /** Where a gateway serves it (relative to the gateway root); probed for `auto` upstreams. */
  readonly upstreamPath: string;
  /** Whether requests to a gateway speaking it carry Anthropic's auth and version headers. */
  readonly anthropicHeaders: boolean;
  /** False when a gateway speaking it is never passed through (the relay only translates this protocol). */
  readonly passThrough?: false;
  /** The shape of the errors its clients get. */
  readonly errors: ClientProtocol;
  /** A keep-alive frame its clients' SSE parsers accept. */
  readonly ping: string;
  /** An error frame ending one of its streams. */
  streamError(status: number, info: ErrorInfo): string;
  readonly client: ClientSide;
  /** Present when the relay can send a common-form request to a gateway speaking it. */
  readonly upstream?: UpstreamSide;
  /** Present when some of its paths are answered by the relay itself. */
  readonly local?: LocalSide;
}

/** The check Anthropic and chat requests share: a list of message objects. */
export function messagesInvalid(body: Record<string, unknown>): string | undefined {
  if (!Array.isArray(body.messages)) return 'messages: required (an array)';
  if (!body.messages.every((m) => typeof m === 'object' && m !== null && !Array.isArray(m))) return 'messages: every message must be an object';
  return undefined;
}

/** `stream_options.include_usage`: the OpenAI clients' way to ask for the usage chunk. */
export function wantsUsage(body: Record<string, unknown>): boolean {
  const o = body.stream_options;
  return typeof o === 'object' && o !== null && (o as Record<string, unknown>).include_usage === true;
}

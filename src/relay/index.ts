// The embedded relay: one local endpoint that speaks Anthropic Messages, OpenAI Chat
// Completions, Responses, legacy completions and the Gemini API, in front of a gateway that
// speaks Anthropic Messages or chat completions (or passes its own protocol through).
//
//   const relay = await startRelay({ upstream: 'https://gateway.example.com', key, port: 0 });
//   // Claude Code: ANTHROPIC_BASE_URL=relay.url; OpenAI clients: `${relay.url}/v1`
//   await relay.close();
//
// The translators are pure functions and small state machines, usable on their own.
export { startRelay, relayListener, DEFAULT_RELAY_HOST, DEFAULT_RELAY_PORT } from './server.js';
export type { RunningRelay, StartRelayOptions } from './server.js';
export { gatewayRoot, isLoopbackHost, describeFetchError } from './net.js';
export { Relay, chatResponseToChunks, DEFAULT_MAX_BODY_BYTES, DEFAULT_PING_INTERVAL_MS } from './handler.js';
export type { Fetch, ModelMap, RelayOptions, RelayRequest, RelaySink, RelayTarget, UpstreamOptions, UpstreamProtocol } from './handler.js';
export { anthropicToChatRequest, chatToAnthropicResponse, ChatToAnthropicStream, parseArguments } from './anthropic-to-chat.js';
export { chatToAnthropicRequest, anthropicToChatResponse, AnthropicToChatStream } from './chat-to-anthropic.js';
export { responsesToChatRequest, chatToResponsesResponse, ChatToResponsesStream } from './responses.js';
export { completionsToChatRequest, chatToCompletionResponse, ChatToCompletionsStream } from './completions.js';
export { ADAPTERS, routeBetween, routesFor } from './adapters/index.js';
export type { Adapter, ProtocolId, Route } from './adapters/index.js';
export { fetchClient } from './upstream-client.js';
export { TokenGate } from './token.js';
export type { LocalToken } from './token.js';
export { http1Client } from './http1.js';
export type { Http1Options } from './http1.js';
export type { AbortHook, HeaderBag, UpstreamClient, UpstreamInit, UpstreamReply } from './upstream-client.js';
export { SseParser, sseEvent, sseData } from './sse.js';
export type { SseEvent } from './sse.js';
export { Sequencer } from './sequencer.js';
export { ToolNames, shortenToolName } from './tool-names.js';
export { estimateInputTokens, hybridModelList } from './local.js';
export { anthropicErrorBody, openaiErrorBody, parseErrorBody } from './errors.js';
export type { TranslateOptions } from './common.js';
export type * from './types.js';
export { proxySettings, proxyFor, describeRoute, maskProxyUrl } from './proxy.js';
export type { Proxy, ProxyDecision, ProxyEnv, ProxySettings } from './proxy.js';

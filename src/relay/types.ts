// The wire shapes the relay reads and writes, as plain TypeScript types. Nothing here validates:
// bodies are checked lightly where they enter (handler.ts) and every translator tolerates
// missing or extra fields, because gateways and clients send both.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: unknown };

// ------------------------------------------------------------------ Anthropic Messages (A)

export interface ACacheControl {
  type: 'ephemeral';
  ttl?: string;
}

export type AImageSource =
  | { type: 'base64'; media_type: string; data: string }
  | { type: 'url'; url: string };

export type ADocumentSource =
  | { type: 'base64'; media_type: string; data: string }
  | { type: 'text'; media_type?: string; data: string }
  | { type: 'url'; url: string };

export type AContentBlock =
  | { type: 'text'; text: string; cache_control?: ACacheControl; citations?: unknown }
  | { type: 'image'; source: AImageSource; cache_control?: ACacheControl }
  | { type: 'document'; source: ADocumentSource; title?: string; cache_control?: ACacheControl }
  | { type: 'tool_use'; id: string; name: string; input: unknown; cache_control?: ACacheControl }
  | {
      type: 'tool_result';
      tool_use_id: string;
      content?: string | AContentBlock[];
      is_error?: boolean;
      cache_control?: ACacheControl;
    }
  | { type: 'thinking'; thinking: string; signature?: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: string; [key: string]: unknown };

export interface AMessage {
  role: 'user' | 'assistant';
  content: string | AContentBlock[];
}

export interface ATool {
  name: string;
  description?: string;
  input_schema?: unknown;
  type?: string;
  cache_control?: ACacheControl;
  /** Server tools' settings (web search's max_uses, user_location, …). */
  [key: string]: unknown;
}

export type AToolChoice =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export interface ARequest {
  model: string;
  messages: AMessage[];
  system?: string | Array<{ type: 'text'; text: string; cache_control?: ACacheControl }>;
  max_tokens?: number;
  stop_sequences?: string[];
  stream?: boolean;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  tools?: ATool[];
  tool_choice?: AToolChoice;
  metadata?: { user_id?: string };
  thinking?: { type: 'enabled'; budget_tokens: number } | { type: 'disabled' } | { type: 'adaptive' };
  /** Structured output (`format`) and effort. */
  output_config?: { format?: { type: 'json_schema'; schema: Record<string, unknown> }; effort?: string };
  [key: string]: unknown;
}

export interface AUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

export type AStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'pause_turn' | 'refusal';

export interface AResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AContentBlock[];
  stop_reason: AStopReason | null;
  stop_sequence: string | null;
  usage: AUsage;
}

export type AStreamEvent =
  | { type: 'message_start'; message: AResponse }
  | { type: 'content_block_start'; index: number; content_block: AContentBlock }
  | {
      type: 'content_block_delta';
      index: number;
      delta:
        | { type: 'text_delta'; text: string }
        | { type: 'input_json_delta'; partial_json: string }
        | { type: 'thinking_delta'; thinking: string }
        | { type: 'signature_delta'; signature: string }
        | { type: string; [key: string]: unknown };
    }
  | { type: 'content_block_stop'; index: number }
  | {
      type: 'message_delta';
      delta: { stop_reason: AStopReason | null; stop_sequence: string | null };
      usage: Partial<AUsage>;
    }
  | { type: 'message_stop' }
  | { type: 'ping' }
  | { type: 'error'; error: { type: string; message: string } };

// ------------------------------------------------------------- OpenAI Chat Completions (O)

export type OContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string; detail?: string } }
  | { type: 'file'; file: { filename?: string; file_data?: string; file_id?: string } }
  | { type: 'input_audio'; input_audio: unknown }
  | { type: string; [key: string]: unknown };

export interface OToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type OMessage =
  | { role: 'system' | 'developer'; content: string | OContentPart[]; name?: string }
  | { role: 'user'; content: string | OContentPart[]; name?: string }
  | {
      role: 'assistant';
      content?: string | OContentPart[] | null;
      tool_calls?: OToolCall[];
      reasoning_content?: string;
      refusal?: string | null;
      name?: string;
    }
  | { role: 'tool'; tool_call_id: string; content: string | OContentPart[] };

export interface OTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: unknown; strict?: boolean };
}

export type OToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export interface ORequest {
  model: string;
  messages: OMessage[];
  max_tokens?: number;
  max_completion_tokens?: number;
  stop?: string | string[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  temperature?: number;
  top_p?: number;
  tools?: OTool[];
  tool_choice?: OToolChoice;
  parallel_tool_calls?: boolean;
  user?: string;
  reasoning_effort?: 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';
  [key: string]: unknown;
}

export interface OUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number | null; [key: string]: unknown } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null; [key: string]: unknown } | null;
  /** Some gateways (LiteLLM, DeepSeek) report cache writes and hits at the top level. */
  cache_creation_input_tokens?: number | null;
  prompt_cache_hit_tokens?: number | null;
}

export type OFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

export interface OChoice {
  index: number;
  message: {
    role: 'assistant';
    content: string | null;
    tool_calls?: OToolCall[];
    reasoning_content?: string | null;
    reasoning?: string | null;
    refusal?: string | null;
  };
  finish_reason: OFinishReason | null;
  /** vLLM and others: the stop string that ended the reply. */
  stop_reason?: string | number | null;
  logprobs?: unknown;
}

export interface OResponse {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: OChoice[];
  usage?: OUsage;
  system_fingerprint?: string | null;
}

export interface OToolCallDelta {
  index?: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface OChunkChoice {
  index: number;
  delta: {
    role?: 'assistant';
    content?: string | null;
    tool_calls?: OToolCallDelta[];
    reasoning_content?: string | null;
    reasoning?: string | null;
    refusal?: string | null;
  };
  finish_reason: OFinishReason | null;
  stop_reason?: string | number | null;
  logprobs?: unknown;
}

export interface OChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: OChunkChoice[];
  usage?: OUsage | null;
  /** Some gateways put an error object in a chunk mid-stream. */
  error?: unknown;
}

// ------------------------------------------------------------------ OpenAI Responses (R)

export type RInputContent =
  | { type: 'input_text'; text: string }
  | { type: 'output_text'; text: string }
  | { type: 'input_image'; image_url?: string; file_id?: string; detail?: string }
  | { type: 'input_file'; file_data?: string; filename?: string; file_id?: string }
  | { type: 'refusal'; refusal: string }
  | { type: string; [key: string]: unknown };

export type RInputItem =
  | { type?: 'message'; role: 'user' | 'assistant' | 'system' | 'developer'; content: string | RInputContent[]; id?: string }
  | { type: 'function_call'; call_id: string; name: string; arguments: string; id?: string }
  | { type: 'function_call_output'; call_id: string; output: string | RInputContent[] }
  | { type: 'reasoning'; id?: string; summary?: Array<{ type: string; text: string }>; encrypted_content?: string | null }
  | { type: string; [key: string]: unknown };

export interface RTool {
  type: 'function' | string;
  name?: string;
  description?: string;
  parameters?: unknown;
  strict?: boolean;
  [key: string]: unknown;
}

export interface RRequest {
  model: string;
  input: string | RInputItem[];
  instructions?: string | null;
  max_output_tokens?: number | null;
  stream?: boolean;
  temperature?: number;
  top_p?: number;
  tools?: RTool[];
  tool_choice?: 'auto' | 'none' | 'required' | { type: 'function'; name: string };
  parallel_tool_calls?: boolean;
  reasoning?: { effort?: string | null; summary?: string | null } | null;
  user?: string;
  [key: string]: unknown;
}

export type ROutputItem =
  | {
      type: 'message';
      id: string;
      status: 'in_progress' | 'completed' | 'incomplete';
      role: 'assistant';
      content: Array<{ type: 'output_text'; text: string; annotations: unknown[]; logprobs?: unknown[] }>;
    }
  | {
      type: 'function_call';
      id: string;
      call_id: string;
      name: string;
      arguments: string;
      status: 'in_progress' | 'completed' | 'incomplete';
    }
  | {
      type: 'reasoning';
      id: string;
      summary: Array<{ type: 'summary_text'; text: string }>;
      status?: 'in_progress' | 'completed' | 'incomplete';
    };

export interface RUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export interface RResponse {
  id: string;
  object: 'response';
  created_at: number;
  status: 'in_progress' | 'completed' | 'incomplete' | 'failed';
  error: { code: string; message: string } | null;
  incomplete_details: { reason: string } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: ROutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number | null;
  text: { format: { type: 'text' } };
  tool_choice: unknown;
  tools: unknown[];
  top_p: number | null;
  truncation: 'disabled';
  usage: RUsage | null;
  user: string | null;
  metadata: Record<string, string>;
  output_text?: string;
}

export type RStreamEvent = { type: string; sequence_number: number; [key: string]: unknown };

// -------------------------------------------------------------- legacy completions (L)

export interface LRequest {
  model?: string;
  prompt: string | string[] | number[] | number[][];
  suffix?: string | null;
  max_tokens?: number | null;
  temperature?: number;
  top_p?: number;
  stop?: string | string[] | null;
  stream?: boolean;
  n?: number;
  user?: string;
  [key: string]: unknown;
}

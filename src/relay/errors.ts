// Error bodies in each protocol's shape. The HTTP status is always kept; the wording of the
// upstream's message is kept too (clients match on phrases such as "prompt is too long").
import { isRecord, tryParseJson } from './util.js';

/** The protocol a client speaks, which decides the shape of every error it receives. */
export type ClientProtocol = 'anthropic' | 'openai' | 'gemini';

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'timeout_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  502: 'api_error',
  503: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

export function anthropicErrorType(status: number): string {
  return ANTHROPIC_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

export function openaiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

export interface ErrorInfo {
  message: string;
  /** The upstream's own type, kept when it had one. */
  type?: string;
  code?: string | number | null;
  param?: string | null;
}

export function anthropicErrorBody(status: number, info: ErrorInfo): { type: 'error'; error: { type: string; message: string } } {
  return { type: 'error', error: { type: info.type ?? anthropicErrorType(status), message: info.message } };
}

export function openaiErrorBody(status: number, info: ErrorInfo): { error: { message: string; type: string; param: string | null; code: string | number | null } } {
  return { error: { message: info.message, type: info.type ?? openaiErrorType(status), param: info.param ?? null, code: info.code ?? null } };
}

/** Google's canonical status names for HTTP statuses (google.rpc.Code, as the Gemini API reports them). */
const GOOGLE_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function googleStatus(status: number): string {
  return GOOGLE_STATUS[status] ?? (status >= 500 ? (status === 502 ? 'UNAVAILABLE' : 'INTERNAL') : 'INVALID_ARGUMENT');
}

export function geminiErrorBody(status: number, info: ErrorInfo): { error: { code: number; message: string; status: string } } {
  return { error: { code: status, message: info.message, status: googleStatus(status) } };
}

export function errorBody(client: ClientProtocol, status: number, info: ErrorInfo): unknown {
  if (client === 'gemini') return geminiErrorBody(status, info);
  return client === 'anthropic' ? anthropicErrorBody(status, info) : openaiErrorBody(status, info);
}

/**
 * Reads an upstream error body of either shape (or plain text, or an HTML page from a proxy) into
 * its message and type. Types are kept only when they belong to the client's protocol family.
 */
export function parseErrorBody(status: number, text: string, client: ClientProtocol): ErrorInfo {
  const parsed = tryParseJson(text);
  if (isRecord(parsed)) {
    const err = parsed.error;
    if (isRecord(err)) {
      const message = typeof err.message === 'string' ? err.message : JSON.stringify(err);
      const info: ErrorInfo = { message };
      const type = typeof err.type === 'string' ? err.type : undefined;
      // An Anthropic body has a top-level `type: "error"`; an OpenAI body has code/param.
      const fromAnthropic = parsed.type === 'error';
      if (type && (client === 'anthropic') === fromAnthropic) info.type = type;
      if (!fromAnthropic && client === 'openai') {
        if (typeof err.code === 'string' || typeof err.code === 'number') info.code = err.code;
        if (typeof err.param === 'string') info.param = err.param;
      }
      return info;
    }
    if (typeof err === 'string') return { message: err };
    if (typeof parsed.message === 'string') return { message: parsed.message };
    if (typeof parsed.detail === 'string') return { message: parsed.detail };
  }
  const trimmed = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return { message: trimmed ? `upstream answered HTTP ${status}: ${trimmed.slice(0, 500)}` : `upstream answered HTTP ${status}` };
}

/** A mid-stream error as an Anthropic `error` event body. */
export function anthropicStreamError(info: ErrorInfo, status = 500): { type: 'error'; error: { type: string; message: string } } {
  return anthropicErrorBody(status, info);
}

/** A request the relay refuses itself (malformed, or not translatable): answered in the client's shape. */
export class ClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

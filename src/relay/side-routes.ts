// The routes besides inference: the model list (the first gateway's, in one payload that both
// OpenAI and Anthropic clients accept) and Anthropic's token count (the gateway's when it has one,
// else an estimate).
import { ClientError, type ClientProtocol, parseErrorBody } from './errors.js';
import { passthroughHeaders, translatedHeaders } from './headers.js';
import { estimateInputTokens, hybridModelList, type ModelEntry, parseModelList } from './local.js';
import { describeFetchError } from './net.js';
import { type RelaySink, sendError, sendJson } from './replies.js';
import type { ARequest } from './types.js';
import type { Gateways } from './upstreams.js';
import { anthropic } from './adapters/index.js';
import type { UpstreamReply } from './upstream-client.js';
import { tryParseJson } from './util.js';
import type { IncomingHeaders } from './headers.js';

interface SideRequest {
  url: string;
  headers: IncomingHeaders;
  body: Uint8Array;
}

/**
 * The first gateway's model list, as the hybrid OpenAI/Anthropic payload or through `format` (a
 * protocol's own shape; undefined answers 404). With `format` the client's query is not forwarded:
 * it is in that protocol's terms (and Gemini's holds the client's key).
 */
export async function listModels(gateways: Gateways, req: SideRequest, sink: RelaySink, client: ClientProtocol, format?: (models: ModelEntry[]) => unknown): Promise<void> {
  const upstream = gateways.primary;
  const q = format ? -1 : req.url.indexOf('?');
  let response: UpstreamReply;
  try {
    response = await gateways.request(upstream, `/v1/models${q === -1 ? '' : req.url.slice(q)}`, { method: 'GET', incoming: req.headers, anthropic: upstream.protocol === 'anthropic', abort: sink });
  } catch (error) {
    if (sink.aborted) return;
    sendError(sink, client, 502, { message: `${upstream.name} ${upstream.root} is unreachable: ${describeFetchError(error)}` });
    return;
  }
  const text = await response.text();
  if (response.status < 200 || response.status >= 300) {
    sendError(sink, client, response.status, parseErrorBody(response.status, text, client), translatedHeaders(response.headers));
    return;
  }
  const models = parseModelList(tryParseJson(text));
  if (!models) {
    sendError(sink, client, 502, { message: 'the upstream model list is not a list' });
    return;
  }
  const payload = format ? format(models) : hybridModelList(models);
  if (payload === undefined) sendError(sink, client, 404, { message: `${upstream.name} ${upstream.root} does not list that model.` });
  else sendJson(sink, 200, JSON.stringify(payload));
}

export async function countTokens(gateways: Gateways, req: SideRequest, body: Record<string, unknown>, model: (requested: string) => string, sink: RelaySink): Promise<void> {
  if (!Array.isArray(body.messages)) throw new ClientError(400, 'messages: required (an array)');
  const requested = typeof body.model === 'string' ? body.model : '';
  const upstream = gateways.primary;
  if (await gateways.serves(upstream, anthropic).catch(() => false)) {
    const mapped = model(requested);
    const response = await gateways
      .request(upstream, req.url.startsWith('/v1/') ? req.url : `/v1${req.url}`, {
        method: 'POST',
        incoming: req.headers,
        anthropic: true,
        body: mapped === requested ? req.body : JSON.stringify({ ...body, model: mapped }),
        abort: sink,
      })
      .catch(() => undefined);
    if (response && (response.status === 404 || response.status === 405)) await response.text().catch(() => '');
    else if (response) {
      const text = await response.text();
      sink.head(response.status, passthroughHeaders(response.headers));
      sink.end(text);
      return;
    }
  }
  sendJson(sink, 200, JSON.stringify({ input_tokens: estimateInputTokens(body as Partial<ARequest>) }));
}

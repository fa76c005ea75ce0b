// What the relay answers itself: token estimates for count_tokens, and the model list in one
// payload that both OpenAI and Anthropic clients accept.
import type { ARequest } from './types.js';
import { estimateTextTokens, isRecord, jsonText } from './util.js';

/**
 * `POST /v1/messages/count_tokens` for upstreams without it: an estimate over the system
 * prompt, the tools and every message (never a constant).
 */
export function estimateInputTokens(req: Partial<ARequest>): number {
  let tokens = 0;
  if (typeof req.system === 'string') tokens += estimateTextTokens(req.system);
  else if (Array.isArray(req.system)) for (const b of req.system) tokens += estimateTextTokens(isRecord(b) && typeof b.text === 'string' ? b.text : '');
  for (const t of Array.isArray(req.tools) ? req.tools : []) tokens += estimateTextTokens(jsonText(t)) + 8;
  for (const m of Array.isArray(req.messages) ? req.messages : []) {
    tokens += 4; // role and framing
    if (typeof m.content === 'string') tokens += estimateTextTokens(m.content);
    else if (Array.isArray(m.content)) {
      for (const b of m.content) {
        if (!isRecord(b)) continue;
        if (b.type === 'text' && typeof b.text === 'string') tokens += estimateTextTokens(b.text);
        else if (b.type === 'image' || b.type === 'document') tokens += 1600; // a typical image
        else tokens += estimateTextTokens(jsonText(b));
      }
    }
  }
  return Math.max(1, tokens);
}

export interface ModelEntry {
  id: string;
  created?: number;
  owned_by?: string;
  display_name?: string;
}

/** OpenAI's `{object, data:[{id, object, created, owned_by}]}` and Anthropic's `{data:[{type, id, display_name, created_at}], has_more, first_id, last_id}` at once. */
export function hybridModelList(models: ModelEntry[]): unknown {
  return {
    object: 'list',
    data: models.map((m) => {
      const created = m.created ?? 0;
      return {
        id: m.id,
        object: 'model',
        created,
        owned_by: m.owned_by ?? 'gateway',
        type: 'model',
        display_name: m.display_name ?? m.id,
        created_at: new Date(created * 1000).toISOString(),
      };
    }),
    has_more: false,
    first_id: models[0]?.id ?? null,
    last_id: models[models.length - 1]?.id ?? null,
  };
}

/** Reads a model list of either shape. */
export function parseModelList(body: unknown): ModelEntry[] | undefined {
  if (!isRecord(body) || !Array.isArray(body.data)) return undefined;
  const out: ModelEntry[] = [];
  for (const m of body.data) {
    if (!isRecord(m) || typeof m.id !== 'string') continue;
    const e: ModelEntry = { id: m.id };
    if (typeof m.created === 'number') e.created = m.created;
    else if (typeof m.created_at === 'string') {
      const t = Date.parse(m.created_at);
      if (!Number.isNaN(t)) e.created = Math.floor(t / 1000);
    }
    if (typeof m.owned_by === 'string') e.owned_by = m.owned_by;
    if (typeof m.display_name === 'string') e.display_name = m.display_name;
    out.push(e);
  }
  return out;
}

// The relay's rule for every field a client may send: on each translated route the field is
// translated, refused (a 400 in the client's own shape that names the field and why), or dropped by
// a documented rule that the reply announces (the `x-setup-gateway-dropped` header and one log
// line). Never a 200 with a parameter quietly lost.
//
// Each client adapter holds one table (its `fields`), the single source of the rules: the check
// below applies it to every translated request, the README's table is rendered from it
// (fields-doc.ts, `node scripts/relay-fields.mjs --write`), and test/relay/fields.test.ts sends
// every field to a scripted gateway of each protocol and fails when what the gateway got, what was
// refused and what was announced do not add up to the table.
//
// A field the table does not know is dropped and announced: the relay cannot translate what it
// does not know, and must not drop it quietly either.
import { anthropicMaxTokens, isPlainChatModel, thinkingBudgetWithin, type TranslateOptions } from './common.js';
import { ClientError } from './errors.js';
import { isRecord } from './util.js';

export type FieldRule = 'translated' | 'refused' | 'dropped';

/** The gateway protocols the relay writes (the others are only passed through). */
export type UpstreamId = 'chat' | 'anthropic';

/** What a rule's condition may look at besides the value. */
export interface FieldContext {
  /** The upstream model of this attempt. */
  readonly model: string;
  /** The protocol of the gateway this attempt goes to. */
  readonly upstream: string;
  readonly options: TranslateOptions;
}

export interface FieldSpec {
  /** The rule on a route to a chat gateway; absent when that route is a pass-through. */
  readonly chat?: FieldRule;
  /** The rule on a route to an Anthropic gateway; absent when that route is a pass-through. */
  readonly anthropic?: FieldRule;
  /**
   * How it is translated, or why it is refused or dropped: the README's words, and the reason a
   * refusal gives.
   */
  readonly note: string;
  /** Why it is refused or dropped, when `note` (which says how it is translated otherwise) does not. */
  readonly why?: string;
  /**
   * When present, a refusal or a drop applies only to the requests this accepts (`n` above 1, a
   * model that takes no reasoning effort); otherwise the value asks for nothing the route lacks and
   * is translated. `body` is the whole request, also for nested fields. Module-level functions, so
   * the check makes no closure per request.
   */
  readonly applies?: (value: unknown, body: Record<string, unknown>, ctx: FieldContext) => boolean;
  /** The README's words for `applies` ("when above 1"). */
  readonly when?: string;
  /** The fields of an object value, checked the same way (`generationConfig.topK`). */
  readonly fields?: FieldTable;
  /** Kinds of list items (tool types) the translator itself rules on, documented and tested like fields. */
  readonly items?: FieldTable;
  /** Honoured by the relay as it writes the reply (the gateway's body does not carry it). */
  readonly reply?: true;
}

export type FieldTable = Readonly<Record<string, FieldSpec>>;

/** A frozen table without a prototype: `table[key]` never finds `constructor` or `__proto__`. */
export function fieldTable(specs: Record<string, FieldSpec>): FieldTable {
  const table = Object.create(null) as Record<string, FieldSpec>;
  for (const key of Object.keys(specs)) table[key] = Object.freeze(specs[key] as FieldSpec);
  return Object.freeze(table);
}

/** `list` with `name` appended, comma-separated (the header's form). */
export function addDropped(list: string, name: string): string {
  return list === '' ? name : `${list},${name}`;
}

/**
 * Applies `table` to a client's body for a route to `upstream`: throws a ClientError (400) for a
 * refused field, and returns the dropped ones, comma-separated ('' when none). One pass over the
 * body's own keys; nothing is allocated unless something is dropped.
 */
export function checkFields(table: FieldTable, body: Record<string, unknown>, upstream: UpstreamId, ctx: FieldContext): string {
  return checkObject(table, body, body, upstream, ctx, '');
}

function checkObject(table: FieldTable, object: Record<string, unknown>, body: Record<string, unknown>, upstream: UpstreamId, ctx: FieldContext, prefix: string): string {
  let dropped = '';
  for (const key in object) {
    const value = object[key];
    // null and absent mean the same to every protocol: the default.
    if (value === undefined || value === null) continue;
    const spec = table[key];
    if (spec === undefined) {
      dropped = addDropped(dropped, prefix + key);
      continue;
    }
    const rule = spec[upstream];
    if (rule === undefined || rule === 'translated') {
      if (spec.fields !== undefined && isRecord(value)) {
        const inner = checkObject(spec.fields, value, body, upstream, ctx, `${prefix}${key}.`);
        if (inner !== '') dropped = addDropped(dropped, inner);
      }
      continue;
    }
    if (spec.applies !== undefined && !spec.applies(value, body, ctx)) continue;
    if (rule === 'refused') throw new ClientError(400, refusal(prefix + key, upstream, spec.why ?? spec.note, value));
    dropped = addDropped(dropped, prefix + key);
  }
  return dropped;
}

/** The 400's message: the field (with its value when that is a number or a flag), the route, why. */
export function refusal(field: string, upstream: UpstreamId, why: string, value?: unknown): string {
  const shown = typeof value === 'number' || typeof value === 'boolean' ? `${field}: ${String(value)}` : field;
  return `${shown} is not supported through the relay to ${upstream === 'anthropic' ? 'an Anthropic' : 'a chat-completions'} gateway: ${why}`;
}

// ------------------------------------------------------------------ shared conditions

/** Whether the model is one the relay knows to take no reasoning effort (common.ts). */
export function isPlain(ctx: FieldContext): boolean {
  return isPlainChatModel(ctx.model, ctx.options);
}

/** A number other than `n` (`n: 1` asks for nothing a route lacks). */
export const notOne = (v: unknown): boolean => v !== 1;
/** A value that asks for something: true, a non-zero number, a non-empty string, list or object. */
export const asks = (v: unknown): boolean => {
  if (v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isRecord(v)) {
    for (const _ in v) return true;
    return false;
  }
  return true;
};

/**
 * Whether a reasoning effort asks for thinking that cannot fit: on an Anthropic gateway its budget
 * (at least 1024 tokens) counts towards max_tokens and must stay below it.
 */
export function thinkingMisfits(effort: unknown, clientMax: number | undefined, ctx: FieldContext): boolean {
  return thinkingBudgetWithin(effort, anthropicMaxTokens(clientMax, ctx.options)) === 0;
}

// A chat gateway opens every stream with the same chunk but for two values: the stream's `id` and
// `created` (`{"id":"chatcmpl-…","object":"chat.completion.chunk","created":…,"model":…,"choices":
// [{"index":0,"delta":{"role":"assistant","content":""},…}]}`). From that chunk each stream's
// JsonTemplate learns the shape of the text chunks that follow (`expect`: JSON.stringify of the
// chunk rebuilt with a marker), which cost a tenth of the CPU of translating the bench's stream.
// The last opening learnt is remembered here, with the places of those two values; a stream whose
// opening line is that line with only the two values changed takes the remembered shape with its
// own values written in, and learns nothing.
//
// Why this is exact: the remembered opening line is JSON.stringify's own text for its chunk, and
// its `"id":…` and `"created":…` members each occur once in it, so they are that chunk's id and
// created (a quote cannot occur unescaped inside a string). A line equal to it with other tokens
// in those two places parses to the same chunk with those two values changed (JSON is read token
// by token), so JSON.stringify writes the rebuilt text chunks of both alike but for the two
// values: the remembered prefix with the new values' JSON in their places is what `expect` would
// have learnt. Only values before the rebuilt delta (in the prefix) are handled.

/** What `expect` learnt from an opening: the text around the marker's string. */
export interface LearntShape {
  prefix: string;
  suffix: string;
}

/** The text a rebuilt text chunk has in place of the opening's delta, up to its marker string. */
const REBUILT_DELTA_HEAD = '{"content":"';
/** … and after it. */
const REBUILT_DELTA_TAIL = '"}';

interface Opening {
  /** The opening line cut at the two values: before the first, between them, after the second. */
  line: [string, string, string];
  /** The learnt prefix cut at the same places. */
  prefix: [string, string, string];
  suffix: string;
  /** Whether `id` comes before `created`. */
  idFirst: boolean;
}

export class OpeningShapes {
  private last: Opening | undefined;

  /**
   * The shape `expect` would learn from this stream's opening (`line`, parsed as `chunk`), when it
   * is the remembered opening with another id and created; otherwise undefined.
   */
  shapeFor(line: string, chunk: { id?: unknown; created?: unknown }): LearntShape | undefined {
    const o = this.last;
    if (!o || typeof chunk.id !== 'string' || !isCount(chunk.created)) return undefined;
    const id = JSON.stringify(chunk.id);
    const created = String(chunk.created);
    const [first, second] = o.idFirst ? [id, created] : [created, id];
    const [a, b, c] = o.line;
    if (line.length !== a.length + first.length + b.length + second.length + c.length || line !== a + first + b + second + c) return undefined;
    return { prefix: o.prefix[0] + first + o.prefix[1] + second + o.prefix[2], suffix: o.suffix };
  }

  /**
   * Remembers what `expect` learnt from an opening whose delta (choice 0's, serialized) is `delta`,
   * when the line is JSON.stringify's text for its chunk and its id and created can be placed.
   */
  remember(line: string, chunk: { id?: unknown; created?: unknown }, delta: string, learnt: LearntShape): void {
    const { prefix, suffix } = learnt;
    if (typeof chunk.id !== 'string' || !isCount(chunk.created) || !prefix.endsWith(REBUILT_DELTA_HEAD) || !suffix.startsWith(REBUILT_DELTA_TAIL)) return;
    const deltaAt = prefix.length - REBUILT_DELTA_HEAD.length;
    // JSON.stringify's own text: the rebuilt chunk's, with the opening's delta back in its place.
    if (line !== prefix.slice(0, deltaAt) + delta + suffix.slice(REBUILT_DELTA_TAIL.length)) return;
    const id = placeOnce(line, '"id":', JSON.stringify(chunk.id), deltaAt);
    const created = placeOnce(line, '"created":', String(chunk.created), deltaAt);
    if (!id || !created) return;
    const [p, q] = id.at < created.at ? [id, created] : [created, id];
    if (p.end > q.at) return;
    const cut = (text: string): [string, string, string] => [text.slice(0, p.at), text.slice(p.end, q.at), text.slice(q.end)];
    this.last = { line: cut(line), prefix: cut(prefix), suffix, idFirst: id.at < created.at };
  }
}

/** Where the value of the member `key` + `value` is in `line`, when the member occurs once and ends before `limit`. */
function placeOnce(line: string, key: string, value: string, limit: number): { at: number; end: number } | undefined {
  const member = key + value;
  const at = line.indexOf(member);
  if (at === -1 || line.indexOf(member, at + 1) !== -1 || at + member.length > limit) return undefined;
  return { at: at + key.length, end: at + member.length };
}

/** A number JSON.stringify writes as String() does. */
function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

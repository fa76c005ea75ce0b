// A stream's text frames differ in one string only: every chat chunk of a reply repeats its id,
// model and structure around `"content":"…"`, every Anthropic text delta its index around
// `"text":"…"`. Parsing each frame whole was the largest share of the relay's own work on a
// streamed reply. A template learns a frame's bytes around that string once, from a frame that
// was parsed, then reads the next frames that share those bytes with a prefix and a suffix
// comparison; anything else (a tool call, the finish, a field that changes per frame) is parsed
// as before.
//
// Why this is exact: the learned prefix ends just inside the string's opening quote and the
// suffix starts at its closing quote. A frame that starts with the prefix and ends with the
// suffix, with a middle that is a complete JSON string body (checked: no quote, backslash or
// control character, or else one JSON.parse of the middle alone), parses to the learned value
// with the middle as that string, since a JSON parser reaches the same state after the same
// prefix. The prefix and suffix are either JSON.stringify's own output around a marker put in
// the string's place (compact JSON, which most gateways write), or, for other spellings, the
// learnt frame's bytes around the string, checked by parsing the frame with the marker in place
// and comparing it with what `build` makes of the marker.

/** Frames a template may be (re)learnt from per stream: past that, a stream whose frames never repeat stops paying for learning. */
const MAX_LEARNS = 4;
const MARKER = 'sg-slot-3b9f';
const QUOTED_MARKER = `"${MARKER}"`;
const NEEDS_CARE = /["\\\u0000-\u001f]/;
/** What JSON.stringify writes other than as itself: NEEDS_CARE, and lone surrogates (any surrogate, to keep the test cheap). */
const NOT_VERBATIM = /["\\\u0000-\u001f\ud800-\udfff]/;

export class JsonTemplate<T> {
  private prefix = '';
  private suffix = '';
  private build: ((text: string) => T) | undefined;
  private learns = 0;
  /**
   * Whether the string `text()` returned last is spelled in its line exactly as JSON.stringify
   * spells it, without escapes: then `"${text}"` is its JSON, and an encoder need not stringify it.
   */
  verbatim = false;

  /** Whether a frame could teach this template (it has learning left). */
  get canLearn(): boolean {
    return this.learns < MAX_LEARNS;
  }

  /**
   * The value of `line` when it has the learnt shape, built with its varying string; otherwise
   * undefined (parse it as usual).
   */
  read(line: string): T | undefined {
    const text = this.text(line);
    return text === undefined ? undefined : (this.build as (text: string) => T)(text);
  }

  /**
   * The varying string of `line` when it has the learnt shape, without building the value (for a
   * reader that can use the string alone); otherwise undefined.
   */
  text(line: string): string | undefined {
    if (!this.build) return undefined;
    const { prefix, suffix } = this;
    if (!fits(line, prefix, suffix)) return undefined;
    const middle = line.slice(prefix.length, line.length - suffix.length);
    this.verbatim = !NOT_VERBATIM.test(middle);
    if (this.verbatim || !NEEDS_CARE.test(middle)) return middle;
    try {
      const text: unknown = JSON.parse(`"${middle}"`);
      return typeof text === 'string' ? text : undefined;
    } catch {
      return undefined;
    }
  }

  /** The value the learnt shape has with `text` as its varying string (after `text()` found one). */
  make(text: string): T {
    return (this.build as (text: string) => T)(text);
  }

  /**
   * Learns, before seeing one, the shape frames will likely have, as JSON.stringify writes
   * `build`'s values (e.g. the text chunks that follow a chat stream's opening chunk). Exact
   * whatever comes: a frame that does not fit is parsed as usual. Returns whether it learnt.
   */
  expect(build: (text: string) => T): boolean {
    if (this.learns >= MAX_LEARNS) return false;
    this.learns++;
    this.build = undefined;
    const split = splitAtMarker(JSON.stringify(build(MARKER)));
    if (!split) return false;
    this.use(split.prefix, split.suffix, build);
    return true;
  }

  /**
   * Takes a shape learnt elsewhere: `prefix` and `suffix` must be JSON.stringify's text around the
   * marker's string in `build(MARKER)` (what `expect(build)` would learn; see opening-shape.ts).
   */
  adopt(prefix: string, suffix: string, build: (text: string) => T): boolean {
    if (this.learns >= MAX_LEARNS) return false;
    this.learns++;
    this.use(prefix, suffix, build);
    return true;
  }

  /** The learnt prefix and suffix, when there are any. */
  get shape(): { prefix: string; suffix: string } | undefined {
    return this.build ? { prefix: this.prefix, suffix: this.suffix } : undefined;
  }

  /**
   * Learns the shape of `line`, whose parsed value `build(text)` reproduces with `text` being the
   * one string that varies. Returns whether it learnt (the string must appear in the line as
   * JSON.stringify writes it).
   */
  learn(line: string, text: string, build: (text: string) => T): boolean {
    if (this.learns >= MAX_LEARNS) return false;
    this.learns++;
    this.build = undefined;
    const expected = JSON.stringify(build(MARKER));
    // Most gateways write compact JSON, as JSON.stringify does: then the template is the frame
    // serialized with the marker in the string's place, and no parse is needed. (Any line that
    // fits it parses to `build` of its string, whatever line it was learnt from.)
    const split = splitAtMarker(expected);
    if (split && fits(line, split.prefix, split.suffix)) {
      this.use(split.prefix, split.suffix, build);
      return true;
    }
    // Otherwise find the string in the line and check the split with one parse.
    const raw = JSON.stringify(text);
    for (let at = line.lastIndexOf(raw); at !== -1; at = at === 0 ? -1 : line.lastIndexOf(raw, at - 1)) {
      const prefix = line.slice(0, at + 1);
      const suffix = line.slice(at + raw.length - 1);
      let probe: unknown;
      try {
        probe = JSON.parse(prefix + MARKER + suffix);
      } catch {
        continue;
      }
      if (JSON.stringify(probe) !== expected) continue;
      this.use(prefix, suffix, build);
      return true;
    }
    return false;
  }

  private use(prefix: string, suffix: string, build: (text: string) => T): void {
    this.prefix = prefix;
    this.suffix = suffix;
    this.build = build;
  }
}

/** A serialization's bytes before and after the marker's string (the quotes included), if it holds the marker once. */
function splitAtMarker(serialized: string): { prefix: string; suffix: string } | undefined {
  const at = serialized.indexOf(QUOTED_MARKER);
  if (at === -1 || serialized.indexOf(QUOTED_MARKER, at + 1) !== -1) return undefined;
  return { prefix: serialized.slice(0, at + 1), suffix: serialized.slice(at + QUOTED_MARKER.length - 1) };
}

/**
 * Whether `line` starts with `prefix` and ends with `suffix`. Slices compared with ===, not
 * startsWith/endsWith: on the sliced strings a parser hands over, V8 runs startsWith character by
 * character, ten times slower.
 */
function fits(line: string, prefix: string, suffix: string): boolean {
  return line.length >= prefix.length + suffix.length && line.slice(0, prefix.length) === prefix && line.slice(line.length - suffix.length) === suffix;
}

import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from '../../src/relay/sse.js';

const enc = new TextEncoder();

/** Feeds the pieces one read at a time, then ends the stream. */
function parse(pieces: Array<string | Uint8Array>): SseEvent[] {
  const p = new SseParser();
  const out: SseEvent[] = [];
  for (const piece of pieces) out.push(...p.push(typeof piece === 'string' ? enc.encode(piece) : piece));
  out.push(...p.end());
  return out;
}

describe('SseParser', () => {
  it('reads event and data lines, one event per blank line', () => {
    expect(parse(['event: ping\ndata: {"type":"ping"}\n\ndata: {"a":1}\n\n'])).toEqual([
      { event: 'ping', data: '{"type":"ping"}' },
      { event: undefined, data: '{"a":1}' },
    ]);
  });

  it('joins lines split across reads at every possible byte', () => {
    const text = 'event: message_start\ndata: {"type":"message_start","x":"é€😀"}\n\ndata: [DONE]\n\n';
    const bytes = enc.encode(text);
    const whole = parse([bytes]);
    expect(whole).toHaveLength(2);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(parse([bytes.slice(0, cut), bytes.slice(cut)]), `cut at ${cut}`).toEqual(whole);
    }
  });

  it('decodes a multi-byte character split across chunks, one byte per read', () => {
    const bytes = enc.encode('data: {"t":"日本語 — 😀"}\n\n');
    const pieces = [...bytes].map((b) => Uint8Array.of(b));
    expect(parse(pieces)).toEqual([{ event: undefined, data: '{"t":"日本語 — 😀"}' }]);
  });

  it('accepts CRLF and lone CR line endings, including a CRLF split between reads', () => {
    expect(parse(['event: a\r\ndata: 1\r', '\n\r\n', 'data: 2\r\rdata: 3\n\n'])).toEqual([
      { event: 'a', data: '1' },
      { event: undefined, data: '2' },
      { event: undefined, data: '3' },
    ]);
  });

  it('takes data: without a space, skips comments, joins multi-line data', () => {
    expect(parse([': keep-alive\n\ndata:{"a":1}\n\n:comment\ndata: x\ndata:y\n\n'])).toEqual([
      { event: undefined, data: '{"a":1}' },
      { event: undefined, data: 'x\ny' },
    ]);
  });

  it('reads only the field named exactly data as data: empty values, a second space, look-alike names', () => {
    expect(parse(['data:\n\ndata\n\ndata:  two spaces\n\ndatax: no\ndat: no\nDATA: no\n\ndata:a\ndata\ndata: c\n\n'])).toEqual([
      { event: undefined, data: '' },
      { event: undefined, data: '' },
      { event: undefined, data: ' two spaces' },
      { event: undefined, data: 'a\n\nc' },
    ]);
  });

  it('drops an event without data and keeps ids', () => {
    expect(parse(['event: lonely\n\nid: 7\ndata: z\n\n'])).toEqual([{ event: undefined, data: 'z', id: '7' }]);
  });

  it('delivers a last event that lacks its blank line when the stream ends', () => {
    expect(parse(['data: {"usage":1}'])).toEqual([{ event: undefined, data: '{"usage":1}' }]);
  });

  it('drops a byte order mark that starts the stream, even split byte by byte, and keeps U+FEFF anywhere else', () => {
    const bom = Uint8Array.of(0xef, 0xbb, 0xbf);
    expect(parse([bom, 'data: 1\n\n'])).toEqual([{ event: undefined, data: '1' }]);
    expect(parse([bom.slice(0, 1), bom.slice(1, 2), bom.slice(2), 'data: 1\n\n'])).toEqual([{ event: undefined, data: '1' }]);
    expect(parse(['\ufeffdata: 1\n\n'])).toEqual([{ event: undefined, data: '1' }]);
    // Later reads start with U+FEFF as text: after an ASCII read, and after a read that ended inside a character.
    const split = enc.encode('data: é\ufeff\n\n');
    expect(parse(['data: a\n\n', 'data: \ufeffb\n\n'])).toEqual([
      { event: undefined, data: 'a' },
      { event: undefined, data: '\ufeffb' },
    ]);
    expect(parse([split.slice(0, 7), split.slice(7)])).toEqual([{ event: undefined, data: 'é\ufeff' }]);
  });

  it('turns a character cut short by the end of the stream into U+FFFD', () => {
    expect(parse(['data: a', Uint8Array.of(0xc3)])).toEqual([{ event: undefined, data: 'a\ufffd' }]);
  });

  it('does not treat an empty read after a CR as a line end', () => {
    expect(parse(['data: 1\r', '', '\ndata: 2\n\n'])).toEqual([{ event: undefined, data: '1\n2' }]);
  });
});

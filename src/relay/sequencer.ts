// Turns the fragments of an OpenAI chat stream (text, reasoning, tool-call pieces keyed by their
// `index`) into a sequence of output blocks that open, receive deltas and close one at a time:
// the shape of Anthropic content blocks and Responses output items.
//
// Fragments are routed by their key, never by "the current block", so parallel tool calls whose
// fragments interleave are not mixed. A block stays live until another one has something to
// say and the live one can be closed: text and reasoning at any time, a tool call once its
// arguments form a complete JSON value (no later fragment could extend it). Fragments for other
// blocks wait in order meanwhile, and are replayed when their turn comes; `finish` closes and
// flushes everything. No empty delta is ever produced.

export type BlockKind = 'text' | 'thinking' | 'tool';

export interface OpenBlock {
  kind: BlockKind;
  /** Tool calls: the upstream's id (may be undefined: the encoder synthesizes one). */
  id?: string;
  name?: string;
}

export type SeqEvent =
  | { type: 'open'; slot: number; block: OpenBlock }
  | { type: 'delta'; slot: number; kind: BlockKind; text: string }
  | { type: 'close'; slot: number; kind: BlockKind };

interface Channel {
  key: string;
  kind: BlockKind;
  id?: string;
  name?: string;
  /** Content not yet emitted. */
  pending: string;
  /** For tool calls: everything received, to tell when the arguments are complete. */
  args: string;
  state: 'idle' | 'queued' | 'live' | 'closed';
  slot: number;
}

export class Sequencer {
  /** Every block seen, in order; a list, not a map: a reply has a few (a map per stream cost more). */
  private readonly channels: Channel[] = [];
  private readonly queue: Channel[] = [];
  private live: Channel | undefined;
  private nextSlot = 0;
  private out: SeqEvent[] = [];

  /** How many blocks have been opened so far. */
  get blockCount(): number {
    return this.nextSlot;
  }

  /** Whether any tool call was seen. */
  get sawToolCall(): boolean {
    for (const c of this.channels) if (c.kind === 'tool') return true;
    return false;
  }

  text(text: string): SeqEvent[] {
    return this.fragment('text', 'text', text);
  }

  /**
   * The slot of the live text block when a piece of text would only become one delta in it (the
   * text block is live, nothing waits), so a caller may write that delta itself; else undefined.
   */
  get textSlot(): number | undefined {
    const live = this.live;
    return live !== undefined && live.key === 'text' && live.pending === '' && this.queue.length === 0 ? live.slot : undefined;
  }

  thinking(text: string): SeqEvent[] {
    return this.fragment('thinking', 'thinking', text);
  }

  tool(key: string, piece: { id?: string | undefined; name?: string | undefined; args?: string | undefined }): SeqEvent[] {
    let c = this.find(`tool:${key}`);
    if (!c) c = this.channel(`tool:${key}`, 'tool');
    if (c.state === 'closed') return this.take(); // a fragment after complete arguments: nothing can use it
    if (piece.id && !c.id) c.id = piece.id;
    if (piece.name) c.name = (c.name ?? '') === '' ? piece.name : c.name;
    return this.fragment(c.key, 'tool', piece.args ?? '', c);
  }

  /** Closes the live block and replays every waiting one. */
  finish(): SeqEvent[] {
    this.close();
    while (this.queue.length > 0) {
      const next = this.queue.shift() as Channel;
      if (next.kind === 'tool' && !next.name) next.name = '';
      this.open(next);
      this.close();
    }
    // A tool call whose name never came: still delivered, so its id and arguments are not lost.
    for (const c of this.channels) {
      if (c.kind === 'tool' && c.state === 'idle' && (c.pending || c.id)) {
        c.name = '';
        this.open(c);
        this.close();
      }
    }
    return this.take();
  }

  private find(key: string): Channel | undefined {
    for (const c of this.channels) if (c.key === key) return c;
    return undefined;
  }

  private channel(key: string, kind: BlockKind): Channel {
    const c: Channel = { key, kind, pending: '', args: '', state: 'idle', slot: -1 };
    this.channels.push(c);
    return c;
  }

  private fragment(key: string, kind: BlockKind, text: string, existing?: Channel): SeqEvent[] {
    const c = existing ?? this.find(key) ?? this.channel(key, kind);
    if (text) {
      c.pending += text;
      if (kind === 'tool') c.args += text;
    }
    const ready = c.pending.length > 0 || (kind === 'tool' && c.name !== undefined);
    if (c.state === 'idle' && ready) {
      c.state = 'queued';
      this.queue.push(c);
    }
    this.advance();
    return this.take();
  }

  private advance(): void {
    for (;;) {
      const live = this.live;
      if (live && live.pending) {
        this.emitDelta(live);
      }
      const next = this.queue.find((q) => q.kind !== 'tool' || q.name !== undefined);
      if (!next) return;
      if (live) {
        if (!this.closable(live)) return;
        this.close();
      }
      this.queue.splice(this.queue.indexOf(next), 1);
      this.open(next);
    }
  }

  private closable(c: Channel): boolean {
    if (c.kind !== 'tool') return true;
    const args = c.args.trim();
    if (args === '') return false;
    try {
      JSON.parse(args);
      return true;
    } catch {
      return false;
    }
  }

  private open(c: Channel): void {
    c.slot = this.nextSlot++;
    c.state = 'live';
    this.live = c;
    const block: OpenBlock = { kind: c.kind };
    if (c.kind === 'tool') {
      if (c.id !== undefined) block.id = c.id;
      block.name = c.name ?? '';
    }
    this.out.push({ type: 'open', slot: c.slot, block });
    if (c.pending) this.emitDelta(c);
  }

  private emitDelta(c: Channel): void {
    this.out.push({ type: 'delta', slot: c.slot, kind: c.kind, text: c.pending });
    c.pending = '';
  }

  private close(): void {
    const c = this.live;
    if (!c) return;
    if (c.pending) this.emitDelta(c);
    this.out.push({ type: 'close', slot: c.slot, kind: c.kind });
    // Text and reasoning may come back later as a new block; a tool call is done.
    c.state = c.kind === 'tool' ? 'closed' : 'idle';
    this.live = undefined;
  }

  private take(): SeqEvent[] {
    const out = this.out;
    this.out = [];
    return out;
  }
}

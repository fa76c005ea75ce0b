// How the relay reaches the gateway: a small interface. By default its own HTTP/1.1 client
// (http1.ts): in Node 20 both the global fetch (undici) and node:http cost more CPU per request
// than the relay's translation work. An injected `fetch` (tests, embedding) is adapted to the same
// interface, so the handler does not care which one it talks through.

/** What the handler reads of a header list: web `Headers` fit, and so does http1.ts's. */
export interface HeaderBag {
  get(name: string): string | null;
  forEach(callback: (value: string, name: string) => void): void;
}

export interface UpstreamReply {
  status: number;
  headers: HeaderBag;
  text(): Promise<string>;
  bytes(): Promise<Uint8Array>;
  /** Stop reading and release the connection. */
  cancel(): void;
  /**
   * Read and discard what is left, so a keep-alive connection can be reused; cancels after `ms`.
   * Resolves once the body is read to its end or given up (callers need not wait).
   */
  drain(ms?: number): Promise<void>;
  /**
   * Feeds the body to `onChunk` as it arrives and resolves at its end (rejects if it breaks).
   * `onChunk` may return a promise (reading pauses until it settles: backpressure) or `false`
   * (stop reading; then call `drain` or `cancel`). Cheaper than async iteration.
   */
  each(onChunk: (chunk: Uint8Array) => Promise<void> | undefined | false): Promise<void>;
}

/**
 * The client's side of a request: whether it went away, and a way to hear of it. Lighter than
 * an AbortController per request, which costs a measurable share of the relay's throughput.
 */
export interface AbortHook {
  readonly aborted: boolean;
  /** Calls `listener` once when the client goes away; returns a function that unregisters it. */
  onAbort(listener: () => void): () => void;
}

export interface UpstreamInit {
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** Like `signal`, without the cost of an AbortSignal. */
  abort?: AbortHook;
}

export type UpstreamClient = (url: string, init: UpstreamInit) => Promise<UpstreamReply>;

/** Adapts a fetch (injected in tests, or any WHATWG fetch) to the relay's client interface. */
export function fetchClient(fetchFn: typeof fetch): UpstreamClient {
  return async (url, init) => {
    let signal = init.signal;
    if (!signal && init.abort) {
      const controller = new AbortController();
      if (init.abort.aborted) controller.abort();
      else init.abort.onAbort(() => controller.abort());
      signal = controller.signal;
    }
    const response = await fetchFn(url, {
      method: init.method,
      headers: init.headers,
      ...(init.body !== undefined ? { body: init.body } : {}),
      ...(signal ? { signal } : {}),
      redirect: 'manual',
    });
    const stream = response.body;
    return {
      status: response.status,
      headers: response.headers,
      text: () => response.text(),
      bytes: async () => new Uint8Array(await response.arrayBuffer()),
      cancel: () => {
        stream?.cancel().catch(() => {});
      },
      drain: () => (stream ? stream.cancel().catch(() => {}) : Promise.resolve()),
      each: async (onChunk) => {
        if (!stream) return;
        const reader = stream.getReader();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return;
            const r = onChunk(value);
            if (r === false) return;
            if (r) await r;
          }
        } finally {
          reader.releaseLock();
        }
      },
    };
  };
}

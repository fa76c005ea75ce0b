// Waiting for what a test expects to happen, never for a fixed time: a condition polled until it
// holds, with a deadline that only a failure reaches (generous, for a busy machine).

/** Resolves once `condition()` returns a value other than undefined/false; throws after `timeoutMs`. */
export async function waitUntil<T>(condition: () => T | undefined | false, what: () => string, timeoutMs = 10_000, intervalMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = condition();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs)); // timing: the poll interval
  }
}

export type FrameMatch = string | RegExp | ((frame: string) => boolean);

export function matches(frame: string, match: FrameMatch): boolean {
  return typeof match === 'string' ? frame.includes(match) : match instanceof RegExp ? match.test(frame) : match(frame);
}

/** The next frame of an ink-testing-library render that matches (the current one, if it does). */
export function waitForFrame(lastFrame: () => string | undefined, match: FrameMatch, timeoutMs?: number): Promise<string> {
  return waitUntil(
    () => {
      const frame = lastFrame() ?? '';
      return matches(frame, match) ? frame : undefined;
    },
    () => `a frame showing ${String(match)}; last frame:\n${lastFrame() ?? ''}`,
    timeoutMs,
  );
}

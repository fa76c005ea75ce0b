// NO_COLOR: with colour off (src/cli.ts turns it off for NO_COLOR), the TUI paints nothing, while
// the same screen with colour on is coloured. chalk is forced to colour here, so the difference
// comes from the TUI alone.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTempHome, type TempHome } from '../support/temp-home.js';
import { waitForFrame } from '../support/wait.js';

process.env.FORCE_COLOR = '1';

// Imported after FORCE_COLOR is set: chalk reads it once, when it loads.
let render: typeof import('ink-testing-library').render;
let h: typeof import('react').createElement;
let App: typeof import('../../src/tui/app.js').App;
let ColorContext: typeof import('../../src/tui/components.js').ColorContext;
beforeAll(async () => {
  ({ render } = await import('ink-testing-library'));
  ({ createElement: h } = await import('react'));
  ({ App } = await import('../../src/tui/app.js'));
  ({ ColorContext } = await import('../../src/tui/components.js'));
});

let t: TempHome | undefined;
afterEach(async () => t?.cleanup());

// SGR colour codes: foreground, background, bright, 256/true colour, and dim.
const COLOUR = /\u001b\[(?:3\d|4\d|9\d|10\d|2)(?:;[\d;]*)?m/;

async function firstScreen(color: boolean): Promise<string> {
  t = await makeTempHome();
  const r = render(h(ColorContext.Provider, { value: color }, h(App, { deps: { env: t.env, fetch: globalThis.fetch, version: '0' }, onExit: () => {} })));
  const frame = await waitForFrame(r.lastFrame, 'Which gateway');
  r.unmount();
  return frame;
}

describe('colour', () => {
  it('is used when on', async () => {
    expect(await firstScreen(true)).toMatch(COLOUR);
  });
  it('is not used at all when off (NO_COLOR)', async () => {
    const frame = await firstScreen(false);
    expect(frame).toContain('› CodeRouter');
    expect(frame).not.toMatch(COLOUR);
  });
});

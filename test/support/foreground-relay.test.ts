import { describe, expect, it } from 'vitest';
import { bannerComplete } from './foreground-relay.js';

const LISTENING = 'setup-gateway relay listening on http://127.0.0.1:4850 -> http://a.test, http://b.test (auto)\n';
const MIDDLE = '  Anthropic clients (Claude Code): http://127.0.0.1:4850    OpenAI clients: http://127.0.0.1:4850/v1\n  Clients send the local token sgr…1234 as their API key\n';

describe('bannerComplete', () => {
  it('waits for the route line of every upstream, each ended, before it gives the URL', () => {
    expect(bannerComplete('')).toBeUndefined();
    expect(bannerComplete(LISTENING.slice(0, -1))).toBeUndefined();
    expect(bannerComplete(LISTENING + MIDDLE)).toBeUndefined();
    expect(bannerComplete(`${LISTENING}${MIDDLE}  To a.test: direct\n`)).toBeUndefined();
    expect(bannerComplete(`${LISTENING}${MIDDLE}  To a.test: direct\n  To b.test: dir`)).toBeUndefined();
    expect(bannerComplete(`${LISTENING}${MIDDLE}  To a.test: direct\n  To b.test: direct\n`)).toBe('http://127.0.0.1:4850');
  });
});

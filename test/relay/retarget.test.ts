// Relay.retarget: the gateways and key a relay sends to, replaced while it runs (`use NAME`
// switching agents that go through the relay, without touching their files).
import { describe, expect, it } from 'vitest';
import { call, makeRelay, sseResponse, chatSse, ochunk } from './helpers.js';
import { waitUntil } from '../support/wait.js';

const BODY = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
const chatReply = (text: string) => new Response(JSON.stringify({ id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] }), { headers: { 'content-type': 'application/json' } });

describe('Relay.retarget', () => {
  it('sends the next request to the new gateway with the new key; the old one sees nothing more', async () => {
    const { relay, calls } = makeRelay((c) => chatReply(c.url.startsWith('http://b.test') ? 'from B' : 'from A'), { upstream: 'http://a.test', key: 'sk-a-key-000000', protocol: 'openai' });
    const first = await call(relay, '/v1/messages', BODY);
    expect(first.text).toContain('from A');
    expect(relay.upstreams).toEqual(['http://a.test']);

    relay.retarget({ upstream: 'http://b.test/v1', key: 'sk-b-key-111111', protocol: 'openai' });
    expect(relay.upstreams).toEqual(['http://b.test']);
    const second = await call(relay, '/v1/messages', BODY);
    expect(second.text).toContain('from B');
    const after = calls.slice(1);
    expect(after.map((c) => new URL(c.url).host)).toEqual(['b.test']);
    expect(after[0]?.headers.authorization).toBe('Bearer sk-b-key-111111');
  });

  it('lets a stream in flight finish at the gateway it started with', async () => {
    let release: (() => void) | undefined;
    const gate = new Promise<void>((r) => (release = r));
    const { relay, calls } = makeRelay(
      async (c) => {
        if (c.url.startsWith('http://a.test')) {
          await gate;
          return sseResponse(chatSse([ochunk({ role: 'assistant', content: 'old stream' }), ochunk({}, 'stop')]));
        }
        return chatReply('new gateway');
      },
      { upstream: 'http://a.test', key: 'sk-a-key-000000', protocol: 'openai' },
    );
    const inFlight = call(relay, '/v1/chat/completions', { model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    await waitUntil(() => calls.length > 0, () => 'the stream to reach gateway A');
    relay.retarget({ upstream: 'http://b.test', key: 'sk-b-key-111111', protocol: 'openai' });
    const next = await call(relay, '/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    release?.();
    expect((await inFlight).text).toContain('old stream');
    expect(next.text).toContain('new gateway');
    expect(calls.map((c) => [new URL(c.url).host, c.headers.authorization])).toEqual([
      ['a.test', 'Bearer sk-a-key-000000'],
      ['b.test', 'Bearer sk-b-key-111111'],
    ]);
  });

  it('refuses an empty upstream list and keeps the gateway it had', async () => {
    const { relay } = makeRelay(() => chatReply('from A'), { upstream: 'http://a.test', key: 'sk-a-key-000000', protocol: 'openai' });
    expect(() => relay.retarget({ upstream: [], key: 'sk-b-key-111111' })).toThrow(/no upstream/);
    expect(relay.upstreams).toEqual(['http://a.test']);
  });
});

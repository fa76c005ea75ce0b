// The local token: every request the relay forwards must carry it, in any of the ways a client
// sends a key; anything else is a 401 in the client's own error shape, and the upstream never
// hears of it. A new token (rotate-token, or its undo) is picked up after the first refusal.
import { describe, expect, it } from 'vitest';
import { sameSecret, TokenGate, withoutKeyParam } from '../../src/relay/token.js';
import { LEGACY_RELAY_TOKEN } from '../../src/core/relay-token.js';
import { call, jsonResponse, makeRelay } from './helpers.js';

const TOKEN = `sgr-${'ab12'.repeat(16)}`;
const A_BODY = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
const O_BODY = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
const chatReply = () => jsonResponse({ id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }] });
const upstream = (c: { path: string }) => (c.path === '/v1/models' ? jsonResponse({ object: 'list', data: [{ id: 'm', object: 'model', created: 1, owned_by: 'x' }] }) : chatReply());

describe('the relay requires its local token', () => {
  it('serves a request that carries it as x-api-key, Authorization: Bearer (any case), x-goog-api-key or ?key=', async () => {
    const { relay, calls } = makeRelay(upstream, { token: TOKEN, protocol: 'openai' });
    const ways: Array<[string, Record<string, string>]> = [
      ['/v1/messages', { 'x-api-key': TOKEN }],
      ['/v1/messages', { authorization: `Bearer ${TOKEN}` }],
      ['/v1/chat/completions', { authorization: `bearer  ${TOKEN}` }],
      ['/v1/chat/completions', { 'x-goog-api-key': TOKEN }],
      [`/v1/chat/completions?key=${TOKEN}`, {}],
      // A wrong key beside the right one does not matter: each way is tried.
      ['/v1/messages', { 'x-api-key': 'sk-something-else', authorization: `Bearer ${TOKEN}` }],
    ];
    for (const [url, headers] of ways) {
      const r = await call(relay, url, url.includes('messages') ? A_BODY : O_BODY, { headers });
      expect(r.status, `${url} ${JSON.stringify(headers)}`).toBe(200);
    }
    expect(calls).toHaveLength(ways.length);
    // The token never reaches the gateway: the relay sends the gateway key instead.
    for (const c of calls) {
      expect(JSON.stringify(c.headers)).not.toContain(TOKEN);
      expect(c.url).not.toContain(TOKEN);
      expect(c.headers.authorization).toBe('Bearer sk-gateway-key-123456');
    }
  });

  it('answers 401 in the client shape to no token, a wrong one, or the old public constant, without calling the upstream', async () => {
    const { relay, calls } = makeRelay(upstream, { token: TOKEN, protocol: 'openai' });
    const anthropic: Array<Record<string, string>> = [{}, { 'x-api-key': LEGACY_RELAY_TOKEN }, { authorization: `Bearer ${LEGACY_RELAY_TOKEN}` }, { 'x-api-key': TOKEN.slice(0, -1) }, { 'x-api-key': `${TOKEN}x` }];
    for (const headers of anthropic) {
      const r = await call(relay, '/v1/messages', A_BODY, { headers });
      expect(r.status, JSON.stringify(headers)).toBe(401);
      const body = JSON.parse(r.text) as { type: string; error: { type: string; message: string } };
      expect(body).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
      expect(body.error.message).toContain('setup-gateway relay token');
    }
    for (const [url, headers] of [
      ['/v1/chat/completions', { authorization: `Bearer ${LEGACY_RELAY_TOKEN}` }],
      ['/v1/responses', { authorization: 'Bearer sk-gateway-key-123456' }],
      ['/v1/completions', {}],
      [`/v1/chat/completions?key=${LEGACY_RELAY_TOKEN}`, { 'x-goog-api-key': 'nope' }],
    ] as Array<[string, Record<string, string>]>) {
      const r = await call(relay, url, { ...O_BODY, prompt: 'x' }, { headers });
      expect(r.status, url).toBe(401);
      expect(JSON.parse(r.text)).toMatchObject({ error: { type: 'authentication_error', code: 'invalid_api_key' } });
    }
    // The model list and the token count reach the gateway too: they need the token as well.
    expect((await call(relay, '/v1/models', undefined, { method: 'GET' })).status).toBe(401);
    expect((await call(relay, '/v1/messages/count_tokens', A_BODY)).status).toBe(401);
    expect(calls).toEqual([]);
    // What never reaches the gateway needs no token: the liveness probe, and unknown routes.
    expect((await call(relay, '/', undefined, { method: 'GET' })).status).toBe(200);
    expect((await call(relay, '/api/hello', undefined, { method: 'GET' })).status).toBe(200);
    expect((await call(relay, '/v1/nothing', {})).status).toBe(404);
  });

  it('picks up a new token after a refusal (rotate-token), and only then refuses the old one', async () => {
    let onDisk = TOKEN;
    let reloads = 0;
    const next = `sgr-${'cd34'.repeat(16)}`;
    const { relay } = makeRelay(upstream, {
      protocol: 'openai',
      token: {
        value: TOKEN,
        reload: async () => {
          reloads++;
          return onDisk;
        },
      },
    });
    expect((await call(relay, '/v1/messages', A_BODY, { headers: { 'x-api-key': TOKEN } })).status).toBe(200);
    expect(reloads).toBe(0);
    onDisk = next;
    expect((await call(relay, '/v1/messages', A_BODY, { headers: { 'x-api-key': next } })).status).toBe(200);
    expect(reloads).toBe(1);
    expect((await call(relay, '/v1/messages', A_BODY, { headers: { 'x-api-key': next } })).status).toBe(200);
    expect(reloads).toBe(1);
    expect((await call(relay, '/v1/messages', A_BODY, { headers: { 'x-api-key': TOKEN } })).status).toBe(401);
  });

  it('keeps the token in force when the reload finds none (a removed file never opens the relay)', async () => {
    const { relay } = makeRelay(upstream, { protocol: 'openai', token: { value: TOKEN, reload: async () => undefined } });
    expect((await call(relay, '/v1/messages', A_BODY, { headers: { 'x-api-key': 'anything' } })).status).toBe(401);
    expect((await call(relay, '/v1/messages', A_BODY, { headers: { 'x-api-key': TOKEN } })).status).toBe(200);
  });

  it('shares one reload among concurrent refusals', async () => {
    let reloads = 0;
    let release: (v: string | undefined) => void = () => {};
    const gate = new TokenGate({
      value: TOKEN,
      reload: () => {
        reloads++;
        return new Promise((resolve) => (release = resolve));
      },
    });
    const pending = [1, 2, 3].map(() => gate.admitsAfterReload({ 'x-api-key': 'wrong' }, '/'));
    release(undefined);
    expect(await Promise.all(pending)).toEqual([false, false, false]);
    expect(reloads).toBe(1);
  });

  it('the Gemini face: x-goog-api-key or ?key= serve, anything else is a 401 in Google\'s shape; the key never goes upstream', async () => {
    const { relay, calls } = makeRelay(upstream, { token: TOKEN, protocol: 'openai' });
    const G = '/v1beta/models/m:generateContent';
    const body = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };
    expect((await call(relay, G, body, { headers: { 'x-goog-api-key': TOKEN } })).status).toBe(200);
    expect((await call(relay, `${G}?key=${TOKEN}`, body)).status).toBe(200);
    for (const r of [await call(relay, G, body, { headers: { 'x-goog-api-key': LEGACY_RELAY_TOKEN } }), await call(relay, `${G}?key=${LEGACY_RELAY_TOKEN}`, body), await call(relay, '/v1beta/models', undefined, { method: 'GET' })]) {
      expect(r.status).toBe(401);
      expect(JSON.parse(r.text)).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
    }
    expect(calls).toHaveLength(2);
    for (const c of calls) expect(c.url + JSON.stringify(c.headers)).not.toContain(TOKEN);
  });

  it('passes the rest of a query on without the key', async () => {
    const { relay, calls } = makeRelay(upstream, { token: TOKEN, protocol: 'openai' });
    expect((await call(relay, `/v1/models?key=${TOKEN}&limit=5`, undefined, { method: 'GET' })).status).toBe(200);
    expect(calls[0]?.url).toBe('http://gateway.test/v1/models?limit=5');
    expect(withoutKeyParam('/v1/x?a=1&key=s&keyring=2&key')).toBe('/v1/x?a=1&keyring=2');
    expect(withoutKeyParam('/v1/x?key=s')).toBe('/v1/x');
  });

  it('refuses an empty token at construction', () => {
    expect(() => new TokenGate('')).toThrow('empty');
  });
});

describe('sameSecret (the comparison, in plain JavaScript)', () => {
  it('is true for the secret alone: not for a prefix, an extension, one changed letter anywhere, or nothing', () => {
    expect(sameSecret(TOKEN, TOKEN)).toBe(true);
    expect(sameSecret(`${TOKEN}`.slice(0), `${TOKEN}`)).toBe(true);
    for (const other of [TOKEN.slice(0, -1), `${TOKEN}x`, `${TOKEN}\0`, `x${TOKEN.slice(1)}`, `${TOKEN.slice(0, 20)}Z${TOKEN.slice(21)}`, `${TOKEN.slice(0, -1)}c`, '', TOKEN.toUpperCase()]) {
      expect(sameSecret(other, TOKEN), JSON.stringify(other)).toBe(false);
    }
    // Characters beyond Latin-1, both ways.
    expect(sameSecret('sgr-ü€😀', 'sgr-ü€😀')).toBe(true);
    expect(sameSecret('sgr-ü€😁', 'sgr-ü€😀')).toBe(false);
  });
});

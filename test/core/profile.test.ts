import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { createProfile, normalizeBaseUrl } from '../../src/core/profile.js';

describe('normalizeBaseUrl', () => {
  it.each([
    ['https://gw.example.com', 'https://gw.example.com', 'https://gw.example.com/v1'],
    ['https://gw.example.com/', 'https://gw.example.com', 'https://gw.example.com/v1'],
    ['https://gw.example.com/v1', 'https://gw.example.com', 'https://gw.example.com/v1'],
    ['https://gw.example.com/v1/', 'https://gw.example.com', 'https://gw.example.com/v1'],
    ['https://gw.example.com/v1/v1', 'https://gw.example.com', 'https://gw.example.com/v1'],
    ['https://www.coderouter.io/api/v1', 'https://www.coderouter.io/api', 'https://www.coderouter.io/api/v1'],
    ['https://openrouter.ai/api/v1/', 'https://openrouter.ai/api', 'https://openrouter.ai/api/v1'],
    ['https://gw.example.com/v1/chat/completions', 'https://gw.example.com', 'https://gw.example.com/v1'],
    ['https://gw.example.com/v1/messages', 'https://gw.example.com', 'https://gw.example.com/v1'],
    ['https://gw.example.com/v1/responses', 'https://gw.example.com', 'https://gw.example.com/v1'],
    ['  http://localhost:4000  ', 'http://localhost:4000', 'http://localhost:4000/v1'],
    ['http://127.0.0.1:41002/v1', 'http://127.0.0.1:41002', 'http://127.0.0.1:41002/v1'],
    ['HTTPS://GW.Example.com:443/v1', 'https://gw.example.com', 'https://gw.example.com/v1'],
    ['https://gw.example.com/v10', 'https://gw.example.com/v10', 'https://gw.example.com/v10/v1'],
  ])('%s → anthropic %s, openai %s', (input, anthropic, openai) => {
    const urls = normalizeBaseUrl(input);
    expect(urls.anthropic).toBe(anthropic);
    expect(urls.openai).toBe(openai);
  });

  it.each([
    ['http://localhost:4000', true],
    ['http://127.0.0.1:4000', true],
    ['http://[::1]:4000', true],
    ['http://app.localhost', true],
    ['https://gw.example.com', false],
    ['http://127.example.com', false],
  ])('%s is loopback: %s', (input, loopback) => {
    expect(normalizeBaseUrl(input).isLoopback).toBe(loopback);
  });

  it.each([
    ['not a url', /not a URL/],
    ['gw.example.com/v1', /not a URL/],
    ['ftp://gw.example.com', /scheme must be http or https/],
    ['https://user:secret@gw.example.com', /user:password/],
    ['https://gw.example.com/v1?x=1', /query string/],
    ['https://gw.example.com/v1#frag', /query string or fragment/],
  ])('rejects %s', (input, message) => {
    expect(() => normalizeBaseUrl(input)).toThrow(UsageError);
    expect(() => normalizeBaseUrl(input)).toThrow(message);
  });
});

describe('createProfile', () => {
  const base = { baseUrl: 'https://gw.example.com' };

  it('accepts keys with quotes, #, $ and backslashes', () => {
    const key = `sk-"q'#$x\\y`;
    expect(createProfile({ ...base, key }).key).toBe(key);
  });

  it.each([
    ['', /key is empty/],
    ['sk-abc\n', /whitespace or a control character/],
    ['sk abc', /whitespace/],
    ['sk-\u0000', /control character/],
  ])('rejects the key %j with a field-level message', (key, message) => {
    try {
      createProfile({ ...base, key });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).details.join('\n')).toMatch(message);
      expect((error as UsageError).details.join('\n')).toMatch(/^key: /);
    }
  });

  it('rejects a model with a space', () => {
    expect(() => createProfile({ ...base, key: 'k', model: 'gpt 5' })).toThrow(UsageError);
  });
});

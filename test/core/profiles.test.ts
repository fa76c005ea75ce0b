// The profile store's schema and parser: documents, key references, errors with line:column.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { holdsKey, parseKeyReference, parseProfileStore, ProfileDocumentSchema, profileJsonSchema } from '../../src/core/profiles.js';

describe('profile documents', () => {
  it('accepts the public field names and nothing else', () => {
    const doc = { name: 'work', baseUrl: 'https://gw.example.com/v1', model: 'auto', models: { codex: 'gpt-5' }, relay: 'auto', key: 'env:GW_KEY' };
    expect(ProfileDocumentSchema.parse(doc)).toEqual(doc);
    expect(ProfileDocumentSchema.safeParse({ ...doc, baseURL: 'x' }).success).toBe(false);
    expect(ProfileDocumentSchema.safeParse({ ...doc, relay: 'sometimes' }).success).toBe(false);
    expect(ProfileDocumentSchema.safeParse({ ...doc, key: 'env:1BAD' }).success).toBe(false);
    expect(ProfileDocumentSchema.safeParse({ ...doc, baseUrl: 'https://u:p@gw.example.com' }).success).toBe(false);
  });

  it('reads key references', () => {
    expect(parseKeyReference('env:GW_KEY')).toEqual({ kind: 'env', name: 'GW_KEY' });
    expect(parseKeyReference('file:/k')).toEqual({ kind: 'file', path: '/k' });
    expect(parseKeyReference('sk-abc')).toEqual({ kind: 'saved', value: 'sk-abc' });
    expect(holdsKey({ key: 'sk-abc' })).toBe(true);
    expect(holdsKey({ key: 'env:X' })).toBe(false);
    expect(holdsKey({})).toBe(false);
  });

  it('refuses a store with a name used twice, saying where', () => {
    const text = '{"profiles":[{"name":"a","baseUrl":"https://a.example.com"},\n{"name":"a","baseUrl":"https://b.example.com"}]}';
    expect(() => parseProfileStore(text, 'p.json')).toThrow(/not a profiles file/);
    try {
      parseProfileStore(text, 'p.json');
    } catch (error) {
      expect((error as { details: string[] }).details[0]).toBe('2:9 profiles.1.name: the name "a" is used twice');
    }
  });

  it('is published as dist/setup-gateway.schema.json, the same schema', async () => {
    const built = JSON.parse(await readFile(path.join(import.meta.dirname, '..', '..', 'dist', 'setup-gateway.schema.json'), 'utf8'));
    expect(built).toEqual(profileJsonSchema());
    expect(Object.keys(built.properties)).toEqual(['$schema', 'name', 'baseUrl', 'model', 'models', 'relay', 'key']);
    expect(built.additionalProperties).toBe(false);
  });
});

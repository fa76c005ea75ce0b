import { describe, expect, it } from 'vitest';
import { maskKey, maskSecrets } from '../../src/core/secrets.js';

describe('maskKey', () => {
  it('keeps a short prefix and the last four characters of long keys', () => {
    expect(maskKey('sk-abcdefghijklmnop1234')).toBe('sk-…1234');
  });
  it('hides short keys entirely', () => {
    expect(maskKey('short')).toBe('••••••••');
  });
});

describe('maskSecrets', () => {
  const key = `sk-live-"quote'#$\\end-9876`;
  it.each([
    ['raw', `token ${key}`],
    ['JSON-escaped', `"ANTHROPIC_AUTH_TOKEN": ${JSON.stringify(key)}`],
    ['TOML basic string', `experimental_bearer_token = ${JSON.stringify(key)}`],
    ['POSIX single-quoted', `export K='${key.replace(/'/g, `'\\''`)}'`],
    ['PowerShell single-quoted', `$env:K = '${key.replace(/'/g, `''`)}'`],
  ])('masks the %s spelling', (_, text) => {
    const masked = maskSecrets(text, [key]);
    expect(masked).not.toContain('end-9876"');
    expect(masked).not.toContain('live');
    expect(masked).toContain('sk-…9876');
  });
});

describe('maskSecrets edge cases', () => {
  it('masks the dotenv spelling', () => {
    const key = 'sk-a$b"c\\d-5678';
    expect(maskSecrets('K="sk-a\\$b\\"c\\\\d-5678"', [key])).toBe(`K="${maskKey(key)}"`);
  });
  it('masks a short key as a token but leaves words that contain its letters', () => {
    expect(maskSecrets('unknown key: k', ['k'])).toBe('unknown key: ••••••••');
  });
});

describe('collecting secrets already in files', () => {
  it('finds values under secret-looking names in parsed data', async () => {
    const { collectSecretValues } = await import('../../src/core/secrets.js');
    const out = new Set<string>();
    collectSecretValues({ env: { ANTHROPIC_API_KEY: 'sk-ant-old-123', FOO: 'not-a-secret-value' }, p: [{ apiKey: 'abcdefgh12' }], password: 'short' }, out);
    expect([...out]).toEqual(['sk-ant-old-123', 'abcdefgh12']);
  });
  it('finds values assigned to secret-looking variables in shell lines', async () => {
    const { collectSecretAssignments } = await import('../../src/core/secrets.js');
    const out = new Set<string>();
    collectSecretAssignments("export OPENAI_API_KEY='sk-old-shell-1'\nset -gx MY_TOKEN 'tok-old-fish-2'\n$env:GW_API_KEY = 'ps-old-key-3'\nexport PATH='/usr/bin:/bin'\n", out);
    expect([...out]).toEqual(['sk-old-shell-1', 'tok-old-fish-2', 'ps-old-key-3']);
  });
});

import { describe, expect, it } from 'vitest';
import { visibleWidth, wrapLine, wrapText } from '../../src/core/wrap.js';

describe('wrapLine', () => {
  it('leaves a line that fits alone', () => {
    expect(wrapLine('  ✓ claude-code  updated', 80)).toEqual(['  ✓ claude-code  updated']);
  });

  it('breaks between words, never inside one, and hangs continuation lines under the text after the marker', () => {
    const line = '  ! Cursor cannot reach a gateway on this machine: CLOUD_AGENT_LOOPBACK requests go from Cursor servers, not from OpenClaw';
    const lines = wrapLine(line, 40);
    for (const l of lines) expect(visibleWidth(l)).toBeLessThanOrEqual(40);
    expect(lines[0]).toMatch(/^ {2}! Cursor/);
    for (const l of lines.slice(1)) expect(l).toMatch(/^ {4}\S/);
    // Every word is whole on some line.
    const words = line.trim().split(/\s+/);
    expect(lines.join(' ').trim().split(/\s+/)).toEqual(words);
  });

  it('numbered steps and diff lines hang after their marker', () => {
    expect(wrapLine('    2. Open Settings and paste the base URL and the key into the fields', 30)).toEqual([
      '    2. Open Settings and paste',
      '       the base URL and the',
      '       key into the fields',
    ]);
    expect(wrapLine('  +    "ANTHROPIC_BASE_URL": "http://127.0.0.1:4000", "x": 1', 36)[1]).toMatch(/^ {7}"/);
  });

  it('a numbered choice hangs under its title, after its mark', () => {
    expect(wrapLine('  18) [ ] Kilo Code CLI: not installed  (not found here; select it to configure it anyway)', 80)).toEqual([
      '  18) [ ] Kilo Code CLI: not installed  (not found here; select it to configure',
      '          it anyway)',
    ]);
    expect(wrapLine('  1) * CodeRouter  (https://www.coderouter.io/api/v1, the default of this mode)', 50)[1]).toMatch(/^ {7}\S/);
    expect(wrapLine('  2)   OpenRouter  (https://openrouter.ai/api/v1, another gateway of many)', 50)[1]).toMatch(/^ {7}\S/);
  });

  it('a "term   text" line hangs under its text', () => {
    expect(wrapLine('  apply     configure agents for a gateway (--base-url, key, --agent, --model, --dry-run)', 60)).toEqual([
      '  apply     configure agents for a gateway (--base-url, key,',
      '            --agent, --model, --dry-run)',
    ]);
  });

  it('cuts a word only when it is longer than a line, and keeps colour codes whole', () => {
    const url = `https://example.test/${'a'.repeat(70)}`;
    const lines = wrapLine(`see ${url}`, 40);
    for (const l of lines) expect(visibleWidth(l)).toBeLessThanOrEqual(40);
    expect(lines.join('').replace(/ /g, '')).toBe(`see${url}`);
    const coloured = wrapLine(`\u001b[32m✓\u001b[0m ${'word '.repeat(20)}`, 30);
    expect(coloured[0]).toMatch(/^\u001b\[32m✓\u001b\[0m word/);
    for (const l of coloured) expect(visibleWidth(l)).toBeLessThanOrEqual(30);
  });

  it('a one-line JSON object longer than a line breaks after a comma, not inside a key or a value', () => {
    const line = '  +{"env":{"ANTHROPIC_BASE_URL":"http://127.0.0.1:38111","ANTHROPIC_AUTH_TOKEN":"sk-…3456","ANTHROPIC_MODEL":"auto","ANTHROPIC_DEFAULT_OPUS_MODEL":"auto"}}';
    const lines = wrapLine(`\u001b[32m${line}\u001b[0m`, 60);
    for (const l of lines) expect(visibleWidth(l)).toBeLessThanOrEqual(60);
    expect(lines.map((l) => l.replace(/\u001b\[[0-9;]*m/g, ''))).toEqual([
      '  +{"env":{"ANTHROPIC_BASE_URL":"http://127.0.0.1:38111",',
      '  "ANTHROPIC_AUTH_TOKEN":"sk-…3456",',
      '  "ANTHROPIC_MODEL":"auto",',
      '  "ANTHROPIC_DEFAULT_OPUS_MODEL":"auto"}}',
    ]);
  });

  it('wrapText wraps each line', () => {
    expect(wrapText('a b c\nd e f', 80)).toBe('a b c\nd e f');
    expect(wrapText(`${'x '.repeat(50)}`, 20).split('\n').every((l) => l.length <= 20)).toBe(true);
  });
});

// The one way bytes reach a file: a temp file beside it, then a rename. The temp names are unique
// per write without node:crypto, and a name that is taken fails the write instead of being shared.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempPathFor, writeFileAtomic } from '../../src/core/atomic.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sg-atomic-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

describe('tempPathFor', () => {
  it('names a hidden file beside the target, different at every call, even within one millisecond', () => {
    const file = path.join(dir, 'settings.json');
    vi.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000);
    const names = Array.from({ length: 1000 }, () => tempPathFor(file));
    expect(new Set(names).size).toBe(1000);
    for (const n of names) {
      expect(path.dirname(n)).toBe(dir);
      expect(path.basename(n)).toMatch(/^\.settings\.json\.setup-gateway-[0-9a-z]+-[0-9a-z]+-[0-9a-z]+\.tmp$/);
    }
  });
});

describe('writeFileAtomic', () => {
  it('writes the bytes with the mode and leaves no temp file', async () => {
    const file = path.join(dir, 'a.json');
    await writeFile(file, 'old');
    await writeFileAtomic(file, Buffer.from('{"new":true}\n'), 0o600);
    expect(await readFile(file, 'utf8')).toBe('{"new":true}\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('fails rather than write through a temp name that is already taken (O_EXCL), and leaves the file alone', async () => {
    const file = path.join(dir, 'a.json');
    await writeFile(file, 'old');
    vi.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000);
    // The next name is the current count plus one: take it first.
    const probe = tempPathFor(file);
    const [head, count] = /^(.*-)([0-9a-z]+)\.tmp$/.exec(probe)!.slice(1) as [string, string];
    const next = `${head}${(parseInt(count, 36) + 1).toString(36)}.tmp`;
    await writeFile(next, 'someone else');
    await expect(writeFileAtomic(file, Buffer.from('new'), 0o644)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(file, 'utf8')).toBe('old');
    expect(await readFile(next, 'utf8')).toBe('someone else');
  });
});

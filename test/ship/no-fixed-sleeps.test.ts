// Tests wait for what they expect (a 'close' event, a frame, a condition polled with a deadline:
// test/support/wait.ts), never for a fixed time: on a busy 2-core CI machine a fixed wait is too
// short (a flaky test) and on a quiet one too long. So every timer in a test file (setTimeout,
// setInterval, timers/promises, Atomics.wait, a shell `sleep`) says why it is not such a wait, in a
// comment holding `timing:`, on its line or above it with no blank line between: a deadline, a poll
// interval, a stand-in process, or slowness that is itself under test. What it catches is the
// spelling of a timer; what the comment claims is for review to judge.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../agents/paths.js';

const TIMER = /\bset(?:Timeout|Interval)\s*\(|timers\/promises|\bAtomics\.wait\b|\bsleep\s*\(|\bsleep\s+\d|['"`]sleep['"`]/;
const MARKER = /(?:\/\/|\/\*|^\s*\*).*\btiming:/;
const COMMENT_LINE = /^\s*(?:\/\/|\/\*|\*)/;

/** 1-based numbers of the lines of `text` that hold a timer no `timing:` comment vouches for. */
export function unexplainedTimers(text: string): number[] {
  const out: number[] = [];
  let vouched = false; // a `timing:` comment line covers the lines after it, up to a blank line
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') vouched = false;
    if (COMMENT_LINE.test(line)) {
      vouched ||= MARKER.test(line);
      return;
    }
    if (TIMER.test(line) && !vouched && !MARKER.test(line)) out.push(i + 1);
  });
  return out;
}

/** The test code: every script under test/ and recipes/ but the fixtures (agent configs) and this file (its samples). */
function testFiles(): string[] {
  const self = path.relative(repoRoot, fileURLToPath(import.meta.url));
  return ['test', 'recipes']
    .flatMap((dir) => readdirSync(path.join(repoRoot, dir), { recursive: true, encoding: 'utf8' }).map((rel) => path.join(dir, rel)))
    .filter((rel) => /\.(?:[cm]?[jt]s|tsx)$/.test(rel) && !rel.split(path.sep).includes('fixtures') && !rel.split(path.sep).includes('node_modules') && rel !== self)
    .sort();
}

describe('no test sleeps a fixed time to wait for something', () => {
  it('flags a timer without a `timing:` comment, and takes one with it', () => {
    const wait = `await new Promise((r) => ${'set'}Timeout(r, 30));`;
    expect(unexplainedTimers(['it("closes", async () => {', `  ${wait}`, '});'].join('\n'))).toEqual([2]);
    expect(unexplainedTimers(`import { ${'set'}Timeout } from 'node:${'timers'}/promises';`)).toEqual([1]);
    expect(unexplainedTimers(`spawn('sh', ['-c', '${'sleep'} 1; echo done']);`)).toEqual([1]);
    expect(unexplainedTimers(`const poll = ${'set'}Interval(sample, 5);`)).toEqual([1]);
    // A comment that names a timer is not one.
    expect(unexplainedTimers(`// no ${'set'}Timeout(r, 30) here`)).toEqual([]);
    // Vouched for on the line, or by the comment right above (up to a blank line).
    expect(unexplainedTimers(`${wait} // timing: the slow gateway under test`)).toEqual([]);
    expect(unexplainedTimers([`${wait} // timing: the slow gateway under test`, wait].join('\n'))).toEqual([2]);
    expect(unexplainedTimers(['// timing: a deadline, cleared on close', 'const t =', `  ${wait}`].join('\n'))).toEqual([]);
    expect(unexplainedTimers(['// timing: a deadline, cleared on close', 'const a = 1;', '', wait].join('\n'))).toEqual([4]);
  });

  it('every timer in the tests and their helpers says why it is not a fixed wait', () => {
    const files = testFiles();
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain(path.join('test', 'support', 'wait.ts'));
    const found = files.flatMap((rel) => unexplainedTimers(readFileSync(path.join(repoRoot, rel), 'utf8')).map((line) => `${rel}:${line}`));
    expect(found, 'wait for the event instead (test/support/wait.ts), or say why with a `timing:` comment').toEqual([]);
  });
});

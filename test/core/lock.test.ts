// The lock: only a live setup-gateway blocks. A dead holder, a zombie, or a pid now used by
// another program (same pid, another start time) is taken over; the bare-pid format older
// versions wrote is still understood.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { holds, lockText, parseLock, processStart, procStatFields, withLock } from '../../src/core/lock.js';
import { makeTempHome, type TempHome } from '../support/temp-home.js';
import { waitUntil } from '../support/wait.js';

let t: TempHome;
let state: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  t = await makeTempHome();
  state = path.join(t.home, 'state');
  await mkdir(state, { recursive: true });
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await t.cleanup();
});

/** A live process that is not us (a setup-gateway, as far as the lock can tell). */
function liveProcess(): number {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' }); // timing: a stand-in live process, killed after the test
  children.push(child);
  if (!child.pid) throw new Error('could not start sleep');
  return child.pid;
}

/** A pid that no process has any more. */
async function deadPid(): Promise<number> {
  const child = spawn('sleep', ['0'], { stdio: 'ignore' }); // timing: a process that ends at once; its exit is awaited
  await new Promise((resolve) => child.once('exit', resolve));
  if (!child.pid) throw new Error('could not start sleep');
  return child.pid;
}

const lockFile = () => path.join(state, 'lock');
const ran = () => withLock(state, async () => 'ran');

describe('withLock', () => {
  it('records its pid and start time while it holds the lock, and removes the lock after', async () => {
    const seen = await withLock(state, async () => parseLock(await readFile(lockFile(), 'utf8')));
    expect(seen).toEqual({ pid: process.pid, started: await processStart(process.pid) });
    if (process.platform === 'linux') expect(seen?.started).toMatch(/^[0-9a-f-]*:\d+$/);
    expect(await readdir(state)).toEqual([]);
  });

  it('a live holder blocks, named by its pid', async () => {
    const pid = liveProcess();
    const started = await processStart(pid);
    expect(typeof started === 'string' && started !== 'gone' && started !== 'unknown').toBe(true);
    await writeFile(lockFile(), lockText({ pid, started: started as string }));
    await expect(ran()).rejects.toThrow(`Another setup-gateway (pid ${pid}) is changing files right now`);
    expect(parseLock(await readFile(lockFile(), 'utf8'))).toEqual({ pid, started });
  });

  it('a live pid with another start time (the pid was reused) is taken over', async () => {
    const pid = liveProcess();
    const started = (await processStart(pid)) as string;
    await writeFile(lockFile(), lockText({ pid, started: `${started}1` }));
    await expect(ran()).resolves.toBe('ran');
    expect(await readdir(state)).toEqual([]);
  });

  it('a holder that died is taken over', async () => {
    await writeFile(lockFile(), lockText({ pid: await deadPid(), started: 'x:1' }));
    await expect(ran()).resolves.toBe('ran');
  });

  it.runIf(process.platform === 'linux')('a zombie holder (killed, not yet reaped by its parent) is taken over, although its pid and start time match', async () => {
    // `sleep 0` exits at once; its parent becomes `sleep 60` (exec), which never reaps it.
    // timing: stand-in processes; the test waits for the zombie's pid, then kills them.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(parent);
    let out = '';
    parent.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const pid = Number(await waitUntil(() => /^(\d+)\n/.exec(out)?.[1], () => 'the zombie pid'));
    const fields = await waitForZombie(pid);
    const boot = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
    await writeFile(lockFile(), lockText({ pid, started: `${boot}:${fields.startTicks}` }));
    expect(await processStart(pid)).toBe('gone');
    await expect(ran()).resolves.toBe('ran');
  });

  it('understands the bare pid older versions wrote: a live one blocks, a dead one is taken over', async () => {
    const pid = liveProcess();
    await writeFile(lockFile(), String(pid));
    await expect(ran()).rejects.toThrow(`(pid ${pid})`);
    await writeFile(lockFile(), `${await deadPid()}\n`);
    await expect(ran()).resolves.toBe('ran');
  });

  it('an unreadable lock file (no holder named) is taken over', async () => {
    await writeFile(lockFile(), '');
    await expect(ran()).resolves.toBe('ran');
    await writeFile(lockFile(), '{"pid":"x"}');
    await expect(ran()).resolves.toBe('ran');
  });
});

function waitForZombie(pid: number): Promise<{ state: string; startTicks: string }> {
  let fields: ReturnType<typeof procStatFields>;
  // The state changes in the kernel, with no event to wait on: poll /proc with a deadline.
  return waitUntil(
    () => {
      fields = procStatFields(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      return fields?.state === 'Z' ? fields : undefined;
    },
    () => `pid ${pid} to become a zombie (state ${fields?.state})`,
  );
}

describe('processStart and the lock format', () => {
  it('reads state and start time from /proc/<pid>/stat, whatever the command name holds', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[0] = 'S';
    fields[22 - 3] = '565489';
    expect(procStatFields(`31216 (a) (b c) ${fields.join(' ')}`)).toEqual({ state: 'S', startTicks: '565489' });
    expect(procStatFields('garbage')).toBeUndefined();
  });

  it('through ps (macOS and other systems without /proc): the same start twice for a live process, gone for a dead one', async () => {
    const pid = liveProcess();
    const first = await processStart(pid, 'darwin');
    expect(first).toMatch(/\d{4}$/);
    expect(await processStart(pid, 'darwin')).toBe(first);
    expect(await holds({ pid, started: first }, 'darwin')).toBe(true);
    expect(await holds({ pid, started: 'Thu Jan  1 00:00:00 1970' }, 'darwin')).toBe(false);
    expect(await processStart(await deadPid(), 'darwin')).toBe('gone');
  });

  it('on Windows, where the start is not read, a live pid blocks and a dead one does not', async () => {
    const pid = liveProcess();
    expect(await processStart(pid, 'win32')).toBe('unknown');
    expect(await holds({ pid, started: 'anything' }, 'win32')).toBe(true);
    expect(await holds({ pid: await deadPid() }, 'win32')).toBe(false);
  });

  it('parses both formats and rejects anything else', () => {
    expect(parseLock('1234\n')).toEqual({ pid: 1234 });
    expect(parseLock(lockText({ pid: 7, started: 'b:1' }))).toEqual({ pid: 7, started: 'b:1' });
    expect(parseLock('{"pid":7}')).toEqual({ pid: 7 });
    for (const bad of ['', 'abc', '{"pid":0}', '{"pid":-3}', '[]', 'null']) expect(parseLock(bad)).toBeUndefined();
  });
});

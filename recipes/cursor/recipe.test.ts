// Cursor: nothing is written; the exact steps come back as status `manual`, values filled in,
// the key masked, a loud warning when the gateway is on this machine or a private network.
import { readdir } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cursor, unreachableFromCloud } from './recipe.js';
import { detectOne } from '../../src/core/detect.js';
import type { Environment } from '../../src/core/environment.js';
import { createProfile } from '../../src/core/profile.js';
import { memoryProbe } from '../../test/support/memory-probe.js';
import { runCli } from '../../test/support/run-cli.js';
import { makeTempHome, type TempHome } from '../../test/support/temp-home.js';

const KEY = 'sk-cursor-"secret"-9876';

let t: TempHome;
beforeEach(async () => {
  t = await makeTempHome();
});
afterEach(() => t.cleanup());

const applyCursor = (baseUrl: string, ...extra: string[]) =>
  runCli(['apply', '--base-url', baseUrl, '--key', KEY, '--agent', 'cursor', ...extra], { env: t.env });

describe('cursor: apply', () => {
  it('returns status manual with the steps, values filled in and the key masked; writes nothing', async () => {
    const run = await applyCursor('https://gw.example.com/api/v1/chat/completions', '--model', 'gw-model', '--json');
    expect(run.code).toBe(0);
    const [agent] = JSON.parse(run.stdout).agents;
    expect(agent).toMatchObject({ id: 'cursor', status: 'manual', files: [] });
    const steps: string[] = agent.manual.steps;
    expect(steps.some((s) => s.includes('"Override OpenAI Base URL"') && s.includes('https://gw.example.com/api/v1 '))).toBe(true);
    expect(steps.some((s) => s.includes('"OpenAI API Key"') && s.includes('sk-…9876'))).toBe(true);
    expect(steps.some((s) => s.includes('"+ Add model"') && s.includes('gw-model'))).toBe(true);
    expect(steps.some((s) => s.startsWith('WARNING'))).toBe(false);
    expect(run.stdout).not.toContain('secret');
    expect(agent.manual.why).toMatch(/not in a file/);
    expect(await readdir(t.home)).toEqual([]);
  });

  it('prints the steps numbered under a "manual" status line', async () => {
    const run = await applyCursor('https://gw.example.com');
    expect(run.stdout).toMatch(/! cursor\s+manual/);
    expect(run.stdout).toMatch(/\n\s+1\. Open Cursor Settings/);
    expect(run.stdout).toMatch(/1 need manual steps/);
    expect(run.stdout).not.toContain('secret');
  });

  it('without a model, says to add each model id the gateway lists', async () => {
    const [agent] = JSON.parse((await applyCursor('https://gw.example.com', '--json')).stdout).agents;
    expect(agent.manual.steps.join('\n')).toContain('https://gw.example.com/v1/models');
  });

  it('warns first, prominently, when the gateway is on loopback: Cursor calls it from its servers', async () => {
    const [agent] = JSON.parse((await applyCursor('http://127.0.0.1:4000/v1', '--json')).stdout).agents;
    expect(agent.manual.steps[0]).toMatch(/^WARNING: http:\/\/127\.0\.0\.1:4000\/v1 is a loopback address.*Cursor's own servers/);
    const text = await applyCursor('http://localhost:4000');
    expect(text.stdout).toMatch(/1\. WARNING: http:\/\/localhost:4000\/v1 is a loopback address/);
  });
});

describe('unreachableFromCloud', () => {
  const why = (url: string) => unreachableFromCloud(createProfile({ baseUrl: url, key: 'k', models: {} }));
  it('flags loopback, private networks and single-label or .local names; passes public hosts', () => {
    expect(why('http://localhost:8080')).toMatch(/loopback/);
    expect(why('http://[::1]:8080')).toMatch(/loopback/);
    for (const url of ['http://192.168.1.20', 'http://10.0.0.5/v1', 'http://172.20.1.1', 'http://gateway:4000', 'http://gw.local', 'http://[fd00::1]', 'http://169.254.1.1']) {
      expect(why(url), url).toMatch(/private-network/);
    }
    for (const url of ['https://gw.example.com', 'http://172.32.0.1', 'https://8.8.8.8', 'https://[2001:db8::1]']) {
      expect(why(url), url).toBeUndefined();
    }
  });
});

describe('cursor: detection', () => {
  it('linux: the cursor and agent commands, ~/.config/Cursor, ~/.cursor', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '/usr/bin:/home/u/.local/bin' }, wsl: false };
    const d = await detectOne(
      cursor,
      env,
      memoryProbe({
        '/usr/bin/cursor': { exec: '' },
        '/home/u/.local/bin/agent': { exec: '' },
        '/home/u/.config/Cursor/User/settings.json': '{}',
        '/home/u/.cursor/cli-config.json': '{}',
      }),
    );
    expect(d.evidence).toEqual([
      { kind: 'binary', path: '/usr/bin/cursor' },
      { kind: 'binary', path: '/home/u/.local/bin/agent' },
      { kind: 'path', path: '/home/u/.config/Cursor' },
      { kind: 'path', path: '/home/u/.cursor' },
    ]);
  });

  it('darwin: the app bundle and ~/Library/Application Support/Cursor', async () => {
    const env: Environment = { platform: 'darwin', home: '/Users/u', env: { PATH: '/usr/bin' }, wsl: false };
    const d = await detectOne(cursor, env, memoryProbe({ '/Applications/Cursor.app/Contents/Info.plist': 'x', '/Users/u/Library/Application Support/Cursor/User/x': 'x' }));
    expect(d.evidence).toEqual([
      { kind: 'path', path: '/Users/u/Library/Application Support/Cursor' },
      { kind: 'path', path: '/Applications/Cursor.app' },
    ]);
  });

  it('win32: cursor.cmd on Path and %APPDATA%\\Cursor', async () => {
    const env: Environment = {
      platform: 'win32',
      home: 'C:\\Users\\u',
      env: { Path: 'C:\\Users\\u\\AppData\\Local\\Programs\\cursor\\resources\\app\\bin', PATHEXT: '.EXE;.CMD', APPDATA: 'C:\\Users\\u\\AppData\\Roaming' },
      wsl: false,
    };
    const d = await detectOne(
      cursor,
      env,
      memoryProbe({ 'C:\\Users\\u\\AppData\\Local\\Programs\\cursor\\resources\\app\\bin\\cursor.cmd': '@echo off', 'C:\\Users\\u\\AppData\\Roaming\\Cursor\\User\\settings.json': '{}' }),
    );
    expect(d.evidence).toEqual([
      { kind: 'binary', path: 'C:\\Users\\u\\AppData\\Local\\Programs\\cursor\\resources\\app\\bin\\cursor.cmd' },
      { kind: 'path', path: 'C:\\Users\\u\\AppData\\Roaming\\Cursor' },
    ]);
  });

  it('WSL: the Windows Cursor through /mnt/c', async () => {
    const env: Environment = { platform: 'linux', home: '/home/u', env: { PATH: '' }, wsl: true, windowsHome: '/mnt/c/Users/u' };
    const d = await detectOne(cursor, env, memoryProbe({ '/mnt/c/Users/u/AppData/Roaming/Cursor/User/x': 'x', '/mnt/c/Users/u/.cursor/extensions/x': 'x' }));
    expect(d.evidence).toEqual([
      { kind: 'path', path: '/mnt/c/Users/u/AppData/Roaming/Cursor' },
      { kind: 'path', path: '/mnt/c/Users/u/.cursor' },
    ]);
  });

  it('auto-detected, it is reported as manual and the run still succeeds', async () => {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(`${t.home}/.cursor`);
    const run = await runCli(['apply', '--base-url', 'https://gw.example.com', '--key', KEY, '--json'], { env: t.env });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).agents.map((a: { id: string; status: string }) => [a.id, a.status])).toEqual([['cursor', 'manual']]);
  });
});

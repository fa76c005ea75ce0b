// The fleet examples in examples/ run here as they would in the field, with the built CLI standing
// in for the installed `setup-gateway` and a temp HOME for the machine: the Ansible task file's
// commands (ansible-playbook is not installed here: its tasks are read and their commands run with
// the same conditions), the devcontainer feature's install.sh and the script it leaves for
// postCreateCommand, and the MDM shell script.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { cliPath, runProcess } from '../support/run-agent.js';
import { makeTempHome, putBinary, type TempHome } from '../support/temp-home.js';

const EXAMPLES = path.join(import.meta.dirname, '..', '..', 'examples');
const KEY = 'sk-fleet-example-0007';
const PROFILE = { name: 'team', baseUrl: 'https://gw.team.example/v1', model: 'team/default', relay: 'never' };
const PROFILE_TEXT = `${JSON.stringify(PROFILE, null, 2)}\n`;
const SHA = createHash('sha256').update(PROFILE_TEXT).digest('hex');

let t: TempHome;
let bin: string;
let profile: string;
beforeEach(async () => {
  t = await makeTempHome();
  bin = path.join(t.home, 'bin');
  // The agents this machine has (detection finds them on PATH), and setup-gateway as installed.
  await putBinary(t.home, 'codex');
  await putBinary(t.home, 'claude');
  await putBinary(t.home, 'setup-gateway', `#!/bin/sh\nexec "${process.execPath}" "${cliPath}" "$@"\n`);
  profile = path.join(t.home, 'team.json');
  await writeFile(profile, PROFILE_TEXT);
});
afterEach(() => t.cleanup());

/** The environment of a process on the machine: its PATH has setup-gateway, the agents and the system tools. */
function machineEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { HOME: t.home, PATH: [bin, '/usr/bin', '/bin'].join(path.delimiter), LANG: 'C.UTF-8', NO_COLOR: '1', TERM: 'dumb', ...extra };
}

async function configured(): Promise<{ codex: string; claude: string }> {
  return {
    codex: await readFile(path.join(t.home, '.codex', 'config.toml'), 'utf8'),
    claude: await readFile(path.join(t.home, '.claude', 'settings.json'), 'utf8'),
  };
}

describe('examples/ansible/setup-gateway.yml', () => {
  interface Task {
    name: string;
    tags?: string[];
    'ansible.builtin.command': { argv: string[]; creates?: string };
    environment?: Record<string, string>;
    register?: string;
    when?: string;
    changed_when?: boolean | string;
    failed_when?: string;
  }

  /** `{{ var }}` and `{{ var | default('x') }}`, the only forms the task file may use. */
  function render(text: string, vars: Record<string, string>): string {
    return text.replace(/\{\{\s*(\w+)(?:\s*\|\s*default\('([^']*)'\))?\s*\}\}/g, (_m, name: string, fallback?: string) => {
      const value = vars[name] ?? fallback;
      if (value === undefined) throw new Error(`undefined variable ${name}`);
      return value;
    });
  }

  /** `reg.rc == N`, `reg.rc not in [a, b]`, true/false: the conditions the task file may use. */
  function holds(condition: string | boolean | undefined, rc: Record<string, number>): boolean | undefined {
    if (condition === undefined || typeof condition === 'boolean') return condition;
    const eq = /^(\w+)\.rc == (\d+)$/.exec(condition);
    if (eq) return rc[eq[1] as string] === Number(eq[2]);
    const notIn = /^(\w+)\.rc not in \[([\d, ]+)\]$/.exec(condition);
    if (notIn) return !(notIn[2] as string).split(',').map(Number).includes(rc[notIn[1] as string] as number);
    throw new Error(`the test does not know the condition "${condition}"`);
  }

  /** Runs the play's tasks in order, as ansible-playbook would; returns what each did. */
  async function play(vars: Record<string, string>): Promise<Array<{ name: string; ran: boolean; changed: boolean; rc?: number; stdout?: string }>> {
    const tasks = parseYaml(await readFile(path.join(EXAMPLES, 'ansible', 'setup-gateway.yml'), 'utf8')) as Task[];
    const rc: Record<string, number> = {};
    const out = [];
    for (const task of tasks) {
      const command = task['ansible.builtin.command'];
      // Installing from npm needs the registry: its command is checked, not run.
      if (task.tags?.includes('setup_gateway_install')) {
        expect(command.argv.slice(0, 3)).toEqual(['npm', 'install', '--global']);
        out.push({ name: task.name, ran: false, changed: false });
        continue;
      }
      if (task.when !== undefined && !holds(task.when, rc)) {
        out.push({ name: task.name, ran: false, changed: false });
        continue;
      }
      const [cmd, ...args] = command.argv.map((a) => render(a, vars));
      const env = Object.fromEntries(Object.entries(task.environment ?? {}).map(([k, v]) => [k, render(v, vars)]));
      const run = await runProcess(cmd as string, args, { cwd: t.home, env: machineEnv(env), timeoutMs: 60_000 });
      if (task.register) rc[task.register] = run.code ?? -1;
      const failed = task.failed_when !== undefined ? holds(task.failed_when, rc) : run.code !== 0;
      expect(failed, `task "${task.name}" failed (exit ${run.code}): ${run.stderr}`).toBe(false);
      out.push({ name: task.name, ran: true, changed: holds(task.changed_when, rc) ?? true, rc: run.code ?? -1, stdout: run.stdout });
    }
    return out;
  }

  it('first run: the check says 3, the apply runs (changed); second run: the check says 0, nothing changes', async () => {
    const vars = { setup_gateway_bin: path.join(bin, 'setup-gateway'), setup_gateway_profile: profile, setup_gateway_profile_sha256: SHA, setup_gateway_key: KEY };
    const first = await play(vars);
    expect(first.map((r) => [r.name, r.ran, r.changed, r.rc])).toEqual([
      ['Install setup-gateway', false, false, undefined],
      ['Compare the agents with the team profile', true, false, 3],
      ['Apply the team profile', true, true, 0],
      ['Report drift from the team profile', true, false, 0],
    ]);
    const files = await configured();
    expect(files.codex).toContain('https://gw.team.example/v1');
    expect(files.claude).toContain('team/default');
    expect(JSON.stringify(first)).not.toContain(KEY);
    const drift = JSON.parse(first[3]?.stdout ?? '{}') as { findings: Array<{ code: string; agent?: string }> };
    expect(drift.findings.filter((f) => f.code.startsWith('PROFILE_')).map((f) => f.code)).toEqual(['PROFILE_MATCHES', 'PROFILE_MATCHES']);

    const second = await play(vars);
    expect(second.map((r) => [r.ran, r.changed, r.rc])).toEqual([
      [false, false, undefined],
      [true, false, 0],
      [false, false, undefined],
      [true, false, 0],
    ]);
    expect(await configured()).toEqual(files);
  });

  it('a pinned hash that does not match fails the play before anything is written', async () => {
    await expect(play({ setup_gateway_bin: path.join(bin, 'setup-gateway'), setup_gateway_profile: profile, setup_gateway_profile_sha256: '0'.repeat(64), setup_gateway_key: KEY })).rejects.toThrow(/Compare the agents.*failed \(exit 1\)/);
    expect(existsSync(path.join(t.home, '.codex'))).toBe(false);
  });
});

describe('examples/devcontainer/setup-gateway (a devcontainer feature)', () => {
  const FEATURE = path.join(EXAMPLES, 'devcontainer', 'setup-gateway');

  it('is a feature: its id is its folder, its options are the ones install.sh reads, postCreateCommand is the script it writes', async () => {
    const feature = JSON.parse(await readFile(path.join(FEATURE, 'devcontainer-feature.json'), 'utf8')) as {
      id: string;
      version: string;
      options: Record<string, { type: string; default: string }>;
      postCreateCommand: string;
    };
    expect(feature.id).toBe(path.basename(FEATURE));
    expect(feature.version).toMatch(/^\d+\.\d+\.\d+$/);
    const script = await readFile(path.join(FEATURE, 'install.sh'), 'utf8');
    // The devcontainer CLI passes each option as an upper-case environment variable.
    for (const name of Object.keys(feature.options)) expect(script).toContain(`${name.toUpperCase()}="\${${name.toUpperCase()}:-`);
    expect(feature.postCreateCommand).toBe('/usr/local/share/setup-gateway/apply.sh');
  });

  it('install.sh (in a temp HOME) leaves the script the container runs once created; that script configures the agents with the key from the container environment', async () => {
    const prefix = path.join(t.home, 'usr-local');
    const install = await runProcess('sh', [path.join(FEATURE, 'install.sh')], {
      cwd: t.home,
      env: machineEnv({ PROFILE: profile, PROFILESHA256: SHA, VERSION: 'latest', SETUP_GATEWAY_PREFIX: prefix }),
      timeoutMs: 60_000,
    });
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout).toMatch(/^0\.\d+\.\d+/m);
    const created = path.join(prefix, 'share', 'setup-gateway', 'apply.sh');
    expect(existsSync(path.join(t.home, '.codex'))).toBe(false);

    // Without the key in the container, it says so and writes nothing (the container still starts).
    const keyless = await runProcess(created, [], { cwd: t.home, env: machineEnv(), timeoutMs: 60_000 });
    expect(keyless.code).toBe(0);
    expect(keyless.stderr).toContain('SETUP_GATEWAY_KEY is not set');
    expect(existsSync(path.join(t.home, '.codex'))).toBe(false);

    const first = await runProcess(created, [], { cwd: t.home, env: machineEnv({ SETUP_GATEWAY_KEY: KEY }), timeoutMs: 60_000 });
    expect(first.code, first.stderr).toBe(0);
    expect((await configured()).codex).toContain('model = "team/default"');
    expect(first.stdout).not.toContain(KEY);
    const again = await runProcess(created, [], { cwd: t.home, env: machineEnv({ SETUP_GATEWAY_KEY: KEY }), timeoutMs: 60_000 });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 updated, 2 unchanged/);
  });

  it('a profile path with a quote in it survives the script install.sh writes', async () => {
    const odd = path.join(t.home, "it's team.json");
    await writeFile(odd, PROFILE_TEXT);
    const prefix = path.join(t.home, 'p');
    expect((await runProcess('sh', [path.join(FEATURE, 'install.sh')], { cwd: t.home, env: machineEnv({ PROFILE: odd, SETUP_GATEWAY_PREFIX: prefix }), timeoutMs: 60_000 })).code).toBe(0);
    const run = await runProcess(path.join(prefix, 'share', 'setup-gateway', 'apply.sh'), [], { cwd: t.home, env: machineEnv({ SETUP_GATEWAY_KEY: KEY }), timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
  });
});

describe('examples/mdm/setup-gateway.sh', () => {
  const SCRIPT = path.join(EXAMPLES, 'mdm', 'setup-gateway.sh');
  let keyFile: string;
  let user: string;
  beforeEach(async () => {
    keyFile = path.join(t.home, 'mdm', 'gw-key');
    await mkdir(path.dirname(keyFile), { recursive: true });
    await writeFile(keyFile, `${KEY}\n`);
    await chmod(keyFile, 0o600);
    user = (await runProcess('id', ['-un'], { cwd: t.home, env: machineEnv(), timeoutMs: 10_000 })).stdout.trim();
  });

  // Jamf passes the mount point, computer name and user name first; our settings start at $4.
  const jamf = (...settings: string[]) => runProcess('sh', [SCRIPT, '/', 'mac-042', 'nobody', ...settings], { cwd: t.home, env: machineEnv(), timeoutMs: 60_000 });

  it('applies the profile for the user, then finds it already applied', async () => {
    const first = await jamf(profile, SHA, keyFile, user);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`setup-gateway: ${user}'s agents now use the profile (${profile}).`);
    expect((await configured()).claude).toContain('https://gw.team.example');
    expect(first.stdout + first.stderr).not.toContain(KEY);
    const second = await jamf(profile, SHA, keyFile, user);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`${user}'s agents already match the profile.`);
  });

  it('wrong settings exit 2, a wrong pin 1, nothing written; settings from the environment work too', async () => {
    const noProfile = await jamf('', '', keyFile, user);
    expect(noProfile.code).toBe(2);
    expect(noProfile.stderr).toContain('no profile: set parameter 4 or SETUP_GATEWAY_PROFILE.');
    const noKey = await jamf(profile, SHA, path.join(t.home, 'missing'), user);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain(`cannot read the key file ${path.join(t.home, 'missing')}.`);
    const pin = await jamf(profile, 'f'.repeat(64), keyFile, user);
    expect(pin.code).toBe(1);
    expect(pin.stderr).toContain('not the pinned');
    expect(existsSync(path.join(t.home, '.codex'))).toBe(false);

    const env = await runProcess('sh', [SCRIPT], {
      cwd: t.home,
      env: machineEnv({ SETUP_GATEWAY_PROFILE: profile, SETUP_GATEWAY_KEY_FILE: keyFile, SETUP_GATEWAY_USER: user }),
      timeoutMs: 60_000,
    });
    expect(env.code, env.stderr).toBe(0);
    expect((await configured()).codex).toContain('https://gw.team.example/v1');
  });
});

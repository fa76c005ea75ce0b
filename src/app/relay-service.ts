// `relay install-service`: the files of a user service that starts the relay at login (a
// systemd user unit with an environment file, or a launchd agent), written by the one applier so
// `setup-gateway undo` removes them. The key is in a private file (0600), never in the arguments.
import path from 'node:path';
import { applyChanges } from '../core/apply.js';
import { configHome, inHome, stateDir, type Environment } from '../core/environment.js';
import { SetupError } from '../core/errors.js';
import type { FileChange } from '../core/plan.js';
import { readFileState } from '../core/snapshot.js';
import { NETWORK_VARIABLES } from '../relay/proxy.js';
import { KEY_VARIABLE } from './key.js';
import { RELAY_NODE_FLAGS } from './relay-run.js';

export interface ServiceFile {
  path: string;
  text: string;
  /** Holds the key: written 0600. */
  secret: boolean;
  purpose: string;
}

export interface RelayService {
  files: ServiceFile[];
  /** The commands that start it now and at every login. */
  steps: string[];
}

const SERVICE_NAME = 'setup-gateway-relay';
const LAUNCHD_LABEL = 'dev.setup-gateway.relay';

function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);
}

/** A systemd unit argument: quoted, with `\`, `"`, `%` and `$` escaped. */
function systemdQuote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`).replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
}

/** A value in a systemd EnvironmentFile: single quotes are literal; a key holding one gets double quotes and escapes. */
function envFileValue(s: string): string {
  if (!s.includes("'")) return `'${s}'`;
  return `"${s.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

/**
 * The service files for `setup-gateway relay <relayArgs>`, run by `self` (node and this CLI's
 * script), the key in the service's own environment under SETUP_GATEWAY_KEY.
 */
export function planRelayService(env: Environment, relayArgs: readonly string[], key: string, self: readonly [string, string]): RelayService {
  const [node, script] = self;
  // The service's node gets the same V8 flags as a background relay (RELAY_NODE_FLAGS).
  const command = [node, ...RELAY_NODE_FLAGS, script, 'relay', ...withoutKeyEnv(relayArgs), '--key-env', KEY_VARIABLE];
  const dir = stateDir(env);
  // The service reads the relay's local token from the state folder: the same one as this shell's,
  // even where the service manager does not see this shell's XDG_STATE_HOME.
  const stateHome = env.env.XDG_STATE_HOME && path.isAbsolute(env.env.XDG_STATE_HOME) ? env.env.XDG_STATE_HOME : undefined;
  // Nor does it see this shell's proxy settings or extra CAs, which the relay needs behind a company
  // proxy: they go with it (the files are 0600, as a proxy URL may hold a password).
  const network = NETWORK_VARIABLES.flatMap((name) => (env.env[name] ? [[name, env.env[name] as string] as const] : []));
  const files: Array<{ path: string; text: string; secret: boolean; purpose: string }> = [];
  let steps: string[];
  if (env.platform === 'linux') {
    const unit = path.join(configHome(env), 'systemd', 'user', `${SERVICE_NAME}.service`);
    const envFile = path.join(dir, 'relay.env');
    const stateLine = stateHome ? `XDG_STATE_HOME=${envFileValue(stateHome)}\n` : '';
    const networkLines = network.map(([name, value]) => `${name}=${envFileValue(value)}\n`).join('');
    files.push({ path: envFile, text: `SETUP_GATEWAY_KEY=${envFileValue(key)}\n${stateLine}${networkLines}`, secret: true, purpose: 'the gateway key for the relay service' });
    files.push({
      path: unit,
      secret: false,
      purpose: 'systemd user unit for the relay',
      text: [
        '[Unit]',
        'Description=setup-gateway relay (local AI gateway translator)',
        'After=network-online.target',
        '',
        '[Service]',
        `ExecStart=${command.map(systemdQuote).join(' ')}`,
        `EnvironmentFile=${envFile}`,
        'Restart=on-failure',
        'RestartSec=2',
        '',
        '[Install]',
        'WantedBy=default.target',
        '',
      ].join('\n'),
    });
    steps = ['systemctl --user daemon-reload', `systemctl --user enable --now ${SERVICE_NAME}.service`, `journalctl --user -u ${SERVICE_NAME} -f    (its log)`];
  } else if (env.platform === 'darwin') {
    const plist = inHome(env, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
    const log = path.join(dir, 'relay.log');
    files.push({
      path: plist,
      secret: true,
      purpose: 'launchd agent for the relay (holds the key in its environment)',
      text: [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
        '<plist version="1.0">',
        '<dict>',
        `  <key>Label</key><string>${LAUNCHD_LABEL}</string>`,
        '  <key>ProgramArguments</key>',
        '  <array>',
        ...command.map((a) => `    <string>${xmlEscape(a)}</string>`),
        '  </array>',
        '  <key>EnvironmentVariables</key>',
        `  <dict><key>SETUP_GATEWAY_KEY</key><string>${xmlEscape(key)}</string>${stateHome ? `<key>XDG_STATE_HOME</key><string>${xmlEscape(stateHome)}</string>` : ''}${network.map(([name, value]) => `<key>${name}</key><string>${xmlEscape(value)}</string>`).join('')}</dict>`,
        '  <key>RunAtLoad</key><true/>',
        '  <key>KeepAlive</key><true/>',
        `  <key>StandardOutPath</key><string>${xmlEscape(log)}</string>`,
        `  <key>StandardErrorPath</key><string>${xmlEscape(log)}</string>`,
        '</dict>',
        '</plist>',
        '',
      ].join('\n'),
    });
    steps = [`launchctl bootstrap gui/$(id -u) ${plist}`, `launchctl kickstart -k gui/$(id -u)/${LAUNCHD_LABEL}    (restart)`];
  } else {
    throw new SetupError('relay install-service: user services are supported on Linux (systemd) and macOS (launchd).', ['On Windows, start it at logon with a scheduled task running `setup-gateway relay start`.']);
  }

  return { files, steps };
}

/**
 * Writes the service files that differ from what is there (none: `runId` null), with the applier's
 * journal and backups.
 */
export async function writeRelayService(env: Environment, service: RelayService, version: string, upstream: string): Promise<{ changes: FileChange[]; runId: string | null }> {
  const changes: FileChange[] = [];
  for (const f of service.files) {
    const state = await readFileState(f.path);
    const after = Buffer.from(f.text, 'utf8');
    const mode = f.secret ? 0o600 : 0o644;
    if (state.exists && state.bytes?.equals(after) && state.mode === mode) continue;
    changes.push({ path: f.path, realPath: state.realPath, symlink: state.symlink, before: state.exists ? (state.bytes ?? null) : null, after, beforeMode: state.exists ? (state.mode ?? null) : null, mode, holdsSecret: f.secret, purpose: f.purpose });
  }
  if (changes.length === 0) return { changes, runId: null };
  const outcome = await applyChanges([{ agent: 'relay-service', changes }], { stateDir: stateDir(env), toolVersion: version, baseUrl: upstream, by: { command: 'relay install-service' } });
  const failure = outcome.failed['relay-service'];
  if (failure) throw new SetupError(`relay install-service: ${failure}`);
  return { changes, runId: outcome.runId };
}

/** The relay's arguments without --key-env: the service names its own variable. */
function withoutKeyEnv(flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i] as string;
    if (f === '--key-env') {
      i++;
      continue;
    }
    if (f.startsWith('--key-env=')) continue;
    out.push(f);
  }
  return out;
}

/**
 * Where test/agents/install.mjs puts the agent CLIs (kept in sync with it).
 * The vitest globalSetup (test/setup/global-setup.ts) installs them first.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const isWindows = process.platform === 'win32';

export const repoRoot = resolve(here, '..', '..');
export const agentsCacheDir = join(repoRoot, '.cache', 'agents');
export const agentsBinDir = join(agentsCacheDir, 'node_modules', '.bin');
export const installScript = join(here, 'install.mjs');

const bin = (name: string): string => join(agentsBinDir, isWindows ? `${name}.cmd` : name);

/** Claude Code (`claude`), from @anthropic-ai/claude-code. */
export const claudeBin = bin('claude');
/** OpenAI Codex CLI (`codex`), from @openai/codex (a Node launcher for a native binary). */
export const codexBin = bin('codex');
/** opencode (`opencode`), from opencode-ai (a native binary from a platform package). */
export const opencodeBin = bin('opencode');
/** Continue CLI (`cn`), from @continuedev/cli (a Node script). */
export const continueBin = bin('cn');
/** Gemini CLI (`gemini`), from @google/gemini-cli (a bundled Node script). */
export const geminiBin = bin('gemini');
/** OpenClaw's entry script, run with `runtimeNode` (it needs Node >= 24). */
export const openclawEntry = join(agentsCacheDir, 'node_modules', 'openclaw', 'openclaw.mjs');
/** Qwen Code's entry script, run with `runtimeNode` (it needs Node >= 22). */
export const qwenEntry = join(agentsCacheDir, 'node_modules', '@qwen-code', 'qwen-code', 'cli-entry.js');
/** Kilo Code CLI (`kilo`), from @kilocode/cli (a native binary from a platform package). */
export const kiloBin = bin('kilo');
/** Pi's entry script (@earendil-works/pi-coding-agent), run with `runtimeNode` (it needs Node >= 22.19). */
export const piEntry = join(agentsCacheDir, 'node_modules', '@earendil-works', 'pi-coding-agent', 'dist', 'bundle', 'cli.js');
/** Factory Droid (`droid`), from the npm package `droid` (a launcher for the native binary of @factory/cli-<platform>). */
export const droidBin = bin('droid');
/** GitHub Copilot CLI (`copilot`), from @github/copilot (a Node launcher for @github/copilot-<platform>). */
export const copilotBin = bin('copilot');
/** The Node pinned in the manifest's `runtimes.node`, installed by install.mjs into the cache. */
export const runtimeNode = join(agentsCacheDir, 'runtime', 'node_modules', 'node', 'bin', isWindows ? 'node.exe' : 'node');

interface AgentsManifest {
  dependencies: Record<string, string>;
  runtimes?: { node?: string };
}
const manifest = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')) as AgentsManifest;

/** Pinned versions, e.g. { claude: '2.1.330', codex: '0.169.0' }. */
export const agentVersions = {
  claude: manifest.dependencies['@anthropic-ai/claude-code'] ?? 'unknown',
  codex: manifest.dependencies['@openai/codex'] ?? 'unknown',
  opencode: manifest.dependencies['opencode-ai'] ?? 'unknown',
  continue: manifest.dependencies['@continuedev/cli'] ?? 'unknown',
  openclaw: manifest.dependencies.openclaw ?? 'unknown',
  qwen: manifest.dependencies['@qwen-code/qwen-code'] ?? 'unknown',
  kilo: manifest.dependencies['@kilocode/cli'] ?? 'unknown',
  gemini: manifest.dependencies['@google/gemini-cli'] ?? 'unknown',
  pi: manifest.dependencies['@earendil-works/pi-coding-agent'] ?? 'unknown',
  droid: manifest.dependencies.droid ?? 'unknown',
  copilot: manifest.dependencies['@github/copilot'] ?? 'unknown',
  runtimeNode: manifest.runtimes?.node ?? 'unknown',
};

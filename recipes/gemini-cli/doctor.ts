// Gemini CLI's traps, beyond the generic checks. The facts and their sources: recipe.ts.
import { displayPath, pathFor, type Environment } from '../../src/core/environment.js';
import { getAt, isPlainObject } from '../../src/formats/ops.js';
import { dotenvFiles } from '../../src/doctor/checks/overrides.js';
import { isConfigured } from '../../src/doctor/checks/shared.js';
import { lineOfPath } from '../../src/doctor/lines.js';
import type { AgentCheck, AgentDoctor, AgentState, FileView } from '../../src/doctor/types.js';
import { geminiDir } from './facts.js';

function trustFile(env: Environment): string {
  return pathFor(env).join(geminiDir(env), 'trustedFolders.json');
}

function settingsFile(agent: AgentState): FileView | undefined {
  return agent.files.find((f) => f.intent.kind === 'structured' && f.intent.ops.some((op) => op.path.join('.') === 'security.auth.selectedType'));
}

/** `security.auth.selectedType` must be `gemini-api-key`: a Google login or Vertex ignores the key and the URL. */
const authType: AgentCheck = (agent, ctx) => {
  if (!isConfigured(agent)) return [];
  const settings = settingsFile(agent);
  if (!settings || settings.parseError || !settings.state.exists) return [];
  const value = getAt(settings.data, ['security', 'auth', 'selectedType']);
  if (value === 'gemini-api-key') return [];
  const line = settings.text ? lineOfPath(settings.text, 'json', ['security', 'auth', 'selectedType']) : undefined;
  const shown = typeof value === 'string' ? `"${value}"` : 'not set';
  return [
    {
      agent: agent.recipe.id,
      code: 'GEMINI_AUTH_TYPE',
      level: 'error',
      file: settings.path,
      ...(line !== undefined ? { line } : {}),
      message: `security.auth.selectedType in ${displayPath(ctx.env, settings.path)} is ${shown}, not "gemini-api-key".`,
      why:
        value === 'oauth-personal'
          ? 'Gemini CLI signs in with your Google account and sends nothing to the gateway (the login wins over GEMINI_API_KEY).'
          : typeof value === 'string'
            ? 'Only the Gemini API key type uses GEMINI_API_KEY with GOOGLE_GEMINI_BASE_URL as setup-gateway writes them.'
            : 'Without it GOOGLE_GEMINI_BASE_URL selects the "gateway" type, which `gemini -p` refuses ("Invalid auth method selected").',
      fix: 'setup-gateway doctor --fix (sets that one key), or choose "Use Gemini API key" in /auth',
    },
  ];
};

const truthy = (v: string | undefined) => v !== undefined && v.trim().toLowerCase() === 'true';

/** Google-side auth variables: they pick a login or Vertex when no type is selected, and Vertex uses GOOGLE_API_KEY. */
const googleAuthEnv: AgentCheck = (agent, ctx) => {
  if (!isConfigured(agent)) return [];
  const e = ctx.env.env;
  const set = ['GOOGLE_GENAI_USE_GCA', 'GOOGLE_GENAI_USE_VERTEXAI'].filter((n) => truthy(e[n]));
  if (e.GOOGLE_API_KEY) set.push('GOOGLE_API_KEY');
  if (set.length === 0) return [];
  return [
    {
      agent: agent.recipe.id,
      code: 'GEMINI_GOOGLE_AUTH_ENV',
      level: 'warn',
      message: `${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set in your environment.`,
      why: 'GOOGLE_GENAI_USE_GCA=true picks a Google login and GOOGLE_GENAI_USE_VERTEXAI=true picks Vertex AI (with GOOGLE_API_KEY) whenever the settings select no auth type, and /auth offers them; neither reaches the gateway.',
      fix: `unset ${set.join(' ')}, and remove ${set.length === 1 ? 'it' : 'them'} from your shell profile`,
    },
  ];
};

/** Gemini CLI loads one .env: a project's replaces ~/.gemini/.env. */
const projectEnv: AgentCheck = (agent, ctx) => {
  if (!isConfigured(agent)) return [];
  const home = pathFor(ctx.env).join(geminiDir(ctx.env), '.env');
  return dotenvFiles(agent, ctx)
    .filter((f) => f.path !== home)
    .slice(0, 1)
    .map((f) => {
      const has = f.vars.has('GOOGLE_GEMINI_BASE_URL');
      return {
        agent: agent.recipe.id,
        code: 'GEMINI_PROJECT_ENV',
        level: has ? ('warn' as const) : ('error' as const),
        file: f.path,
        message: `${displayPath(ctx.env, f.path)} is loaded instead of ${displayPath(ctx.env, home)}${has ? ' and sets its own GOOGLE_GEMINI_BASE_URL' : ', and it has no GOOGLE_GEMINI_BASE_URL'}.`,
        why: 'Gemini CLI loads a single .env file, the first it finds walking up from the working folder; the home one is then not read at all.',
        fix: `Copy GOOGLE_GEMINI_BASE_URL, GEMINI_API_KEY (and GEMINI_MODEL) from ${displayPath(ctx.env, home)} into ${displayPath(ctx.env, f.path)}, or remove that file.`,
      };
    });
};

/** Whether Gemini CLI trusts `dir`: folder trust off, the override variable, or a trustedFolders.json rule. */
function trusted(agent: AgentState, env: Environment, dir: string): boolean {
  if (env.env.GEMINI_CLI_TRUST_WORKSPACE === 'true') return true;
  const settings = settingsFile(agent);
  if (settings?.data !== undefined && getAt(settings.data, ['security', 'folderTrust', 'enabled']) === false) return true;
  const rules = agent.extra.get(trustFile(env));
  let data: unknown;
  try {
    data = rules?.text ? JSON.parse(rules.text) : undefined;
  } catch {
    return false;
  }
  if (!isPlainObject(data)) return false;
  const p = pathFor(env);
  const within = (child: string, parent: string) => {
    const rel = p.relative(parent, child);
    return rel === '' || (!rel.startsWith('..') && !p.isAbsolute(rel));
  };
  let best: { len: number; ok: boolean } | undefined;
  for (const [path, rule] of Object.entries(data)) {
    const base = rule === 'TRUST_PARENT' ? p.dirname(path) : path;
    if (!within(dir, base)) continue;
    if (!best || base.length > best.len) best = { len: base.length, ok: rule !== 'DO_NOT_TRUST' };
  }
  return best?.ok ?? false;
}

const untrustedFolder: AgentCheck = (agent, ctx) => {
  if (!isConfigured(agent) || !ctx.cwd || trusted(agent, ctx.env, ctx.cwd)) return [];
  return [
    {
      agent: agent.recipe.id,
      code: 'GEMINI_UNTRUSTED_FOLDER',
      level: 'warn',
      message: `Gemini CLI does not trust ${displayPath(ctx.env, ctx.cwd)} yet, so it would not read ${displayPath(ctx.env, pathFor(ctx.env).join(geminiDir(ctx.env), '.env'))} here.`,
      why: 'With folder trust on (the default), .gemini/.env files are read only in trusted folders; `gemini -p` in an untrusted one fails with "you must specify the GEMINI_API_KEY environment variable".',
      fix: 'Start `gemini` once in this folder and trust it (or use /permissions), or export the variables in your shell.',
    },
  ];
};

export const doctor: AgentDoctor = {
  files: (env) => [trustFile(env)],
  checks: [authType, googleAuthEnv, projectEnv, untrustedFolder],
};

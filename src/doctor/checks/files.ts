// The agent's files themselves: each one readable and parsing (with one setup-gateway block at
// most), and a file that holds the key private to its owner.
import { octal } from '../../core/plan.js';
import { findBlock } from '../../formats/block.js';
import type { AgentCheck, Finding } from '../types.js';
import { base, shown } from './shared.js';

export const parse: AgentCheck = (agent, ctx) => {
  const out: Finding[] = [];
  for (const f of agent.files) {
    const unreadable = ctx.unreadable.get(f.path);
    if (unreadable) {
      out.push({ ...base(agent), code: 'CONFIG_UNREADABLE', level: 'error', file: f.path, message: `${shown(ctx, f.path)} cannot be read: ${unreadable}.`, why: 'The agent cannot read it either.', fix: `Check the file's owner and permissions.` });
      continue;
    }
    if (!f.state.exists) continue;
    if (f.parseError) {
      const at = f.parseError.line !== undefined ? `:${f.parseError.line}:${f.parseError.column ?? 1}` : '';
      out.push({
        ...base(agent),
        code: 'CONFIG_PARSE',
        level: 'error',
        file: f.path,
        ...(f.parseError.line !== undefined ? { line: f.parseError.line } : {}),
        message: `${shown(ctx, f.path)}${at} does not parse: ${f.parseError.reason}.`,
        why: `${agent.recipe.name} cannot read its settings (it fails or silently ignores the file); setup-gateway will not edit it either.`,
        fix: 'Fix the syntax at that line (a missing comma or quote is typical), then run doctor again.',
      });
      continue;
    }
    if (f.intent.kind === 'block' && f.text !== undefined) {
      try {
        findBlock(f.text);
      } catch (error) {
        out.push({ ...base(agent), code: 'CONFIG_PARSE', level: 'error', file: f.path, message: `${shown(ctx, f.path)}: ${(error as Error).message}.`, why: 'setup-gateway cannot tell which lines are its own.', fix: 'Keep exactly one setup-gateway block.' });
        continue;
      }
    }
    out.push({ ...base(agent), code: 'CONFIG_PARSE', level: 'ok', file: f.path, message: `${shown(ctx, f.path)} parses.`, why: 'The agent can read it.', fix: '' });
  }
  return out;
};

export const fileModes: AgentCheck = (agent, ctx) => {
  if (ctx.env.platform === 'win32') return [];
  const out: Finding[] = [];
  for (const f of agent.files) {
    if (!f.intent.holdsSecret || !f.state.exists || f.state.mode === undefined) continue;
    const holdsKey = agent.slots.some((s) => s.file === f && s.slot === 'key' && typeof s.value === 'string' && s.value !== '');
    if (!holdsKey) continue;
    if (f.state.mode & 0o077) {
      out.push({
        ...base(agent),
        code: 'FILE_MODE',
        level: 'warn',
        file: f.path,
        message: `${shown(ctx, f.path)} holds the key and is readable by ${f.state.mode & 0o007 ? 'every user of this machine' : 'your group'} (mode ${octal(f.state.mode)}).`,
        why: 'Anyone who can read the file can spend on your key.',
        fix: `chmod 600 ${shown(ctx, f.state.realPath)} (or setup-gateway doctor --fix)`,
      });
    } else {
      out.push({ ...base(agent), code: 'FILE_MODE', level: 'ok', file: f.path, message: `${shown(ctx, f.path)} is private (mode ${octal(f.state.mode)}).`, why: 'It holds the key.', fix: '' });
    }
  }
  return out;
};

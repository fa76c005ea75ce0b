// Agent-specific doctor checks, by recipe id. A recipe without an entry gets the generic checks
// (and whatever its `checks` data declares) only.
import type { AgentModule } from '../types.js';
import { aiderModule } from './aider.js';
import { claudeCodeModule } from './claude-code.js';
import { codexModule } from './codex.js';

export const AGENT_MODULES: Readonly<Record<string, AgentModule>> = {
  'claude-code': claudeCodeModule,
  codex: codexModule,
  aider: aiderModule,
};

// The registry: every agent setup-gateway knows, in the order they are shown.
import type { Recipe } from '../src/core/recipe.js';
import { aider } from './aider.js';
import { claudeCode } from './claude-code.js';
import { cline } from './cline.js';
import { codex } from './codex.js';
import { continueDev } from './continue.js';
import { copilot } from './copilot.js';
import { cursor } from './cursor.js';
import { geminiCli } from './gemini-cli.js';
import { goose } from './goose.js';
import { openclaw } from './openclaw.js';
import { opencode } from './opencode.js';
import { rooCode } from './roo-code.js';
import { shellEnv } from './shell-env.js';
import { windsurf } from './windsurf.js';
import { zed } from './zed.js';

export const recipes: readonly Recipe[] = [claudeCode, codex, aider, goose, cursor, windsurf, geminiCli, cline, rooCode, copilot, zed, continueDev, opencode, openclaw, shellEnv];

export function findRecipe(id: string): Recipe | undefined {
  return recipes.find((r) => r.id === id);
}

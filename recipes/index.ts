// The registry: every agent setup-gateway knows, in the order they are shown. One line per
// agent; each lives in its own folder, recipes/<id>/ (recipe.ts, its tests, and doctor.ts when it
// has checks of its own, which the recipe's `doctor` field loads on demand).
import type { DoctorRecipe } from '../src/doctor/types.js';
import { aider } from './aider/recipe.js';
import { antigravityCli } from './antigravity-cli/recipe.js';
import { claudeCode } from './claude-code/recipe.js';
import { cline } from './cline/recipe.js';
import { codex } from './codex/recipe.js';
import { continueDev } from './continue/recipe.js';
import { crush } from './crush/recipe.js';
import { copilot } from './copilot/recipe.js';
import { copilotCli } from './copilot-cli/recipe.js';
import { cursor } from './cursor/recipe.js';
import { droid } from './droid/recipe.js';
import { geminiCli } from './gemini-cli/recipe.js';
import { goose } from './goose/recipe.js';
import { kiloCode } from './kilo-code/recipe.js';
import { openclaw } from './openclaw/recipe.js';
import { pi } from './pi/recipe.js';
import { opencode } from './opencode/recipe.js';
import { qwenCode } from './qwen-code/recipe.js';
import { rooCode } from './roo-code/recipe.js';
import { shellEnv } from './shell-env/recipe.js';
import { windsurf } from './windsurf/recipe.js';
import { zed } from './zed/recipe.js';

export const recipes: readonly DoctorRecipe[] = [claudeCode, codex, aider, goose, cursor, windsurf, geminiCli, antigravityCli, cline, rooCode, copilot, copilotCli, zed, continueDev, opencode, openclaw, qwenCode, kiloCode, crush, pi, droid, shellEnv];

export function findRecipe(id: string): DoctorRecipe | undefined {
  return recipes.find((r) => r.id === id);
}

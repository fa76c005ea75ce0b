// The registry: every agent setup-gateway knows, in the order they are shown.
import type { Recipe } from '../src/core/recipe.js';
import { aider } from './aider.js';
import { claudeCode } from './claude-code.js';
import { codex } from './codex.js';

export const recipes: readonly Recipe[] = [claudeCode, codex, aider];

export function findRecipe(id: string): Recipe | undefined {
  return recipes.find((r) => r.id === id);
}

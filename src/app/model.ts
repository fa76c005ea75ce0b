// The model the interactive mode puts first for an agent: the default every command writes
// (core/model.ts), else, for an agent that cannot go without one, the first the gateway lists.
// Only a proposal: the user confirms or changes it, as `--model AGENT=ID` would.
import { defaultModel, missingModel } from '../core/model.js';
import type { Recipe } from '../core/recipe.js';

export function proposedModel(recipe: Pick<Recipe, 'model'>, offered: readonly string[]): string | undefined {
  const model = defaultModel(offered);
  return missingModel(recipe, model) ? offered[0] : model;
}

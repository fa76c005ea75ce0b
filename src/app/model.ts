// The model an agent gets when the user names none.
import type { Recipe } from '../core/recipe.js';

/** The model an agent gets unless the user picks another: the gateway's `auto` when offered. */
export function defaultModel(recipe: Recipe, models: readonly string[]): string | undefined {
  if (models.includes('auto')) return 'auto';
  return recipe.model === 'required' ? models[0] : undefined;
}

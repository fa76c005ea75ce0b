// The model the interactive mode puts first for an agent: the default every command writes
// (core/model.ts), else, for an agent that cannot go without one, the first the gateway lists.
// Only a proposal: the user confirms or changes it, as `--model AGENT=ID` would.
import { defaultModel, missingModel, smallModelFor } from '../core/model.js';
import type { Recipe } from '../core/recipe.js';

export function proposedModel(recipe: Pick<Recipe, 'model'>, offered: readonly string[]): string | undefined {
  const model = defaultModel(offered);
  return missingModel(recipe, model) ? offered[0] : model;
}

/**
 * The model of an agent's small slots when it has any, by the same rule as `apply` (core/model.ts's
 * smallModelFor without --small-model: the gateway's smaller model of the family, else the main
 * one); undefined when that is the main model or the agent has no small slot.
 */
export function proposedSmallModel(recipe: Pick<Recipe, 'slots'>, model: string | undefined, offered: readonly string[]): string | undefined {
  if (!recipe.slots.some((s) => s.writes === 'small')) return undefined;
  const small = smallModelFor(undefined, model, offered);
  return small !== model ? small : undefined;
}

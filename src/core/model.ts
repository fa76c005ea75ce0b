// The one rule for the model an agent gets when the user names none, used by `apply`, the
// interactive mode (which preselects it) and `doctor` (which re-plans with it). Pure.
//
// A gateway that lists `auto` names the model meant for any request, so every agent gets it: an
// agent left on its own default would send its vendor's model ids (claude-sonnet-…), which a
// gateway may not serve. Without `auto` the recipe decides (`missingModel`): an agent that cannot
// work without a model has none (apply stops for it with the list, the interactive mode asks),
// an optional one keeps its own default.
import type { Recipe } from './recipe.js';

/** The gateway's catch-all model id, when it offers one. */
export const AUTO_MODEL = 'auto';

/** The model written for an agent whose model is not named, given the ids the gateway lists (undefined: unknown). */
export function defaultModel(offered: readonly string[] | undefined): string | undefined {
  return offered?.includes(AUTO_MODEL) ? AUTO_MODEL : undefined;
}

/** Whether an agent would be configured without the model it cannot work without. */
export function missingModel(recipe: Pick<Recipe, 'model'>, model: string | undefined): boolean {
  return recipe.model === 'required' && !model;
}

/**
 * The model an agent's files are checked against (doctor's re-plan): the one they hold; else, for
 * an agent that cannot work without one, the default. An optional agent holding none was left on
 * its own default, a choice (`no model` in the interactive mode) as valid as a model.
 */
export function expectedModel(recipe: Pick<Recipe, 'model'>, held: string | undefined, offered: readonly string[] | undefined): string | undefined {
  if (held) return held;
  return recipe.model === 'required' ? defaultModel(offered) : undefined;
}

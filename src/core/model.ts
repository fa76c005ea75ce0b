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

/** Words that mark a model id as a provider's smaller, cheaper variant. */
const SMALL_MARKERS = ['mini', 'nano', 'small', 'haiku', 'flash', 'lite', 'fast'];

function isSmall(id: string): boolean {
  return id
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .some((part) => SMALL_MARKERS.includes(part));
}

const family = (id: string): string => id.toLowerCase().split(/[^a-z0-9]+/)[0] ?? '';

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * The one rule for an agent's small slots (Aider's weak model, Claude Code's Haiku model,
 * opencode's small_model…): the `--small-model` named; else the gateway's smaller model when it
 * lists one, that is a listed id of the main model's family (its first word: `gpt-5` and
 * `gpt-5-mini`, `claude-sonnet-4.5` and `claude-haiku-4.5`, `auto` and `auto-fast`) whose name
 * marks it small (mini, nano, small, haiku, flash, lite, fast), the one closest to the main model
 * by common prefix, then the shortest, then the first listed; else the main model. A main model
 * that is itself small is kept. Undefined only without a main model.
 */
export function smallModelFor(named: string | undefined, main: string | undefined, offered: readonly string[] | undefined): string | undefined {
  if (named) return named;
  if (!main || isSmall(main) || !offered) return main;
  const candidates = offered.filter((id) => id !== main && isSmall(id) && family(id) === family(main));
  const best = candidates
    .map((id, index) => ({ id, index, prefix: commonPrefix(id.toLowerCase(), main.toLowerCase()) }))
    .sort((a, b) => b.prefix - a.prefix || a.id.length - b.id.length || a.index - b.index)[0];
  return best?.id ?? main;
}

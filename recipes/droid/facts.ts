// What Factory Droid's recipe and its doctor checks both need to know, kept apart from both so
// that neither imports the other (the recipe loads its doctor module lazily).
import { inHome, pathFor, type Environment } from '../../src/core/environment.js';

/** The id of our one entry in customModels; `sessionDefaultSettings.model` names it. */
export const DROID_MODEL_ID = 'custom:setup-gateway-0';

/** `~/.factory`, or `$FACTORY_HOME_OVERRIDE/.factory`. */
export function factoryDir(env: Environment): string {
  const root = env.env.FACTORY_HOME_OVERRIDE;
  return root && pathFor(env).isAbsolute(root) ? pathFor(env).join(root, '.factory') : inHome(env, '.factory');
}

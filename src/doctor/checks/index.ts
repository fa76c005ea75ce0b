// The checks every recipe gets without writing a line for doctor, in the order their findings are
// listed: is the agent there and set up, do its files parse and keep the key private, does it
// point at the gateway with the URL, key and model it needs, does it match what setup-gateway
// would write and the model it applied, and does anything it also reads (environment, .env, project files) win over that.
import type { AgentCheck } from '../types.js';
import { consents, drift, modelDrift } from './drift.js';
import { fileModes, parse } from './files.js';
import { envOverrides, projectOverrides } from './overrides.js';
import { configured, detected } from './presence.js';
import { cloudLoopback, keys, models, urls } from './routing.js';
import { modelSlots } from './slots.js';

export const GENERIC_CHECKS: ReadonlyArray<[string, AgentCheck]> = [
  ['detected', detected],
  ['parse', parse],
  ['configured', configured],
  ['urls', urls],
  ['keys', keys],
  ['models', models],
  ['model slots', modelSlots],
  ['file modes', fileModes],
  ['drift', drift],
  ['model drift', modelDrift],
  ['conflicts', consents],
  ['cloud loopback', cloudLoopback],
  ['environment overrides', envOverrides],
  ['project overrides', projectOverrides],
];

// What a request's method and path ask the relay for: a probe, the model list, a token count, an
// inference in one of the client protocols (found by the adapters' endpoints), or a refusal.
import { type Adapter, adapterFor } from './adapters/index.js';

/** What a path asks for. */
export type PathRoute =
  | { kind: 'probe' }
  | { kind: 'models' }
  | { kind: 'count_tokens' }
  /** A route the client protocol's adapter answers itself (Gemini's model list and token count). */
  | { kind: 'local'; adapter: Adapter; side: 'models' | 'count'; model: string | undefined }
  | { kind: 'inference'; adapter: Adapter; model: string | undefined }
  | { kind: 'not_found' }
  | { kind: 'method_not_allowed'; allow: string };

/** `/v1/chat/completions` and `/chat/completions` are the same endpoint. */
export function endpointPath(path: string): string {
  return path.startsWith('/v1/') ? path.slice(3) : path;
}

/** Routes that reach the gateway (with its key), and the local answers beside them: these need the local token. */
export function forwards(route: PathRoute): boolean {
  return route.kind === 'inference' || route.kind === 'models' || route.kind === 'count_tokens' || route.kind === 'local';
}

export function routeOf(method: string, path: string): PathRoute {
  if (path === '/' || path === '/api/hello') {
    return method === 'GET' || method === 'HEAD' ? { kind: 'probe' } : { kind: 'method_not_allowed', allow: 'GET, HEAD' };
  }
  const p = endpointPath(path);
  if (p === '/models') return method === 'GET' ? { kind: 'models' } : { kind: 'method_not_allowed', allow: 'GET' };
  const found = p === '/messages/count_tokens' ? undefined : adapterFor(p);
  if (p !== '/messages/count_tokens' && !found) return { kind: 'not_found' };
  if (found?.side === 'models') return method === 'GET' ? { kind: 'local', adapter: found.adapter, side: 'models', model: found.model } : { kind: 'method_not_allowed', allow: 'GET' };
  if (method !== 'POST') return { kind: 'method_not_allowed', allow: 'POST' };
  if (found?.side === 'count') return { kind: 'local', adapter: found.adapter, side: 'count', model: found.model };
  return found ? { kind: 'inference', adapter: found.adapter, model: found.model } : { kind: 'count_tokens' };
}

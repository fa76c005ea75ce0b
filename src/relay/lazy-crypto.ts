// node:crypto, loaded at its first use instead of with the modules that may need it: it adds about
// 1.3 MiB to a process's resident memory, and a relay that serves the usual requests never needs
// it (bench/relay measures the relay's idle memory against a bare node:http proxy's). Synchronous,
// as its callers are: a builtin comes from require at once.
import { createRequire } from 'node:module';

type NodeCrypto = typeof import('node:crypto');

let loaded: NodeCrypto | undefined;

export function nodeCrypto(): NodeCrypto {
  return (loaded ??= createRequire(import.meta.url)('node:crypto') as NodeCrypto);
}

// Extra certificate authorities (`relay --ca-file`): a company's TLS-inspection CA, read once at
// start and checked there, so a wrong file is a clear error now rather than a TLS failure on the
// first request. Node's default store (its bundled roots plus NODE_EXTRA_CA_CERTS) is what every
// connection trusts without them; a connection given an explicit list trusts only that list, so
// the list is Node's roots, NODE_EXTRA_CA_CERTS' file and this one (relay/http1.ts adds the roots).
import { readFile } from 'node:fs/promises';
import { nodeCrypto } from '../relay/lazy-crypto.js';
import { UsageError } from './errors.js';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The certificates of a PEM file; throws a UsageError naming `what` when it holds none or a broken one. */
export function certificatesIn(text: string, what: string): string[] {
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new UsageError(`${what} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
  for (const [i, block] of blocks.entries()) {
    try {
      new (nodeCrypto().X509Certificate)(block);
    } catch (error) {
      throw new UsageError(`${what}: certificate ${i + 1} cannot be read (${(error as Error).message}).`);
    }
  }
  return blocks;
}

/**
 * The PEM certificates to trust besides Node's bundled roots: NODE_EXTRA_CA_CERTS' (when set and
 * readable: Node itself only warns about a bad one) and `caFile`'s (which must be good).
 */
export async function extraCaCertificates(env: Readonly<Record<string, string | undefined>>, caFile: string, flag = '--ca-file'): Promise<string[]> {
  const fromEnv = env.NODE_EXTRA_CA_CERTS ? await readFile(env.NODE_EXTRA_CA_CERTS, 'utf8').catch(() => '') : '';
  let text: string;
  try {
    text = await readFile(caFile, 'utf8');
  } catch (error) {
    throw new UsageError(`${flag} ${caFile}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
  }
  return [...(fromEnv.match(PEM_BLOCK) ?? []), ...certificatesIn(text, `${flag} ${caFile}`)];
}

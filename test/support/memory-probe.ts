// An in-memory file system for detection tests: paths of any platform, files and folders.
import type { FsProbe } from '../../src/core/probe.js';

export function memoryProbe(entries: Record<string, string | { dir: true } | { exec: string } | { link: string }>): FsProbe {
  const norm = (p: string) => p.replace(/\\/g, '/').toLowerCase();
  const map = new Map(Object.entries(entries).map(([k, v]) => [norm(k), v]));
  const isUnder = (p: string) => [...map.keys()].some((k) => k.startsWith(`${norm(p).replace(/\/$/, '')}/`));
  const resolve = (p: string): string => {
    const v = map.get(norm(p));
    return v && typeof v === 'object' && 'link' in v ? resolve(v.link) : p;
  };
  return {
    async exists(p) {
      return map.has(norm(p)) || isUnder(p);
    },
    async isExecutableFile(p, platform) {
      const v = map.get(norm(resolve(p)));
      if (v === undefined || (typeof v === 'object' && 'dir' in v)) return false;
      return platform === 'win32' || (typeof v === 'object' && 'exec' in v);
    },
    async readText(p) {
      const v = map.get(norm(resolve(p)));
      if (typeof v === 'string') return v;
      if (v && typeof v === 'object' && 'exec' in v) return v.exec;
      return undefined;
    },
    async realpath(p) {
      return resolve(p);
    },
    async listDir(p) {
      const prefix = `${norm(p).replace(/\/$/, '')}/`;
      const originals = Object.keys(entries).filter((k) => norm(k).startsWith(prefix));
      return [...new Set(originals.map((k) => k.replace(/\\/g, '/').slice(prefix.length).split('/')[0] as string))];
    },
  };
}

#!/usr/bin/env node
// zsh and fish for the shell start-up tests (the env-file loaders setup-gateway writes for them),
// from Debian's packages, into <repo>/.cache/shells (git-ignored), on a machine that has neither.
//
//   node test/shells/install.mjs      prints the folder to put first on PATH, or nothing
//
// `apt-get download` fetches the packages (no root needed, nothing installed system-wide) and
// `dpkg-deb -x` unpacks them; small wrappers run them from there: fish gets the libpcre2 it needs
// on LD_LIBRARY_PATH and finds its own share/ and etc/ beside its binary, zsh its modules through
// MODULE_PATH. A machine without apt-get or dpkg-deb, or one that cannot download, prints a note
// on stderr and nothing on stdout: the zsh and fish tests then say they were skipped. Idempotent: a
// stamp records the package list.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheDir = join(repoRoot, '.cache', 'shells');
const root = join(cacheDir, 'root');
const binDir = join(cacheDir, 'bin');
const stamp = join(cacheDir, '.stamp');

/** What each shell needs beyond a Debian base image: the shell and its data, fish its regex library. */
const PACKAGES = { zsh: ['zsh', 'zsh-common'], fish: ['fish', 'fish-common', 'libpcre2-32-0'] };

const works = (command) => {
  try {
    execFileSync(command, ['-c', 'exit 0'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
};
const have = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;

function main() {
  if (process.platform !== 'linux') return;
  const missing = Object.keys(PACKAGES).filter((shell) => !works(shell));
  if (missing.length === 0) return;
  const wanted = missing.flatMap((shell) => PACKAGES[shell]);
  const ready = existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted.join(' ') && missing.every((s) => works(join(binDir, s)));
  if (ready) return binDir;
  if (!have('apt-get') || !have('dpkg-deb')) {
    console.error(`test/shells/install.mjs: ${missing.join(' and ')} not installed, and no apt-get/dpkg-deb to fetch them: their tests are skipped.`);
    return;
  }
  rmSync(cacheDir, { recursive: true, force: true });
  const debs = join(cacheDir, 'debs');
  mkdirSync(debs, { recursive: true });
  const download = spawnSync('apt-get', ['download', ...wanted], { cwd: debs, encoding: 'utf8', timeout: 180_000 });
  if (download.status !== 0) {
    console.error(`test/shells/install.mjs: apt-get download ${wanted.join(' ')} failed: their tests are skipped.\n${download.stderr ?? ''}`);
    return;
  }
  for (const deb of readdirSync(debs).filter((f) => f.endsWith('.deb'))) execFileSync('dpkg-deb', ['-x', join(debs, deb), root]);
  mkdirSync(binDir, { recursive: true });
  // fish looks for its data in <prefix>/share/fish and its config in <prefix>/etc/fish beside
  // <prefix>/bin/fish; Debian puts the latter in /etc.
  if (existsSync(join(root, 'etc')) && !existsSync(join(root, 'usr', 'etc'))) symlinkSync(join('..', 'etc'), join(root, 'usr', 'etc'));
  const wrap = (name, lines) => {
    const file = join(binDir, name);
    writeFileSync(file, `#!/bin/sh\n${lines.join('\n')}\n`);
    chmodSync(file, 0o755);
  };
  if (missing.includes('zsh')) {
    const zsh = [join(root, 'bin', 'zsh'), join(root, 'usr', 'bin', 'zsh')].find(existsSync);
    const modules = findDir(join(root, 'usr', 'lib'), (dir) => /[\\/]zsh[\\/][\d.]+$/.test(dir));
    wrap('zsh', [...(modules ? [`MODULE_PATH="${modules}"; export MODULE_PATH`] : []), `exec "${zsh}" "$@"`]);
  }
  if (missing.includes('fish')) {
    const libs = findDir(join(root, 'usr', 'lib'), (dir) => readdirSync(dir).some((f) => f.startsWith('libpcre2-32.so')));
    wrap('fish', [`LD_LIBRARY_PATH="${libs}\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; export LD_LIBRARY_PATH`, `exec "${join(root, 'usr', 'bin', 'fish')}" "$@"`]);
  }
  const broken = missing.filter((s) => !works(join(binDir, s)));
  if (broken.length) {
    console.error(`test/shells/install.mjs: ${broken.join(' and ')} unpacked from Debian's packages does not run here: their tests are skipped.`);
    return;
  }
  writeFileSync(stamp, wanted.join(' '));
  return binDir;
}

/** The first folder under `dir` (depth first) that `test` accepts. */
function findDir(dir, test) {
  if (!existsSync(dir)) return undefined;
  if (test(dir)) return dir;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const found = findDir(join(dir, entry.name), test);
    if (found) return found;
  }
  return undefined;
}

const bin = main();
if (bin) process.stdout.write(`${bin}\n`);

// Keys never appear in output: every string we print about a plan goes through `maskSecrets`.

/** `sk-…wxyz` for long keys; short keys are hidden entirely. */
export function maskKey(key: string): string {
  if (key.length < 12) return '•'.repeat(8);
  return `${key.slice(0, 3)}…${key.slice(-4)}`;
}

/**
 * Replaces every spelling of the secret that a file format may have produced (raw, JSON or TOML
 * escaped, shell single-quoted) with its mask.
 */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    const mask = maskKey(secret);
    const spellings = new Set([
      secret,
      JSON.stringify(secret).slice(1, -1), // JSON, YAML and TOML basic strings
      secret.replace(/'/g, `'\\''`), // POSIX shells
      secret.replace(/'/g, `''`), // PowerShell
      secret.replace(/[\\']/g, (c) => `\\${c}`), // fish
      secret.replace(/[\\"$]/g, (c) => `\\${c}`), // dotenv
    ]);
    // Longest first so a spelling that contains another is replaced whole; only whole tokens,
    // so a short key does not eat letters out of ordinary words.
    for (const s of [...spellings].sort((a, b) => b.length - a.length)) {
      out = out.replace(new RegExp(`(?<![A-Za-z0-9_-])${escapeRegExp(s)}(?![A-Za-z0-9_-])`, 'g'), mask);
    }
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Names whose values are secrets wherever they appear: ANTHROPIC_API_KEY, experimental_bearer_token, password… */
const SECRET_NAME = /(key|token|secret|password)$/i;

/**
 * Adds every string under a secret-looking name, anywhere in parsed config data, to `out`: an old
 * key we are about to replace must be masked in diffs just like the new one.
 */
export function collectSecretValues(data: unknown, out: Set<string>, name = ''): void {
  if (typeof data === 'string') {
    if (SECRET_NAME.test(name) && data.length >= 8) out.add(data);
  } else if (Array.isArray(data)) {
    for (const item of data) collectSecretValues(item, out, name);
  } else if (data instanceof Map) {
    for (const [k, v] of data) collectSecretValues(v, out, String(k));
  } else if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) collectSecretValues(v, out, k);
  }
}

/** The same for shell and env-file lines: `export OPENAI_API_KEY='…'`, `set -gx X_TOKEN …`, `$env:K = '…'`. */
export function collectSecretAssignments(text: string, out: Set<string>): void {
  const assignment = /^\s*(?:export\s+|set\s+-gx\s+|\$env:)?([A-Za-z_][A-Za-z0-9_]*)\s*(?:=|\s)\s*(['"]?)(.*?)\2\s*;?\s*$/;
  for (const line of text.split(/\r?\n/)) {
    const m = assignment.exec(line);
    if (m && SECRET_NAME.test(m[1] as string) && (m[3] as string).length >= 8) out.add(m[3] as string);
  }
}

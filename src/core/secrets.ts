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

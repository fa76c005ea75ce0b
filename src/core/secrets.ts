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
      JSON.stringify(secret).slice(1, -1),
      secret.replace(/'/g, `'\\''`),
      secret.replace(/'/g, `''`),
      secret.replace(/[\\']/g, (c) => `\\${c}`),
    ]);
    // Longest first so a spelling that contains another is replaced whole.
    for (const s of [...spellings].sort((a, b) => b.length - a.length)) out = out.split(s).join(mask);
  }
  return out;
}

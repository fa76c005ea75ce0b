// "Did you mean": the known word closest to a mistyped command or flag (`doctr` -> `doctor`,
// `--dryrun` -> `--dry-run`), or none when nothing is close enough to be a typo.

/** Optimal string alignment distance: insertions, deletions, substitutions, and swapped neighbours. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    const prev = d[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** Case, leading dashes and inner hyphens do not count: `--DryRun` is `dry-run` mistyped. */
function bare(word: string): string {
  return word.replace(/^-+/, '').replace(/=.*$/, '').toLowerCase().replace(/[-_]/g, '');
}

/**
 * The candidate closest to `input`, when it is a plausible typo: at most one edit for a short
 * word, a third of its length for a longer one, or `input` a prefix of exactly one candidate.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const typed = bare(input);
  if (!typed) return undefined;
  let best: { word: string; d: number } | undefined;
  for (const word of candidates) {
    const d = distance(typed, bare(word));
    if (!best || d < best.d) best = { word, d };
  }
  if (best && best.d <= Math.max(1, Math.floor(typed.length / 3))) return best.word;
  const prefixed = candidates.filter((c) => typed.length >= 3 && bare(c).startsWith(typed));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

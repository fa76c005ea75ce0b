// What Codex CLI's recipe and its doctor checks both need to know, kept apart from both so
// that neither imports the other (the recipe loads its doctor module lazily).

/** Our provider id: not reserved by Codex, and says who wrote it. */
export const CODEX_PROVIDER_ID = 'setup-gateway';

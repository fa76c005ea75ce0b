// JSON5 syntax that JSON and JSONC do not have. Some agents (OpenClaw) read their config as
// JSON5. The JSON editor handles what JSON5 shares with JSONC (comments, trailing commas) and
// refuses the rest as a parse error, since editing it would mean rewriting the user's text. This
// names what the parser tripped on, so the refusal says "an unquoted key" rather than "invalid
// symbol". It only reads; nothing here edits a file.

/**
 * What JSON5-only construct starts at `offset`, where jsonc-parser reported `code` (its
 * ParseErrorCode name, e.g. `InvalidSymbol`); undefined when it is not JSON5 syntax.
 */
export function json5SyntaxAt(text: string, offset: number, code: string): string | undefined {
  const rest = text.slice(offset);
  switch (code) {
    case 'InvalidSymbol': {
      if (rest.startsWith("'")) return 'a single-quoted string';
      if (/^\+(\d|\.\d|Infinity)/.test(rest)) return 'a number with a leading plus sign';
      if (/^\.\d/.test(rest)) return 'a number starting with a decimal point';
      if (/^[xX][0-9a-fA-F]/.test(rest) && text[offset - 1] === '0') return 'a hexadecimal number';
      const word = /^[A-Za-z_$][\w$]*/.exec(rest)?.[0];
      if (word === 'Infinity' || word === 'NaN') return `${word} as a number`;
      if (word !== undefined && /^\s*:/.test(text.slice(offset + word.length))) return `an unquoted key (${word})`;
      if (/^[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff]/.test(rest)) return 'a non-ASCII space between values';
      return undefined;
    }
    case 'UnexpectedEndOfNumber':
      // Reported at the start of `5.`.
      return /^-?\d+\.(?!\d)/.test(rest) ? 'a number ending with a decimal point' : undefined;
    case 'InvalidEscapeCharacter':
      // A line continuation (`\` then a line break), `\x41`, `\v`, `\0`, `\'`…
      return "a string escape JSON does not have (\\x, \\v, \\0, \\' or a line continuation)";
    default:
      return undefined;
  }
}

/** The parse error's reason when the text uses JSON5 syntax there. */
export function json5Reason(what: string): string {
  return `${what} is JSON5 syntax, which setup-gateway does not edit without rewriting your file; use double-quoted keys and strings there, or make the change by hand`;
}

// What makes a gateway key usable: anything printable but whitespace, which would break an HTTP
// header or a config line. One rule: KeySchema (profile.ts) is made from it, and the relay's
// start-up uses it without loading zod.

/** Why a key cannot be used, or undefined when it can. */
export function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'the key is empty';
  if (key.length > 4096) return 'the key is longer than 4096 characters';
  if (/[\s\u0000-\u001f\u007f]/.test(key)) return 'the key contains whitespace or a control character (a pasted newline?)';
  return undefined;
}

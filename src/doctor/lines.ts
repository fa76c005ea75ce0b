// The line a key sits on, for messages (`~/.aider.conf.yml:3`). The editors do not keep
// positions in the data they return, so this walks the text: each segment of the path is looked
// for, as a key, after the previous one. Good enough to point a person at the right line; never
// used to edit anything.
import type { KeyPath, StructuredFormat } from '../formats/types.js';

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function keyPattern(format: StructuredFormat, seg: string): RegExp {
  const s = escape(seg);
  switch (format) {
    case 'yaml':
      return new RegExp(`^[ \\t-]*(?:${s}|"${s}"|'${s}')[ \\t]*:`, 'gm');
    case 'toml':
      return new RegExp(`(?<=^|[\\s.\\[])(?:${s}|"${s}"|'${s}')(?=[ \\t]*[=.\\]])`, 'gm');
    default:
      // JSON and its relatives: a quoted key, or (JSON5) a bare one, followed by a colon.
      return new RegExp(`(?:${escape(JSON.stringify(seg))}|(?<=[\\s{,])${s})\\s*:`, 'g');
  }
}

export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function isCommentAt(text: string, offset: number): boolean {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^\s*#/.test(text.slice(start, offset + 1));
}

/** The 1-based line of the key at `path`, or undefined when it cannot be found. */
export function lineOfPath(text: string, format: StructuredFormat, path: KeyPath): number | undefined {
  let pos = 0;
  let found: number | undefined;
  for (const seg of path) {
    if (typeof seg === 'number') continue;
    const re = keyPattern(format, seg);
    re.lastIndex = pos;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      if (format !== 'yaml' && format !== 'toml') break;
      if (!isCommentAt(text, m.index)) break;
    }
    if (!m) return found === undefined ? undefined : lineAt(text, found);
    found = m.index;
    pos = m.index + m[0].length;
  }
  return found === undefined ? undefined : lineAt(text, found);
}

/** The line assigning `name` (shell export, fish set, PowerShell $env:, dotenv). */
export function lineOfVar(text: string, name: string): number | undefined {
  const n = escape(name);
  const m = new RegExp(`^[ \\t]*(?:export[ \\t]+${n}=|set[ \\t]+-gx[ \\t]+${n}[ \\t]|\\$env:${n}[ \\t]*=|${n}[ \\t]*=)`, 'm').exec(text);
  return m ? lineAt(text, m.index) : undefined;
}

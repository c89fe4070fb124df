/**
 * Recovery for a JSON export that does not parse: the employees array is cut into its records
 * by a scanner that knows strings and nesting, each record is parsed alone, and a broken one is
 * skipped to the next line that starts a record (`{`) or ends the array (`]`). Works for exports
 * written one record per line or pretty-printed; a file whose array never closes (a truncated
 * download) gives null, and is refused whole.
 */

export type JsonPiece =
  | { line: number; value: unknown }
  | { line: number; broken: string; text: string };

const WS = new Set([' ', '\t', '\n', '\r']);

/** Index just after the `[` of the employees array, or -1. */
function arrayStart(text: string): number {
  let i = 0;
  while (WS.has(text[i] ?? '')) i++;
  if (text[i] === '[') return i + 1;
  const wrapped = /^\{\s*"employees"\s*:\s*\[/.exec(text.slice(i));
  return wrapped ? i + wrapped[0].length : -1;
}

/** The next line (after `from`) whose first non-blank character is `{` or `]`: where to resume. */
function resync(text: string, from: number): number {
  const re = /\n[ \t\r]*([{\]])/g;
  re.lastIndex = from;
  const m = re.exec(text);
  return m ? m.index + m[0].length - 1 : text.length;
}

/** Scans one record from `start`: its end, and why it is broken when the scan itself fails. */
function scanRecord(text: string, start: number): { end: number; broken?: string } {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      else if (c === '\n') return { end: i, broken: 'a string is not closed on its line' };
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (depth === 0) return c === ']' ? { end: i } : { end: i, broken: `unexpected "}"` };
      depth--;
    } else if (c === ',' && depth === 0) return { end: i };
  }
  return { end: text.length };
}

export function splitJsonRecords(text: string): JsonPiece[] | null {
  let i = arrayStart(text);
  if (i < 0) return null;
  const pieces: JsonPiece[] = [];
  let line = 1;
  let counted = 0;
  const lineAt = (pos: number) => {
    for (; counted < pos; counted++) if (text[counted] === '\n') line++;
    return line;
  };
  for (;;) {
    while (WS.has(text[i] ?? '')) i++;
    if (i >= text.length) return null; // never closed: truncated
    if (text[i] === ']') return pieces;
    const start = i;
    const at = lineAt(start);
    const scan = scanRecord(text, start);
    if (scan.broken !== undefined) {
      i = resync(text, scan.end);
      pieces.push({ line: at, broken: scan.broken, text: text.slice(start, scan.end) });
      if (text[i] === '{') continue;
      if (text[i] === ']') return pieces;
      return null;
    }
    const raw = text.slice(start, scan.end).trim();
    try {
      pieces.push({ line: at, value: JSON.parse(raw) });
    } catch (err) {
      const why = raw === '' ? 'an empty record' : (err as Error).message;
      pieces.push({ line: at, broken: why, text: raw });
    }
    i = scan.end;
    if (text[i] === ',') i++;
    else if (text[i] === ']') return pieces;
    else return null;
  }
}

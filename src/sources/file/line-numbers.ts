/** Byte spans and 1-based starting lines of CSV records, from csv-parse's record end offsets. */

const LF = 0x0a;
const CR = 0x0d;

export type RecordSpan = { start: number; end: number; line: number };

const hasBom = (buf: Buffer): boolean => buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;

/**
 * `ends[k]` is the byte offset just after record k (its line break included). Blank lines that
 * csv-parse skipped sit before a record's first byte; LF, CRLF and lone CR each end one line.
 */
export function recordSpans(buf: Buffer, ends: number[]): RecordSpan[] {
  const spans: RecordSpan[] = [];
  let pos = hasBom(buf) ? 3 : 0;
  let line = 1;
  for (const end of ends) {
    while (pos < end && (buf[pos] === LF || buf[pos] === CR)) {
      if (buf[pos] === LF || buf[pos + 1] !== LF) line++;
      pos++;
    }
    const span = { start: pos, end, line };
    for (; pos < end; pos++) {
      const c = buf[pos];
      if (c === LF || (c === CR && buf[pos + 1] !== LF)) line++;
    }
    spans.push(span);
  }
  return spans;
}

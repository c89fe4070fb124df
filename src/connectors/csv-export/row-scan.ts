/**
 * Finds the rows of an account file and their account ids without parsing every cell: loading
 * a file of 100 k accounts this way takes ~20 ms, parsing it with csv-parse over a second.
 */

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** Row i is `bytes[starts[i], ends[i])`, line end included; ids strictly ascending. */
export type ScannedRows = { ids: string[]; starts: number[]; ends: number[] };

/**
 * The rows of `bytes` from offset `from` (just after the header), if the file has the shape
 * this connector writes: every row ends in LF (no CR, no empty line), quotes only around whole
 * cells, account ids strictly ascending (sorted with `<`, no duplicates). Otherwise undefined,
 * and the caller parses the file in full. Cells other than the id are not looked at: a row is
 * parsed when an operation touches it.
 */
export function scanRows(bytes: Buffer, from: number): ScannedRows | undefined {
  const ids: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const n = bytes.length;
  let nextQuote = at(bytes.indexOf(QUOTE, from), n);
  let pos = from;
  while (pos < n) {
    let nl = bytes.indexOf(LF, pos);
    if (nl <= pos) return undefined; // no line end, or an empty line
    // A quoted cell may hold commas and line ends: the row ends at the first LF after it.
    while (nextQuote < nl) {
      if (nextQuote !== pos && bytes[nextQuote - 1] !== COMMA) return undefined;
      const close = closingQuote(bytes, nextQuote);
      if (close < 0) return undefined;
      if (close > nl) nl = bytes.indexOf(LF, close);
      if (nl < 0) return undefined;
      nextQuote = at(bytes.indexOf(QUOTE, close + 1), n);
    }
    if (bytes[nl - 1] === CR) return undefined;
    const id = firstCell(bytes, pos, nl);
    if (id === undefined) return undefined;
    if (ids.length > 0 && !(ids[ids.length - 1]! < id)) return undefined;
    ids.push(id);
    starts.push(pos);
    ends.push(nl + 1);
    pos = nl + 1;
  }
  return { ids, starts, ends };
}

const at = (i: number, n: number) => (i < 0 ? n : i);

/** The quote closing the cell opened at `open` (a doubled quote is an escaped one), or -1. */
function closingQuote(bytes: Buffer, open: number): number {
  let close = bytes.indexOf(QUOTE, open + 1);
  while (close >= 0 && bytes[close + 1] === QUOTE) close = bytes.indexOf(QUOTE, close + 2);
  if (close < 0) return -1;
  const after = bytes[close + 1];
  return after === COMMA || after === LF ? close : -1;
}

/** The row's first cell (its account id), unquoted; undefined if the row has a single cell. */
function firstCell(bytes: Buffer, start: number, nl: number): string | undefined {
  if (bytes[start] === QUOTE) {
    const close = closingQuote(bytes, start);
    if (close < 0 || close + 1 >= nl) return undefined;
    return bytes.toString('utf8', start + 1, close).replaceAll('""', '"');
  }
  const comma = bytes.indexOf(COMMA, start);
  return comma < 0 || comma > nl ? undefined : bytes.toString('utf8', start, comma);
}

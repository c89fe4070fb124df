/**
 * csv-parse over a whole export, resynchronising after a malformed record: the broken record is
 * cut at its first line break and parsing resumes on the next line, so one unterminated quote
 * (which would otherwise swallow the file to its end) costs one row, not the snapshot.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { hrFileError } from './file-error.js';
import { MAX_RECORD_BYTES } from './limits.js';
import { recordSpans } from './line-numbers.js';

const LF = 0x0a;
const CR = 0x0d;

/** Why csv-parse refused a record: its code and its message without csv-parse's line count. */
export type CsvBreak = { csv_code: string; why: string };

export type CsvRecords = {
  /** Cells per record, header first; a broken record has no cells. */
  records: string[][];
  /** Byte offset just after each record (its line break included), absolute in the buffer. */
  ends: number[];
  /** Index in `records` ⟶ why that record could not be parsed. */
  broken: Map<number, CsvBreak>;
};

/** Offset of the first byte of the next record after `pos`: blank lines (and a BOM) skipped. */
function recordStart(buf: Buffer, pos: number): number {
  let p = pos === 0 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : pos;
  while (p < buf.length && (buf[p] === LF || buf[p] === CR)) p++;
  return p;
}

/** Offset just after the first line break at or after `pos` (CRLF counted once), or the end. */
export function nextLine(buf: Buffer, pos: number): number {
  for (let p = pos; p < buf.length; p++) {
    if (buf[p] === LF) return p + 1;
    if (buf[p] === CR) return buf[p + 1] === LF ? p + 2 : p + 1;
  }
  return buf.length;
}

// csv-parse counts a CRLF inside quotes as two lines, so its "at line N" is dropped for our own.
const reasonOf = (err: CsvError): CsvBreak => ({
  csv_code: err.code,
  why: err.message.replace(/\s*(at|on) line \d+/g, '').replace(/\s+$/, ''),
});

/**
 * Parses every record of `buf`. Throws hr.malformed_csv only when the header itself is broken:
 * without it no row can be read.
 */
export function parseCsvRecords(buf: Buffer, source: string): CsvRecords {
  const records: string[][] = [];
  const ends: number[] = [];
  const broken = new Map<number, CsvBreak>();
  let from = 0;
  while (from < buf.length) {
    const base = from;
    try {
      parse(buf.subarray(base), {
        bom: base === 0,
        // Explicit, so files mixing CRLF and LF (hand-edited exports) still split on every line.
        record_delimiter: ['\r\n', '\n', '\r'],
        skip_empty_lines: true,
        // Cell counts are checked per record, so one short row is rejected alone.
        relax_column_count: true,
        max_record_size: MAX_RECORD_BYTES,
        on_record: (record: string[], context) => {
          records.push(record);
          ends.push(base + context.bytes);
          return null; // kept above; csv-parse need not build a second array
        },
      });
      break;
    } catch (err) {
      if (!(err instanceof CsvError)) throw err;
      const start = recordStart(buf, ends.at(-1) ?? 0);
      if (records.length === 0) {
        const line = recordSpans(buf, [buf.length])[0]?.line ?? 1;
        const { csv_code, why } = reasonOf(err);
        throw hrFileError(
          'hr.malformed_csv',
          source,
          `malformed CSV in the header at line ${line}: ${why}`,
          { line, csv_code },
        );
      }
      from = nextLine(buf, start);
      broken.set(records.length, reasonOf(err));
      records.push([]);
      ends.push(from);
    }
  }
  return { records, ends, broken };
}

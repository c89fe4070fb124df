/** Reads CSV bytes into raw rows with exact starting line numbers, using csv-parse. */
import { CsvError, parse } from 'csv-parse/sync';
import { HR_FIELDS } from '../../domain/types.js';
import { resolveHeader } from './columns.js';
import { hrFileError } from './file-error.js';
import { formatLength, MAX_CELL_LENGTH, MAX_RECORD_BYTES, truncateRaw } from './limits.js';
import { recordSpans } from './line-numbers.js';
import type { RawRow } from './types.js';

/** Parses the whole buffer; throws hr.malformed_csv with the line of the record that broke. */
function parseRecords(buf: Buffer, source: string): { records: string[][]; ends: number[] } {
  const ends: number[] = [];
  try {
    const records = parse(buf, {
      bom: true,
      // Explicit, so files mixing CRLF and LF (hand-edited exports) still split on every line.
      record_delimiter: ['\r\n', '\n', '\r'],
      skip_empty_lines: true,
      // Cell counts are checked per record, so one short row is rejected alone.
      relax_column_count: true,
      max_record_size: MAX_RECORD_BYTES,
      on_record: (record: string[], context) => {
        ends.push(context.bytes);
        return record;
      },
    });
    return { records, ends };
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    // csv-parse counts a CRLF inside quotes as two lines, so report our own count instead.
    const spans = recordSpans(buf, [...ends, buf.length]);
    const line = spans[spans.length - 1]?.line ?? 1;
    const why = err.message.replace(/\s*(at|on) line \d+/g, '').replace(/\s+$/, '');
    throw hrFileError(
      'hr.malformed_csv',
      source,
      `malformed CSV in the record at line ${line}: ${why}`,
      {
        line,
        csv_code: err.code,
      },
    );
  }
}

const isBlank = (cells: string[]): boolean => cells.every((c) => c.trim() === '');

export function readCsvRows(
  buf: Buffer,
  columns: Record<string, string> | undefined,
  source: string,
): RawRow[] {
  const { records, ends } = parseRecords(buf, source);
  const spans = recordSpans(buf, ends);
  const header = records[0] ?? [];
  const indexes = resolveHeader(header, columns, source);
  const mapped = new Set(indexes.filter((i) => i !== undefined));
  const rows: RawRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const cells = records[r]!;
    if (isBlank(cells)) continue; // e.g. the ",,,," rows spreadsheets leave at the end
    const span = spans[r]!;
    const issues: string[] = [];
    if (cells.length !== header.length) {
      issues.push(`has ${cells.length} cells but the header has ${header.length}`);
    }
    for (let c = 0; c < cells.length; c++) {
      const len = cells[c]!.length;
      if (len > MAX_CELL_LENGTH && !mapped.has(c)) {
        const name = header[c] === undefined ? `#${c + 1}` : JSON.stringify(header[c]);
        issues.push(
          `column ${name} is ${formatLength(len)} characters long (limit ${formatLength(MAX_CELL_LENGTH)})`,
        );
      }
    }
    const values = new Array<string | undefined>(HR_FIELDS.length);
    for (let f = 0; f < HR_FIELDS.length; f++) {
      const i = indexes[f];
      values[f] = i === undefined ? undefined : cells[i];
    }
    rows.push({
      row: span.line,
      values,
      issues,
      raw: () => truncateRaw(buf.toString('utf8', span.start, span.end).replace(/\r?\n$|\r$/, '')),
    });
  }
  return rows;
}

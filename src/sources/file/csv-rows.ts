/** Reads CSV bytes into raw rows with exact starting line numbers, using csv-parse. */
import { HR_FIELDS } from '../../domain/types.js';
import { resolveHeader } from './columns.js';
import { type CsvBreak, parseCsvRecords } from './csv-records.js';
import { formatLength, MAX_CELL_LENGTH, truncateRaw } from './limits.js';
import { type RecordSpan, recordSpans } from './line-numbers.js';
import type { RawRow } from './types.js';

const isBlank = (cells: string[]): boolean => cells.every((c) => c.trim() === '');

const firstLine = (text: string): string => text.split(/\r\n|\n|\r/, 1)[0] ?? '';

/**
 * The cells of a broken record that can still be trusted: those wholly before its first quote
 * (a cell the quote opens, and every one after it, may be cut anywhere). Enough, usually, to
 * name the employee and see a `terminated` status.
 */
export function salvageCells(rawLine: string): string[] {
  const quote = rawLine.indexOf('"');
  if (quote === -1) return rawLine.split(',');
  return rawLine.slice(0, quote).split(',').slice(0, -1);
}

function brokenRow(
  buf: Buffer,
  span: RecordSpan,
  why: CsvBreak,
  indexes: (number | undefined)[],
): RawRow {
  const text = buf.toString('utf8', span.start, span.end).replace(/\r?\n$|\r$/, '');
  const cells = salvageCells(firstLine(text));
  return {
    row: span.line,
    values: indexes.map((i) => (i === undefined ? undefined : cells[i])),
    issues: [`malformed CSV: ${why.why}; reading resumed at the next line`],
    malformed: { code: 'hr.malformed_csv', csv_code: why.csv_code },
    raw: () => truncateRaw(text),
  };
}

export function readCsvRows(
  buf: Buffer,
  columns: Record<string, string> | undefined,
  source: string,
): RawRow[] {
  const { records, ends, broken } = parseCsvRecords(buf, source);
  const spans = recordSpans(buf, ends);
  const header = records[0] ?? [];
  const indexes = resolveHeader(header, columns, source);
  const mapped = new Set(indexes.filter((i) => i !== undefined));
  const rows: RawRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const span = spans[r]!;
    const why = broken.get(r);
    if (why) {
      rows.push(brokenRow(buf, span, why, indexes));
      continue;
    }
    const cells = records[r]!;
    if (isBlank(cells)) continue; // e.g. the ",,,," rows spreadsheets leave at the end
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

/** File-level errors of the HR file source: one TenureError per stable `hr.*` code. */
import { TenureError } from '../../domain/errors.js';

export type HrFileErrorCode =
  | 'hr.empty_file'
  | 'hr.header_only'
  | 'hr.missing_columns'
  | 'hr.duplicate_columns'
  | 'hr.invalid_column_mapping'
  | 'hr.malformed_csv'
  | 'hr.malformed_json'
  | 'hr.invalid_encoding'
  | 'hr.unsupported_format'
  | 'hr.unreadable_file';

/** The message always starts with the file name, so an operator knows which export failed. */
export const hrFileError = (
  code: HrFileErrorCode,
  source: string,
  reason: string,
  details: Record<string, unknown> = {},
): TenureError => new TenureError(code, `${source}: ${reason}`, { source, ...details });

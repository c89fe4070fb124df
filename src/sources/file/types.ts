/** Result and option types of the HR file source (CSV/JSON snapshots). */
import type { EmploymentType, HrRecord, HrStatus } from '../../domain/types.js';

/** `values:` of a file source: the export's own words for a status or an employment type ⟶ Tenure's (value-mapping.ts). */
export type ValueMapping = {
  status?: Record<string, HrStatus>;
  employment_type?: Record<string, EmploymentType>;
};

export type HrFileFormat = 'csv' | 'json';

export type HrReadOptions = {
  format?: HrFileFormat;
  /** Tenure field -> column name (CSV header or JSON key) in the export. */
  columns?: Record<string, string>;
  /** The export's own status / employment type values ⟶ Tenure's. */
  values?: ValueMapping;
  /** How error messages name the input, e.g. the file path. */
  source?: string;
};

export type AcceptedRecord = { row: number; record: HrRecord };

/**
 * `critical`: the rejected row says the person is terminated, so their access stays in place
 * until someone fixes the row — a leaver who must not wait unnoticed. `error`: any other row.
 */
export type RejectionSeverity = 'critical' | 'error';

export type RejectedRecord = {
  row: number;
  /** The row's employee id when it is well-formed, else null. */
  employee_id: string | null;
  reason: string;
  severity: RejectionSeverity;
  /** A stable code when one names the problem (`hr.malformed_csv`, `hr.employee_id_case_conflict`). */
  code?: string;
  /** The record as written in the file (truncated for very long records). */
  raw: string;
};

export type RecordWarning = { row: number; employee_id: string; message: string };

export type HrReadResult = {
  records: AcceptedRecord[];
  rejected: RejectedRecord[];
  warnings: RecordWarning[];
  /** Data rows seen: accepted + rejected (blank rows are not counted). */
  rowCount: number;
  /** SHA-256 (hex) of the raw bytes. */
  sha256: string;
};

/**
 * A data row as read from the file, before validation. `values` is indexed like HR_FIELDS;
 * undefined means the column/key is absent. `issues` are problems found while reading.
 */
export type RawRow = {
  row: number;
  values: (string | undefined)[];
  issues: string[];
  /** The record could not be parsed at all: `values` holds only what was salvaged. */
  malformed?: { code: string; csv_code?: string };
  raw: () => string;
};

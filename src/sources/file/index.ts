/** The HR file source: CSV/JSON snapshots read into validated HR records. */

export { REQUIRED_COLUMNS } from './columns.js';
export type { HrFileErrorCode } from './file-error.js';
export { parseHrSnapshot } from './parse-snapshot.js';
export { readHrFile } from './read-hr-file.js';
export { checkSnapshotDrop, type SnapshotDropCheck } from './snapshot-drop.js';
export type {
  AcceptedRecord,
  HrFileFormat,
  HrReadOptions,
  HrReadResult,
  RecordWarning,
  RejectedRecord,
} from './types.js';

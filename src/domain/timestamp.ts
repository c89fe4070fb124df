/** The one time type of the store and the audit trail. */
/** All timestamps are ISO-8601 UTC strings with milliseconds (`2026-11-26T18:52:15.123Z`). */
export type Timestamp = string;

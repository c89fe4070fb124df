/** Limits and character rules shared by the CSV and JSON readers and the record validator. */

/** Longest accepted cell, in UTF-16 code units: longer values are rejected per record. */
export const MAX_CELL_LENGTH = 4096;

/**
 * Upper bound handed to csv-parse for one record. Far above MAX_CELL_LENGTH on purpose: an
 * oversized cell (10 MB, say) must still parse so the record is rejected alone, with its length
 * in the reason; only a record too large to be an HR export at all fails the whole file.
 */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** Longest `raw` kept for a rejected record, so quarantine never stores megabytes. */
export const MAX_RAW_LENGTH = 1000;

/** Unicode Cc (C0, DEL, C1) plus line/paragraph separators, which act as newlines downstream. */
export const CONTROL_CHAR = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export const EMPLOYEE_ID = /^[A-Za-z0-9._-]{1,64}$/;

export const formatLength = (n: number): string => n.toLocaleString('en-US');

/** A value quoted for a message, shortened so reasons stay readable. */
export const show = (value: string, max = 80): string =>
  JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);

export const truncateRaw = (raw: string): string =>
  raw.length > MAX_RAW_LENGTH
    ? `${raw.slice(0, MAX_RAW_LENGTH)}… [truncated, ${formatLength(raw.length)} characters]`
    : raw;

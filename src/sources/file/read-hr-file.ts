/** Reads an HR export from disk (format from the option or the file extension) and parses it. */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { hrFileError } from './file-error.js';
import { parseHrSnapshot } from './parse-snapshot.js';
import type { HrFileFormat, HrReadOptions, HrReadResult } from './types.js';

function formatOf(path: string): HrFileFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.json') return 'json';
  throw hrFileError(
    'hr.unsupported_format',
    path,
    `cannot tell the format from the extension ${JSON.stringify(ext)}; set format: csv or json`,
  );
}

/** Reads and parses an HR file; error messages name `path`. */
export async function readHrFile(
  path: string,
  opts: Omit<HrReadOptions, 'source'> = {},
): Promise<HrReadResult> {
  const format = opts.format ?? formatOf(path);
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    throw hrFileError('hr.unreadable_file', path, `cannot read the HR file (${code})`, {
      cause: code,
    });
  }
  return parseHrSnapshot(content, { ...opts, format, source: path });
}

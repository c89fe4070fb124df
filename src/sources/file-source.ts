/** The HR file source (CSV/JSON export) behind the source contract, unchanged: `type: file`. */
import { resolve } from 'node:path';
import type { SourceFactory } from './contract.js';
import { type FileSourceConfig, fileSourceSchema } from './file/config.js';
import { readHrFile } from './file/index.js';

export const fileSource: SourceFactory<FileSourceConfig> = {
  type: 'file',
  configGuard: fileSourceSchema,
  create(ctx) {
    const c = ctx.config;
    const path = resolve(ctx.baseDir, c.path);
    return {
      label: path,
      snapshotKind: c.snapshot,
      snapshot: () => readHrFile(path, { format: c.format, columns: c.columns, values: c.values }),
    };
  },
};

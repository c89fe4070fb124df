/** Tenure's version, as package.json states it: what `tenure --version` prints. */
import { readFileSync } from 'node:fs';

export const TENURE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

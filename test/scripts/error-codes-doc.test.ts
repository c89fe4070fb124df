/** docs/error-codes.md is generated from the registry: it must be current, and so must the code. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES_DOC, renderErrorCodes } from '../../scripts/error-codes-doc.js';
import { ERROR_CODES } from '../../src/domain/error-codes.js';

const SRC = new URL('../../src/', import.meta.url).pathname;
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });

describe('error codes', () => {
  it('docs/error-codes.md is what scripts/error-codes-doc.ts writes (run it after a change)', () => {
    expect(readFileSync(ERROR_CODES_DOC, 'utf8')).toBe(renderErrorCodes());
  });

  it('every code is <area>.<snake_case> (or the bare `internal`)', () => {
    for (const code of Object.keys(ERROR_CODES))
      expect(code).toMatch(/^(internal|[a-z]+\.[a-z][a-z0-9_]*)$/);
  });

  it('every registered code is still thrown somewhere (no dead entries to document)', () => {
    const text = sources(SRC)
      .filter((f) => !f.endsWith('domain/error-codes.ts'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const dead = Object.keys(ERROR_CODES).filter((code) => !text.includes(`'${code}'`));
    expect(dead).toEqual([]);
  });
});

/** The HR source types this build knows, by the name used in tenure.yaml `sources[].type`. */
import { bamboohrSource } from './bamboohr/index.js';
import type { SourceFactory } from './contract.js';
import { fileSource } from './file-source.js';
import { hibobSource } from './hibob/index.js';
import { workdaySource } from './workday/index.js';

const factories = new Map<string, SourceFactory<never>>(
  [fileSource, bamboohrSource, hibobSource, workdaySource].map((f) => [
    f.type,
    f as unknown as SourceFactory<never>,
  ]),
);

export const findSource = (type: string): SourceFactory<unknown> | undefined =>
  factories.get(type) as SourceFactory<unknown> | undefined;

export const sourceTypes = (): string[] => [...factories.keys()].sort();

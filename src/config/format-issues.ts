/** Turns zod issues into `applications[2].connector: reason` lines an operator can act on. */
import type { z } from 'zod';

export const formatPath = (path: readonly PropertyKey[]): string =>
  path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');

const describe = (issue: z.core.$ZodIssue): string => {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_union':
      return 'is not a valid condition: use one of equals, in, regex, and, or, not';
    case 'invalid_type':
      return issue.input === undefined ? `is required (${issue.expected})` : issue.message;
    default:
      return issue.message;
  }
};

export const formatIssues = (
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
) =>
  issues.map((issue) => {
    const path = formatPath([...prefix, ...issue.path]);
    return path ? `${path}: ${describe(issue)}` : describe(issue);
  });

/**
 * What an LDAP failure means for an operation: transient (retry with backoff) or permanent
 * (a `failure` result carrying the server's message), with the result code named.
 * @see https://www.rfc-editor.org/rfc/rfc4511#appendix-A
 */
import { ResultCodeError } from 'ldapts';

export const RC = {
  timeLimitExceeded: 3,
  noSuchAttribute: 16,
  constraintViolation: 19,
  typeOrValueExists: 20,
  noSuchObject: 32,
  invalidCredentials: 49,
  insufficientAccessRights: 50,
  busy: 51,
  unavailable: 52,
  unwillingToPerform: 53,
  objectClassViolation: 65,
  notAllowedOnNonLeaf: 66,
  entryAlreadyExists: 68,
} as const;

const NAMES: Record<number, string> = {
  1: 'operationsError',
  2: 'protocolError',
  3: 'timeLimitExceeded',
  8: 'strongAuthRequired',
  13: 'confidentialityRequired',
  16: 'noSuchAttribute',
  17: 'undefinedAttributeType',
  19: 'constraintViolation',
  20: 'attributeOrValueExists',
  21: 'invalidAttributeSyntax',
  32: 'noSuchObject',
  34: 'invalidDNSyntax',
  49: 'invalidCredentials',
  50: 'insufficientAccessRights',
  51: 'busy',
  52: 'unavailable',
  53: 'unwillingToPerform',
  64: 'namingViolation',
  65: 'objectClassViolation',
  66: 'notAllowedOnNonLeaf',
  67: 'notAllowedOnRDN',
  68: 'entryAlreadyExists',
  69: 'objectClassModsProhibited',
};

const TRANSIENT_CODES = new Set<number>([RC.timeLimitExceeded, RC.busy, RC.unavailable]);
/** Socket-level failures, as Node and ldapts word them: the server went away or never answered. */
const TRANSIENT_TEXT =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|socket|connection (closed|timeout|lost)|timed out|not established/i;

export const resultCode = (e: unknown): number | undefined =>
  e instanceof ResultCodeError ? e.code : undefined;

export const isCode = (e: unknown, code: number): boolean => resultCode(e) === code;

export function isTransient(e: unknown): boolean {
  const code = resultCode(e);
  if (code !== undefined) return TRANSIENT_CODES.has(code);
  return TRANSIENT_TEXT.test((e as Error)?.message ?? String(e));
}

/** A one-line message for a result: `insufficientAccessRights (50): <server text>`. */
export function describeError(e: unknown): string {
  const code = resultCode(e);
  // ldapts appends " Code: 0x20"; with no server text that is all there is.
  const text = ((e as Error)?.message ?? String(e))
    .replace(/\s*Code: 0x[0-9a-f]+$/i, '')
    .replace(/\s+/g, ' ')
    .trim();
  const on = (e as { dn?: string })?.dn;
  if (code !== undefined)
    return `${NAMES[code] ?? 'ldap error'} (${code})${text ? `: ${text}` : ''}${on !== undefined ? ` on ${on}` : ''}`;
  if (/ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ENOTFOUND/.test(text))
    return `server unreachable: ${text}`;
  if (/timed out|timeout/i.test(text)) return `timed out: ${text}`;
  return text;
}

/** A failure the connector itself decides (bad name, missing account): never retried. */
export class LdapOpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LdapOpError';
  }
}

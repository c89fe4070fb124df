/**
 * Records the LDAP writes a bench run makes (as they succeed) and renders them as one LDIF of
 * change records, so `ldapmodify -f` can apply exactly the same writes: the like-with-like limit
 * for the directory figure. @see https://www.rfc-editor.org/rfc/rfc2849 (LDIF)
 */
import { type Attribute, type Change, Client } from 'ldapts';

export type RecordedWrite =
  | { kind: 'add'; dn: string; attributes: Attribute[] }
  | { kind: 'modify'; dn: string; changes: Change[] };

type Writes = {
  add(this: Client, dn: string, attributes: Attribute[]): Promise<void>;
  modify(this: Client, dn: string, changes: Change | Change[]): Promise<void>;
};

/**
 * Until the returned stop() is called, every successful add/modify of any ldapts Client in this
 * process is appended to `into`. Completion order keeps causality: a child is only sent once its
 * parent's add has succeeded, a group's members once the group exists. Failed attempts (a
 * modify answered noSuchObject before the group is created) are not writes and are not kept.
 */
export function recordWrites(into: RecordedWrite[]): () => void {
  const proto = Client.prototype as unknown as Writes;
  const { add, modify } = proto;
  proto.add = async function (dn, attributes) {
    await add.call(this, dn, attributes);
    into.push({ kind: 'add', dn: String(dn), attributes });
  };
  proto.modify = async function (dn, changes) {
    await modify.call(this, dn, changes);
    into.push({ kind: 'modify', dn: String(dn), changes: [changes].flat() });
  };
  return () => {
    proto.add = add;
    proto.modify = modify;
  };
}

/** RFC 2849 SAFE-STRING: printable ASCII, no leading space, colon or "<", no trailing space. */
const SAFE =
  /^(?:[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*)?$/;

const line = (type: string, value: string | Buffer): string =>
  typeof value === 'string' && SAFE.test(value) && !value.endsWith(' ')
    ? `${type}: ${value}\n`
    : `${type}:: ${Buffer.from(value).toString('base64')}\n`;

const values = (a: Attribute) => (a.values as (string | Buffer)[]).map((v) => line(a.type, v));

function record(w: RecordedWrite): string {
  if (w.kind === 'add')
    return `${line('dn', w.dn)}changetype: add\n${w.attributes.flatMap(values).join('')}`;
  const changes = w.changes.map(
    (c) => `${c.operation}: ${c.modification.type}\n${values(c.modification).join('')}-\n`,
  );
  return `${line('dn', w.dn)}changetype: modify\n${changes.join('')}`;
}

/** One LDIF file of change records, in the order the writes were made. */
export const toChangeLdif = (writes: readonly RecordedWrite[]): string =>
  writes.map(record).join('\n');

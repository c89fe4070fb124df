/**
 * Tenure account <-> SCIM User: which operation attribute goes to which SCIM path, the body of a
 * POST or PUT, the PATCH operations that bring a user to the desired values (only what differs),
 * and the AccountRecord read back. Pure.
 * @see https://www.rfc-editor.org/rfc/rfc7643#section-4.1
 */
import type { Operation } from '../../domain/types.js';
import type { AccountRecord } from '../contract.js';
import { ScimOpError } from './errors.js';
import {
  clearPath,
  element,
  field,
  parsePath,
  readPath,
  renderPath,
  type ScimPath,
  writePath,
} from './paths.js';
import type { ScimSettings } from './settings.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const PATCH_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

type Json = Record<string, unknown>;
export type PatchOperation = { op: 'add' | 'remove' | 'replace'; path?: string; value?: unknown };

/** Singular core User attributes a policy may name directly (`displayName: "{display_name}"`). */
const CORE_PATHS = [
  'displayName',
  'nickName',
  'title',
  'userType',
  'preferredLanguage',
  'locale',
  'timezone',
  'profileUrl',
  'externalId',
  'name.formatted',
  'name.givenName',
  'name.familyName',
  'name.middleName',
  'name.honorificPrefix',
  'name.honorificSuffix',
];

export type Mapping = {
  userName: string;
  attributes: Map<string, ScimPath>;
  employeeId: ScimPath | null;
  container: ScimPath | null;
  patchActive: 'path' | 'value';
};

export function createMapping(s: ScimSettings): Mapping {
  const attributes = new Map(CORE_PATHS.map((p) => [p, parsePath(p)]));
  const explicit = new Set(Object.values(s.attributes).map((p) => renderPath(parsePath(p))));
  // A core path another name already maps would be read back twice: keep only the chosen name.
  for (const p of CORE_PATHS) if (explicit.has(p)) attributes.delete(p);
  for (const [name, p] of Object.entries(s.attributes)) attributes.set(name, parsePath(p));
  return {
    userName: s.user_name,
    attributes,
    employeeId: s.employee_id === null ? null : parsePath(s.employee_id),
    container: s.container ? parsePath(s.container) : null,
    patchActive: s.quirks.patch_active,
  };
}

/** The userName a create gives the account. */
export function userNameOf(op: Operation, m: Mapping): string {
  const v = m.userName === 'account_id' ? op.account_id : op.attributes?.[m.userName];
  if (!v) throw new ScimOpError(`no userName: operation attribute "${m.userName}" is empty`);
  return v;
}

/** Desired (path, value) pairs of an operation; '' means "absent". Throws on an unmapped name. */
export function desiredValues(op: Operation, m: Mapping): [ScimPath, string][] {
  const out: [ScimPath, string][] = [];
  for (const [name, value] of Object.entries(op.attributes ?? {})) {
    const p = m.attributes.get(name);
    if (!p && name === m.userName) continue; // it became the userName; nothing else to write
    if (!p)
      throw new ScimOpError(
        `attribute "${name}" has no SCIM path: map it in settings.attributes (e.g. ${name}: displayName)`,
      );
    out.push([p, value]);
  }
  if (m.employeeId && op.identity_id) out.push([m.employeeId, op.identity_id]);
  if (m.container && op.container !== undefined) out.push([m.container, op.container ?? '']);
  return out;
}

export function createBody(userName: string, values: [ScimPath, string][], active: boolean): Json {
  const body: Json = { schemas: [USER_SCHEMA], userName, active };
  for (const [p, v] of values) if (v !== '') writePath(body, p, v);
  return body;
}

/** RFC 7643 `active` is a boolean; Entra-era servers send "True"/"False". Absent counts as active. */
export function isActive(resource: unknown): boolean {
  const v = field(resource, 'active');
  if (typeof v === 'string') return v.toLowerCase() !== 'false';
  return v !== false;
}

/** The PATCH operations that bring `resource` to `values` (and `active`); [] if nothing differs. */
export function patchOps(
  resource: Json,
  values: [ScimPath, string][],
  active: boolean | undefined,
  m: Pick<Mapping, 'patchActive'>,
): PatchOperation[] {
  const ops: PatchOperation[] = [];
  for (const [p, v] of values) {
    const current = readPath(resource, p);
    if (v === '') {
      if (current !== undefined) ops.push({ op: 'remove', path: renderPath(p, true) });
    } else if (current !== v) {
      if (p.filter && !element(resource, p)) {
        // Replacing through a filter that matches nothing is a 400 noTarget (RFC 7644 §3.5.2.3).
        const list = `${p.schema ? `${p.schema}:` : ''}${p.attr}`;
        ops.push({
          op: 'add',
          path: list,
          value: [{ [p.filter.attr]: p.filter.value, [p.sub!]: v }],
        });
      } else ops.push({ op: 'replace', path: renderPath(p), value: v });
    }
  }
  if (active !== undefined && active !== isActive(resource)) {
    ops.push(
      m.patchActive === 'path'
        ? { op: 'replace', path: 'active', value: active }
        : { op: 'replace', value: { active } },
    );
  }
  return ops;
}

/**
 * What a server answered with, checked against what was asked: the paths (and `active`) it did
 * not keep. Servers drop attributes they do not know without a word (SCIMMY does); compared
 * trimmed and case-insensitively, so a server that normalises values is not taken for one.
 */
export function unkept(
  resource: Json,
  values: [ScimPath, string][],
  active: boolean | undefined,
): string[] {
  const norm = (v: string | undefined) => (v ?? '').trim().toLowerCase();
  const lost = values
    .filter(([p, v]) => norm(readPath(resource, p)) !== norm(v))
    .map(([p]) => renderPath(p));
  if (active !== undefined && isActive(resource) !== active) lost.push('active');
  return lost;
}

/** The whole resource with `values` applied, for servers updated by PUT; undefined if unchanged. */
export function putBody(
  resource: Json,
  values: [ScimPath, string][],
  active: boolean | undefined,
): Json | undefined {
  if (patchOps(resource, values, active, { patchActive: 'path' }).length === 0) return undefined;
  const body = structuredClone(resource);
  for (const k of Object.keys(body))
    if (['meta', 'groups'].includes(k.toLowerCase())) delete body[k];
  for (const [p, v] of values) {
    if (v === '') clearPath(body, p);
    else writePath(body, p, v);
  }
  if (active !== undefined) body.active = active;
  return body;
}

/** A SCIM User as Tenure's account record. */
export function toAccount(resource: Json, m: Mapping, entitlements: string[]): AccountRecord {
  const attributes: Record<string, string> = {};
  for (const [name, p] of m.attributes) {
    const v = readPath(resource, p);
    if (v !== undefined) attributes[name] = v;
  }
  const userName = field(resource, 'userName');
  return {
    account_id: typeof userName === 'string' ? userName : '',
    attributes,
    container: m.container ? (readPath(resource, m.container) ?? null) : null,
    enabled: isActive(resource),
    entitlements: [...new Set(entitlements)].sort(),
    employee_id: m.employeeId ? (readPath(resource, m.employeeId) ?? null) : null,
  };
}

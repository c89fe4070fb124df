/**
 * SCIM attribute paths as the connector uses them: `displayName`, `name.givenName`,
 * `emails[type eq "work"].value`, `urn:…:enterprise:2.0:User:employeeNumber`. Parse, read from a
 * resource, write into a request body, render back for PATCH. Pure.
 * @see https://www.rfc-editor.org/rfc/rfc7644#section-3.10
 */
import { filterValue } from './filter.js';

export type ScimPath = {
  /** Extension schema URN (`urn:…:User`), or null for a core attribute. */
  schema: string | null;
  attr: string;
  /** A value filter selecting one element of a multi-valued attribute (`[type eq "work"]`). */
  filter: { attr: string; value: string } | null;
  sub: string | null;
};

type Json = Record<string, unknown>;

const NAME = '[A-Za-z][\\w$-]*';
const PATH = new RegExp(
  `^(?:(urn:[^\\[\\]\\s]+):)?(${NAME})(?:\\[(${NAME}) eq "((?:[^"\\\\]|\\\\.)*)"\\])?(?:\\.(${NAME}))?$`,
);

/** Throws with the reason when `text` is not a path this connector can read and write. */
export function parsePath(text: string): ScimPath {
  const m = PATH.exec(text);
  if (!m)
    throw new Error(
      `"${text}" is not a SCIM attribute path like name.givenName, emails[type eq "work"].value or urn:…:User:employeeNumber`,
    );
  const [, schema, attr, fAttr, fValue, sub] = m;
  if (fAttr !== undefined && sub === undefined)
    throw new Error(`"${text}" selects an element: name the sub-attribute (e.g. ${text}.value)`);
  return {
    schema: schema ?? null,
    attr: attr!,
    filter:
      fAttr !== undefined ? { attr: fAttr, value: JSON.parse(`"${fValue}"`) as string } : null,
    sub: sub ?? null,
  };
}

/** Core attributes the connector or the server owns: no mapping may write them. */
const RESERVED = new Set(['id', 'username', 'active', 'meta', 'groups', 'password', 'schemas']);

export const isReserved = (p: ScimPath): boolean =>
  p.schema === null && RESERVED.has(p.attr.toLowerCase());

/** The path as sent in a PATCH operation; `element` stops at the selected element (for remove). */
export function renderPath(p: ScimPath, element = false): string {
  const head = `${p.schema ? `${p.schema}:` : ''}${p.attr}`;
  if (p.filter) {
    const sel = `${head}[${p.filter.attr} eq ${filterValue(p.filter.value)}]`;
    return element || !p.sub ? sel : `${sel}.${p.sub}`;
  }
  return p.sub ? `${head}.${p.sub}` : head;
}

/** SCIM attribute names are case-insensitive (RFC 7643 §2.1): find the key as the server spelt it. */
export function keyOf(obj: Json, name: string): string | undefined {
  if (Object.hasOwn(obj, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

export const field = (obj: unknown, name: string): unknown => {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const k = keyOf(obj as Json, name);
  return k === undefined ? undefined : (obj as Json)[k];
};

const scalar = (v: unknown): string | undefined =>
  typeof v === 'string'
    ? v
    : typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : undefined;

const sameText = (a: unknown, b: string) =>
  typeof a === 'string' && a.toLowerCase() === b.toLowerCase();

/** The element a filtered path selects, if present. */
export function element(resource: unknown, p: ScimPath): Json | undefined {
  const list = field(container(resource, p), p.attr);
  if (!Array.isArray(list) || !p.filter) return undefined;
  const { attr, value } = p.filter;
  return list.find((e) => sameText(field(e, attr), value)) as Json | undefined;
}

const container = (resource: unknown, p: ScimPath): unknown =>
  p.schema ? field(resource, p.schema) : resource;

/** The value at `p` as text, or undefined when absent (or not a scalar). */
export function readPath(resource: unknown, p: ScimPath): string | undefined {
  if (p.filter) return scalar(field(element(resource, p), p.sub!));
  const v = field(container(resource, p), p.attr);
  if (!p.sub) return scalar(v);
  if (Array.isArray(v)) {
    // `emails.value` without a filter: the primary element, else the first.
    const pick = v.find((e) => field(e, 'primary') === true) ?? v[0];
    return scalar(field(pick, p.sub));
  }
  return scalar(field(v, p.sub));
}

/** Writes `value` at `p` into a resource body being built (POST) or rewritten (PUT). */
export function writePath(body: Json, p: ScimPath, value: string): void {
  let target = body;
  if (p.schema) {
    target = child(body, p.schema);
    const schemas = (body.schemas ??= []) as string[];
    if (!schemas.includes(p.schema)) schemas.push(p.schema);
  }
  if (p.filter) {
    const k = keyOf(target, p.attr) ?? p.attr;
    const list = Array.isArray(target[k]) ? (target[k] as Json[]) : [];
    target[k] = list;
    const found = list.find((e) => sameText(field(e, p.filter!.attr), p.filter!.value));
    if (found) found[keyOf(found, p.sub!) ?? p.sub!] = value;
    else list.push({ [p.filter.attr]: p.filter.value, [p.sub!]: value });
    return;
  }
  if (p.sub) child(target, p.attr)[p.sub] = value;
  else target[keyOf(target, p.attr) ?? p.attr] = value;
}

/** Removes the value at `p` (a filtered path removes the whole element) from a body (PUT). */
export function clearPath(body: Json, p: ScimPath): void {
  const target = container(body, p) as Json | undefined;
  if (!target || typeof target !== 'object') return;
  const k = keyOf(target, p.attr);
  if (k === undefined) return;
  if (p.filter) {
    const list = target[k];
    if (Array.isArray(list)) target[k] = list.filter((e) => e !== element(body, p));
  } else if (p.sub) {
    const obj = target[k];
    if (obj && typeof obj === 'object') delete (obj as Json)[keyOf(obj as Json, p.sub) ?? p.sub];
  } else delete target[k];
}

function child(obj: Json, name: string): Json {
  const k = keyOf(obj, name) ?? name;
  const v = obj[k];
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Json;
  const made: Json = {};
  obj[k] = made;
  return made;
}

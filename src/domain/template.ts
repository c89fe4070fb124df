/** `{field}` templates for account names and attributes, parsed once and rendered without escaping. */

import { ATTRIBUTE_NAMES } from './attributes.js';
import { TenureError } from './errors.js';

type Part = string | { field: string };
export type CompiledTemplate = {
  fields: string[];
  render(attrs: Readonly<Record<string, string | null | undefined>>): string;
};

const FIELD_RE = /^[a-z_][a-z0-9_]*$/;
const known: ReadonlySet<string> = new Set(ATTRIBUTE_NAMES);
const cache = new Map<string, CompiledTemplate>();

function parse(tpl: string): Part[] {
  const parts: Part[] = [];
  let text = '';
  for (let i = 0; i < tpl.length; i++) {
    const c = tpl[i];
    if ((c === '{' || c === '}') && tpl[i + 1] === c) {
      text += c; // `{{` and `}}` are literal braces
      i++;
    } else if (c === '{') {
      const end = tpl.indexOf('}', i);
      const name = end < 0 ? '' : tpl.slice(i + 1, end);
      if (!FIELD_RE.test(name)) {
        throw new TenureError('policy.bad_template', `template "${tpl}": bad field at ${i}`, {
          template: tpl,
        });
      }
      if (!known.has(name)) {
        throw new TenureError(
          'policy.unknown_field',
          `template "${tpl}": unknown field "${name}" (known: ${ATTRIBUTE_NAMES.join(', ')})`,
          { template: tpl, field: name },
        );
      }
      if (text !== '') parts.push(text);
      text = '';
      parts.push({ field: name });
      i = end;
    } else if (c === '}') {
      throw new TenureError(
        'policy.bad_template',
        `template "${tpl}": lone "}" at ${i} (write "}}")`,
        { template: tpl },
      );
    } else {
      text += c;
    }
  }
  if (text !== '') parts.push(text);
  return parts;
}

/**
 * Compiles a template once (cached by text). Values are inserted verbatim: escaping for a target
 * (LDAP DN, SCIM filter, CSV) is the connector's job, so `*)(uid=*` stays `*)(uid=*`.
 * A null attribute renders as the empty string.
 */
export function compileTemplate(tpl: string): CompiledTemplate {
  const hit = cache.get(tpl);
  if (hit !== undefined) return hit;
  const parts = parse(tpl);
  const fields = [...new Set(parts.flatMap((p) => (typeof p === 'string' ? [] : [p.field])))];
  let render: CompiledTemplate['render'];
  const [only] = parts;
  if (parts.length === 0) render = () => '';
  else if (parts.length === 1 && typeof only === 'string') render = () => only;
  else if (parts.length === 1 && only !== undefined && typeof only !== 'string') {
    const f = only.field;
    render = (a) => a[f] ?? '';
  } else {
    render = (a) => {
      let out = '';
      for (const p of parts) out += typeof p === 'string' ? p : (a[p.field] ?? '');
      return out;
    };
  }
  const compiled = { fields, render };
  cache.set(tpl, compiled);
  return compiled;
}

/** Renders `{field}` placeholders; `{{`/`}}` are literal braces; unknown field → `policy.unknown_field`. */
export function renderTemplate(
  tpl: string,
  attrs: Readonly<Record<string, string | null | undefined>>,
): string {
  return compileTemplate(tpl).render(attrs);
}

/** The distinct fields a template reads, in order of first use. */
export function templateFields(tpl: string): string[] {
  return [...compileTemplate(tpl).fields];
}

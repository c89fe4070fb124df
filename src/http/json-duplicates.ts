/**
 * Finds an object key that appears twice in a JSON text. JSON.parse keeps the last one silently,
 * so `{"role":"requester","role":"admin"}` would pass a check made on one spelling and act on
 * the other; RFC 8259 §4 leaves duplicates to the receiver, and we refuse them.
 * @see https://www.rfc-editor.org/rfc/rfc8259#section-4
 */

export type DuplicateKey = {
  /** The key as decoded (`"\u0061"` and `"a"` are the same key). */
  key: string;
  /** Where: `role`, `items[2].name`; keys that are not identifiers are quoted, `["a b"]`. */
  path: string;
};

type Frame =
  | { kind: 'object'; keys: Set<string>; key: string | null }
  | { kind: 'array'; index: number };

const IDENT = /^[A-Za-z_$][\w$]*$/;
const step = (key: string) => (IDENT.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

const pathOf = (stack: Frame[], last: string) => {
  let out = '';
  for (const f of stack) {
    if (f.kind === 'array') out += `[${f.index}]`;
    else if (f.key !== null && f !== stack.at(-1)) out += step(f.key);
  }
  out += step(last);
  return out.startsWith('.') ? out.slice(1) : out;
};

/** Scans text that JSON.parse has already accepted (so no syntax checks here); linear time. */
export function findDuplicateKey(text: string): DuplicateKey | null {
  const stack: Frame[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      i++;
      let j = i;
      while (j < text.length && ' \t\n\r'.includes(text[j]!)) j++;
      const top = stack.at(-1);
      if (text[j] === ':' && top?.kind === 'object') {
        const key = JSON.parse(text.slice(start, i)) as string;
        if (top.keys.has(key)) return { key, path: pathOf(stack, key) };
        top.keys.add(key);
        top.key = key;
        i = j + 1;
      }
      continue;
    }
    if (c === '{') stack.push({ kind: 'object', keys: new Set(), key: null });
    else if (c === '[') stack.push({ kind: 'array', index: 0 });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      const top = stack.at(-1);
      if (top?.kind === 'array') top.index++;
    }
    i++;
  }
  return null;
}

/**
 * @module Decodes the `application/x-www-form-urlencoded` bodies the Stripe SDK sends
 * (`metadata[user_id]=…`, `line_items[0][price]=…`) into nested objects.
 */

export type FormValue = string | FormValue[] | { [key: string]: FormValue };

/**
 * @example decodeForm('a[b]=1&c[0][d]=2') // { a: { b: '1' }, c: [{ d: '2' }] }
 */
export function decodeForm(body: string): Record<string, FormValue> {
  const root: Record<string, FormValue> = {};
  for (const [rawKey, value] of new URLSearchParams(body)) {
    const path = rawKey.split(/\[|\]\[|\]/).filter((p, i) => p !== '' || i === 0);
    let node: Record<string, FormValue> | FormValue[] = root;
    path.forEach((part, i) => {
      const last = i === path.length - 1;
      const key: string | number = Array.isArray(node) ? Number(part) : part;
      const container = node as Record<string | number, FormValue>;
      if (last) {
        container[key] = value;
        return;
      }
      const nextIsIndex = /^\d+$/.test(path[i + 1]!);
      container[key] ??= nextIsIndex ? [] : {};
      node = container[key] as Record<string, FormValue> | FormValue[];
    });
  }
  return root;
}

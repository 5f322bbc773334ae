import { createHash } from 'node:crypto';

/**
 * The cache key of whatever makes a set of credentials different (role ARN, source
 * identity, session name, MFA serial, duration, ...): the SHA-256, in lowercase hex, of a
 * canonical JSON text of `parts`.
 *
 * The JSON is canonical so that equal values always give the same key: object keys are
 * sorted (by UTF-16 code units, recursively), members whose value is `undefined` are
 * dropped (so an absent option and an option set to `undefined` are the same), and a value
 * with `toJSON` (a `Date`) is replaced by its result, as `JSON.stringify` does. Array order
 * is kept, and `undefined` in an array is `null`, as in JSON.
 *
 * @throws TypeError for what JSON cannot carry unambiguously: a function, symbol, bigint,
 *   non-finite number, or a cycle
 */
export function cacheKey(parts: unknown): string {
  return createHash('sha256').update(canonicalJson(parts, []), 'utf8').digest('hex');
}

function canonicalJson(value: unknown, path: readonly object[]): string {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cacheKey: cannot encode the number ${String(value)}`);
      return JSON.stringify(value);
    case 'undefined':
      return 'null';
    case 'object': {
      if (value === null) return 'null';
      if (path.includes(value)) throw new TypeError('cacheKey: cannot encode a cyclic value');
      const inner = [...path, value];
      if (Array.isArray(value)) {
        return `[${value.map((item: unknown) => canonicalJson(item, inner)).join(',')}]`;
      }
      const record = value as Record<string, unknown>;
      const members = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key], inner)}`);
      return `{${members.join(',')}}`;
    }
    default:
      throw new TypeError(`cacheKey: cannot encode a ${typeof value}`);
  }
}

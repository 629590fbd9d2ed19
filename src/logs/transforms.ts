import type { KeyedHasher } from './ip-hash';
import { normalisePath } from './path-normalise';

/** Label transforms a mapping may name; applied in the order given. */
export const TRANSFORM_NAMES = ['ip_hash', 'hash', 'path_normalise', 'status_class', 'lower', 'upper'] as const;
export type TransformName = (typeof TRANSFORM_NAMES)[number];

export type Transform = (value: string) => string;

/** "404" → "4xx"; anything that is not a three-digit status stays as it is. */
function statusClass(value: string): string {
  return /^[1-5]\d\d$/.test(value) ? `${value[0]}xx` : value;
}

/** Entries kept per cache; a cache that fills up is emptied (values seen since refill it quickly). */
const CACHE_LIMIT = 10_000;

/**
 * Keeps results of a costly transform (HMAC, path rules) per input. Keys and values are copied
 * into fresh strings: inputs may be slices of a large chunk of log text, which must not be kept.
 */
function cached(transform: Transform): Transform {
  const cache = new Map<string, string>();
  // Several mappings of one line often transform the same field in a row.
  let lastInput: string | undefined;
  let lastResult = '';
  return (value) => {
    if (value === lastInput) return lastResult;
    let result = cache.get(value);
    if (result === undefined) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      result = detach(transform(value));
      cache.set(detach(value), result);
    }
    lastInput = value;
    lastResult = result;
    return result;
  };
}

/** A copy of a string that does not share memory with the string it came from. */
export function detach(value: string): string {
  return value.length < 13 ? value : (` ${value}`).slice(1);
}

/** Builds the transforms, sharing one cache per transform across mappings. */
export function createTransforms(hasher: KeyedHasher): Record<TransformName, Transform> {
  return {
    ip_hash: cached((value) => hasher.hashIp(value)),
    hash: cached((value) => hasher.hash(value)),
    path_normalise: cached(normalisePath),
    status_class: statusClass,
    lower: (value) => value.toLowerCase(),
    upper: (value) => value.toUpperCase(),
  };
}

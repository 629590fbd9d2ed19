import { REDACTED, type SecretStore } from '../logging/redact';

/** Keys whose values are credentials whatever they contain. */
const SECRET_KEY = /^(authorization|proxy-authorization|x-api-key|x-goog-api-key|api[_-]?key|password|token|secret|cookie|set-cookie)$/i;

/**
 * Deep copy of a JSON-like value with every string passed through the secret store and credential
 * keys masked, at any depth: SecretStore.redactValue stops at depth 8, and a transcript nested in a
 * debug body can sit deeper than that. Cycles become null; functions are dropped.
 */
export function redactDeep<T>(secrets: SecretStore, value: T): T {
  const seen = new WeakSet<object>();
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return secrets.redact(item);
    if (item === null || typeof item !== 'object') return typeof item === 'function' ? undefined : item;
    if (seen.has(item)) return null;
    seen.add(item);
    if (item instanceof Error) return secrets.redact(item.message);
    if (item instanceof Date) return item.toISOString();
    if (item instanceof Map) return walk(Object.fromEntries(item));
    if (Array.isArray(item)) return item.map(walk);
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(item)) copy[key] = SECRET_KEY.test(key) ? REDACTED : walk(inner);
    seen.delete(item);
    return copy;
  };
  return walk(value) as T;
}

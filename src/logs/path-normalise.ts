/**
 * Turns a request path into a bounded `endpoint` label: the query string and fragment go, and each
 * segment that looks like an identifier becomes a placeholder, so `/api/v1/tasks/8812?x=1` and
 * `/api/v1/tasks/17` are both `/api/v1/tasks/{id}`.
 */
const RULES: readonly (readonly [RegExp, string])[] = [
  [/^\d+$/, '{id}'],
  [/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, '{uuid}'],
  [/^(?=.*\d)[0-9a-f]{8,}$/i, '{hex}'],
  [/^[^@/\s]+@[^@/\s]+\.[^@/\s]+$/, '{email}'],
  // AMAS's PII redaction writes markers such as [API_KEY_REDACTED] into paths.
  [/^\[[A-Z_]+_REDACTED\]$/, '{redacted}'],
  [/^(?=.*\d)[A-Za-z0-9_\-.~=+]{20,}$/, '{token}'],
];

/** Longest path kept; anything longer is cut (it is a label value). */
const MAX_LENGTH = 200;

export function normalisePath(raw: string): string {
  let end = raw.length;
  const query = raw.indexOf('?');
  if (query >= 0) end = query;
  const fragment = raw.indexOf('#');
  if (fragment >= 0 && fragment < end) end = fragment;
  const path = raw.slice(0, end);
  const segments = path.split('/').map((segment) => {
    if (segment === '') return segment;
    for (const [pattern, placeholder] of RULES) if (pattern.test(segment)) return placeholder;
    return segment;
  });
  const normalised = segments.join('/');
  return normalised.length > MAX_LENGTH ? normalised.slice(0, MAX_LENGTH) : normalised;
}

/**
 * Turns a request path into a bounded `endpoint` label: the query string and fragment go, and each
 * segment that looks like an identifier becomes a placeholder, so `/api/v1/tasks/8812?x=1` and
 * `/api/v1/tasks/17` are both `/api/v1/tasks/{id}`.
 */
const LONG_RULES: readonly (readonly [RegExp, string])[] = [
  [/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, '{uuid}'],
  [/^(?=.*\d)[0-9a-f]{8,}$/i, '{hex}'],
  [/^[^@/\s]+@[^@/\s]+\.[^@/\s]+$/, '{email}'],
  // AMAS's PII redaction writes markers such as [API_KEY_REDACTED] into paths.
  [/^\[[A-Z_]+_REDACTED\]$/, '{redacted}'],
  [/^(?=.*\d)[A-Za-z0-9_\-.~=+]{20,}$/, '{token}'],
];

/** Longest path kept; anything longer is cut (it is a label value). */
const MAX_LENGTH = 200;
/** Shorter segments can only be numbers: the other rules need at least this many characters. */
const SHORTEST_LONG_RULE = 6;

function isDigits(segment: string): boolean {
  for (let i = 0; i < segment.length; i += 1) {
    const c = segment.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return segment.length > 0;
}

function placeholder(segment: string): string | undefined {
  if (isDigits(segment)) return '{id}';
  if (segment.length < SHORTEST_LONG_RULE) return undefined;
  for (const [pattern, replacement] of LONG_RULES) if (pattern.test(segment)) return replacement;
  return undefined;
}

export function normalisePath(raw: string): string {
  let end = raw.length;
  const query = raw.indexOf('?');
  if (query >= 0) end = query;
  const fragment = raw.indexOf('#');
  if (fragment >= 0 && fragment < end) end = fragment;
  let result = '';
  let start = 0;
  let changed = end !== raw.length;
  while (start <= end) {
    let slash = raw.indexOf('/', start);
    if (slash < 0 || slash > end) slash = end;
    const segment = raw.slice(start, slash);
    const replacement = placeholder(segment);
    if (replacement !== undefined) changed = true;
    result += replacement ?? segment;
    if (slash < end) result += '/';
    start = slash + 1;
  }
  const normalised = changed ? result : raw;
  return normalised.length > MAX_LENGTH ? normalised.slice(0, MAX_LENGTH) : normalised;
}

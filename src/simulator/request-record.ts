import type { IncomingHttpHeaders } from 'node:http';
import type { EndpointKind, SimRequestRecord } from './types';

const REDACTED = '[redacted]';
/** Credential headers of every style; their values are never stored. */
const AUTH_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'x-goog-api-key', 'api-key', 'cookie']);

/**
 * A record of one request: header values with credentials redacted, and the places the expected
 * key was found (so a test can prove the key went only where the API wants it).
 */
export function recordOf(kind: EndpointKind, method: string, url: URL, headers: IncomingHttpHeaders, body: string, expectedKey: string | null): SimRequestRecord {
  const stored: Record<string, string> = {};
  const keyFoundIn: string[] = [];
  const holdsKey = (text: string): boolean => expectedKey !== null && text.includes(expectedKey);
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(', ') : raw;
    if (holdsKey(value)) keyFoundIn.push(name);
    stored[name] = AUTH_HEADERS.has(name) || holdsKey(value) ? REDACTED : value;
  }
  if (holdsKey(decodeURIComponent(url.search))) keyFoundIn.push('query');
  if (holdsKey(body)) keyFoundIn.push('body');
  return { kind, method, path: url.pathname, headers: stored, keyFoundIn, at: Date.now(), status: null };
}

import type { KeyedHasher } from '../logs/ip-hash';

export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** CSV columns: the audit logger's fields; `details` and lists are written as JSON text. */
export const CSV_COLUMNS = [
  'timestamp', 'event_id', 'event_type', 'status', 'action', 'user_id', 'user_email', 'ip', 'user_agent',
  'resource_type', 'resource_id', 'session_id', 'trace_id', 'risk_score', 'duration_ms', 'details',
] as const;

/**
 * One exported entry: the line's object with `ip_address` replaced by `ip_hash` (the exporter's
 * keyed hash, as in the metrics) unless raw addresses were asked for.
 */
export function exportObject(line: Buffer, hasher: KeyedHasher, rawIp: boolean): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.toString('utf8'));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const entry = parsed as Record<string, unknown>;
  if (rawIp || !Object.hasOwn(entry, 'ip_address')) return entry;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) {
    if (key === 'ip_address') out.ip_hash = typeof value === 'string' && value !== '' ? hasher.hashIp(value) : null;
    else out[key] = value;
  }
  return out;
}

function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  const cell = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** The header line of a CSV export; the ip column is named after what it holds. */
export const csvHeader = (rawIp: boolean): string => `${CSV_COLUMNS.map((column) => (column === 'ip' ? (rawIp ? 'ip_address' : 'ip_hash') : column)).join(',')}\r\n`;

/** One entry as a line of the chosen format (CSV lines end in CRLF, RFC 4180). */
export function formatEntry(entry: Record<string, unknown>, format: ExportFormat): string {
  if (format === 'jsonl') return `${JSON.stringify(entry)}\n`;
  return `${CSV_COLUMNS.map((column) => csvCell(column === 'ip' ? (entry.ip_hash ?? entry.ip_address) : entry[column])).join(',')}\r\n`;
}

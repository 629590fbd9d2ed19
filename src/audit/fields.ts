import { FieldTable } from '../logs/field-plan';

/** The audit line fields the batch commands read, by short name → dot path (docs/logs.md). */
export const AUDIT_FIELDS = {
  timestamp: 'timestamp',
  event_id: 'event_id',
  event_type: 'event_type',
  status: 'status',
  action: 'action',
  user_id: 'user_id',
  ip_address: 'ip_address',
  severity: 'details.severity',
  violation_type: 'details.violation_type',
  method: 'details.method',
  path: 'details.path',
  status_code: 'details.status_code',
} as const;

export type AuditFieldName = keyof typeof AUDIT_FIELDS;
export type AuditSlots = Readonly<Record<AuditFieldName, number>>;

/**
 * A field table holding the audit fields (after any fields already in `table`, whose slots stay
 * as they are), with the slot of each.
 */
export function auditFieldTable(table = new FieldTable()): { table: FieldTable; slots: AuditSlots } {
  const slots = {} as Record<AuditFieldName, number>;
  for (const [name, path] of Object.entries(AUDIT_FIELDS)) slots[name as AuditFieldName] = table.slot(path);
  return { table, slots };
}

/** A field value as text (strings as they are, numbers spelled out); undefined otherwise. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

import { auditFieldTable, text } from '../audit/fields';
import type { AuditFile } from '../audit/files';
import { readAudit, type ReadStats } from '../audit/reader';
import type { TimeRange } from '../audit/time-range';
import { compileMappings, firstPresent, numericValue, type CompiledMapping } from '../logs/compile-mappings';
import type { LogsConfig } from '../logs/config-schema';
import { FieldTable } from '../logs/field-plan';
import type { KeyedHasher } from '../logs/ip-hash';
import { LabelLimiter } from '../logs/label-limiter';
import { builtInMappings } from '../logs/mapping-sets';
import { createTransforms } from '../logs/transforms';

/** The families the report counts from the logs and the label each is broken down by. */
export const REPORT_FAMILIES = {
  amas_auth_attempts_total: 'result',
  amas_auth_failures_total: 'reason',
  amas_security_events_total: 'severity',
  amas_audit_log_entries_total: 'action',
  amas_rate_limit_exceeded_total: 'endpoint',
} as const;
export type ReportFamily = keyof typeof REPORT_FAMILIES;

/** Counts of one family: by its label value, and by UTC day. */
export interface FamilyCounts {
  total: number;
  byLabel: Record<string, number>;
  byDay: Record<string, number>;
}

/** Validation verdicts found in the logs (the guide's nested format's `bulletproof` block), per provider. */
export interface LogVerdicts {
  calls: number;
  validated: number;
  fakeAi: number;
}

export interface LogCounts {
  readonly families: Record<ReportFamily, FamilyCounts>;
  /** Security events also by type (the second label of amas_security_events_total). */
  readonly securityByType: Record<string, number>;
  readonly verdicts: Record<string, LogVerdicts>;
}

const add = (record: Record<string, number>, key: string, by = 1): void => {
  record[key] = (record[key] ?? 0) + by;
};

interface Counting {
  readonly mapping: CompiledMapping;
  readonly family: ReportFamily;
  readonly label: number;
}

/**
 * Counts the report's families over `range` with the same mappings the exporter applies to each
 * source (its built-in set and the config's extra mappings), so the report and the metrics agree.
 */
export async function countFromLogs(files: readonly AuditFile[], logs: LogsConfig, hasher: KeyedHasher, range: TimeRange, stats: ReadStats): Promise<LogCounts> {
  const families = Object.fromEntries(Object.keys(REPORT_FAMILIES).map((name) => [name, { total: 0, byLabel: {}, byDay: {} }])) as unknown as Record<ReportFamily, FamilyCounts>;
  const securityByType: Record<string, number> = {};
  const verdicts: Record<string, LogVerdicts> = {};
  const transforms = createTransforms(hasher);
  for (const source of logs.sources) {
    const sourceFiles = files.filter((file) => file.source === source.name);
    if (sourceFiles.length === 0) continue;
    const configs = [...builtInMappings(source.format), ...logs.mappings.filter((mapping) => !mapping.sources || mapping.sources.includes(source.name))];
    const set = compileMappings(configs, { limiter: new LabelLimiter(100_000, {}), transforms });
    // The mappings' fields keep their slots; the report's own fields come after them.
    const table = new FieldTable();
    for (const segments of set.plan.paths) table.slot(segments.join('.'));
    const { slots } = auditFieldTable(table);
    const provider = table.slot('bulletproof.provider');
    const validated = table.slot('bulletproof.validated');
    const fake = table.slot('bulletproof.fake_ai_detected');
    const counting: Counting[] = set.mappings.flatMap((mapping) =>
      mapping.family in REPORT_FAMILIES ? [{ mapping, family: mapping.family as ReportFamily, label: mapping.labelNames.indexOf(REPORT_FAMILIES[mapping.family as ReportFamily]) }] : [],
    );
    for await (const record of readAudit({ files: sourceFiles, fields: table, timeSlot: slots.timestamp, from: range.from, to: range.to, maxLineBytes: logs.max_line_bytes, stats })) {
      const day = new Date(record.time).toISOString().slice(0, 10);
      for (const { mapping, family, label } of counting) {
        if (!mapping.test(record.values)) continue;
        const by = mapping.valueSlots.length === 0 ? 1 : numericValue(firstPresent(record.values, mapping.valueSlots)) ?? 0;
        const counts = families[family];
        counts.total += by;
        add(counts.byLabel, (mapping.labels[label] as (values: readonly unknown[]) => string)(record.values), by);
        add(counts.byDay, day, by);
        if (family === 'amas_security_events_total') add(securityByType, (mapping.labels[0] as (values: readonly unknown[]) => string)(record.values), by);
      }
      const name = text(record.values[provider]);
      if (name !== undefined) {
        const entry = (verdicts[name] ??= { calls: 0, validated: 0, fakeAi: 0 });
        entry.calls += 1;
        if (record.values[validated] === true) entry.validated += 1;
        if (record.values[fake] === true) entry.fakeAi += 1;
      }
    }
  }
  return { families, securityByType, verdicts };
}

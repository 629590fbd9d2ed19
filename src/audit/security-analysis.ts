import { normalisePath } from '../logs/path-normalise';
import type { KeyedHasher } from '../logs/ip-hash';
import { CappedCounter, TimeHistogram } from './counter';
import { text, type AuditSlots } from './fields';
import { previousRange, type TimeRange } from './time-range';

/** Severity levels of AMAS's security violations, lowest first. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A severity's rank; values outside the list (unknown, missing) rank below every level. */
export const severityRank = (value: string | undefined): number => SEVERITIES.indexOf((value ?? '').toLowerCase() as Severity);

export const isSecurityEvent = (values: readonly unknown[], slots: AuditSlots): boolean => values[slots.event_type] === 'security_violation';

interface Totals {
  total: number;
  bySeverity: CappedCounter;
  byType: CappedCounter;
}
const newTotals = (): Totals => ({ total: 0, bySeverity: new CappedCounter(), byType: new CappedCounter() });

const change = (current: number, previous: number) => ({ current, previous, delta: current - previous, percent: previous === 0 ? null : Math.round(((current - previous) / previous) * 1000) / 10 });

/**
 * Security events of a period and of the period of the same length before it: totals by type and
 * severity, a time histogram, the top address hashes, endpoints and users, first and last seen.
 */
export class SecurityAnalysis {
  readonly previous: TimeRange;
  private readonly current = newTotals();
  private readonly before = newTotals();
  private readonly histogram: TimeHistogram;
  private readonly ips = new CappedCounter();
  private readonly endpoints = new CappedCounter();
  private readonly users = new CappedCounter();
  private first: number | undefined;
  private last: number | undefined;

  constructor(
    readonly range: TimeRange,
    readonly minSeverity: Severity | undefined,
    private readonly slots: AuditSlots,
    private readonly hasher: KeyedHasher,
  ) {
    this.previous = previousRange(range);
    this.histogram = new TimeHistogram(range.from, range.to);
  }

  /** Whether a line is one this analysis counts (a security event at or above the severity). */
  wants(values: readonly unknown[]): boolean {
    if (!isSecurityEvent(values, this.slots)) return false;
    return this.minSeverity === undefined || severityRank(text(values[this.slots.severity])) >= severityRank(this.minSeverity);
  }

  add(time: number, values: readonly unknown[]): void {
    const { slots } = this;
    const severity = (text(values[slots.severity]) ?? 'unknown').toLowerCase();
    const type = (text(values[slots.violation_type]) ?? 'unknown').toLowerCase();
    const totals = time < this.range.from ? this.before : this.current;
    totals.total += 1;
    totals.bySeverity.add(severity);
    totals.byType.add(type);
    if (totals === this.before) return;
    this.histogram.add(time);
    const ip = text(values[slots.ip_address]);
    this.ips.add(ip ? this.hasher.hashIp(ip) : 'none');
    const path = text(values[slots.path]);
    this.endpoints.add(path ? normalisePath(path) : 'none');
    this.users.add(text(values[slots.user_id]) ?? 'anonymous');
    this.first = this.first === undefined ? time : Math.min(this.first, time);
    this.last = this.last === undefined ? time : Math.max(this.last, time);
  }

  result(top = 10) {
    const keys = (a: CappedCounter, b: CappedCounter): string[] => [...new Set([...Object.keys(a.toObject()), ...Object.keys(b.toObject())])].sort();
    return {
      period: { from: new Date(this.range.from).toISOString(), to: new Date(this.range.to).toISOString() },
      previous_period: { from: new Date(this.previous.from).toISOString(), to: new Date(this.previous.to).toISOString() },
      min_severity: this.minSeverity ?? null,
      total: this.current.total,
      by_severity: this.current.bySeverity.toObject(),
      by_type: this.current.byType.toObject(),
      first_seen: this.first === undefined ? null : new Date(this.first).toISOString(),
      last_seen: this.last === undefined ? null : new Date(this.last).toISOString(),
      histogram: { step_seconds: this.histogram.step / 1000, buckets: this.histogram.buckets() },
      top: { ip_hashes: this.ips.top(top), endpoints: this.endpoints.top(top), users: this.users.top(top) },
      change: {
        total: change(this.current.total, this.before.total),
        by_severity: Object.fromEntries(keys(this.current.bySeverity, this.before.bySeverity).map((key) => [key, change(this.current.bySeverity.get(key), this.before.bySeverity.get(key))])),
        by_type: Object.fromEntries(keys(this.current.byType, this.before.byType).map((key) => [key, change(this.current.byType.get(key), this.before.byType.get(key))])),
      },
    };
  }
}

export type SecurityReport = ReturnType<SecurityAnalysis['result']>;

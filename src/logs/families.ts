import type { Metrics } from '../metrics/definitions';

/**
 * How a log-fed family is fed:
 * - `counter`: each matching line adds 1, or the line's numeric `value` field;
 * - `histogram`: each matching line observes its `value` field (times `scale`);
 * - `gauge`: each matching line sets (or adds to, or subtracts from) the gauge;
 * - `distinct`: the gauge counts distinct `value`s (session ids) seen within the session window.
 */
export type FamilyKind = 'counter' | 'histogram' | 'gauge' | 'distinct';

/** What a family tells /health, when lines feed it. */
export type HealthSignal = 'authentication' | 'jwt_validation' | 'rate_limiting';

/** One entry of the closed table of families that log mappings may feed. */
export interface LogFamily {
  readonly metric: keyof Metrics;
  readonly kind: FamilyKind;
  /** Label names, in the order of the family's definition; a mapping must give every one. */
  readonly labels: readonly string[];
  readonly signal?: HealthSignal;
}

/**
 * The families a mapping may name, by their seed name. Nothing else can be fed from logs, so a
 * mapping cannot invent a family or a label.
 */
export const LOG_FAMILIES = {
  amas_http_requests_total: { metric: 'httpRequests', kind: 'counter', labels: ['method', 'endpoint', 'status'] },
  amas_http_request_duration_seconds: { metric: 'httpRequestDuration', kind: 'histogram', labels: ['method', 'endpoint'] },
  amas_auth_attempts_total: { metric: 'authAttempts', kind: 'counter', labels: ['method', 'result', 'ip_hash'], signal: 'authentication' },
  amas_auth_failures_total: { metric: 'authFailures', kind: 'counter', labels: ['reason', 'ip_hash'], signal: 'authentication' },
  amas_jwt_validations_total: { metric: 'jwtValidations', kind: 'counter', labels: ['result'], signal: 'jwt_validation' },
  amas_rate_limit_exceeded_total: { metric: 'rateLimitExceeded', kind: 'counter', labels: ['endpoint', 'ip_hash'], signal: 'rate_limiting' },
  amas_security_events_total: { metric: 'securityEvents', kind: 'counter', labels: ['event_type', 'severity'] },
  amas_audit_log_entries_total: { metric: 'auditLogEntries', kind: 'counter', labels: ['action', 'user'] },
  amas_analyses_completed_total: { metric: 'analysesCompleted', kind: 'counter', labels: ['type', 'result'] },
  amas_issues_detected_total: { metric: 'issuesDetected', kind: 'counter', labels: ['severity', 'category'] },
  amas_fixes_applied_total: { metric: 'fixesApplied', kind: 'counter', labels: ['type', 'success'] },
  amas_user_satisfaction_score_total: { metric: 'userSatisfaction', kind: 'counter', labels: ['rating'] },
  amas_active_sessions: { metric: 'activeSessions', kind: 'distinct', labels: [] },
  amas_concurrent_analyses: { metric: 'concurrentAnalyses', kind: 'gauge', labels: [] },
} as const satisfies Record<string, LogFamily>;

export type LogFamilyName = keyof typeof LOG_FAMILIES;
export const LOG_FAMILY_NAMES = Object.keys(LOG_FAMILIES) as LogFamilyName[];

/**
 * The seed's names of the two gauges (`…_total`, which promtool rejects on a gauge) still work in a
 * mapping's `metric:`; they feed the lint-clean families (docs/metrics.md).
 */
export const SEED_FAMILY_ALIASES: Readonly<Record<string, LogFamilyName>> = {
  amas_active_sessions_total: 'amas_active_sessions',
  amas_concurrent_analyses_total: 'amas_concurrent_analyses',
};

export function logFamily(name: LogFamilyName): LogFamily {
  return LOG_FAMILIES[name];
}

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every metric family amas-exporter exposes, in one place, named as the seed guide names them.
 *
 * Naming decisions (see docs/metrics.md):
 * - Counters carry `_total` in prom-client, so the seed's counter families `amas_ai_tokens_used`,
 *   `amas_ai_cost_usd` and `amas_provider_fake_ai_detected` are exposed as `..._total` samples,
 *   which is also what OpenMetrics names the samples of those families.
 * - The seed's gauges `amas_active_sessions_total` and `amas_concurrent_analyses_total` are exposed
 *   as `amas_active_sessions` and `amas_concurrent_analyses`: a gauge ending in `_total` fails
 *   `promtool check metrics`. The seed's names stay queryable as Prometheus recording rules
 *   (deploy/prometheus/rules/amas-seed-names.yml); log mappings still name the families by the
 *   seed's names (src/logs/families.ts). /metrics has no lint finding at all.
 *
 * Families are split into three groups, each its own registry, so that `/metrics/ai-providers`
 * and `/metrics/security` can serve a group alone and `/metrics?exclude=...` can leave one out.
 */
export const METRIC_GROUPS = ['core', 'ai-providers', 'security'] as const;
export type MetricGroup = (typeof METRIC_GROUPS)[number];

/** The seed's gauge names (ending in `_total`) and the lint-clean names they are exposed as. */
export const SEED_GAUGE_RENAMES = { amas_active_sessions_total: 'amas_active_sessions', amas_concurrent_analyses_total: 'amas_concurrent_analyses' } as const;

/** Buckets for AI calls: fast providers answer in 0.1 s, reasoning models may take a minute. */
export const AI_LATENCY_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 45, 60];
/** Buckets for AMAS's own HTTP requests, from its audit log's duration_ms. */
export const HTTP_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

function defineFamilies(registries: Record<MetricGroup, Registry>) {
  const core = [registries.core];
  const ai = [registries['ai-providers']];
  const security = [registries.security];
  return {
    // --- The exporter itself and its probes -------------------------------------------------
    probeSuccess: new Gauge({ name: 'amas_probe_success', help: 'Whether the latest run of the probe succeeded (1) or failed (0).', labelNames: ['probe'] as const, registers: core }),
    probeDuration: new Gauge({ name: 'amas_probe_duration_seconds', help: 'How long the latest run of the probe took.', labelNames: ['probe'] as const, registers: core }),
    probeLastRun: new Gauge({ name: 'amas_probe_last_run_timestamp_seconds', help: 'When the latest run of the probe started (Unix time); its age tells how fresh the result is.', labelNames: ['probe'] as const, registers: core }),
    probeRuns: new Counter({ name: 'amas_probe_runs_total', help: 'Runs of the probe since it was configured.', labelNames: ['probe'] as const, registers: core }),
    probeFailures: new Counter({ name: 'amas_probe_failures_total', help: 'Failed runs of the probe, by bounded reason.', labelNames: ['probe', 'reason'] as const, registers: core }),
    probesInFlight: new Gauge({ name: 'amas_exporter_probes_in_flight', help: 'Probe runs under way now.', registers: core }),
    configReloadSuccessful: new Gauge({ name: 'amas_exporter_config_last_reload_successful', help: 'Whether the last config load or reload succeeded (1) or was refused (0).', registers: core }),
    configReloadTimestamp: new Gauge({ name: 'amas_exporter_config_last_reload_success_timestamp_seconds', help: 'When the config was last loaded successfully (Unix time).', registers: core }),
    configReloads: new Counter({ name: 'amas_exporter_config_reloads_total', help: 'Config reload attempts, by result.', labelNames: ['result'] as const, registers: core }),
    buildInfo: new Gauge({ name: 'amas_exporter_build_info', help: 'Build information; always 1.', labelNames: ['version', 'nodejs_version'] as const, registers: core }),
    adminAuthFailures: new Counter({ name: 'amas_exporter_admin_auth_failures_total', help: 'Admin API requests refused, by reason (missing_token, wrong_token, rate_limited).', labelNames: ['reason'] as const, registers: core }),
    resourceSource: new Gauge({ name: 'amas_exporter_resource_source', help: 'Where the system probe reads resource use: cgroup_v2 (the pod) or proc (the host).', labelNames: ['source'] as const, registers: core }),

    // --- Dependencies and the pod (seed: System Health Metrics) -----------------------------
    databaseConnectionsActive: new Gauge({ name: 'amas_database_connections_active', help: 'Active connections per database, from pg_stat_activity.', labelNames: ['db'] as const, registers: core }),
    cacheHitRatio: new Gauge({ name: 'amas_cache_hit_ratio', help: 'Cache hits / (hits + misses), from Redis INFO.', labelNames: ['cache_type'] as const, registers: core }),
    queueSize: new Gauge({ name: 'amas_queue_size', help: 'Length of a task queue (a Redis list).', labelNames: ['queue_name'] as const, registers: core }),
    systemUptime: new Gauge({ name: 'amas_system_uptime_seconds', help: "Seconds since the pod's first process started.", registers: core }),
    memoryUsage: new Gauge({ name: 'amas_memory_usage_bytes', help: 'Memory use of the pod by type (used, limit, anon, file or cached).', labelNames: ['type'] as const, registers: core }),
    cpuUsage: new Gauge({ name: 'amas_cpu_usage_percent', help: "CPU use of the pod as a percentage of its CPU limit (or of all cores).", registers: core }),
    diskUsage: new Gauge({ name: 'amas_disk_usage_bytes', help: 'Bytes used on a mount.', labelNames: ['mount'] as const, registers: core }),
    diskCapacity: new Gauge({ name: 'amas_disk_capacity_bytes', help: 'Size of a mount in bytes.', labelNames: ['mount'] as const, registers: core }),

    // --- From AMAS's logs (seed: Performance and Business Logic Metrics) ---------------------
    httpRequests: new Counter({ name: 'amas_http_requests_total', help: 'HTTP requests AMAS served, from its logs.', labelNames: ['method', 'endpoint', 'status'] as const, registers: core }),
    httpRequestDuration: new Histogram({ name: 'amas_http_request_duration_seconds', help: 'Duration of HTTP requests AMAS served, from its logs.', labelNames: ['method', 'endpoint'] as const, buckets: HTTP_LATENCY_BUCKETS, registers: core }),
    activeSessions: new Gauge({ name: 'amas_active_sessions', help: 'User sessions seen in the logs within the session window (the seed\'s amas_active_sessions_total).', registers: core }),
    concurrentAnalyses: new Gauge({ name: 'amas_concurrent_analyses', help: 'Analyses under way, from the logs (the seed\'s amas_concurrent_analyses_total).', registers: core }),
    analysesCompleted: new Counter({ name: 'amas_analyses_completed_total', help: 'Completed analyses, from the logs.', labelNames: ['type', 'result'] as const, registers: core }),
    issuesDetected: new Counter({ name: 'amas_issues_detected_total', help: 'Issues detected by analyses, from the logs.', labelNames: ['severity', 'category'] as const, registers: core }),
    fixesApplied: new Counter({ name: 'amas_fixes_applied_total', help: 'Fixes applied, from the logs.', labelNames: ['type', 'success'] as const, registers: core }),
    userSatisfaction: new Counter({ name: 'amas_user_satisfaction_score_total', help: 'User satisfaction ratings received, by rating, from the logs.', labelNames: ['rating'] as const, registers: core }),
    logLines: new Counter({ name: 'amas_exporter_log_lines_total', help: 'Log lines read, by source and result (matched, unmatched, invalid_json, too_long, empty).', labelNames: ['source', 'result'] as const, registers: core }),
    logLastLine: new Gauge({ name: 'amas_exporter_log_last_line_timestamp_seconds', help: 'When a line was last read from the source (Unix time); a stalled tail stops moving it.', labelNames: ['source'] as const, registers: core }),
    logLabelOverflow: new Counter({ name: 'amas_exporter_log_label_overflow_total', help: 'Label values replaced by "other" because the label reached its cap of distinct values.', labelNames: ['label'] as const, registers: core }),
    logSeriesOverflow: new Counter({ name: 'amas_exporter_log_series_overflow_total', help: 'Increments added to the all-"other" series because the family reached max_series_per_family.', labelNames: ['family'] as const, registers: core }),
    logOpenFiles: new Gauge({ name: 'amas_exporter_log_open_files', help: 'Log files the source holds open (at most max_open_files).', labelNames: ['source'] as const, registers: core }),
    logOpenDeferred: new Counter({ name: 'amas_exporter_log_open_deferred_total', help: 'Times a changed log file waited for a descriptor because max_open_files were in use and none was idle.', labelNames: ['source'] as const, registers: core }),
    logPositionWriteFailures: new Counter({ name: 'amas_exporter_log_position_write_failures_total', help: 'Failed writes of the log position file, by error code (counting goes on; a restart would re-read from the last saved positions).', labelNames: ['reason'] as const, registers: core }),

    // --- Security (seed: Security Metrics, served on /metrics/security) ---------------------
    authAttempts: new Counter({ name: 'amas_auth_attempts_total', help: 'Authentication attempts, from the logs.', labelNames: ['method', 'result', 'ip_hash'] as const, registers: security }),
    authFailures: new Counter({ name: 'amas_auth_failures_total', help: 'Authentication failures, from the logs.', labelNames: ['reason', 'ip_hash'] as const, registers: security }),
    jwtValidations: new Counter({ name: 'amas_jwt_validations_total', help: 'JWT validations, from the logs.', labelNames: ['result'] as const, registers: security }),
    rateLimitExceeded: new Counter({ name: 'amas_rate_limit_exceeded_total', help: 'Requests refused by rate limiting, from the logs.', labelNames: ['endpoint', 'ip_hash'] as const, registers: security }),
    securityEvents: new Counter({ name: 'amas_security_events_total', help: 'Security events, from the logs.', labelNames: ['event_type', 'severity'] as const, registers: security }),
    auditLogEntries: new Counter({ name: 'amas_audit_log_entries_total', help: 'Audit log entries, from the logs.', labelNames: ['action', 'user'] as const, registers: security }),

    // --- AI providers (seed: AI Provider Health and AI Request Metrics) ---------------------
    providerHealth: new Gauge({ name: 'amas_provider_health', help: 'Provider health: 1 when the provider is usable (status healthy or degraded), else 0; `status` names the current state.', labelNames: ['provider', 'status'] as const, registers: ai }),
    providerResponseTime: new Gauge({ name: 'amas_provider_response_time', help: "Seconds the provider's latest validation call took.", labelNames: ['provider'] as const, registers: ai }),
    providerSuccessRate: new Gauge({ name: 'amas_provider_success_rate', help: 'Percentage of validation runs in the window that validated.', labelNames: ['provider'] as const, registers: ai }),
    providerErrorRate: new Gauge({ name: 'amas_provider_error_rate', help: 'Percentage of validation runs in the window that failed or were flagged.', labelNames: ['provider'] as const, registers: ai }),
    providerBulletproofValidation: new Gauge({ name: 'amas_provider_bulletproof_validation', help: "1 for the provider's latest validation result, by result.", labelNames: ['provider', 'result'] as const, registers: ai }),
    providerFakeAiDetected: new Counter({ name: 'amas_provider_fake_ai_detected_total', help: 'Validation runs that caught fake AI, by reason.', labelNames: ['provider', 'reason'] as const, registers: ai }),
    aiRequests: new Counter({ name: 'amas_ai_requests_total', help: 'AI calls made by the exporter, by outcome and whether the reply was validated.', labelNames: ['provider', 'status', 'validated'] as const, registers: ai }),
    aiResponseTime: new Histogram({ name: 'amas_ai_response_time_seconds', help: 'AI call latency.', labelNames: ['provider', 'model'] as const, buckets: AI_LATENCY_BUCKETS, registers: ai }),
    aiTokensUsed: new Counter({ name: 'amas_ai_tokens_used_total', help: 'Tokens used by the exporter\'s AI calls, by type (prompt, completion).', labelNames: ['provider', 'type'] as const, registers: ai }),
    aiCostUsd: new Counter({ name: 'amas_ai_cost_usd_total', help: "Estimated USD spent on the exporter's AI calls, from the price table.", labelNames: ['provider'] as const, registers: ai }),
    bulletproofValidations: new Counter({ name: 'amas_bulletproof_validations_total', help: 'Validation runs across providers, by result.', labelNames: ['result'] as const, registers: ai }),
    providerRungSuccess: new Gauge({ name: 'amas_provider_probe_success', help: 'Whether the latest run of a ladder rung (reachability, metadata, validation) passed.', labelNames: ['provider', 'rung'] as const, registers: ai }),
    providerCircuitState: new Gauge({ name: 'amas_provider_circuit_state', help: 'Circuit breaker state of paid calls: 0 closed, 1 open, 2 half-open.', labelNames: ['provider'] as const, registers: ai }),
    providerRateLimitRemaining: new Gauge({ name: 'amas_provider_rate_limit_remaining', help: 'Remaining rate limit the provider reported in its reply headers, by kind (requests, tokens).', labelNames: ['provider', 'kind'] as const, registers: ai }),
    providerBudgetSpent: new Gauge({ name: 'amas_provider_budget_spent', help: "Today's paid-probe spend (UTC day), by unit (requests, tokens, usd).", labelNames: ['provider', 'unit'] as const, registers: ai }),
    providerBudgetRemaining: new Gauge({ name: 'amas_provider_budget_remaining', help: "What is left of today's paid-probe budget, by unit (requests, tokens, usd).", labelNames: ['provider', 'unit'] as const, registers: ai }),
    providerValidationSkipped: new Counter({ name: 'amas_provider_validation_skipped_total', help: 'Validation runs skipped, by reason (unconfigured, budget, circuit_open, egress).', labelNames: ['provider', 'reason'] as const, registers: ai }),
    providerModelListed: new Gauge({ name: 'amas_provider_model_listed', help: "Whether the configured model appears in the provider's models list (0 is a warning, not a failure).", labelNames: ['provider', 'model'] as const, registers: ai }),
    aiTimeToFirstToken: new Histogram({ name: 'amas_ai_time_to_first_token_seconds', help: 'Streamed validation calls: seconds from request to the first content chunk (OpenTelemetry gen_ai.server.time_to_first_token).', labelNames: ['provider', 'model'] as const, buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30], registers: ai }),
    aiTimePerOutputChunk: new Histogram({ name: 'amas_ai_time_per_output_chunk_seconds', help: 'Streamed validation calls: seconds between content chunks after the first (OpenTelemetry gen_ai.server.time_per_output_token, per chunk).', labelNames: ['provider', 'model'] as const, buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: ai }),
    aiCostUnknown: new Gauge({ name: 'amas_ai_cost_unknown', help: '1 when no price is known for the provider’s model, so amas_ai_cost_usd_total and the USD budget count its calls as free.', labelNames: ['provider', 'model'] as const, registers: ai }),
    providerFakeAiRecent: new Gauge({ name: 'amas_provider_fake_ai_recent_runs', help: 'Validation runs flagged as fake AI among the latest ai.verdict.window runs that made a call.', labelNames: ['provider'] as const, registers: ai }),
    aiStateFileErrors: new Counter({ name: 'amas_ai_state_file_errors_total', help: 'Failed reads and writes of the validation state file (ai.state_file); judging goes on from memory.', registers: ai }),
    egressUp: new Gauge({ name: 'amas_exporter_egress_up', help: 'Whether the egress canary is reachable (1) or not (0; 1 without a canary); when 0 and every provider is unreachable, providers are reported unknown with reason egress.', registers: ai }),

    // --- Fleet mode: one paid validation per slot for all sidecars (docs/cluster.md) ----------
    clusterState: new Gauge({ name: 'amas_exporter_cluster_state', help: 'Fleet state of this sidecar: 1 for the current one of standalone, connecting, shared (Redis answers; paid calls shared), degraded (Redis down or slow; validating alone at the fallback rate).', labelNames: ['state'] as const, registers: core }),
    clusterSlots: new Counter({ name: 'amas_exporter_cluster_slots_total', help: 'Validation slots by what this sidecar did: claimed, took_over (the claimer vanished), followed (read another pod\'s result), alone (Redis down), standalone, skipped, missed, fenced (published too late).', labelNames: ['provider', 'role'] as const, registers: core }),
    clusterRedisFailures: new Counter({ name: 'amas_exporter_cluster_redis_failures_total', help: 'Fleet Redis calls that failed, by reason (timeout, connect, error).', labelNames: ['reason'] as const, registers: core }),
    providerValidationShared: new Gauge({ name: 'amas_provider_validation_shared', help: 'Whether the provider\'s latest validation result was made by another sidecar and read from Redis (1) or made here (0); origin_pod names the pod that made it.', labelNames: ['provider', 'origin_pod'] as const, registers: ai }),
    providerValidationResultAge: new Gauge({ name: 'amas_provider_validation_result_age_seconds', help: 'Age of the validation result this sidecar serves for the provider, shared or its own.', labelNames: ['provider'] as const, registers: ai }),
    providerValidationStale: new Gauge({ name: 'amas_provider_validation_stale', help: 'Whether the served validation result is older than cluster.max_age (1: reported stale, status unknown).', labelNames: ['provider'] as const, registers: ai }),
  };
}

export type Metrics = ReturnType<typeof defineFamilies>;

/**
 * Gauge families that probes feed through `Observation`s. The recorder resets these on every
 * scrape and fills them from the latest results, so a probe that leaves the config leaves no series.
 */
export const OBSERVED_FAMILIES = {
  amas_database_connections_active: 'databaseConnectionsActive',
  amas_cache_hit_ratio: 'cacheHitRatio',
  amas_queue_size: 'queueSize',
  amas_system_uptime_seconds: 'systemUptime',
  amas_memory_usage_bytes: 'memoryUsage',
  amas_cpu_usage_percent: 'cpuUsage',
  amas_disk_usage_bytes: 'diskUsage',
  amas_disk_capacity_bytes: 'diskCapacity',
  amas_exporter_resource_source: 'resourceSource',
} as const satisfies Record<string, keyof Metrics>;
export type ObservedFamily = keyof typeof OBSERVED_FAMILIES;

export interface MetricsBundle {
  readonly registries: Readonly<Record<MetricGroup, Registry>>;
  readonly metrics: Metrics;
}

/** Creates fresh registries and every family; no global registry is used anywhere. */
export function createMetrics(version: string): MetricsBundle {
  const registries = { core: new Registry(), 'ai-providers': new Registry(), security: new Registry() };
  collectDefaultMetrics({ register: registries.core });
  // prom-client also exports these as gauges ending in _total, which the lint rejects; the same
  // numbers stay available as nodejs_active_handles, nodejs_active_requests and nodejs_active_resources.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
    registries.core.removeSingleMetric(name);
  }
  const metrics = defineFamilies(registries);
  metrics.buildInfo.set({ version, nodejs_version: process.version }, 1);
  return { registries, metrics };
}

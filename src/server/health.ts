import type { HealthBody, HealthContribution, ReadyBody, ReadyState, SecurityBlock, ServiceState } from './health-model';

const DEFAULT_SERVICES: Record<string, ServiceState> = {
  database: 'not_configured',
  redis: 'not_configured',
  neo4j: 'not_configured',
  authentication: 'not_configured',
  rate_limiting: 'not_configured',
};

const DEFAULT_SECURITY: SecurityBlock = {
  jwt_validation: 'not_configured',
  rate_limiting: 'not_configured',
  audit_logging: 'not_configured',
  security_headers: 'not_configured',
};

const READY_FROM_SERVICE: Record<ServiceState, ReadyState> = {
  healthy: 'ready',
  unhealthy: 'not_ready',
  unknown: 'unknown',
  not_configured: 'not_configured',
};

/**
 * Merges every module's contribution into the seed's /health body.
 * Status: `unhealthy` when any module reports an unhealthy cause (a critical dependency failing, or
 * every configured AI provider failing); `degraded` when any other check fails; else `healthy`.
 */
export function buildHealth(parts: readonly HealthContribution[], version: string, uptimeSeconds: number, now = new Date()): HealthBody {
  const services: Record<string, ServiceState> = { ...DEFAULT_SERVICES };
  let security: SecurityBlock = DEFAULT_SECURITY;
  let metrics: HealthBody['metrics'] = { memory_usage_percent: null, cpu_usage_percent: null, disk_usage_percent: null, active_sessions: null };
  let bulletproof: HealthBody['bulletproof'] = { validation_active: false, fake_ai_detection: false, providers_validated: 0 };
  let aiProviders: HealthBody['ai_providers'] = { total_configured: 0, healthy: 0, failed: 0, primary_active: null, failover_ready: false };
  for (const part of parts) {
    Object.assign(services, part.services);
    security = { ...security, ...part.security };
    metrics = { ...metrics, ...part.metrics };
    bulletproof = part.bulletproof ?? bulletproof;
    aiProviders = part.ai_providers ?? aiProviders;
  }
  const unhealthy = parts.flatMap((part) => part.unhealthy);
  const degraded = parts.flatMap((part) => part.degraded);
  return {
    status: unhealthy.length > 0 ? 'unhealthy' : degraded.length > 0 ? 'degraded' : 'healthy',
    timestamp: now.toISOString(),
    version,
    uptime: Math.round(uptimeSeconds * 10) / 10,
    bulletproof,
    services,
    ai_providers: aiProviders,
    security,
    metrics,
    checks: parts.flatMap((part) => part.checks),
    status_reasons: [...unhealthy, ...degraded],
  };
}

/** The seed's /ready body: ready when nothing reports an unhealthy cause. */
export function buildReady(parts: readonly HealthContribution[], now = new Date()): ReadyBody {
  const services: Record<string, ReadyState> = { database: 'not_configured', redis: 'not_configured', authentication: 'not_configured', ai_router: 'not_configured' };
  let providersReady = 0;
  let validationActive = false;
  for (const part of parts) {
    for (const [key, state] of Object.entries(part.services ?? {})) services[key] = READY_FROM_SERVICE[state];
    Object.assign(services, part.ready_services);
    providersReady += part.providers_ready ?? 0;
    validationActive ||= part.bulletproof?.validation_active ?? false;
  }
  const reasons = parts.flatMap((part) => part.unhealthy);
  return {
    status: reasons.length === 0 ? 'ready' : 'not_ready',
    timestamp: now.toISOString(),
    services,
    bulletproof: { validation_ready: validationActive && providersReady > 0, providers_ready: providersReady },
    reasons,
  };
}

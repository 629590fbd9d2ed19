/** Shapes of the seed's /health and /ready JSON, and what each module contributes to them. */

export type ServiceState = 'healthy' | 'unhealthy' | 'unknown' | 'not_configured';
export type ReadyState = 'ready' | 'not_ready' | 'unknown' | 'not_configured';
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'unknown';

export interface HealthCheck {
  readonly name: string;
  readonly status: CheckStatus;
  readonly message: string;
  readonly response_time_ms: number | null;
  /** When the check last ran (ISO 8601); null before its first run. */
  readonly last_run: string | null;
  readonly [extra: string]: unknown;
}

export interface BulletproofBlock {
  readonly validation_active: boolean;
  readonly fake_ai_detection: boolean;
  readonly providers_validated: number;
}

export interface AiProvidersBlock {
  readonly total_configured: number;
  readonly healthy: number;
  readonly failed: number;
  readonly primary_active: string | null;
  readonly failover_ready: boolean;
}

export type SecurityBlock = Readonly<Record<'jwt_validation' | 'rate_limiting' | 'audit_logging' | 'security_headers', string>>;

export interface MetricsBlock {
  readonly memory_usage_percent: number | null;
  readonly cpu_usage_percent: number | null;
  readonly disk_usage_percent: number | null;
  readonly active_sessions: number | null;
}

export interface HealthBody {
  readonly status: 'healthy' | 'degraded' | 'unhealthy';
  readonly timestamp: string;
  readonly version: string;
  /** Seconds the exporter has been running. */
  readonly uptime: number;
  readonly bulletproof: BulletproofBlock;
  readonly services: Readonly<Record<string, ServiceState>>;
  readonly ai_providers: AiProvidersBlock;
  readonly security: SecurityBlock;
  readonly metrics: MetricsBlock;
  readonly checks: readonly HealthCheck[];
  /** Why the status is not healthy, one line per cause (empty when healthy). */
  readonly status_reasons: readonly string[];
}

export interface ReadyBody {
  readonly status: 'ready' | 'not_ready';
  readonly timestamp: string;
  readonly services: Readonly<Record<string, ReadyState>>;
  readonly bulletproof: { readonly validation_ready: boolean; readonly providers_ready: number };
  readonly reasons: readonly string[];
}

/**
 * One module's share of /health and /ready. Blocks a module does not own stay at the core's
 * honest "not configured" defaults; verdict lists feed the status rules in docs/health.md.
 */
export interface HealthContribution {
  readonly bulletproof?: BulletproofBlock;
  readonly ai_providers?: AiProvidersBlock;
  readonly security?: Partial<SecurityBlock>;
  readonly metrics?: Partial<MetricsBlock>;
  readonly services?: Readonly<Record<string, ServiceState>>;
  readonly ready_services?: Readonly<Record<string, ReadyState>>;
  readonly providers_ready?: number;
  readonly checks: readonly HealthCheck[];
  /** Causes that make /health unhealthy (HTTP 503) and /ready not ready. */
  readonly unhealthy: readonly string[];
  /** Causes that make /health degraded (still HTTP 200). */
  readonly degraded: readonly string[];
}

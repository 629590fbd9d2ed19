import type { HealthCheck, HealthContribution, ServiceState } from '../server/health-model';
import type { HealthSignal } from './families';
import type { HealthSignals } from './metric-sink';
import type { SourceState } from './source-tailer';

/** What the logs module knows about one source, for /health. */
export interface SourceHealth {
  readonly name: string;
  readonly path: string;
  readonly state: SourceState;
  readonly lastError: string | undefined;
  /** When the source last gave a line (ms), if ever. */
  readonly lastLineAt: number | undefined;
}

export interface LogsHealthInput {
  readonly sources: readonly SourceHealth[];
  /** Signals that at least one mapping feeds, and whether one feeds amas_active_sessions. */
  readonly fed: ReadonlySet<HealthSignal>;
  readonly sessionsFed: boolean;
  readonly signals: HealthSignals;
  readonly activeSessions: number;
  readonly staleAfterMs: number;
  readonly signalWindowMs: number;
  /** The position file: the error code of the latest failed write, if the latest write failed. */
  readonly positions?: { readonly file: string; readonly error: string | undefined; readonly since: number | undefined };
  readonly now: number;
}

/** Position file unwritable: counting goes on, but a restart would re-read from the last saved positions. */
function positionsCheck(input: LogsHealthInput): HealthCheck | undefined {
  const positions = input.positions;
  if (!positions) return undefined;
  const base = { name: 'log_positions', response_time_ms: null, last_run: null };
  if (positions.error === undefined) return { ...base, status: 'pass', message: `positions saved to ${positions.file}` };
  const since = positions.since === undefined ? '' : ` since ${new Date(positions.since).toISOString()}`;
  return { ...base, status: 'warn', message: `cannot write ${positions.file} (${positions.error})${since}; lines are still counted, a restart would read again from the last saved positions` };
}

/** `observed` when a line fed the signal within the window; `not_observed` otherwise (logs say nothing). */
function observed(input: LogsHealthInput, signal: HealthSignal): string {
  const at = input.signals.lastAt.get(signal);
  return at !== undefined && input.now - at <= input.signalWindowMs ? 'observed' : 'not_observed';
}

function sourceCheck(source: SourceHealth, input: LogsHealthInput): HealthCheck {
  const recent = source.lastLineAt !== undefined && input.now - source.lastLineAt <= input.staleAfterMs;
  const base = { name: `log_source_${source.name}`, response_time_ms: null, last_run: source.lastLineAt === undefined ? null : new Date(source.lastLineAt).toISOString() };
  if (source.state === 'error') return { ...base, status: 'fail', message: `cannot read ${source.path} (${source.lastError ?? 'error'})` };
  if (source.state === 'waiting') return { ...base, status: 'warn', message: `waiting for ${source.path}` };
  return recent ? { ...base, status: 'pass', message: `reading ${source.path}` } : { ...base, status: 'warn', message: `no new line in ${source.path} for ${Math.round(input.staleAfterMs / 1000)}s` };
}

/**
 * The logs' share of /health. Only what the logs tell is filled in:
 * - security.audit_logging: `active` (a line arrived within stale_after), `stale` (files are open
 *   but quiet), `waiting` (no file yet), `unreadable` (every source fails);
 * - security.jwt_validation / rate_limiting: `observed` / `not_observed` when a mapping feeds them;
 * - services.authentication: `healthy` or `unhealthy` from the latest login outcome within the
 *   signal window (`unhealthy` when it was an error, not a refused password), else `unknown`;
 * - services.rate_limiting: `healthy` when refusals were seen within the window, else `unknown`;
 * - metrics.active_sessions when a mapping feeds amas_active_sessions.
 * security_headers is left alone: no log line tells it.
 */
export function logsHealth(input: LogsHealthInput): HealthContribution {
  if (input.sources.length === 0) return { checks: [], unhealthy: [], degraded: [] };
  const checks = input.sources.map((source) => sourceCheck(source, input));
  const positions = positionsCheck(input);
  const states = input.sources.map((source, index) => (source.state === 'reading' && checks[index]?.status === 'pass' ? 'active' : source.state));
  const auditLogging = states.includes('active') ? 'active' : states.includes('reading') ? 'stale' : states.includes('waiting') ? 'waiting' : 'unreadable';
  const security: Record<string, string> = { audit_logging: auditLogging };
  if (input.fed.has('jwt_validation')) security.jwt_validation = observed(input, 'jwt_validation');
  if (input.fed.has('rate_limiting')) security.rate_limiting = observed(input, 'rate_limiting');
  const services: Record<string, ServiceState> = {};
  if (input.fed.has('authentication')) {
    const { lastAuthOkAt: ok, lastAuthErrorAt: error } = input.signals;
    const latest = Math.max(ok, error);
    services.authentication = latest === 0 || input.now - latest > input.signalWindowMs ? 'unknown' : error > ok ? 'unhealthy' : 'healthy';
  }
  if (input.fed.has('rate_limiting')) services.rate_limiting = security.rate_limiting === 'observed' ? 'healthy' : 'unknown';
  return {
    security,
    services,
    ...(input.sessionsFed ? { metrics: { active_sessions: input.activeSessions } } : {}),
    checks: positions ? [...checks, positions] : checks,
    unhealthy: [],
    degraded: [
      ...input.sources.filter((source) => source.state === 'error').map((source) => `log source ${source.name} unreadable (${source.lastError ?? 'error'})`),
      ...(input.positions?.error === undefined ? [] : [`log position file unwritable (${input.positions.error})`]),
    ],
  };
}

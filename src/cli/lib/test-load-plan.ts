import { parseDurationMs } from '../../lib/duration';

/** AMAS's login route (amas-app.md section 4): logins appear only as POST lines with 200 or 401. */
export const LOGIN_PATH = '/api/v1/auth/login';

/** Read-only paths every AMAS answers without credentials, and none of them touches a database. */
export const DEFAULT_PATHS: readonly string[] = ['/health', '/health/live', '/health/ready', '/health/detailed'];

/** AMAS buffers audit lines for up to 30 s (AUDIT_BUFFER_SIZE or a 30 s flush); a margin on top. */
export const DEFAULT_SETTLE_MS = 45_000;

export const LIMITS = { maxDurationMs: 600_000, maxRate: 500, maxInFlight: 64, maxSettleMs: 300_000 } as const;

/** What one run sends, where, and how long it waits for the exporter afterwards. */
export interface LoadPlan {
  readonly target: string;
  readonly exporterUrl: string;
  readonly durationMs: number;
  /** Requests per second, logins included. */
  readonly rate: number;
  /** Share of requests that are failed logins, 0 to 1. */
  readonly loginShare: number;
  readonly paths: readonly string[];
  readonly timeoutMs: number;
  readonly settleMs: number;
}

const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** True for 127.0.0.0/8, ::1 and localhost: the only targets allowed without --allow-remote. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || LOOPBACK_V4.test(host);
}

type Flags = Readonly<Record<string, string | boolean>>;

/** A usage error (exit 64) carries the sentence to print. */
export type PlanResult = { readonly plan: LoadPlan } | { readonly usage: string };

function baseUrl(value: string, flag: string): string | { usage: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { usage: `${flag} must be an http(s) URL such as http://127.0.0.1:8000, not ${JSON.stringify(value)}` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { usage: `${flag} must be an http(s) URL, not ${url.protocol}` };
  if (url.username || url.password) return { usage: `${flag} must not carry a user name or password` };
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Reads and checks the flags; every bound is checked here, before anything is sent. */
export function parsePlan(flags: Flags): PlanResult {
  const text = (name: string): string | undefined => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  const duration = text('duration') ?? '60s';
  // Bare seconds (`--duration 60`) as benchmark-providers takes them, or a duration such as 60s.
  const durationMs = /^\d+(\.\d+)?$/.test(duration) ? Number(duration) * 1000 : parseDurationMs(duration);
  if (durationMs === undefined || durationMs < 1000 || durationMs > LIMITS.maxDurationMs) return { usage: `--duration must be from 1s to 10m (e.g. 60s), not ${JSON.stringify(duration)}` };
  const rate = Number(text('rate') ?? '50');
  if (!Number.isFinite(rate) || rate <= 0 || rate > LIMITS.maxRate) return { usage: `--rate must be requests per second above 0 and at most ${LIMITS.maxRate}, not ${JSON.stringify(text('rate'))}` };
  const share = text('login-share') ?? '0.1';
  const loginShare = Number(share);
  if (!/^\d*\.?\d+$/.test(share) || loginShare > 1) return { usage: `--login-share must be a fraction from 0 to 1 (e.g. 0.1), not ${JSON.stringify(share)}` };
  const timeoutMs = parseDurationMs(text('timeout') ?? '10s');
  if (timeoutMs === undefined || timeoutMs <= 0 || timeoutMs > 60_000) return { usage: '--timeout must be a duration from 1ms to 60s (e.g. 10s)' };
  const settleMs = text('settle') === undefined ? DEFAULT_SETTLE_MS : parseDurationMs(text('settle') as string);
  if (settleMs === undefined || settleMs > LIMITS.maxSettleMs) return { usage: '--settle must be a duration from 0s to 5m (e.g. 45s)' };
  const paths = (text('paths') ?? DEFAULT_PATHS.join(',')).split(',').map((entry) => entry.trim()).filter(Boolean);
  const badPath = paths.find((entry) => !/^\/[\x21-\x7e]*$/.test(entry));
  if (paths.length === 0 || badPath !== undefined) return { usage: `--paths must be a comma-separated list of paths starting with /, not ${JSON.stringify(badPath ?? '')}` };

  const target = baseUrl(text('target') ?? 'http://127.0.0.1:8000', '--target');
  if (typeof target !== 'string') return target;
  const exporterUrl = baseUrl(text('exporter-url') ?? 'http://127.0.0.1:8001', '--exporter-url');
  if (typeof exporterUrl !== 'string') return exporterUrl;
  const host = new URL(target).hostname;
  if (!isLoopbackHost(host) && flags['allow-remote'] !== true) {
    return { usage: `refusing to load ${target}: ${host} is not a loopback address; pass --allow-remote to load a remote AMAS on purpose (nothing was sent)` };
  }
  return { plan: { target, exporterUrl, durationMs, rate, loginShare, paths, timeoutMs, settleMs } };
}

/** One request of the plan: the i-th GET from the path list, or a failed login. */
export type PlannedRequest = { readonly kind: 'get'; readonly path: string } | { readonly kind: 'login'; readonly path: string };

/**
 * The n-th request: logins are spread evenly (request n is a login when the running share crosses
 * a whole number), the GETs cycle through the path list.
 */
export function plannedRequest(plan: Pick<LoadPlan, 'loginShare' | 'paths'>, n: number): PlannedRequest {
  const logins = (count: number): number => Math.floor(count * plan.loginShare + 1e-9);
  if (logins(n + 1) > logins(n)) return { kind: 'login', path: LOGIN_PATH };
  const gets = n - logins(n);
  return { kind: 'get', path: plan.paths[gets % plan.paths.length] as string };
}

/** How many requests the whole run sends: duration × rate, at least one. */
export const totalRequests = (plan: Pick<LoadPlan, 'durationMs' | 'rate'>): number => Math.max(1, Math.round((plan.durationMs / 1000) * plan.rate));

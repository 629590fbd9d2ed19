import { checkExposition, type ExpositionDialect, type Sample } from './exposition-check';
import { formatProblem, lintFamilies } from './exposition-lint';

/** The outcome of one check of a running exporter. */
export interface CheckOutcome {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

interface Fetched {
  readonly status: number;
  readonly type: string;
  readonly text: string;
}

/** The seed guide's /health fields, and the JSON type each must have. */
const HEALTH_FIELDS: Readonly<Record<string, 'string' | 'number' | 'object' | 'array'>> = {
  status: 'string',
  timestamp: 'string',
  version: 'string',
  uptime: 'number',
  bulletproof: 'object',
  services: 'object',
  ai_providers: 'object',
  security: 'object',
  metrics: 'object',
  checks: 'array',
};

const typeOf = (value: unknown): string => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);

/** Fetches a path of the exporter with a deadline; network errors become a status of 0. */
export async function fetchText(base: string, path: string, timeoutMs: number, accept?: string): Promise<Fetched> {
  try {
    const response = await fetch(new URL(path, base), { signal: AbortSignal.timeout(timeoutMs), headers: accept ? { accept } : {}, redirect: 'manual' });
    return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
  } catch (error) {
    // fetch wraps the socket error: its code (ECONNREFUSED, ENOTFOUND), or a message such as "bad port".
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { status: 0, type: '', text: cause?.code ?? cause?.message ?? (error instanceof Error ? error.name : String(error)) };
  }
}

/** One sentence for a URL where nothing answered, from the error `fetchText` kept. */
export function noAnswerDetail(error: string, timeoutMs: number): string {
  if (error === 'ECONNREFUSED') return 'no answer (ECONNREFUSED): nothing listens there; check the port and that the exporter runs';
  if (error === 'ENOTFOUND' || error === 'EAI_AGAIN') return `no answer (${error}): the host name does not resolve from here; check the URL`;
  if (error === 'TimeoutError' || error === 'AbortError' || error === 'ETIMEDOUT') {
    return `no answer within ${timeoutMs} ms: something accepts or drops the connection but does not reply; check the URL, a firewall or NetworkPolicy, or give more --timeout`;
  }
  if (error === 'bad port') return 'no answer (bad port): fetch refuses this port number; use the exporter\'s port (8001 by default)';
  return `no answer (${error}): nothing answered there; check the URL, the port and that the exporter runs`;
}

const describe = (fetched: Fetched): string => (fetched.status === 0 ? `no answer (${fetched.text})` : `${fetched.status} ${fetched.type || 'no content type'}`);

/** A content-type pattern as a reader would write it: `^application\/json\b` is application/json. */
export const typeName = (type: RegExp): string => type.source.replace(/^\^/, '').replace(/\\b/g, '').replace(/\\/g, '');

/** Checks status code and content type, and parses JSON when JSON is expected. */
export function checkEndpoint(name: string, fetched: Fetched, statuses: readonly number[], type: RegExp): CheckOutcome & { json?: unknown } {
  if (!statuses.includes(fetched.status) || !type.test(fetched.type)) {
    return { name, ok: false, detail: `${describe(fetched)}; expected ${statuses.join(' or ')} with ${typeName(type)}` };
  }
  if (!type.source.includes('json')) return { name, ok: true, detail: describe(fetched) };
  try {
    return { name, ok: true, detail: describe(fetched), json: JSON.parse(fetched.text) as unknown };
  } catch {
    return { name, ok: false, detail: `${describe(fetched)} but the body is not JSON` };
  }
}

/** The seed's /health fields are all there with their types, and the status code matches the status. */
export function checkHealthBody(body: unknown, status: number): CheckOutcome {
  const name = '/health has the seed fields';
  if (typeOf(body) !== 'object') return { name, ok: false, detail: 'the body is not a JSON object' };
  const record = body as Record<string, unknown>;
  const wrong = Object.entries(HEALTH_FIELDS)
    .filter(([field, type]) => typeOf(record[field]) !== type)
    .map(([field, type]) => `${field} (${record[field] === undefined ? 'missing' : typeOf(record[field])}, expected ${type})`);
  if (!['healthy', 'degraded', 'unhealthy'].includes(String(record.status))) wrong.push(`status ${JSON.stringify(record.status)}`);
  if (typeof record.timestamp === 'string' && Number.isNaN(Date.parse(record.timestamp))) wrong.push('timestamp is not a date');
  if ((record.status === 'unhealthy') !== (status === 503)) wrong.push(`HTTP ${status} does not match status ${String(record.status)}`);
  const checks = Array.isArray(record.checks) ? (record.checks as unknown[]) : [];
  const badCheck = checks.find((check) => typeOf(check) !== 'object' || typeof (check as { name?: unknown }).name !== 'string' || typeof (check as { status?: unknown }).status !== 'string');
  if (badCheck !== undefined) wrong.push('a checks[] entry lacks name or status');
  return wrong.length === 0
    ? { name, ok: true, detail: `status ${String(record.status)}, ${checks.length} checks` }
    : { name, ok: false, detail: `wrong: ${wrong.join(', ')}` };
}

/** Parses an exposition body; returns the samples when it is valid. */
export function checkMetricsText(name: string, fetched: Fetched, dialect: ExpositionDialect, allowEmpty = false): CheckOutcome & { samples?: readonly Sample[] } {
  const report = checkExposition(fetched.text, dialect);
  if (report.errors.length > 0) {
    const more = report.errors.length > 3 ? ` (+${report.errors.length - 3} more)` : '';
    return { name, ok: false, detail: `${report.errors.slice(0, 3).join('; ')}${more}` };
  }
  if (report.samples.length === 0 && !allowEmpty) return { name, ok: false, detail: 'no samples' };
  return { name, ok: true, detail: `${report.types.size} families, ${report.samples.length} samples`, samples: report.samples };
}

/** The findings `promtool check metrics` would report for a text-format body (none: pass). */
export function checkLint(name: string, fetched: Fetched): CheckOutcome {
  const problems = lintFamilies(checkExposition(fetched.text, 'prometheus').families).map(formatProblem);
  if (problems.length === 0) return { name, ok: true, detail: 'no finding' };
  const more = problems.length > 3 ? ` (+${problems.length - 3} more)` : '';
  return { name, ok: false, detail: `${problems.slice(0, 3).join('; ')}${more}` };
}

/** A probe as /api/status describes it; the interval gives each probe its own freshness bound. */
export interface ProbeSchedule {
  readonly name: string;
  readonly interval_seconds: number;
  readonly timeout_seconds: number;
}

/**
 * Every probe has run recently: `amas_probe_last_run_timestamp_seconds` is no older than the bound
 * (two intervals plus the timeout, or --max-age), measured against the exporter's own clock (the
 * /health timestamp) so a clock difference between hosts does not count. A probe that never ran is
 * stale once the exporter has been up longer than its bound.
 */
export function checkFreshness(samples: readonly Sample[], nowSeconds: number, uptimeSeconds: number, schedules: readonly ProbeSchedule[], maxAgeSeconds: number | undefined): CheckOutcome {
  const name = 'probe results are fresh';
  const lastRun = new Map(samples.filter((s) => s.name === 'amas_probe_last_run_timestamp_seconds').map((s) => [s.labels.probe ?? '', s.value]));
  const probes = new Set([...lastRun.keys(), ...samples.filter((s) => s.name === 'amas_probe_runs_total').map((s) => s.labels.probe ?? '')]);
  if (probes.size === 0) return { name, ok: true, detail: 'no probes configured' };
  const stale: string[] = [];
  let oldest = 0;
  for (const probe of probes) {
    const schedule = schedules.find((candidate) => candidate.name === probe);
    const bound = maxAgeSeconds ?? (schedule ? 2 * schedule.interval_seconds + schedule.timeout_seconds : 120);
    const last = lastRun.get(probe);
    if (last === undefined) {
      if (uptimeSeconds > bound) stale.push(`${probe} never ran`);
      continue;
    }
    const age = Math.max(0, nowSeconds - last);
    oldest = Math.max(oldest, age);
    if (age > bound) stale.push(`${probe} ${Math.round(age)}s old (bound ${Math.round(bound)}s)`);
  }
  return stale.length === 0
    ? { name, ok: true, detail: `${probes.size} probes, oldest result ${Math.round(oldest)}s old` }
    : { name, ok: false, detail: `stale: ${stale.join(', ')}` };
}

import { normalisePath } from '../../logs/path-normalise';
import { checkExposition } from './exposition-check';
import { LOGIN_PATH } from './test-load-plan';
import type { LoadResult } from './test-load-run';

/** The two counter families the run checks, summed per key as the run can predict them. */
export interface Counters {
  /** amas_http_requests_total by `METHOD endpoint status`. */
  readonly http: ReadonlyMap<string, number>;
  /** amas_auth_attempts_total by `result`, summed over method and ip_hash. */
  readonly auth: ReadonlyMap<string, number>;
}

/** One line of the comparison: what the run caused and what the exporter counted meanwhile. */
export interface ComparisonRow {
  readonly metric: 'amas_http_requests_total' | 'amas_auth_attempts_total';
  /** `method="GET",endpoint="/health",status="200"` or `result="failure"`. */
  readonly series: string;
  readonly sent: number;
  readonly counted: number;
}

export interface Comparison {
  readonly rows: readonly ComparisonRow[];
  /** Every series counted at least what the run sent (more means other traffic on the same series). */
  readonly keptUp: boolean;
  /** A counter went down: the exporter restarted during the run, so nothing can be compared. */
  readonly reset: boolean;
}

const add = (map: Map<string, number>, key: string, value: number): void => {
  map.set(key, (map.get(key) ?? 0) + value);
};

/** Reads the two families from the exporter's /metrics; a string says why it could not. */
export async function readCounters(exporterUrl: string, timeoutMs: number): Promise<Counters | string> {
  let text: string;
  try {
    const response = await fetch(`${exporterUrl}/metrics`, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'text/plain; version=0.0.4' } });
    text = await response.text();
    if (response.status !== 200) return `GET ${exporterUrl}/metrics answered ${response.status}`;
  } catch (error) {
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    return `no answer from ${exporterUrl}/metrics (${typeof code === 'string' ? code : error instanceof Error ? error.name : 'error'})`;
  }
  const report = checkExposition(text, 'prometheus');
  if (!report.samples.some((sample) => sample.name === 'amas_exporter_build_info')) return `${exporterUrl}/metrics is not an amas-exporter's (no amas_exporter_build_info)`;
  const http = new Map<string, number>();
  const auth = new Map<string, number>();
  for (const sample of report.samples) {
    const labels = sample.labels;
    if (sample.name === 'amas_http_requests_total') add(http, `${labels.method ?? ''} ${labels.endpoint ?? ''} ${labels.status ?? ''}`, sample.value);
    else if (sample.name === 'amas_auth_attempts_total') add(auth, labels.result ?? '', sample.value);
  }
  return { http, auth };
}

/** The login mapping's result for a status: 2xx and 3xx success, 4xx failure, anything else error. */
const loginResult = (status: number): string => (status >= 200 && status < 400 ? 'success' : status >= 400 && status < 500 ? 'failure' : 'error');

/**
 * What the exporter should count for the answers the run got: each answered request is one audit
 * line, hence one amas_http_requests_total increment under the normalised path, and each
 * answered login one amas_auth_attempts_total increment (config/log-mappings/audit.yaml).
 */
export function expectedCounters(result: Pick<LoadResult, 'answered'>): Counters {
  const http = new Map<string, number>();
  const auth = new Map<string, number>();
  for (const [key, count] of result.answered) {
    const [method, path, status] = key.split(' ') as [string, string, string];
    add(http, `${method} ${normalisePath(path)} ${status}`, count);
    if (method === 'POST' && path === LOGIN_PATH) add(auth, loginResult(Number(status)), count);
  }
  return { http, auth };
}

const httpSeries = (key: string): string => {
  const [method, endpoint, status] = key.split(' ');
  return `method="${method}",endpoint="${endpoint}",status="${status}"`;
};

/** Compares the increase since `before` with what the run caused. */
export function compareCounters(before: Counters, after: Counters, expected: Counters): Comparison {
  const rows: ComparisonRow[] = [];
  let reset = false;
  const delta = (from: ReadonlyMap<string, number>, to: ReadonlyMap<string, number>, key: string): number => {
    const increase = (to.get(key) ?? 0) - (from.get(key) ?? 0);
    if (increase < 0) reset = true;
    return increase;
  };
  for (const [key, sent] of [...expected.http].sort(([a], [b]) => a.localeCompare(b))) rows.push({ metric: 'amas_http_requests_total', series: httpSeries(key), sent, counted: delta(before.http, after.http, key) });
  for (const [key, sent] of [...expected.auth].sort(([a], [b]) => a.localeCompare(b))) rows.push({ metric: 'amas_auth_attempts_total', series: `result="${key}"`, sent, counted: delta(before.auth, after.auth, key) });
  // Any series that went down, or vanished, means the exporter restarted (counters start at 0).
  for (const family of ['http', 'auth'] as const) for (const [key, value] of before[family]) if ((after[family].get(key) ?? 0) < value) reset = true;
  return { rows, keptUp: !reset && rows.every((row) => row.counted >= row.sent), reset };
}

/**
 * Polls the exporter until it has counted everything the run caused, a counter went down, or
 * `settleMs` passed (AMAS writes audit lines up to 30 s late). Bounded by time and by count.
 */
export async function awaitCounters(exporterUrl: string, before: Counters, expected: Counters, settleMs: number, timeoutMs: number, stepMs = 1000): Promise<{ comparison: Comparison; waitedMs: number } | string> {
  const started = Date.now();
  const attempts = Math.ceil(settleMs / stepMs) + 1;
  let last: Comparison | undefined;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const now = await readCounters(exporterUrl, timeoutMs);
    if (typeof now === 'string') return now;
    last = compareCounters(before, now, expected);
    if (last.keptUp || last.reset || Date.now() - started >= settleMs) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(stepMs, Math.max(0, settleMs - (Date.now() - started)))));
  }
  return { comparison: last as Comparison, waitedMs: Date.now() - started };
}

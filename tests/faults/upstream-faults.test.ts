import { stringify } from 'yaml';
import type { FailureReason } from '../../src/probes/types';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';
import { freePort } from '../helpers/ports';
import { keepReading, seriesOf, writeSummary, type ServedCounts } from './helpers/fault-run';
import { startHostileServer, startHostileTlsServer, type HostileServer } from './helpers/hostile-http';

/**
 * Issue 11's fault table for upstreams: every hostile mode runs at once against one exporter, each
 * row with its expected reason label, health state and log line, while clients keep reading
 * /livez, /metrics and /health and an honest HTTP target and an honest provider keep their schedule.
 */
interface Targets {
  readonly hostile: HostileServer;
  readonly tls: HostileServer;
  readonly refusedPort: number;
}

interface Row {
  /** Fault name; the probe is `http_<mode>`, the provider `f_<mode>`. */
  readonly mode: string;
  readonly url: (t: Targets) => string;
  readonly reason: FailureReason;
  /** Extra http probe keys (expectations). */
  readonly http?: Record<string, unknown>;
}

const at = (route: string) => (t: Targets): string => `${t.hostile.origin}${route}`;
const mounted = (name: string) => (t: Targets): string => `${t.hostile.origin}/m/${name}`;

/** HTTP targets: the http probe's reason for each hostile mode. */
const HTTP_ROWS: readonly Row[] = [
  { mode: 'refused', url: (t) => `http://127.0.0.1:${t.refusedPort}/health`, reason: 'connect_refused' },
  { mode: 'dns_failure', url: () => 'http://amas-upstream.invalid/health', reason: 'dns' },
  { mode: 'wrong_certificate', url: (t) => `${t.tls.origin}/ok`, reason: 'tls' },
  { mode: 'tls_to_plain_port', url: (t) => `https://127.0.0.1:${t.hostile.port}/ok`, reason: 'tls' },
  { mode: 'reset', url: at('/reset'), reason: 'connect' },
  { mode: 'reset_mid_body', url: at('/reset-mid-body'), reason: 'connect' },
  { mode: 'not_http', url: at('/not-http'), reason: 'invalid_reply' },
  { mode: 'slow_loris', url: at('/slow-loris'), reason: 'timeout' },
  { mode: 'endless_body', url: at('/endless'), reason: 'timeout' },
  { mode: 'huge_body', url: at('/huge'), reason: 'too_large' },
  { mode: 'header_bomb', url: at('/header-bomb'), reason: 'too_large' },
  { mode: 'gzip_bomb', url: at('/gzip-bomb'), reason: 'too_large' },
  { mode: 'brotli_bomb', url: at('/br-bomb'), reason: 'too_large' },
  { mode: 'redirect_loop', url: at('/loop/a'), reason: 'redirect' },
  { mode: 'redirect_other_host', url: at('/other-host'), reason: 'redirect' },
  { mode: 'invalid_json', url: at('/invalid-json'), reason: 'invalid_reply', http: { expect: { json: [{ path: 'status', equals: 'healthy' }] } } },
  { mode: 'wrong_shape_json', url: at('/wrong-shape'), reason: 'assertion', http: { expect: { json: [{ path: 'status', equals: 'healthy' }] } } },
  { mode: 'status_401', url: at('/status/401'), reason: 'http_status' },
  { mode: 'status_403', url: at('/status/403'), reason: 'http_status' },
  { mode: 'status_404', url: at('/status/404'), reason: 'http_status' },
  { mode: 'status_429', url: at('/status/429'), reason: 'http_status' },
  { mode: 'status_500', url: at('/status/500'), reason: 'http_5xx' },
  { mode: 'status_503', url: at('/status/503'), reason: 'http_5xx' },
  { mode: 'late_answer', url: at('/late'), reason: 'timeout' },
];

/** Providers (OpenAI style): the failing rung's reason; the models list is where a reply is first read. */
const PROVIDER_ROWS: readonly (Row & { readonly rung: 'reachability' | 'metadata' })[] = [
  { mode: 'refused', url: (t) => `http://127.0.0.1:${t.refusedPort}/v1`, rung: 'reachability', reason: 'connect_refused' },
  { mode: 'dns_failure', url: () => 'https://amas-provider.invalid/v1', rung: 'reachability', reason: 'dns' },
  { mode: 'wrong_certificate', url: (t) => `${t.tls.origin}/m/ok`, rung: 'reachability', reason: 'tls' },
  { mode: 'reset', url: mounted('reset'), rung: 'metadata', reason: 'connect' },
  { mode: 'not_http', url: mounted('not-http'), rung: 'metadata', reason: 'invalid_reply' },
  { mode: 'slow_loris', url: mounted('slow-loris'), rung: 'metadata', reason: 'timeout' },
  { mode: 'endless_body', url: mounted('endless'), rung: 'metadata', reason: 'timeout' },
  { mode: 'huge_body', url: mounted('huge'), rung: 'metadata', reason: 'too_large' },
  { mode: 'header_bomb', url: mounted('header-bomb'), rung: 'metadata', reason: 'too_large' },
  { mode: 'gzip_bomb', url: mounted('gzip-bomb'), rung: 'metadata', reason: 'too_large' },
  { mode: 'deflate_bomb', url: mounted('deflate-bomb'), rung: 'metadata', reason: 'too_large' },
  // AI calls never follow a redirect: the key must not travel anywhere else.
  { mode: 'redirect_loop', url: mounted('loop-p'), rung: 'metadata', reason: 'http_status' },
  { mode: 'redirect_other_host', url: mounted('other-host'), rung: 'metadata', reason: 'http_status' },
  { mode: 'invalid_json', url: mounted('invalid-json'), rung: 'metadata', reason: 'invalid_reply' },
  { mode: 'wrong_shape_json', url: mounted('wrong-shape'), rung: 'metadata', reason: 'invalid_reply' },
  { mode: 'status_401', url: mounted('status-401'), rung: 'metadata', reason: 'auth' },
  { mode: 'status_403', url: mounted('status-403'), rung: 'metadata', reason: 'auth' },
  { mode: 'status_404', url: mounted('status-404'), rung: 'metadata', reason: 'http_status' },
  { mode: 'status_429', url: mounted('status-429'), rung: 'metadata', reason: 'rate_limited' },
  { mode: 'status_500', url: mounted('status-500'), rung: 'metadata', reason: 'http_5xx' },
  { mode: 'status_503', url: mounted('status-503'), rung: 'metadata', reason: 'http_5xx' },
  { mode: 'late_answer', url: mounted('late'), rung: 'metadata', reason: 'timeout' },
];

const KEY = 'sk-fault-table-key-7hQ2mZ9pL4xR';
const providerId = (mode: string): string => `f_${mode}`;
const WINDOW_MS = 6000;

describe('upstream fault table: each hostile upstream gets its reason while the exporter keeps serving', () => {
  let targets: Targets;
  let sim: Simulator;
  let exporter: TestExporter;
  let served: ServedCounts;
  let controlRunsInWindow = 0;
  let bystanderRunsInWindow = 0;
  let exposition = new Map<string, number>();
  let warmAt = 0;
  let health: { status: string; checks: { name: string; status: string; reason?: string; provider_status?: string }[] };

  beforeAll(async () => {
    targets = { hostile: await startHostileServer(), tls: await startHostileTlsServer(), refusedPort: await freePort() };
    sim = await startSimulator({ providers: [{ id: 'bystander', style: 'openai', model: 'gpt-4o', api_key: KEY, options: { latency_ms: [20, 60] } }] });
    const probes = [
      { name: 'control', type: 'http', url: `${targets.hostile.origin}/ok`, interval: '500ms', timeout: '400ms' },
      ...HTTP_ROWS.map((row) => ({ name: `http_${row.mode}`, type: 'http', url: row.url(targets), interval: '1s', timeout: '700ms', ...row.http })),
    ];
    const providers: Record<string, unknown> = { bystander: { style: 'openai', base_url: sim.baseUrl('bystander'), model: 'gpt-4o', key_env: ['FAULT_KEY'] } };
    for (const row of PROVIDER_ROWS) providers[providerId(row.mode)] = { style: 'openai', base_url: row.url(targets), model: 'gpt-4o', key_env: ['FAULT_KEY'] };
    const ai = {
      include_catalogue: false,
      egress: { canary_url: '' },
      rungs: { reachability: { interval: '1s', timeout: '700ms' }, metadata: { interval: '1s', timeout: '700ms' }, validation: { interval: '1h', timeout: '5s' } },
      providers,
    };
    exporter = await startTestExporter(`${stringify({ probes, ai })}\nscheduler:\n  max_concurrent: 128\n`, { env: { FAULT_KEY: KEY } });
    const reader = keepReading(exporter.url, ['/livez', '/metrics', '/health', '/readyz']);
    const rungRecord = (row: (typeof PROVIDER_ROWS)[number]) => exporter.exporter.store.get(`ai_${providerId(row.mode)}_${row.rung}`);
    await waitFor(
      () => HTTP_ROWS.every((row) => (exporter.exporter.store.get(`http_${row.mode}`)?.runs ?? 0) >= 2) && PROVIDER_ROWS.every((row) => (rungRecord(row)?.runs ?? 0) >= 2),
      40_000,
      100,
    );
    warmAt = Date.now();
    const control = exporter.exporter.store.get('control');
    const bystander = exporter.exporter.store.get('ai_bystander_metadata');
    const [controlBefore, bystanderBefore] = [control?.runs ?? 0, bystander?.runs ?? 0];
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    controlRunsInWindow = (control?.runs ?? 0) - controlBefore;
    bystanderRunsInWindow = (bystander?.runs ?? 0) - bystanderBefore;
    served = await reader.stop();
    exposition = seriesOf(await (await fetch(`${exporter.url}/metrics`)).text());
    health = (await (await fetch(`${exporter.url}/health`)).json()) as typeof health;
    writeSummary('upstream', { faults: HTTP_ROWS.length + PROVIDER_ROWS.length, http_rows: HTTP_ROWS.length, provider_rows: PROVIDER_ROWS.length, served: served.served, lost: served.lost, by_path: served.byPath, control_runs_in_window: controlRunsInWindow, window_ms: WINDOW_MS });
  }, 90_000);

  afterAll(async () => {
    await exporter?.close();
    await sim?.close();
    await targets?.hostile.close();
    await targets?.tls.close();
  });

  const logged = (probe: string, reason: string): boolean =>
    exporter.logLines().some((line) => {
      const entry = JSON.parse(line) as { message?: string; probe?: string; reason?: string };
      return entry.message === 'probe failed' && entry.probe === probe && entry.reason === reason;
    });

  /** The expected reason, and nothing else but a deadline a busy machine may cause. */
  const reasonsOf = (name: string): FailureReason[] => [...(exporter.exporter.store.get(name)?.failures.keys() ?? [])];

  it.each(HTTP_ROWS.map((row) => [row.mode, row.reason] as const))('http target, %s: reason %s, check failing in /health, logged', (mode, reason) => {
    const name = `http_${mode}`;
    expect(reasonsOf(name)).toContain(reason);
    expect(reasonsOf(name).filter((other) => other !== reason && other !== 'timeout')).toEqual([]);
    expect(exposition.get(`amas_probe_failures_total{probe="${name}",reason="${reason}"}`)).toBeGreaterThanOrEqual(1);
    expect(exposition.get(`amas_probe_success{probe="${name}"}`)).toBe(0);
    expect(health.checks.find((check) => check.name === name)).toMatchObject({ status: 'fail' });
    expect(logged(name, reason)).toBe(true);
  });

  it.each(PROVIDER_ROWS.map((row) => [row.mode, row.rung, row.reason] as const))('provider, %s: %s rung fails with %s, provider failed in /health, logged', (mode, rung, reason) => {
    const id = providerId(mode);
    const name = `ai_${id}_${rung}`;
    expect(reasonsOf(name)).toContain(reason);
    expect(reasonsOf(name).filter((other) => other !== reason && other !== 'timeout')).toEqual([]);
    expect(exposition.get(`amas_probe_failures_total{probe="${name}",reason="${reason}"}`)).toBeGreaterThanOrEqual(1);
    expect(health.checks.find((check) => check.name === `ai_provider_${id}`)).toMatchObject({ status: 'fail', provider_status: 'failed' });
    expect(logged(name, reason)).toBe(true);
  });

  it('never sent the key to another host and never followed a provider redirect', () => {
    expect(targets.hostile.hits('/echo-headers')).toBe(0);
    expect(targets.hostile.hits('/loop-q')).toBe(0);
    expect(exporter.logLines().join('\n')).not.toContain(KEY);
    expect([...exposition.keys()].join('\n')).not.toContain(KEY);
  });

  it('kept serving: every request during the faults was answered', () => {
    expect(served.lost).toBe(0);
    for (const path of ['/livez', '/metrics', '/health', '/readyz']) expect(served.byPath[path]).toBeGreaterThan(0);
  });

  it('kept the schedule of the honest target and the honest provider', () => {
    // Every 500 ms for 6 s is 12 runs; a shared machine may lose a few, a stalled schedule loses all.
    expect(controlRunsInWindow).toBeGreaterThanOrEqual(4);
    // Counted after the first round, which also pays for loading code on the serving loop.
    const failedSince = (name: string): unknown[] => (exporter.exporter.store.get(name)?.recentFailures ?? []).filter((result) => result.startedAt >= warmAt).map((result) => result.outcome);
    expect(failedSince('control')).toEqual([]);
    expect(bystanderRunsInWindow).toBeGreaterThanOrEqual(2);
    expect(failedSince('ai_bystander_metadata')).toEqual([]);
  });
});

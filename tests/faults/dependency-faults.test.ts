import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';
import type { FailureReason } from '../../src/probes/types';
import { keepReading, seriesOf, writeSummary, type ServedCounts } from './helpers/fault-run';
import { startHostileServer, type HostileServer } from './helpers/hostile-http';
import { startBlackHole, startPostgresWithPassword, startRedisWithPassword, type OwnServer } from './helpers/own-servers';

/**
 * Issue 11's fault table for dependencies: Postgres and Redis of the test's own (never the shared
 * ones) with a wrong password, accepting and never answering, stopped and restarted, while clients
 * keep reading the exporter and an honest HTTP target keeps its schedule.
 */
const PG_PASSWORD = 'pg-fault-password-Zk81';
const REDIS_PASSWORD = 'redis-fault-password-Qm27';
const WRONG_PASSWORD = 'not-the-password-Hy55';

interface Row {
  readonly probe: string;
  readonly fault: string;
  /** Reasons that describe the fault (a stopped server refuses; a dying one may reset first). */
  readonly reasons: readonly FailureReason[];
}

/** Faults present from the start. */
const STEADY_ROWS: readonly Row[] = [
  { probe: 'pg_wrong_password', fault: 'Postgres: wrong password', reasons: ['auth'] },
  { probe: 'redis_wrong_password', fault: 'Redis: wrong password', reasons: ['auth'] },
  { probe: 'pg_silent', fault: 'Postgres: accepts and never answers', reasons: ['timeout'] },
  { probe: 'redis_silent', fault: 'Redis: accepts and never answers', reasons: ['timeout'] },
];
/** Faults made by stopping the servers, then healed by starting them again. */
const STOP_ROWS: readonly Row[] = [
  { probe: 'pg_main', fault: 'Postgres: stopped, then restarted', reasons: ['connect_refused', 'connect'] },
  { probe: 'redis_main', fault: 'Redis: stopped, then restarted', reasons: ['connect_refused', 'connect'] },
];

describe('dependency fault table: each failing dependency gets its reason, and comes back', () => {
  let pg: OwnServer;
  let redis: OwnServer;
  let hole: Awaited<ReturnType<typeof startBlackHole>>;
  let web: HostileServer;
  let exporter: TestExporter;
  let served: ServedCounts;
  let duringStop: { health: number; status: string; checks: { name: string; status: string }[] };
  let afterRestart: Map<string, number>;
  let controlRuns = 0;
  /** Failure reasons of the steady rows before the servers were stopped (the stop fails them all). */
  const steadyReasons = new Map<string, FailureReason[]>();

  const record = (name: string) => exporter.exporter.store.get(name);
  let warmAt = 0;
  /** Distinct failure reasons of runs started at or after `since` (epoch ms). */
  const reasonsSince = (name: string, since: number): FailureReason[] => [
    ...new Set((record(name)?.recentFailures ?? []).filter((result) => result.startedAt >= since).flatMap((result) => (result.outcome.ok ? [] : [result.outcome.reason]))),
  ];
  const lastOk = (name: string): boolean | undefined => record(name)?.latest?.outcome.ok;

  beforeAll(async () => {
    [pg, redis, hole, web] = await Promise.all([startPostgresWithPassword(PG_PASSWORD), startRedisWithPassword(REDIS_PASSWORD), startBlackHole(), startHostileServer()]);
    const probe = (name: string, type: string, url: string, extra = ''): string => `  - name: ${name}\n    type: ${type}\n    url: ${url}\n    interval: 1s\n    timeout: 800ms\n${extra}`;
    const yaml = [
      'probes:',
      probe('pg_main', 'postgres', `postgres://postgres:\${PG_FAULT_PASSWORD}@127.0.0.1:${pg.port}/postgres`, '    critical: true\n'),
      probe('pg_wrong_password', 'postgres', `postgres://postgres:\${PG_WRONG_PASSWORD}@127.0.0.1:${pg.port}/postgres`, '    critical: false\n    service: ""\n'),
      probe('pg_silent', 'postgres', `postgres://postgres@127.0.0.1:${hole.port}/postgres`, '    critical: false\n    service: ""\n'),
      probe('redis_main', 'redis', `redis://:\${REDIS_FAULT_PASSWORD}@127.0.0.1:${redis.port}/0`),
      probe('redis_wrong_password', 'redis', `redis://:\${REDIS_WRONG_PASSWORD}@127.0.0.1:${redis.port}/0`, '    service: ""\n'),
      probe('redis_silent', 'redis', `redis://127.0.0.1:${hole.port}/0`, '    service: ""\n'),
      probe('control', 'http', `${web.origin}/ok`),
      'ai:\n  enabled: false',
      'scheduler:\n  max_concurrent: 32',
    ].join('\n');
    exporter = await startTestExporter(yaml, { env: { PG_FAULT_PASSWORD: PG_PASSWORD, PG_WRONG_PASSWORD: WRONG_PASSWORD, REDIS_FAULT_PASSWORD: REDIS_PASSWORD, REDIS_WRONG_PASSWORD: WRONG_PASSWORD } });
    const reader = keepReading(exporter.url, ['/livez', '/metrics', '/health', '/readyz']);
    const controlBefore = () => record('control')?.runs ?? 0;
    const start = controlBefore();
    await waitFor(() => [...STEADY_ROWS, ...STOP_ROWS].every((row) => (record(row.probe)?.runs ?? 0) >= 1), 30_000, 100);
    warmAt = Date.now();
    await waitFor(() => STEADY_ROWS.every((row) => reasonsSince(row.probe, warmAt).length > 0) && lastOk('pg_main') === true && lastOk('redis_main') === true, 30_000, 100);
    // Runs after the first round: the first one also pays for loading the drivers on this loop.
    for (const row of STEADY_ROWS) steadyReasons.set(row.probe, reasonsSince(row.probe, warmAt));
    await Promise.all([pg.stop(), redis.stop()]);
    await waitFor(() => lastOk('pg_main') === false && lastOk('redis_main') === false, 15_000, 100);
    // /health is rendered when results change (coalesced), so it shows the stop a moment after the runs do.
    const readHealth = async (): Promise<typeof duringStop> => {
      const health = await fetch(`${exporter.url}/health`);
      return { health: health.status, ...((await health.json()) as { status: string; checks: { name: string; status: string }[] }) };
    };
    const failing = (view: typeof duringStop): boolean => ['pg_main', 'redis_main'].every((name) => view.checks.find((check) => check.name === name)?.status === 'fail');
    duringStop = await readHealth();
    for (let attempt = 0; attempt < 20 && !failing(duringStop); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      duringStop = await readHealth();
    }
    await Promise.all([pg.start(), redis.start()]);
    await waitFor(() => lastOk('pg_main') === true && lastOk('redis_main') === true, 20_000, 100);
    // /metrics is rendered when results change (coalesced), so it shows the recovery a moment after the runs do.
    await waitFor(async () => {
      afterRestart = seriesOf(await (await fetch(`${exporter.url}/metrics`)).text());
      return STOP_ROWS.every((row) => afterRestart.get(`amas_probe_success{probe="${row.probe}"}`) === 1);
    }, 10_000, 100);
    controlRuns = controlBefore() - start;
    served = await reader.stop();
    writeSummary('dependency', { faults: STEADY_ROWS.length + STOP_ROWS.length, served: served.served, lost: served.lost, by_path: served.byPath, control_runs: controlRuns });
  }, 120_000);

  afterAll(async () => {
    await exporter?.close();
    await Promise.all([pg?.destroy(), redis?.destroy(), hole?.close(), web?.close()]);
  });

  const reasonsOf = (name: string): FailureReason[] => [...(record(name)?.failures.keys() ?? [])];
  const logged = (probe: string, reasons: readonly string[]): boolean =>
    exporter.logLines().some((line) => {
      const entry = JSON.parse(line) as { message?: string; probe?: string; reason?: string };
      return entry.message === 'probe failed' && entry.probe === probe && reasons.includes(entry.reason ?? '');
    });

  it.each(STEADY_ROWS.map((row) => [row.fault, row.probe, row.reasons] as const))('%s: %s fails with %j, its check fails, a line is logged', (_fault, probe, reasons) => {
    const before = steadyReasons.get(probe) ?? [];
    expect(before.length).toBeGreaterThan(0);
    expect(before.filter((reason) => !reasons.includes(reason))).toEqual([]);
    expect(afterRestart.get(`amas_probe_success{probe="${probe}"}`)).toBe(0);
    expect(duringStop.checks.find((check) => check.name === probe)).toMatchObject({ status: 'fail' });
    expect(logged(probe, reasons)).toBe(true);
  });

  it.each(STOP_ROWS.map((row) => [row.fault, row.probe, row.reasons] as const))('%s: %s fails with %j while stopped and passes again after the restart', (_fault, probe, reasons) => {
    const failures = reasonsOf(probe);
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.filter((reason) => !reasons.includes(reason) && reason !== 'timeout')).toEqual([]);
    expect(duringStop.checks.find((check) => check.name === probe)).toMatchObject({ status: 'fail' });
    expect(afterRestart.get(`amas_probe_success{probe="${probe}"}`)).toBe(1);
    expect(logged(probe, reasons)).toBe(true);
  });

  it('a stopped critical database makes /health unhealthy (503)', () => {
    expect(duringStop).toMatchObject({ health: 503, status: 'unhealthy' });
  });

  it('the hanging dependency was really connected to, and held no more sockets than runs', () => {
    expect(hole.accepted()).toBeGreaterThan(0);
  });

  it('kept serving and kept the honest target on schedule', () => {
    expect(served.lost).toBe(0);
    expect(served.served).toBeGreaterThan(20);
    expect(controlRuns).toBeGreaterThanOrEqual(3);
    expect(reasonsSince('control', warmAt)).toEqual([]);
  });

  it('no password appears in any log line or series', () => {
    const everything = `${exporter.logLines().join('\n')}\n${[...afterRestart.keys()].join('\n')}`;
    for (const secret of [PG_PASSWORD, REDIS_PASSWORD, WRONG_PASSWORD]) expect(everything).not.toContain(secret);
  });
});

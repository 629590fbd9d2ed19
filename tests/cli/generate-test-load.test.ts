import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startAmasStandin, type AmasStandin } from '../../src/simulator/amas-standin';
import { freePort } from '../helpers/ports';
import { spawnCli } from '../helpers/binary';
import { startTestExporter, waitFor, withoutProviderKeys } from '../helpers/exporter';
import { runCli } from './run-cli';

/** The stand-in's background traffic never runs: every audit line is one of the run's requests. */
const NO_BACKGROUND_MS = 2 ** 31 - 1;

const exporterConfig = (logFile: string, dir: string): string => `
logs:
  sources:
    - { name: audit, path: ${logFile}, format: audit, start_at: beginning }
  positions_path: ${path.join(dir, 'positions.json')}
  poll_interval: 100ms
`;

/**
 * The exporter as AMAS's sidecar runs it: its own process (`serve`), tailing the stand-in's log, so
 * the load generator, AMAS and the exporter each have their own event loop.
 */
async function startExporterProcess(yaml: string, dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const port = await freePort();
  const config = path.join(dir, 'exporter.yaml');
  writeFileSync(config, `${yaml}\nlisten:\n  address: 127.0.0.1\n  port: ${port}\n`);
  const exporter = spawnCli(['serve', '--config', config], withoutProviderKeys(process.env));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(() => fetch(`${url}/livez`).then((response) => response.ok, () => false), 15_000, 100);
  } catch (error) {
    exporter.child.kill('SIGKILL');
    throw new Error(`the exporter did not start: ${String(error)}\n${exporter.output()}`);
  }
  return {
    url,
    close: async () => {
      exporter.child.kill('SIGTERM');
      await exporter.exited();
    },
  };
}

interface Report {
  planned: number;
  sent: number;
  answered: number;
  logins_answered: number;
  answers: Record<string, number>;
  comparison: { metric: string; series: string; sent: number; counted: number }[];
  kept_up: boolean;
  problem: string | null;
}

describe('amas-exporter generate-test-load', () => {
  let dir: string;
  let amas: AmasStandin;
  let exporter: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'amas-test-load-'));
    amas = await startAmasStandin({ logFile: path.join(dir, 'audit.log'), tickMs: NO_BACKGROUND_MS });
    exporter = await startExporterProcess(exporterConfig(amas.logFile, dir), dir);
  });
  afterAll(async () => {
    await exporter.close();
    await amas.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends duration × rate requests with a share of failed logins, and the exporter counts each one', async () => {
    const linesBefore = amas.lines();
    const run = await runCli(['generate-test-load', '--duration', '2s', '--rate', '50', '--target', amas.url, '--exporter-url', exporter.url, '--settle', '20s', '--json'], { timeoutMs: 60_000 });
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    const report = JSON.parse(run.stdout) as Report;
    // 2 s × 50/s; a tenth of them logins, the rest cycling through the four default paths.
    expect(report).toMatchObject({ planned: 100, sent: 100, answered: 100, logins_answered: 10, kept_up: true, problem: null });
    expect(report.answers).toEqual({
      'GET /health 200': 23,
      'GET /health/detailed 404': 22,
      'GET /health/live 200': 23,
      'GET /health/ready 200': 22,
      'POST /api/v1/auth/login 401': 10,
    });
    // The stand-in wrote one audit line per request, as AMAS does: the independent truth.
    expect(amas.lines() - linesBefore).toBe(100);
    const logins = readFileSync(amas.logFile, 'utf8').split('\n').filter((line) => line.includes('"POST /api/v1/auth/login"'));
    expect(logins).toHaveLength(10);
    // Nothing else writes to this log, so the exporter's counts equal what was sent.
    for (const row of report.comparison) expect([row.series, row.counted]).toEqual([row.series, row.sent]);
    expect(report.comparison.map((row) => `${row.metric}{${row.series}}`)).toEqual(
      expect.arrayContaining(['amas_http_requests_total{method="POST",endpoint="/api/v1/auth/login",status="401"}', 'amas_auth_attempts_total{result="failure"}']),
    );
    expect(report.comparison.find((row) => row.metric === 'amas_auth_attempts_total')).toMatchObject({ sent: 10, counted: 10 });
  }, 90_000);

  it('prints a table and the verdict without --json', async () => {
    const run = await runCli(['generate-test-load', '--duration', '1s', '--rate', '20', '--target', amas.url, '--exporter-url', exporter.url, '--settle', '20s'], { timeoutMs: 60_000 });
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/^Sent 20 of 20 requests to http:\/\/127\.0\.0\.1:\d+ in [\d.]+ s: 18 GETs answered, 2 logins answered$/m);
    expect(run.stdout).toMatch(/^amas_auth_attempts_total\s+result="failure"\s+2\s+2\s+ok$/m);
    expect(run.stdout).toMatch(/^The pipeline kept up: the exporter had counted every answered request (by the time the load ended|[\d.]+ s after the load ended)\.$/m);
    // Nothing else writes this log, so no series had other traffic.
    expect(run.stdout).not.toContain('other traffic');
  }, 90_000);

  it('says the pipeline fell behind, and exits 1, when the exporter does not read the log AMAS writes', async () => {
    const other = await startTestExporter(exporterConfig(path.join(dir, 'elsewhere.log'), mkdtempSync(path.join(dir, 'other-'))));
    try {
      const run = await runCli(['generate-test-load', '--duration', '1s', '--rate', '10', '--target', amas.url, '--exporter-url', other.url, '--settle', '2s'], { timeoutMs: 60_000 });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^The pipeline fell behind: 2 s after the load ended the exporter had counted 0 of 10 answered requests \(\d+ series short\)\.$/m);
      expect(run.stdout).toMatch(/^amas_http_requests_total\s+method="GET",endpoint="\/health",status="200"\s+3\s+0\s+SHORT$/m);
    } finally {
      await other.close();
    }
  }, 90_000);

  it.each([
    ['http://10.1.2.3:8000', '10.1.2.3'],
    ['http://example.com', 'example.com'],
    ['http://[2001:db8::1]:8000', '[2001:db8::1]'],
  ])('refuses the non-loopback target %s with exit 64 and sends nothing', async (target, host) => {
    const run = await runCli(['generate-test-load', '--target', target, '--exporter-url', exporter.url]);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain(`refusing to load ${new URL(target).origin}: ${host} is not a loopback address; pass --allow-remote`);
    expect(run.stdout).toBe('');
  });

  it.each([
    [['--rate', '0'], '--rate must be requests per second above 0'],
    [['--rate', '5000'], 'at most 500'],
    [['--duration', '2h'], '--duration must be from 1s to 10m'],
    [['--login-share', '1.5'], '--login-share must be a fraction from 0 to 1'],
    [['--paths', 'health'], '--paths must be a comma-separated list of paths starting with /'],
    [['--target', 'ftp://127.0.0.1'], '--target must be an http(s) URL'],
    [['--bogus'], 'unknown flag --bogus'],
  ])('exits 64 for %j', async (flags, message) => {
    const run = await runCli(['generate-test-load', ...flags]);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain(message);
  });

  it('sends nothing and exits 1 when the exporter cannot be read', async () => {
    const linesBefore = amas.lines();
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const run = await runCli(['generate-test-load', '--duration', '1s', '--rate', '10', '--target', amas.url, '--exporter-url', nowhere]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot compare with the exporter: no answer from ${nowhere}/metrics (ECONNREFUSED); nothing was sent`);
    // Give a stray request time to land before checking that none did.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(amas.lines()).toBe(linesBefore);
  });

  it('exits 1 when AMAS answers nothing', async () => {
    const run = await runCli(['generate-test-load', '--duration', '1s', '--rate', '5', '--target', `http://127.0.0.1:${await freePort()}`, '--exporter-url', exporter.url, '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as Report & { not_answered: Record<string, number> };
    expect(report).toMatchObject({ sent: 5, answered: 0, kept_up: false, not_answered: { ECONNREFUSED: 5 } });
    expect(report.problem).toMatch(/answered none of the 5 requests/);
  });
});

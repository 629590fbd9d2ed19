import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../helpers/ports';
import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';
import { runCli } from './run-cli';

/** A server that answers like an exporter gone wrong: bad exposition text and a thin /health. */
function startBrokenExporter(): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const json = (status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    switch (request.url) {
      case '/livez':
        return json(200, { status: 'alive' });
      case '/health':
        return json(200, { status: 'healthy', timestamp: new Date().toISOString() });
      case '/metrics':
        return response
          .writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
          .end('# TYPE amas_probe_success gauge\namas_probe_success{probe="x} 1\namas_probe_last_run_timestamp_seconds{probe="x"} 12\n');
      default:
        return response.writeHead(404, { 'content-type': 'text/plain' }).end('no');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('amas-exporter test-monitoring', () => {
  let exporter: TestExporter;
  let broken: http.Server;
  beforeAll(async () => {
    exporter = await startTestExporter(`
probes:
  - name: redis
    type: redis
    url: redis://127.0.0.1:6379/0
    interval: 2s
    timeout: 1s
`);
    broken = await startBrokenExporter();
    await waitFor(() => exporter.exporter.store.get('redis')?.latest !== undefined);
  });
  afterAll(async () => {
    await exporter.close();
    await new Promise<void>((resolve) => broken.close(() => resolve()));
  });

  it('passes every check against a real exporter and exits 0', async () => {
    const run = await runCli(['test-monitoring', '--url', exporter.url]);
    expect(run.code).toBe(0);
    for (const check of ['GET /livez', '/health has the seed fields', '/metrics parses (text 0.0.4)', '/metrics parses (OpenMetrics 1.0)', 'GET / (status page)', 'probe results are fresh']) {
      expect(run.stdout).toMatch(new RegExp(`^${check.replace(/[()./]/g, '\\$&')}\\s+pass\\b`, 'm'));
    }
    expect(run.stdout).toMatch(/\d+ checks: \d+ passed, 0 failed/);
  });

  it('reports stale results against a bound given with --max-age, as JSON', async () => {
    // The probe runs every 2s; a result is at least a few milliseconds old, so a 1ms bound fails it.
    const run = await runCli(['test-monitoring', '--url', exporter.url, '--max-age', '1ms', '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { ok: boolean; checks: { name: string; ok: boolean; detail: string }[] };
    expect(report.ok).toBe(false);
    expect(report.checks.find((check) => check.name === 'probe results are fresh')).toMatchObject({ ok: false, detail: expect.stringContaining('redis') });
    expect(report.checks.filter((check) => !check.ok).map((check) => check.name)).toEqual(['probe results are fresh']);
  });

  it('names what is wrong with a misbehaving exporter and exits 1', async () => {
    const run = await runCli(['test-monitoring', '--url', `http://127.0.0.1:${(broken.address() as AddressInfo).port}`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^\/health has the seed fields\s+FAIL\s+wrong: version \(missing, expected string\), uptime/m);
    expect(run.stdout).toMatch(/^\/metrics parses \(text 0\.0\.4\)\s+FAIL\s+line 2: amas_probe_success: label probe value is not closed/m);
    // Content types are named as a reader writes them, not as a pattern.
    expect(run.stdout).toMatch(/^GET \/readyz\s+FAIL\s+404 text\/plain; expected 200 or 503 with application\/json$/m);
  });

  it('exits 1 with one clear row when nothing listens at the URL, and 64 for a URL that is not one', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const run = await runCli(['test-monitoring', '--url', url, '--timeout', '2s']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^exporter answers at ${url.replace(/[./]/g, '\\$&')}\\s+FAIL\\s+no answer \\(ECONNREFUSED\\): nothing listens there`, 'm'));
    expect(run.stdout).toMatch(/1 checks: 0 passed, 1 failed/);
    expect(run.stdout).not.toMatch(/GET \/livez|\^|\\b/);
    expect((await runCli(['test-monitoring', '--url', 'ftp://example'])).code).toBe(64);
  }, 60_000);
});

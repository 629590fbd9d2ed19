import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkExposition } from '../../src/cli/lib/exposition-check';
import { formatProblem, lintFamilies } from '../../src/cli/lib/exposition-lint';
import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';
import { requireBinary } from '../deploy/tools';
import { runCli } from './run-cli';

/** What `promtool check metrics` reports for a text: exit status and its findings, one per line, deduplicated. */
function promtool(text: string): { status: number | null; findings: string[] } {
  const result = spawnSync(requireBinary('promtool'), ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { status: result.status, findings: [...new Set(`${result.stdout}${result.stderr}`.split('\n').filter(Boolean))].sort() };
}
const lint = (text: string): string[] => lintFamilies(checkExposition(text, 'prometheus').families).map(formatProblem).sort();

/** One family per promlint rule, each broken the way real exporters break it. */
const BROKEN = [
  '# HELP a_total a gauge named like a counter\n# TYPE a_total gauge\na_total 1',
  '# TYPE b counter\nb 1',
  '# HELP c_sum x\n# TYPE c_sum gauge\nc_sum 1',
  '# HELP c_count x\n# TYPE c_count gauge\nc_count 1',
  '# HELP c_bucket x\n# TYPE c_bucket summary\nc_bucket_sum 1\nc_bucket_count 1',
  '# HELP d_milliseconds x\n# TYPE d_milliseconds gauge\nd_milliseconds 1',
  '# HELP d_kilobytes x\n# TYPE d_kilobytes gauge\nd_kilobytes 1',
  '# HELP d_hours_total x\n# TYPE d_hours_total counter\nd_hours_total 1',
  '# HELP fooBar x\n# TYPE fooBar gauge\nfooBar{someLabel="x"} 1',
  '# HELP e_ms x\n# TYPE e_ms gauge\ne_ms 1',
  '# HELP e_sec_used x\n# TYPE e_sec_used gauge\ne_sec_used 1',
  '# HELP f:g x\n# TYPE f:g gauge\nf:g 1',
  '# HELP h_gauge x\n# TYPE h_gauge gauge\nh_gauge 1',
  '# HELP h_counter_total x\n# TYPE h_counter_total counter\nh_counter_total 1',
  '# HELP l x\n# TYPE l gauge\nl{le="1"} 1\nl{le="2",quantile="0.5"} 1',
  '# HELP ok_seconds fine\n# TYPE ok_seconds histogram\nok_seconds_bucket{le="+Inf"} 1\nok_seconds_sum 1\nok_seconds_count 1',
].join('\n');

describe("test-monitoring reports what `promtool check metrics` reports", () => {
  let exporter: TestExporter;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'amas-lint-'));
    const log = path.join(dir, 'audit.log');
    // Lines that feed the log families, the two renamed session and analysis gauges included.
    const line = (fields: Record<string, unknown>): string => JSON.stringify({ event_id: 'e1', timestamp: new Date().toISOString(), event_type: 'system_event', status: 'success', ...fields });
    writeFileSync(log, `${[
      line({ action: 'GET /api/v1/agents', user_id: 'user_1', session_id: 's1', duration_ms: 12, details: { method: 'GET', path: '/api/v1/agents', status_code: 200 } }),
      line({ action: 'POST /api/v1/auth/login', user_id: 'user_2', session_id: 's2', duration_ms: 30, details: { method: 'POST', path: '/api/v1/auth/login', status_code: 401 } }),
      line({ event_type: 'security_violation', status: 'blocked', action: 'http_error', details: { violation_type: 'http_error', severity: 'high' } }),
    ].join('\n')}\n`);
    exporter = await startTestExporter(`
probes:
  - name: redis
    type: redis
    url: redis://127.0.0.1:6379/0
    interval: 2s
    timeout: 1s
logs:
  sources:
    - { name: audit, path: ${log}, format: audit, start_at: beginning }
  positions_path: ${path.join(dir, 'positions.json')}
  poll_interval: 100ms
`);
    await waitFor(async () => (await (await fetch(`${exporter.url}/metrics`)).text()).includes('amas_http_requests_total{'));
  });
  afterAll(async () => {
    await exporter.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds exactly the problems promtool finds, worded the same, on an exposition breaking every lint rule', () => {
    const real = promtool(`${BROKEN}\n`);
    expect(real.status).toBe(3);
    expect(real.findings.length).toBeGreaterThan(10);
    expect(lint(`${BROKEN}\n`)).toEqual(real.findings);
  });

  it('real /metrics, /metrics/ai-providers and /metrics/security pass promtool with exit 0, the renamed gauges included', async () => {
    const text = await (await fetch(`${exporter.url}/metrics`)).text();
    expect(text).toMatch(/^amas_active_sessions \d+$/m);
    expect(text).toMatch(/^# TYPE amas_concurrent_analyses gauge$/m);
    expect(text).not.toMatch(/^amas_(active_sessions|concurrent_analyses)_total/m);
    for (const body of [text, await (await fetch(`${exporter.url}/metrics/ai-providers`)).text(), await (await fetch(`${exporter.url}/metrics/security`)).text()]) {
      expect(promtool(body)).toEqual({ status: 0, findings: [] });
      expect(lint(body)).toEqual([]);
    }
  });

  it('prints the lint rows: pass on the real exporter', async () => {
    const run = await runCli(['test-monitoring', '--url', exporter.url]);
    expect(run.stdout).toMatch(/^\/metrics passes the promtool lint\s+pass\s+no finding/m);
    expect(run.stdout).toMatch(/^\/metrics\/security passes the promtool lint\s+pass/m);
  });
});

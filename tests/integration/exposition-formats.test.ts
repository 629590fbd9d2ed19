import { spawnSync } from 'node:child_process';
import request from 'supertest';
import { negotiateFormat } from '../../src/metrics/exposition';
import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';
import { requireBinary, startPrometheus } from '../helpers/prometheus';

/** What Prometheus 2.42 sends when it scrapes. */
const PROMETHEUS_ACCEPT = 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

describe('the /metrics exposition', () => {
  let exporter: TestExporter;
  beforeAll(async () => {
    exporter = await startTestExporter(`
probes:
  - name: postgres
    type: postgres
    url: postgres://postgres@127.0.0.1:5432/postgres
    interval: 1s
    timeout: 800ms
  - name: redis
    type: redis
    url: redis://127.0.0.1:6379/0
    queues: [amas:tasks]
    interval: 1s
    timeout: 800ms
  - name: system
    type: system
    interval: 1s
    timeout: 800ms
  - name: down
    type: tcp
    host: 127.0.0.1
    port: 1
    interval: 1s
    timeout: 800ms
`);
    await waitFor(() => exporter.exporter.store.allRanOnce());
  });
  afterAll(() => exporter.close());

  it('passes `promtool check metrics` with no finding (exit 0)', async () => {
    const text = (await request(exporter.url).get('/metrics')).text;
    const result = spawnSync(requireBinary('promtool'), ['check', 'metrics'], { input: text, encoding: 'utf8' });
    const findings = `${result.stdout}${result.stderr}`.split('\n').filter(Boolean);
    // Exit 1 is a parse error, 3 lint findings; the exposition has neither.
    expect({ status: result.status, findings }).toEqual({ status: 0, findings: [] });
  });

  it('negotiates OpenMetrics from the Accept header, as Prometheus asks for it', async () => {
    expect(negotiateFormat(PROMETHEUS_ACCEPT)).toBe('openmetrics');
    expect(negotiateFormat('text/plain;version=0.0.4')).toBe('prometheus');
    expect(negotiateFormat(undefined)).toBe('prometheus');
    const response = await request(exporter.url).get('/metrics').set('Accept', PROMETHEUS_ACCEPT);
    expect(response.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(response.text.endsWith('# EOF\n')).toBe(true);
    expect(response.text).toContain('# TYPE amas_probe_failures counter');
    expect(response.text).toMatch(/^amas_probe_failures_total\{probe="down",reason="connect_refused"\} \d+$/m);
    // A later plain-text scrape still names counters with _total: formats do not bleed into each other.
    const plain = await request(exporter.url).get('/metrics');
    expect(plain.text).toContain('# TYPE amas_probe_failures_total counter');
  });

  it('is ingested by a real Prometheus in OpenMetrics without scrape errors', async () => {
    const port = exporter.port;
    const prometheus = await startPrometheus(`
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: amas
    static_configs:
      - targets: ['127.0.0.1:${port}']
`);
    try {
      type Target = { health: string; lastError: string };
      await waitFor(async () => {
        const targets = await prometheus.api<{ activeTargets: Target[] }>('/api/v1/targets');
        return targets.activeTargets[0]?.health === 'up';
      }, 30_000, 250);
      const targets = await prometheus.api<{ activeTargets: Target[] }>('/api/v1/targets');
      expect(targets.activeTargets[0]?.lastError).toBe('');
      type Vector = { result: { metric: Record<string, string>; value: [number, string] }[] };
      await waitFor(async () => (await prometheus.query<Vector>('amas_probe_runs_total')).result.length >= 4, 20_000, 250);
      const success = await prometheus.query<Vector>('amas_probe_success{probe="down"}');
      expect(success.result[0]?.value[1]).toBe('0');
    } finally {
      await prometheus.stop();
    }
  }, 60_000);
});

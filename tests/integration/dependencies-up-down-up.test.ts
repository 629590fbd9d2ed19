import request from 'supertest';
import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';
import { startPrivatePostgres, startPrivateRedis, type PrivateServer } from '../helpers/servers';

/** Reads one sample's value from Prometheus text, or undefined when the series is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function state(exporter: TestExporter, probe: string, service: string): Promise<{ success: number | undefined; service: string }> {
  const metrics = await request(exporter.url).get('/metrics');
  const health = await request(exporter.url).get('/health');
  return { success: sample(metrics.text, `amas_probe_success{probe="${probe}"}`), service: health.body.services[service] };
}

describe.each([
  ['postgres', 'database', startPrivatePostgres, (url: string) => `type: postgres\n    url: ${url}`],
  ['redis', 'redis', startPrivateRedis, (url: string) => `type: redis\n    url: ${url}`],
] as const)('a real %s server that goes down and comes back', (probe, service, startServer, probeYaml) => {
  let server: PrivateServer;
  let exporter: TestExporter;

  beforeAll(async () => {
    server = await startServer();
    exporter = await startTestExporter(`
probes:
  - name: ${probe}
    ${probeYaml(server.url)}
    interval: 1s
    timeout: 800ms
    critical: true
`);
  }, 60_000);
  afterAll(async () => {
    await exporter?.close();
    await server?.destroy();
  });

  it('is followed by /metrics and /health within an interval or two', async () => {
    // /metrics and /health are rendered on change, each coalesced: wait until both show the run.
    await waitFor(async () => {
      const now = await state(exporter, probe, service);
      return now.success === 1 && now.service === 'healthy';
    }, 15_000, 200);
    expect((await state(exporter, probe, service)).service).toBe('healthy');

    await server.stop();
    await waitFor(async () => {
      const now = await state(exporter, probe, service);
      return now.success === 0 && now.service === 'unhealthy';
    }, 15_000, 200);
    const down = await request(exporter.url).get('/health');
    expect(down.status).toBe(503);
    expect(down.body.services[service]).toBe('unhealthy');
    const failures = await request(exporter.url).get('/metrics');
    expect(failures.text).toMatch(new RegExp(`amas_probe_failures_total\\{probe="${probe}",reason="connect_refused"\\} [1-9]`));

    await server.start();
    await waitFor(async () => {
      const now = await state(exporter, probe, service);
      return now.success === 1 && now.service === 'healthy';
    }, 15_000, 200);
    const up = await request(exporter.url).get('/health');
    expect(up.status).toBe(200);
    expect(up.body.services[service]).toBe('healthy');
  }, 60_000);
});

import net from 'node:net';
import { Gauge } from 'prom-client';
import { waitFor } from '../helpers/exporter';
import { rawGet, startServing, type RawResponse, type ServingHarness } from './helpers/serving-harness';

const TOKEN = 'serving-test-admin-token-0123456789';

describe('liveness first: /livez and /readyz answer while heavy reads are held, and heavy reads are bounded', () => {
  let target: net.Server;
  let harness: ServingHarness;
  let release: () => void = () => undefined;

  beforeAll(async () => {
    target = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const port = (target.address() as net.AddressInfo).port;
    harness = await startServing(
      `
admin: { token: ${TOKEN} }
probes:
  - { name: up, type: tcp, host: 127.0.0.1, port: ${port}, interval: 1h, timeout: 2s }
`,
      { timing: { minIntervalMs: 50, maxAgeMs: 600_000 }, limits: { metrics: 3, status: 0, debug: 0 } },
    );
    await waitFor(() => harness.exporter.store.allRanOnce());
  });
  afterAll(async () => {
    release();
    await harness.close();
    await new Promise((resolve) => target.close(resolve));
  });

  it('answers /livez and /readyz, and refuses a 4th /metrics with 503 and Retry-After, while 3 wait for a slow render', async () => {
    // A collector that waits stands for heavy work in a render (a slow module hook, a huge registry).
    const held = new Promise<void>((resolve) => (release = resolve));
    let collecting = false;
    new Gauge({
      name: 'serving_test_held_render',
      help: 'Set by a collector that waits until the test releases it.',
      registers: [harness.exporter.bundle.registries.core],
      async collect() {
        collecting = true;
        await held;
        this.set(1);
      },
    });
    const waiting: Promise<RawResponse>[] = [1, 2, 3].map(() => rawGet(`${harness.url}/metrics`));
    await waitFor(() => collecting && harness.inFlight.metrics() === 3);

    const live = await rawGet(`${harness.url}/livez`);
    const ready = await rawGet(`${harness.url}/readyz`);
    expect([live.status, ready.status]).toEqual([200, 200]);
    const refused = await rawGet(`${harness.url}/metrics`);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(JSON.parse(refused.body.toString())).toEqual({ error: expect.stringContaining('at most 3') });
    // /health has its own cached bytes: it does not wait behind the metrics render either.
    expect([200, 503]).toContain((await rawGet(`${harness.url}/health`)).status);
    expect(harness.inFlight.metrics()).toBe(3);

    release();
    const answered = await Promise.all(waiting);
    expect(answered.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(answered.every((response) => response.body.toString().includes('serving_test_held_render 1'))).toBe(true);
    // The three shared one render.
    expect(harness.serving.stats().renders.metrics).toBe(1);
    expect(harness.inFlight.metrics()).toBe(0);
    expect((await rawGet(`${harness.url}/metrics`)).status).toBe(200);
  });

  it('refuses /api/status, the status page and /debug/probes beyond their bounds the same way', async () => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    for (const [path, headers] of [['/api/status', {}], ['/', {}], ['/debug/probes', auth], ['/debug/probes/up', auth]] as const) {
      const response = await rawGet(`${harness.url}${path}`, headers);
      expect({ path, status: response.status, retry: response.headers['retry-after'] }).toEqual({ path, status: 503, retry: '1' });
    }
    expect((await rawGet(`${harness.url}/livez`)).status).toBe(200);
  });
});

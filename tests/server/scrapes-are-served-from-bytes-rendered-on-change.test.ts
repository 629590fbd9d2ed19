import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { gunzipSync } from 'node:zlib';
import { waitFor } from '../helpers/exporter';
import { rawGet, startServing, type ServingHarness } from './helpers/serving-harness';

const OPENMETRICS = 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5';

const config = (port: number, names: readonly string[]): string => `
probes:
${names.map((name) => `  - { name: ${name}, type: tcp, host: 127.0.0.1, port: ${port}, interval: 1h, timeout: 2s }`).join('\n')}
listen: { address: 127.0.0.1, port: 0 }
`;

describe('scrapes are served from bytes rendered on change, not per request', () => {
  let target: net.Server;
  let port: number;
  let harness: ServingHarness;

  beforeAll(async () => {
    target = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    port = (target.address() as net.AddressInfo).port;
    // Bytes never expire by age within the test: every render counted below is caused by a change.
    harness = await startServing(config(port, ['keep', 'drop']), { timing: { minIntervalMs: 50, maxAgeMs: 600_000 } });
    await waitFor(() => harness.exporter.store.allRanOnce());
  });
  afterAll(async () => {
    await harness.close();
    await new Promise((resolve) => target.close(resolve));
  });

  it('renders once for many scrapes when nothing changed', async () => {
    const first = await rawGet(`${harness.url}/metrics`);
    expect(first.status).toBe(200);
    expect(first.body.toString()).toContain('amas_probe_success{probe="drop"} 1');
    const renders = harness.serving.stats().renders.metrics;
    const bodies = [];
    for (let i = 0; i < 30; i += 1) bodies.push((await rawGet(`${harness.url}/metrics`)).body);
    expect(harness.serving.stats().renders.metrics).toBe(renders);
    expect(bodies.every((body) => body.equals(first.body))).toBe(true);
    // The group paths and exclusions are cut from the same render.
    const security = await rawGet(`${harness.url}/metrics/security`);
    const withoutSecurity = await rawGet(`${harness.url}/metrics?exclude=security`);
    expect(security.body.toString()).toContain('# TYPE amas_auth_attempts_total counter');
    expect(withoutSecurity.body.toString()).not.toContain('amas_auth_attempts_total');
    expect(harness.serving.stats().renders.metrics).toBe(renders);
  });

  it('gzips on request from cached compressed bytes equal to the cached text', async () => {
    const plain = await rawGet(`${harness.url}/metrics`);
    const gzips = harness.serving.stats().gzips;
    const zipped = await rawGet(`${harness.url}/metrics`, { 'Accept-Encoding': 'gzip' });
    const again = await rawGet(`${harness.url}/metrics`, { 'Accept-Encoding': 'gzip, deflate' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toContain('Accept-Encoding');
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect(again.body.equals(zipped.body)).toBe(true);
    expect(harness.serving.stats().gzips).toBe(gzips + 1);
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it('renders a second format once, then serves it from memory too', async () => {
    const renders = harness.serving.stats().renders.metrics;
    const first = await rawGet(`${harness.url}/metrics`, { Accept: OPENMETRICS });
    expect(first.body.toString().endsWith('# EOF\n')).toBe(true);
    for (let i = 0; i < 10; i += 1) await rawGet(`${harness.url}/metrics`, { Accept: OPENMETRICS });
    await rawGet(`${harness.url}/metrics`);
    expect(harness.serving.stats().renders.metrics).toBe(renders + 1);
  });

  it('serves /health, /ready and /api/status from one render each while nothing changed', async () => {
    for (let i = 0; i < 10; i += 1) {
      for (const path of ['/health', '/ready', '/api/status']) expect([200, 503]).toContain((await rawGet(`${harness.url}${path}`)).status);
    }
    const { renders } = harness.serving.stats();
    expect([renders.health, renders.ready, renders.status]).toEqual([1, 1, 1]);
    const health = JSON.parse((await rawGet(`${harness.url}/health`)).body.toString()) as { checks: { name: string }[] };
    expect(health.checks.map((check) => check.name)).toEqual(expect.arrayContaining(['keep', 'drop']));
  });

  it('re-renders after a change, and the series of a probe that left the config vanish', async () => {
    const renders = harness.serving.stats().renders;
    writeFileSync(harness.configPath, config(port, ['keep']));
    expect(await harness.exporter.reload()).toEqual({ ok: true });
    // The change is coalesced: the next read after the minimum interval renders once.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = (await rawGet(`${harness.url}/metrics`)).body.toString();
    expect(after).toContain('amas_probe_success{probe="keep"}');
    expect(after).not.toContain('probe="drop"');
    const health = JSON.parse((await rawGet(`${harness.url}/health`)).body.toString()) as { checks: { name: string }[] };
    expect(health.checks.map((check) => check.name)).not.toContain('drop');
    const now = harness.serving.stats().renders;
    expect(now.metrics).toBeGreaterThan(renders.metrics);
    expect(now.health).toBeGreaterThan(renders.health);
    // ...and then it is quiet again.
    for (let i = 0; i < 10; i += 1) await rawGet(`${harness.url}/metrics`);
    expect(harness.serving.stats().renders.metrics).toBe(now.metrics);
  });
});

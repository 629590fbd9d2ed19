import net from 'node:net';
import request from 'supertest';
import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';

/** Accepts connections, answers an HTTP request's headers and then never sends the body's end. */
function startTricklingServer(): Promise<net.Server & { requests: number }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    counted.requests += 1;
    socket.on('error', () => undefined);
    socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"status":'));
    socket.on('close', () => sockets.delete(socket));
  });
  const counted = Object.assign(server, { requests: 0 });
  server.on('close', () => sockets.forEach((socket) => socket.destroy()));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(counted)));
}

describe('a probe whose target never finishes answering', () => {
  let target: net.Server & { requests: number };
  let exporter: TestExporter;
  beforeAll(async () => {
    target = await startTricklingServer();
    const { port } = target.address() as net.AddressInfo;
    exporter = await startTestExporter(`
probes:
  - name: hanging_app
    type: http
    url: http://127.0.0.1:${port}/health
    interval: 5s
    timeout: 1500ms
  - name: redis
    type: redis
    url: redis://127.0.0.1:6379/0
    interval: 200ms
    timeout: 150ms
`);
  });
  afterAll(async () => {
    await exporter.close();
    await new Promise((resolve) => target.close(resolve));
  });

  it('is cut at its timeout while reading the body, and other probes keep their schedule', async () => {
    // While the hanging probe is in flight, a scrape answers and shows it still running.
    await waitFor(() => target.requests >= 1 && (exporter.exporter.store.get('redis')?.runs ?? 0) >= 1);
    const during = await request(exporter.url).get('/metrics');
    expect(during.status).toBe(200);
    expect(during.text).toMatch(/^amas_exporter_probes_in_flight [1-9]/m);
    expect(during.text).not.toContain('amas_probe_success{probe="hanging_app"}');
    const redisRunsBefore = exporter.exporter.store.get('redis')?.runs ?? 0;

    await waitFor(() => exporter.exporter.store.get('hanging_app')?.latest !== undefined, 10_000);
    const result = exporter.exporter.store.get('hanging_app')?.latest;
    expect(result?.outcome).toMatchObject({ ok: false, reason: 'timeout' });
    // Cut at the deadline, not at the 5 s interval or never.
    expect(result?.durationSeconds).toBeLessThan(4);
    // Redis ran several more times while the other probe hung.
    expect((exporter.exporter.store.get('redis')?.runs ?? 0) - redisRunsBefore).toBeGreaterThanOrEqual(2);

    const after = await request(exporter.url).get('/metrics');
    expect(after.text).toContain('amas_probe_failures_total{probe="hanging_app",reason="timeout"} 1');
  });
});

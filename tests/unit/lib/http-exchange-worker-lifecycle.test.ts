import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exchange, exchangeWorkerState, stopExchangeWorker } from '../../../src/lib/http-exchange';
import { spawnTs } from '../../faults/helpers/ts-child';

let server: http.Server;
let base: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/late') setTimeout(() => res.end('late'), 5000).unref();
    else res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(resolve));
});

describe('the exchange worker', () => {
  it('starts on first use and fails requests in flight as internal when it stops, then starts again', async () => {
    await stopExchangeWorker();
    expect(exchangeWorkerState().running).toBe(false);
    const pending = exchange({ url: `${base}/late`, method: 'GET', timeoutMs: 10_000, maxBodyBytes: 1000 });
    expect(exchangeWorkerState()).toMatchObject({ running: true, inFlight: 1 });
    await stopExchangeWorker();
    expect(await pending).toMatchObject({ ok: false, failure: 'internal' });
    const next = await exchange({ url: `${base}/ok`, method: 'GET', timeoutMs: 5000, maxBodyBytes: 1000 });
    expect(next).toMatchObject({ ok: true, status: 200 });
    expect(exchangeWorkerState().inFlight).toBe(0);
  });

  it('never keeps a process alive once its requests are done', async () => {
    const child = spawnTs('tests/unit/lib/fixtures/one-exchange.ts', [`${base}/ok`]);
    try {
      expect(await child.line((line) => line.event === 'done')).toEqual({ event: 'done', ok: true, status: 200 });
      // The process ends by itself: nothing but the idle worker could hold it.
      const code = await new Promise<number | null>((resolve) => {
        if (child.child.exitCode !== null) resolve(child.child.exitCode);
        else child.child.once('exit', (exitCode) => resolve(exitCode));
      });
      expect(code).toBe(0);
    } finally {
      await child.stop();
    }
  });
});

import net from 'node:net';
import { checkReachability } from '../../src/ai/provider-client';
import { startSimulator, type Simulator } from '../../src/simulator/server';
import { freePort } from '../helpers/ports';

let sim: Simulator;
/** Accepts TCP and then says nothing: a TLS handshake against it never completes. */
let silent: net.Server;
let silentPort: number;
const silentSockets = new Set<net.Socket>();

beforeAll(async () => {
  sim = await startSimulator({ providers: [{ id: 'p', style: 'openai', model: 'gpt-4o', api_key: 'k-0123456789' }] });
  silent = net.createServer((socket) => {
    silentSockets.add(socket);
    socket.on('close', () => silentSockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as net.AddressInfo).port;
});
afterAll(async () => {
  for (const socket of silentSockets) socket.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
  await sim.close();
});

describe('checkReachability: DNS, TCP and TLS only', () => {
  it('succeeds over plain HTTP with phase timings and sends no HTTP request', async () => {
    const result = await checkReachability(sim.baseUrl('p'), AbortSignal.timeout(5000));
    expect(result).toMatchObject({ ok: true, phases: { tlsMs: null } });
    if (result.ok) {
      expect(result.phases.dnsMs).toBeGreaterThanOrEqual(0);
      expect(result.phases.connectMs).toBeGreaterThanOrEqual(0);
    }
    expect(sim.requests('p')).toHaveLength(0);
  });

  it('connect_refused on a closed port', async () => {
    const port = await freePort();
    expect(await checkReachability(`http://127.0.0.1:${port}/v1`, AbortSignal.timeout(5000))).toMatchObject({ ok: false, reason: 'connect_refused' });
  });

  it('dns for a name under .invalid', async () => {
    const result = await checkReachability('https://provider.invalid/v1', AbortSignal.timeout(5000));
    expect(result).toMatchObject({ ok: false, reason: 'dns' });
    expect(result.ok === false && result.message).toMatch(/^DNS lookup of provider\.invalid failed/);
  });

  it('tls when a plain-HTTP server is spoken to as https', async () => {
    const result = await checkReachability(`https://127.0.0.1:${sim.port}/p/p/v1`, AbortSignal.timeout(5000));
    expect(result).toMatchObject({ ok: false, reason: 'tls' });
    expect(result.ok === false && result.message).toMatch(/^TLS handshake with 127\.0\.0\.1:\d+ failed/);
  });

  it('timeout when the TLS handshake never completes', async () => {
    const result = await checkReachability(`https://127.0.0.1:${silentPort}/v1`, AbortSignal.timeout(300));
    expect(result).toMatchObject({ ok: false, reason: 'timeout' });
    expect(result.ok === false && result.message).toContain('TLS handshake');
  });

  it('rejects a base URL that is not http or https', async () => {
    expect(await checkReachability('ftp://127.0.0.1/v1', AbortSignal.timeout(1000))).toMatchObject({ ok: false, reason: 'connect' });
    expect(await checkReachability('not a url', AbortSignal.timeout(1000))).toMatchObject({ ok: false, reason: 'connect' });
  });
});

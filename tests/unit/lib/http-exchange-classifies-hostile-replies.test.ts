import { exchange, type ExchangeRequest } from '../../../src/lib/http-exchange';
import { freePort } from '../../helpers/ports';
import { startHostileServer, startHostileTlsServer, type HostileServer } from '../../faults/helpers/hostile-http';

let server: HostileServer;
let tlsServer: HostileServer;
beforeAll(async () => {
  server = await startHostileServer();
  tlsServer = await startHostileTlsServer();
});
afterAll(async () => {
  await server.close();
  await tlsServer.close();
});

const request = (pathname: string, extra: Partial<ExchangeRequest> = {}): ExchangeRequest => ({
  url: `${server.origin}${pathname}`,
  method: 'GET',
  timeoutMs: 3000,
  maxBodyBytes: 1_048_576,
  ...extra,
});

describe('each hostile reply gets its own bounded reason', () => {
  it.each([
    ['a header block over the cap (header bomb)', '/header-bomb', {}, 'too_large', 'reply headers are larger than 16384 bytes'],
    ['a gzip bomb', '/gzip-bomb', {}, 'too_large', 'reply body is larger than 1048576 bytes'],
    ['a deflate bomb', '/deflate-bomb', {}, 'too_large', 'reply body is larger than 1048576 bytes'],
    ['a brotli bomb', '/br-bomb', {}, 'too_large', 'reply body is larger than 1048576 bytes'],
    ['a plain body over the cap', '/huge', {}, 'too_large', 'reply body is larger than 1048576 bytes'],
    ['a body that is not the gzip it claims', '/gzip-garbage', {}, 'invalid_reply', 'the gzip body does not decode'],
    ['a reply that is not HTTP', '/not-http', {}, 'invalid_reply', ''],
    ['a connection reset before any reply', '/reset', {}, 'connect', ''],
    ['a connection reset in the middle of the body', '/reset-mid-body', {}, 'connect', 'the connection closed before the reply body ended'],
    ['a body that never ends', '/endless', { timeoutMs: 500 }, 'timeout', 'the reply body did not end before the deadline'],
    ['headers trickled one byte at a time (slow-loris)', '/slow-loris', { timeoutMs: 500 }, 'timeout', 'no reply before the deadline'],
    ['a reply later than the deadline', '/late', { timeoutMs: 300 }, 'timeout', 'no reply before the deadline'],
    ['a redirect loop', '/loop/a', { followRedirects: { max: 5, allowOtherHosts: false } }, 'redirect', 'redirect loop'],
    ['more redirects than allowed', '/chain/4', { followRedirects: { max: 3, allowOtherHosts: false } }, 'redirect', 'more than 3 redirects'],
    ['a redirect to another host', '/other-host', { followRedirects: { max: 5, allowOtherHosts: false } }, 'redirect', 'to another host (localhost:'],
  ] as const)('%s', async (_name, pathname, extra, failure, message) => {
    const result = await exchange(request(pathname, extra));
    expect(result).toMatchObject({ ok: false, failure });
    expect(!result.ok && result.message).toContain(message);
  });

  it('connect_refused, dns and tls before any reply', async () => {
    expect(await exchange(request('/ok', { url: `http://127.0.0.1:${await freePort()}/ok` }))).toMatchObject({ ok: false, failure: 'connect_refused' });
    expect(await exchange(request('/ok', { url: 'http://upstream.invalid/ok' }))).toMatchObject({ ok: false, failure: 'dns' });
    // A certificate nobody trusts, for a name that is not the host's.
    const wrongCert = await exchange(request('/ok', { url: `${tlsServer.origin}/ok` }));
    expect(wrongCert).toMatchObject({ ok: false, failure: 'tls' });
    // Plain HTTP spoken to as TLS.
    expect(await exchange(request('/ok', { url: `https://127.0.0.1:${server.port}/ok` }))).toMatchObject({ ok: false, failure: 'tls' });
  });

  it('a bomb is judged by its decoded size, although its encoded size is far under the cap', async () => {
    const result = await exchange(request('/gzip-bomb', { maxBodyBytes: 200_000 }));
    expect(result).toMatchObject({ ok: false, failure: 'too_large', status: 200 });
  });
});

describe('what still works', () => {
  it('decodes a gzip body under the cap and reports its timings', async () => {
    const result = await exchange(request('/gzip-ok'));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(JSON.parse(result.body.toString('utf8'))).toMatchObject({ status: 'healthy' });
    expect(result.timings.connectMs).toBeGreaterThanOrEqual(0);
    expect(result.timings.firstByteMs).toBeLessThanOrEqual(result.timings.totalMs);
  });

  it('follows redirects on the same host within the cap and says where it ended', async () => {
    const result = await exchange(request('/chain/3', { followRedirects: { max: 3, allowOtherHosts: false } }));
    expect(result).toMatchObject({ ok: true, status: 200, redirects: 3, finalUrl: `${server.origin}/chain/0` });
  });

  it('without a redirect policy a 3xx is the reply, and nothing is followed', async () => {
    const before = server.hits('/echo-headers');
    expect(await exchange(request('/other-host'))).toMatchObject({ ok: true, status: 302, redirects: 0 });
    expect(server.hits('/echo-headers')).toBe(before);
  });

  it('drops credential headers when a redirect to another host is allowed', async () => {
    const result = await exchange(request('/other-host', { headers: { authorization: 'Bearer sk-secret-abcdef', 'x-api-key': 'sk-secret-abcdef', 'x-trace': 'kept' }, followRedirects: { max: 2, allowOtherHosts: true } }));
    expect(result).toMatchObject({ ok: true, status: 200, redirects: 1 });
    const seen = server.lastHeaders('/echo-headers');
    expect(seen?.['x-trace']).toBe('kept');
    expect(seen?.authorization).toBeUndefined();
    expect(seen?.['x-api-key']).toBeUndefined();
  });

  it('turns a POST into a GET on 303', async () => {
    const result = await exchange(request('/post-303', { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' }, followRedirects: { max: 2, allowOtherHosts: false } }));
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(server.lastHeaders('/echo-headers')?.['content-type']).toBeUndefined();
  });

  it('records when each chunk of a streamed body arrived', async () => {
    const result = await exchange(request('/chunks', { recordChunks: true }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const chunks = result.chunks ?? [];
    expect(chunks.length).toBe(3);
    expect(chunks.map((chunk) => chunk.offset)).toEqual([0, chunks[0]?.bytes, (chunks[0]?.bytes ?? 0) + (chunks[1]?.bytes ?? 0)]);
    // The server waits between chunks, so arrival times grow.
    expect(chunks[2]?.atMs).toBeGreaterThan(chunks[0]?.atMs ?? Infinity);
    expect(result.body.toString('utf8')).toContain('data: {"n": 3}');
  });

  it('an aborted signal answers timeout at once and the worker drops the request', async () => {
    const controller = new AbortController();
    const pending = exchange(request('/late', { timeoutMs: 60_000 }), controller.signal);
    setTimeout(() => controller.abort(), 100);
    expect(await pending).toMatchObject({ ok: false, failure: 'timeout' });
  });

  it('never puts the query string or user info of the URL in a message', async () => {
    const port = await freePort();
    const result = await exchange(request('/ok', { url: `http://user:hunter2-password@127.0.0.1:${port}/v1/models?key=AIza-secret-key-123` }));
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toMatch(/hunter2|AIza-secret/);
  });
});

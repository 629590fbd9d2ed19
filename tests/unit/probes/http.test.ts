import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpProbe } from '../../../src/probes/http';
import { freePort } from '../../helpers/ports';
import { runProbe } from '../../helpers/probe-run';
import { startHostileServer, type HostileServer } from '../../faults/helpers/hostile-http';

let server: http.Server;
let base: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/health') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'healthy', services: { database: 'up' }, checks: [{ status: 'pass' }] }));
    } else if (req.url === '/error') {
      res.statusCode = 503;
      res.end('down');
    } else if (req.url === '/teapot') {
      res.statusCode = 418;
      res.end('short and stout');
    } else if (req.url === '/huge') {
      res.end('x'.repeat(2_000_000));
    } else if (req.url === '/text') {
      res.end('not json at all');
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const probe = (fields: Record<string, unknown>) => httpProbe.create(httpProbe.schema.parse({ name: 'app', type: 'http', ...fields }));

describe('the http probe checks conditions stated as data', () => {
  it.each([
    ['status, body substring, regex and JSON fields all hold', { url: '/health', expect: { body_contains: 'healthy', body_matches: '"database":\\s*"up"', json: [{ path: 'services.database', equals: 'up' }, { path: 'checks.0.status', equals: 'pass' }] } }, { ok: true }],
    ['a 5xx status', { url: '/error' }, { ok: false, reason: 'http_5xx', message: 'HTTP 503, expected 200' }],
    ['another unexpected status', { url: '/teapot' }, { ok: false, reason: 'http_status', message: 'HTTP 418, expected 200' }],
    ['an allowed non-200 status', { url: '/teapot', expect: { status: [200, 418] } }, { ok: true }],
    ['a missing substring', { url: '/health', expect: { body_contains: 'degraded' } }, { ok: false, reason: 'assertion', message: 'Body does not contain "degraded"' }],
    ['a regex that does not match', { url: '/health', expect: { body_matches: '^<html' } }, { ok: false, reason: 'assertion', message: 'Body does not match /^<html/' }],
    ['a JSON field with another value', { url: '/health', expect: { json: [{ path: 'status', equals: 'degraded' }] } }, { ok: false, reason: 'assertion', message: 'JSON status is "healthy", expected "degraded"' }],
    ['a JSON field that is missing', { url: '/health', expect: { json: [{ path: 'services.neo4j', equals: 'up' }] } }, { ok: false, reason: 'assertion', message: 'JSON services.neo4j is missing, expected "up"' }],
    ['JSON conditions on a body that is not JSON', { url: '/text', expect: { json: [{ path: 'status', equals: 'ok' }] } }, { ok: false, reason: 'invalid_reply', message: 'Body is not JSON' }],
    ['a body over the cap', { url: '/huge', max_body_bytes: 1000 }, { ok: false, reason: 'too_large', message: 'reply body is larger than 1000 bytes' }],
  ])('%s', async (_name, fields, expected) => {
    const { url, ...rest } = fields as { url: string };
    const report = await runProbe(probe({ url: `${base}${url}`, ...rest }));
    expect(report.outcome).toMatchObject(expected);
  });

  it('reports a refused connection', async () => {
    // Port 1 is on fetch's list of blocked ports; a port that was just free is closed.
    const report = await runProbe(probe({ url: `http://127.0.0.1:${await freePort()}/health` }));
    expect(report.outcome).toMatchObject({ ok: false, reason: 'connect_refused' });
  });
});

describe('the http probe against hostile replies (issue 11, point 6)', () => {
  let hostile: HostileServer;
  beforeAll(async () => {
    hostile = await startHostileServer();
  });
  afterAll(() => hostile.close());

  it.each([
    ['a header bomb is too_large, not connect', { url: '/header-bomb' }, { ok: false, reason: 'too_large', message: 'reply headers are larger than 16384 bytes' }],
    ['a gzip bomb is too_large as it decodes', { url: '/gzip-bomb' }, { ok: false, reason: 'too_large', message: 'reply body is larger than 1048576 bytes' }],
    ['a redirect loop is redirect', { url: '/loop/a' }, { ok: false, reason: 'redirect' }],
    ['a redirect to another host is not followed by default', { url: '/other-host' }, { ok: false, reason: 'redirect' }],
    ['a redirect to another host is followed when allowed', { url: '/other-host', follow_redirects: { allow_other_hosts: true } }, { ok: true }],
    ['redirects past the default cap of 5', { url: '/chain/6' }, { ok: false, reason: 'redirect', message: 'HTTP check failed: more than 5 redirects (last to 127.0.0.1:PORT/chain/0)' }],
    ['redirects within the cap are followed', { url: '/chain/5' }, { ok: true }],
    ['max 0: the 3xx itself is judged', { url: '/chain/1', follow_redirects: { max: 0 } }, { ok: false, reason: 'http_status', message: 'HTTP 302, expected 200' }],
    ['a smaller header cap', { url: '/ok', max_header_bytes: 1024 }, { ok: true }],
  ])('%s', async (_name, fields, expected) => {
    const { url, ...rest } = fields as { url: string };
    const report = await runProbe(probe({ url: `${hostile.origin}${url}`, ...rest }));
    const wanted = 'message' in expected ? { ...expected, message: String(expected.message).replace('PORT', String(hostile.port)) } : expected;
    expect(report.outcome).toMatchObject(wanted);
  });

  it('reports the duration the exchange worker measured', async () => {
    const report = await runProbe(probe({ url: `${hostile.origin}/ok` }));
    expect(report.outcome.ok).toBe(true);
    expect(report.durationSeconds).toBeGreaterThan(0);
    expect(report.outcome.message).toBe(`HTTP 200 in ${Math.round((report.durationSeconds ?? 0) * 1000)}ms`);
  });
});

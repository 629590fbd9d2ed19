import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { AdminGuard } from '../../src/server/admin-auth';
import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';

const TOKEN = 'admin-token-for-tests-0123456789';
const redis = `
probes:
  - name: redis
    type: redis
    url: redis://127.0.0.1:6379/0
    interval: 1s
    timeout: 500ms
`;

/** Everything an admin client could see: bodies and headers of every response. */
function visible(response: request.Response): string {
  return `${JSON.stringify(response.headers)}\n${response.text}`;
}

describe('without a token the admin API does not exist', () => {
  let exporter: TestExporter;
  beforeAll(async () => {
    exporter = await startTestExporter(redis);
  });
  afterAll(() => exporter.close());

  it('answers 404 on the admin routes, even to a request carrying a token', async () => {
    for (const call of [
      request(exporter.url).post('/admin/refresh-provider-health'),
      request(exporter.url).get('/debug/probes/redis').set('Authorization', `Bearer ${TOKEN}`),
      request(exporter.url).get('/debug/probes'),
    ]) {
      const response = await call;
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ error: 'not found' });
    }
  });

  it('keeps POST /-/reload off (403, saying how to turn it on), as Prometheus does without --web.enable-lifecycle', async () => {
    const response = await request(exporter.url).post('/-/reload');
    expect(response.status).toBe(403);
    expect(response.body.error).toContain('admin.http_reload: true');
  });
});

describe('admin.http_reload turns POST /-/reload on without a token', () => {
  it('reloads on request, and SIGHUP-style reloads work whatever the setting', async () => {
    const exporter = await startTestExporter(`${redis}\nadmin:\n  http_reload: true\n`);
    try {
      const response = await request(exporter.url).post('/-/reload');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'reloaded' });
      expect(await exporter.exporter.reload()).toEqual({ ok: true });
    } finally {
      await exporter.close();
    }
  });
});

describe('with a token every admin route and /-/reload need it', () => {
  let exporter: TestExporter;
  const seen: string[] = [];
  beforeAll(async () => {
    // max_auth_failures is raised so that the refusals below do not rate-limit the calls after them.
    exporter = await startTestExporter(`${redis}\nadmin:\n  token: \${AMAS_EXPORTER_ADMIN_TOKEN}\n  max_auth_failures: 20\n`, { env: { ...process.env, AMAS_EXPORTER_ADMIN_TOKEN: TOKEN } });
    await waitFor(() => (exporter.exporter.store.get('redis')?.runs ?? 0) >= 2);
  });
  afterAll(() => exporter.close());

  it('refuses a missing or wrong token (or another scheme) with 401 and a Bearer challenge', async () => {
    const calls = [
      request(exporter.url).get('/debug/probes/redis'),
      request(exporter.url).get('/debug/probes/redis').set('Authorization', 'Bearer wrong-token-wrong-token-0000'),
      request(exporter.url).get('/debug/probes/redis').set('Authorization', `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`),
      request(exporter.url).post('/-/reload'),
      request(exporter.url).post('/admin/refresh-provider-health').set('Authorization', `Bearer ${TOKEN}x`),
    ];
    for (const call of calls) {
      const response = await call;
      seen.push(visible(response));
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
    }
  });

  it('serves the kept runs of a probe, newest first, to the right token', async () => {
    const response = await request(exporter.url).get('/debug/probes/redis').set('Authorization', `Bearer ${TOKEN}`);
    seen.push(visible(response));
    expect(response.status).toBe(200);
    expect(response.body.name).toBe('redis');
    expect(response.body.kept.successes).toBeGreaterThanOrEqual(2);
    const history = response.body.history as { started_at: string; ok: boolean; duration_ms: number; message: string; correlation_id: string }[];
    expect(history[0]).toMatchObject({ ok: true, message: 'Redis answered PING' });
    expect(Date.parse(history[0]!.started_at)).toBeGreaterThanOrEqual(Date.parse(history[1]!.started_at));
    const unknown = await request(exporter.url).get('/debug/probes/nope').set('Authorization', `Bearer ${TOKEN}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.probes).toEqual(['redis']);
  });

  it('reloads with the right token', async () => {
    const response = await request(exporter.url).post('/-/reload').set('Authorization', `Bearer ${TOKEN}`);
    seen.push(visible(response));
    expect(response.status).toBe(200);
  });

  it('counts refusals by reason and never shows the token in a response or a log line', async () => {
    const metrics = await request(exporter.url).get('/metrics');
    expect(metrics.text).toContain('amas_exporter_admin_auth_failures_total{reason="missing_token"} 3');
    expect(metrics.text).toContain('amas_exporter_admin_auth_failures_total{reason="wrong_token"} 2');
    const page = await request(exporter.url).get('/');
    const status = await request(exporter.url).get('/api/status');
    const health = await request(exporter.url).get('/health');
    for (const text of [...seen, metrics.text, page.text, status.text, health.text, ...exporter.logLines()]) expect(text).not.toContain(TOKEN);
    expect(exporter.logLines().some((line) => line.includes('admin request refused'))).toBe(true);
  });
});

describe('repeated failures from one client', () => {
  let exporter: TestExporter;
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'amas-admin-'));
    writeFileSync(path.join(dir, 'token'), `${TOKEN}\n`);
    exporter = await startTestExporter(`${redis}\nadmin:\n  token_file: ${path.join(dir, 'token')}\n  max_auth_failures: 3\n  auth_failure_window: 10m\n`);
  });
  afterAll(() => exporter.close());

  // Everything in the pod reaches the exporter from 127.0.0.1: wrong tokens from any process there
  // used to get the operator's right token refused with 429 too, reloads included.
  it('never lock out the right token, from the same address', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await request(exporter.url).get('/debug/probes').set('Authorization', `Bearer guess-${attempt}-aaaaaaaaaaaaaaaa`)).status).toBe(401);
    }
    const right = await request(exporter.url).get('/debug/probes').set('Authorization', `Bearer ${TOKEN}`);
    expect(right.status).toBe(200);
    expect((await request(exporter.url).post('/-/reload').set('Authorization', `Bearer ${TOKEN}`)).status).toBe(200);
    const metrics = await request(exporter.url).get('/metrics');
    expect(metrics.text).toContain('amas_exporter_admin_auth_failures_total{reason="wrong_token"} 5');
    expect(metrics.text).not.toContain('reason="rate_limited"} 1');
    for (const line of exporter.logLines()) expect(line).not.toContain(TOKEN);
  }, 30_000);
});

describe('the back-off on wrong tokens', () => {
  it('delays each refusal past max_auth_failures, doubling, and never delays or refuses the right token', async () => {
    const delays: number[] = [];
    const guard = new AdminGuard({
      token: () => TOKEN,
      limits: () => ({ maxFailures: 2, windowMs: 60_000 }),
      onRefused: () => undefined,
      delay: async (ms) => {
        delays.push(ms);
      },
    });
    const app = express().get('/x', guard.middleware, (_request, response) => {
      response.json({ ok: true });
    });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) statuses.push((await request(app).get('/x').set('Authorization', 'Bearer nope-nope-nope-nope')).status);
    statuses.push((await request(app).get('/x').set('Authorization', `Bearer ${TOKEN}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 200]);
    expect(delays).toEqual([250, 500, 1000]);
  });
});

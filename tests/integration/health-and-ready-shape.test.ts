import request from 'supertest';
import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';

/** The seed guide's /health fields, block by block (AMAS_MONITORING_GUIDE.md, "Health Endpoint"). */
const HEALTH_FIELDS = ['status', 'timestamp', 'version', 'uptime', 'bulletproof', 'services', 'ai_providers', 'security', 'metrics', 'checks'];
const BULLETPROOF_FIELDS = ['validation_active', 'fake_ai_detection', 'providers_validated'];
const SERVICES_FIELDS = ['database', 'redis', 'neo4j', 'authentication', 'rate_limiting'];
const AI_PROVIDERS_FIELDS = ['total_configured', 'healthy', 'failed', 'primary_active', 'failover_ready'];
const SECURITY_FIELDS = ['jwt_validation', 'rate_limiting', 'audit_logging', 'security_headers'];
const METRICS_FIELDS = ['memory_usage_percent', 'cpu_usage_percent', 'disk_usage_percent', 'active_sessions'];
const CHECK_FIELDS = ['name', 'status', 'message', 'response_time_ms'];
/** The seed's /ready fields ("Readiness Endpoint"). */
const READY_FIELDS = ['status', 'timestamp', 'services', 'bulletproof'];
const READY_SERVICES = ['database', 'redis', 'authentication', 'ai_router'];

const ALL_DOWN = `
probes:
  - name: postgres
    type: postgres
    url: postgres://postgres@127.0.0.1:1/postgres
    interval: 500ms
    timeout: 300ms
    critical: true
  - name: redis
    type: redis
    url: redis://127.0.0.1:1/0
    interval: 500ms
    timeout: 300ms
  - name: neo4j
    type: tcp
    host: 127.0.0.1
    port: 1
    service: neo4j
    interval: 500ms
    timeout: 300ms
`;

describe('/health and /ready follow the seed guide field for field', () => {
  let exporter: TestExporter;
  afterEach(() => exporter?.close());

  it('has every seed field, with honest values for blocks nothing fills', async () => {
    exporter = await startTestExporter(`
probes:
  - name: postgres
    type: postgres
    url: postgres://postgres@127.0.0.1:5432/postgres
    interval: 1s
    timeout: 800ms
    critical: true
  - name: system
    type: system
    interval: 1s
    timeout: 800ms
`);
    await waitFor(() => exporter.exporter.store.allRanOnce());
    const health = await request(exporter.url).get('/health');
    expect(health.status).toBe(200);
    expect(health.type).toBe('application/json');
    expect(Object.keys(health.body)).toEqual(expect.arrayContaining(HEALTH_FIELDS));
    expect(Object.keys(health.body.bulletproof).sort()).toEqual([...BULLETPROOF_FIELDS].sort());
    expect(Object.keys(health.body.services)).toEqual(expect.arrayContaining(SERVICES_FIELDS));
    expect(Object.keys(health.body.ai_providers).sort()).toEqual([...AI_PROVIDERS_FIELDS].sort());
    expect(Object.keys(health.body.security).sort()).toEqual([...SECURITY_FIELDS].sort());
    expect(Object.keys(health.body.metrics).sort()).toEqual([...METRICS_FIELDS].sort());
    for (const check of health.body.checks) expect(Object.keys(check)).toEqual(expect.arrayContaining(CHECK_FIELDS));
    expect(health.body.status).toBe('healthy');
    expect(health.body.services.database).toBe('healthy');
    expect(health.body.services.neo4j).toBe('not_configured');
    expect(new Date(health.body.timestamp).toISOString()).toBe(health.body.timestamp);
    // Filled from the system probe, not invented.
    expect(typeof health.body.metrics.memory_usage_percent).toBe('number');
    expect(health.body.metrics.active_sessions).toBeNull();
    expect(health.body.checks.find((c: { name: string }) => c.name === 'postgres')).toMatchObject({ status: 'pass', message: 'Database connection successful' });

    const ready = await request(exporter.url).get('/ready');
    expect(ready.status).toBe(200);
    expect(Object.keys(ready.body)).toEqual(expect.arrayContaining(READY_FIELDS));
    expect(Object.keys(ready.body.services)).toEqual(expect.arrayContaining(READY_SERVICES));
    expect(ready.body).toMatchObject({ status: 'ready', services: { database: 'ready' }, bulletproof: { validation_ready: false, providers_ready: 0 } });
  });

  it('is unhealthy (503) and not ready (503) with every dependency down, while /livez and /readyz stay 200', async () => {
    exporter = await startTestExporter(ALL_DOWN);
    await waitFor(() => exporter.exporter.store.allRanOnce());
    const health = await request(exporter.url).get('/health');
    expect(health.status).toBe(503);
    expect(health.body.status).toBe('unhealthy');
    expect(health.body.services).toMatchObject({ database: 'unhealthy', redis: 'unhealthy', neo4j: 'unhealthy' });
    expect(health.body.status_reasons).toContain('probe postgres failing (connect_refused)');
    expect(health.body.checks.every((check: { status: string }) => check.status === 'fail')).toBe(true);

    const ready = await request(exporter.url).get('/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('not_ready');

    expect((await request(exporter.url).get('/livez')).status).toBe(200);
    const readyz = await request(exporter.url).get('/readyz');
    expect(readyz.status).toBe(200);
    expect(readyz.body.status).toBe('ready');
  });

  it('is degraded (still 200) when only a non-critical dependency fails', async () => {
    exporter = await startTestExporter(`
probes:
  - name: postgres
    type: postgres
    url: postgres://postgres@127.0.0.1:5432/postgres
    interval: 1s
    timeout: 800ms
    critical: true
  - name: redis
    type: redis
    url: redis://127.0.0.1:1/0
    interval: 1s
    timeout: 800ms
`);
    await waitFor(() => exporter.exporter.store.allRanOnce());
    const health = await request(exporter.url).get('/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('degraded');
    expect((await request(exporter.url).get('/ready')).status).toBe(200);
  });

  it('answers unknown paths with 404 JSON', async () => {
    exporter = await startTestExporter('probes: []\n');
    const response = await request(exporter.url).get('/nope');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: 'not found', path: '/nope' });
  });
});

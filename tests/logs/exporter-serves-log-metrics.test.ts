import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { startTestExporter, waitFor, type TestExporter } from '../helpers/exporter';
import { tempDir } from './helpers/logs-harness';

const HASH_KEY = 'e2e-hash-key-d41d8cd98f00b204e980';

function auditLine(fields: Record<string, unknown>): string {
  return `${JSON.stringify({ event_id: 'abc', timestamp: new Date().toISOString().replace('Z', '+00:00'), event_type: 'system_event', status: 'success', user_id: null, session_id: null, ip_address: '10.9.8.7', duration_ms: 12, ...fields })}\n`;
}

const SECURITY_FAMILIES = ['amas_auth_attempts_total', 'amas_auth_failures_total', 'amas_jwt_validations_total', 'amas_rate_limit_exceeded_total', 'amas_security_events_total', 'amas_audit_log_entries_total'];

describe('the exporter turns AMAS audit log lines into /metrics/security and /health', () => {
  let exporter: TestExporter;
  let dir: string;
  let logFile: string;

  beforeAll(async () => {
    dir = tempDir();
    logFile = path.join(dir, 'audit.log');
    writeFileSync(path.join(dir, 'hash.key'), `${HASH_KEY}\n`);
    exporter = await startTestExporter(`
logs:
  sources:
    - name: audit
      path: ${logFile}
      format: audit
      start_at: beginning
  positions_path: ${path.join(dir, 'positions.json')}
  hash_key_file: ${path.join(dir, 'hash.key')}
  poll_interval: 50ms
`);
  });
  afterAll(() => exporter.close());

  it('reports audit logging as waiting before the file exists', async () => {
    const health = await request(exporter.url).get('/health');
    expect(health.body.security.audit_logging).toBe('waiting');
    expect(health.body.security.jwt_validation).toBe('not_observed');
  });

  it('serves the security families and fills the security block and active sessions', async () => {
    writeFileSync(logFile, [
      auditLine({ action: 'POST /api/v1/auth/login', details: { method: 'POST', path: '/api/v1/auth/login', status_code: 200 }, user_id: 'user_1' }),
      auditLine({ action: 'POST /api/v1/auth/login', details: { method: 'POST', path: '/api/v1/auth/login', status_code: 401 }, status: 'failure' }),
      auditLine({ action: 'GET /api/v1/tasks/9', details: { method: 'GET', path: '/api/v1/tasks/9', status_code: 429 }, status: 'failure', session_id: 'sess_1' }),
      auditLine({ event_type: 'security_violation', status: 'blocked', action: 'security_violation', details: { violation_type: 'http_error', severity: 'medium', method: 'GET', path: '/api/v1/agents', status_code: 401 } }),
    ].join(''));
    appendFileSync(logFile, 'garbage that is not JSON\n');
    await waitFor(async () => (await request(exporter.url).get('/metrics/security')).text.includes('amas_rate_limit_exceeded_total{'), 15_000);

    const security = await request(exporter.url).get('/metrics/security');
    expect(security.status).toBe(200);
    for (const family of SECURITY_FAMILIES) expect(security.text).toContain(`# TYPE ${family} counter`);
    expect(security.text).toMatch(/amas_auth_attempts_total\{method="password",result="failure",ip_hash="[0-9a-f]{16}"\} 1/);
    expect(security.text).toContain('amas_jwt_validations_total{result="invalid"} 1');
    expect(security.text).not.toContain('amas_http_requests_total');

    const all = await request(exporter.url).get('/metrics');
    expect(all.text).toContain('amas_http_requests_total{method="GET",endpoint="/api/v1/tasks/{id}",status="429"} 1');
    expect(all.text).toContain('amas_exporter_log_lines_total{source="audit",result="invalid_json"} 1');
    expect(all.text).toContain('amas_active_sessions 2');

    const health = await request(exporter.url).get('/health');
    expect(health.body.security).toMatchObject({ audit_logging: 'active', jwt_validation: 'observed', rate_limiting: 'observed' });
    expect(health.body.metrics.active_sessions).toBe(2);
    expect(health.body.services).toMatchObject({ authentication: 'healthy', rate_limiting: 'healthy' });
    expect(health.body.checks).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'log_source_audit', status: 'pass' })]));

    // The HMAC key is a secret: nowhere in what the exporter serves or logs.
    for (const text of [all.text, JSON.stringify(health.body), exporter.logLines().join('\n')]) expect(text).not.toContain(HASH_KEY);
    expect(all.text).not.toContain('10.9.8.7');
  });
});

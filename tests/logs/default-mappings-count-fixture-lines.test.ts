import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { KeyedHasher } from '../../src/logs/ip-hash';
import { createHarness, logsConfig, tempDir, type LogsHarness } from './helpers/logs-harness';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'logs');
const KEY = 'fixture-hash-key-0123456789';
const hash = (ip: string): string => new KeyedHasher(Buffer.from(KEY)).hashIp(ip);

async function tailFixture(file: string, format: 'audit' | 'nested'): Promise<LogsHarness> {
  const dir = tempDir();
  copyFileSync(path.join(FIXTURES, file), path.join(dir, file));
  const harness = await createHarness(
    logsConfig({
      sources: [{ name: format, path: path.join(dir, file), format, start_at: 'beginning' }],
      positions_path: path.join(dir, 'positions.json'),
      hash_key: KEY,
      // The fixtures' timestamps are fixed; a wide window keeps their sessions active.
      session_window: '36500d',
    }),
    dir,
  );
  await harness.drain();
  return harness;
}

describe('the default audit mappings count every line of the audit log fixture exactly', () => {
  let h: LogsHarness;
  beforeAll(async () => {
    h = await tailFixture('audit.log', 'audit');
  });
  afterAll(() => h.close());

  it('classifies every line', async () => {
    expect(await h.value('amas_exporter_log_lines_total', { source: 'audit', result: 'matched' })).toBe(14);
    expect(await h.value('amas_exporter_log_lines_total', { source: 'audit', result: 'unmatched' })).toBe(2);
    expect(await h.value('amas_exporter_log_lines_total', { source: 'audit', result: 'invalid_json' })).toBe(2);
    expect(await h.value('amas_exporter_log_lines_total', { source: 'audit', result: 'empty' })).toBe(1);
    expect(await h.value('amas_exporter_log_lines_total', { source: 'audit', result: 'too_long' })).toBe(0);
  });

  it('counts HTTP requests by method, normalised endpoint and status', async () => {
    const expected: [string, string, string, number][] = [
      ['GET', '/api/v1/tasks', '200', 1],
      ['GET', '/api/v1/tasks/{id}', '200', 1],
      ['GET', '/api/v1/tasks/{id}', '404', 1],
      ['POST', '/api/v1/auth/login', '200', 1],
      ['POST', '/api/v1/auth/login', '401', 2],
      ['GET', '/api/v1/analysis/{uuid}', '200', 1],
      ['GET', '/api/v1/tasks', '429', 1],
      ['POST', '/api/v1/auth/refresh', '200', 1],
      ['GET', '/health', '200', 1],
      ['GET', '/api/v1/agents', '401', 1],
      ['POST', '/api/v1/tasks', '500', 1],
    ];
    for (const [method, endpoint, status, count] of expected) {
      expect([method, endpoint, status, await h.value('amas_http_requests_total', { method, endpoint, status })]).toEqual([method, endpoint, status, count]);
    }
    expect(await h.value('amas_http_requests_total')).toBe(12);
    expect(await h.value('amas_http_request_duration_seconds_count')).toBe(10);
    expect(await h.value('amas_http_request_duration_seconds_sum')).toBeCloseTo(2.8489, 9);
    expect(await h.value('amas_http_request_duration_seconds_bucket', { method: 'GET', endpoint: '/api/v1/analysis/{uuid}', le: '2.5' })).toBe(1);
    expect(await h.value('amas_http_request_duration_seconds_bucket', { method: 'GET', endpoint: '/api/v1/analysis/{uuid}', le: '1' })).toBe(0);
  });

  it('counts logins, their failures, token checks and rate limiting with hashed addresses', async () => {
    expect(await h.value('amas_auth_attempts_total', { method: 'password', result: 'success', ip_hash: hash('10.0.0.3') })).toBe(1);
    expect(await h.value('amas_auth_attempts_total', { method: 'password', result: 'failure', ip_hash: hash('10.0.0.3') })).toBe(1);
    expect(await h.value('amas_auth_attempts_total', { method: 'password', result: 'failure', ip_hash: hash('10.0.0.4') })).toBe(1);
    expect(await h.value('amas_auth_attempts_total')).toBe(3);
    expect(await h.value('amas_auth_failures_total', { reason: 'invalid_credentials' })).toBe(2);
    expect(await h.value('amas_jwt_validations_total', { result: 'valid' })).toBe(1);
    expect(await h.value('amas_jwt_validations_total', { result: 'invalid' })).toBe(1);
    expect(await h.value('amas_rate_limit_exceeded_total', { endpoint: '/api/v1/tasks', ip_hash: hash('10.0.0.5') })).toBe(1);
    expect(await h.value('amas_rate_limit_exceeded_total')).toBe(1);
  });

  it('counts security violations, audit entries and active sessions', async () => {
    expect(await h.value('amas_security_events_total', { event_type: 'http_error', severity: 'medium' })).toBe(1);
    expect(await h.value('amas_security_events_total', { event_type: 'system_error', severity: 'critical' })).toBe(1);
    expect(await h.value('amas_security_events_total', { event_type: 'unauthorized_access', severity: 'high' })).toBe(1);
    expect(await h.value('amas_audit_log_entries_total', { action: 'system_event' })).toBe(10);
    expect(await h.value('amas_audit_log_entries_total', { action: 'security_violation' })).toBe(3);
    expect(await h.value('amas_audit_log_entries_total', { action: 'agent_execution', user: 'user_2' })).toBe(1);
    expect(await h.value('amas_audit_log_entries_total', { user: 'anonymous' })).toBe(8);
    h.runtime.beforeScrape();
    // user_1, user_2, user_3 and the session sess_a.
    expect(await h.value('amas_active_sessions')).toBe(4);
  });
});

describe('the default nested mappings count every line of the nested fixture exactly', () => {
  let h: LogsHarness;
  beforeAll(async () => {
    h = await tailFixture('nested.log', 'nested');
  });
  afterAll(() => h.close());

  it('feeds the security, business and session families', async () => {
    expect(await h.value('amas_exporter_log_lines_total', { source: 'nested', result: 'matched' })).toBe(9);
    expect(await h.value('amas_audit_log_entries_total')).toBe(9);
    expect(await h.value('amas_jwt_validations_total', { result: 'valid' })).toBe(2);
    expect(await h.value('amas_jwt_validations_total', { result: 'invalid' })).toBe(1);
    expect(await h.value('amas_analyses_completed_total', { type: 'security', result: 'success' })).toBe(1);
    expect(await h.value('amas_analyses_completed_total', { type: 'performance', result: 'success' })).toBe(1);
    expect(await h.value('amas_analyses_completed_total', { type: 'security', result: 'failure' })).toBe(1);
    expect(await h.value('amas_issues_detected_total', { severity: 'high', category: 'performance' })).toBe(3);
    expect(await h.value('amas_issues_detected_total')).toBe(3);
    expect(await h.value('amas_auth_attempts_total', { method: 'password', result: 'failure', ip_hash: hash('10.1.0.1') })).toBe(1);
    expect(await h.value('amas_auth_attempts_total', { method: 'password', result: 'success', ip_hash: hash('10.1.0.2') })).toBe(1);
    expect(await h.value('amas_auth_failures_total', { reason: 'bad_password', ip_hash: hash('10.1.0.1') })).toBe(1);
    expect(await h.value('amas_security_events_total', { event_type: 'suspicious_activity', severity: 'critical' })).toBe(1);
    expect(await h.value('amas_rate_limit_exceeded_total', { endpoint: '/api/v1/analyze/{id}', ip_hash: hash('10.1.0.3') })).toBe(1);
    expect(await h.value('amas_fixes_applied_total', { type: 'security', success: 'true' })).toBe(1);
    expect(await h.value('amas_user_satisfaction_score_total', { rating: '4.5' })).toBe(1);
    h.runtime.beforeScrape();
    expect(await h.value('amas_active_sessions')).toBe(2);
  });
});

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHarness, logsConfig, tempDir } from './helpers/logs-harness';

const DISTINCT = 100_000;

function loginLines(count: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i += 1) {
    lines.push(JSON.stringify({
      event_type: 'system_event',
      details: { method: 'POST', path: '/api/v1/auth/login', status_code: 200 },
      ip_address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      user_id: `user_${i}`,
      duration_ms: 3,
    }));
  }
  return `${lines.join('\n')}\n`;
}

describe('labels fed from log content stay bounded', () => {
  it('100,000 distinct addresses and users give at most the capped number of series, the rest counted as overflow', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    writeFileSync(file, loginLines(DISTINCT));
    const h = await createHarness(logsConfig({
      sources: [{ name: 'audit', path: file, format: 'audit', start_at: 'beginning' }],
      positions_path: path.join(dir, 'positions.json'),
      hash_key: 'caps-test-key',
      label_limit: 100,
      label_limits: { user: 10 },
    }), dir);
    await h.drain();

    const attempts = await h.samples('amas_auth_attempts_total');
    const hashes = new Set(attempts.map((sample) => sample.labels.ip_hash));
    expect(hashes.size).toBe(101);
    expect(hashes.has('other')).toBe(true);
    expect(attempts.reduce((sum, sample) => sum + sample.value, 0)).toBe(DISTINCT);
    expect(await h.value('amas_auth_attempts_total', { ip_hash: 'other' })).toBe(DISTINCT - 100);

    const users = new Set((await h.samples('amas_audit_log_entries_total')).map((sample) => sample.labels.user));
    expect(users.size).toBe(11);
    expect(await h.value('amas_exporter_log_label_overflow_total', { label: 'ip_hash' })).toBe(DISTINCT - 100);
    expect(await h.value('amas_exporter_log_label_overflow_total', { label: 'user' })).toBe(DISTINCT - 10);

    // Every series of every log-fed family, summed: bounded by the caps, not by the input.
    let series = 0;
    for (const name of ['amas_http_requests_total', 'amas_auth_attempts_total', 'amas_audit_log_entries_total', 'amas_jwt_validations_total', 'amas_rate_limit_exceeded_total']) {
      series += (await h.samples(name)).length;
    }
    expect(series).toBeLessThanOrEqual(1 + 101 + 11);
    await h.close();
  });
});

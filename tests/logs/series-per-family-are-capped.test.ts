import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHarness, logsConfig, tempDir } from './helpers/logs-harness';

const DISTINCT = 5000;
const CAP = 50;

const login = (i: number): string => JSON.stringify({ event_type: 'system_event', details: { method: 'POST', path: '/api/v1/auth/login', status_code: i % 3 === 0 ? 401 : 200 }, ip_address: `10.1.${(i >> 8) & 255}.${i & 255}`, duration_ms: 3 });

describe('max_series_per_family bounds a log-fed family even when every label stays under its own cap', () => {
  it('admits the first label sets, adds the rest to one all-"other" series and counts them', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    writeFileSync(file, `${Array.from({ length: DISTINCT }, (_, i) => login(i)).join('\n')}\n`);
    // label_limit alone would admit every address: only the family cap bounds the series.
    const h = await createHarness(logsConfig({ sources: [{ name: 'audit', path: file, format: 'audit', start_at: 'beginning' }], positions_path: path.join(dir, 'positions.json'), hash_key: 'series-cap-key', label_limit: 100000, max_series_per_family: CAP }), dir);
    await h.drain();
    const attempts = await h.samples('amas_auth_attempts_total');
    expect(attempts.length).toBe(CAP + 1);
    expect(attempts.filter((sample) => Object.values(sample.labels).every((value) => value === 'other'))).toHaveLength(1);
    expect(attempts.reduce((sum, sample) => sum + sample.value, 0)).toBe(DISTINCT);
    expect(await h.value('amas_exporter_log_series_overflow_total', { family: 'amas_auth_attempts_total' })).toBe(DISTINCT - CAP);
    expect(await h.value('amas_exporter_log_label_overflow_total')).toBe(0);
    await h.close();
  });
});

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHarness, logsConfig, tempDir } from './helpers/logs-harness';

const line = (n: number): string => `${JSON.stringify({ event_type: 'system_event', details: { method: 'GET', path: '/x', status_code: 200 }, duration_ms: n })}\n`;

describe('the files a source holds open are bounded by max_open_files, and waits are counted', () => {
  it('reads a family of eight members with two descriptors, every line once', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    let total = 0;
    for (const suffix of ['', '.1', '.2', '.3', '.4', '.5', '.6', '.7']) {
      writeFileSync(`${file}${suffix}`, Array.from({ length: 5 }, () => line((total += 1))).join(''));
    }
    const h = await createHarness(logsConfig({ sources: [{ name: 'audit', path: file, format: 'audit', start_at: 'beginning' }], positions_path: path.join(dir, 'positions.json'), hash_key: 'open-files-key', max_open_files: 2 }), dir);
    let most = 0;
    for (let turn = 0; turn < 50; turn += 1) {
      await h.runtime.pollNow();
      most = Math.max(most, await h.value('amas_exporter_log_open_files', { source: 'audit' }));
    }
    expect(most).toBe(2);
    expect(await h.value('amas_exporter_log_open_deferred_total', { source: 'audit' })).toBeGreaterThan(0);
    expect(await h.value('amas_exporter_log_lines_total')).toBe(total);
    expect(await h.value('amas_http_request_duration_seconds_sum')).toBeCloseTo((total * (total + 1)) / 2 / 1000, 9);
    await h.close();
  });
});

import { appendFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHarness, logsConfig, tempDir } from './helpers/logs-harness';

const line = (n: number): string => `${JSON.stringify({ event_type: 'system_event', details: { method: 'GET', path: '/x', status_code: 200 }, duration_ms: n })}\n`;
const lines = (from: number, to: number): string => Array.from({ length: to - from + 1 }, (_, i) => line(from + i)).join('');

/**
 * logrotate's copytruncate writes the copy in chunks: a poll can find `audit.log.1` empty, or
 * holding only part of what was already read from `audit.log`. Read then, it would be taken for a
 * new file and counted again from its first line.
 */
describe('copytruncate: a copy found while it is still being made is not counted twice', () => {
  it.each([
    ['empty', 0],
    ['shorter than a fingerprint', 100],
    ['past the fingerprint, short of what was read', 2000],
  ])('copy first seen %s', async (_, firstBytes) => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    writeFileSync(file, lines(1, 40));
    const h = await createHarness(logsConfig({ sources: [{ name: 'audit', path: file, format: 'audit', start_at: 'beginning' }], positions_path: path.join(dir, 'positions.json'), hash_key: 'copy-key' }), dir);
    await h.drain();
    expect(await h.value('amas_exporter_log_lines_total', { result: 'matched' })).toBe(40);

    const whole = readFileSync(file);
    expect(whole.length).toBeGreaterThan(2000);
    writeFileSync(`${file}.1`, whole.subarray(0, firstBytes));
    // However many turns run meanwhile (file events wake the tailer too).
    for (let turn = 0; turn < 3; turn += 1) await h.runtime.pollNow();
    writeFileSync(`${file}.1`, whole);
    truncateSync(file, 0);
    appendFileSync(file, lines(41, 45));
    await h.drain();

    expect(await h.value('amas_exporter_log_lines_total', { result: 'matched' })).toBe(45);
    expect(await h.value('amas_http_request_duration_seconds_sum')).toBeCloseTo((45 * 46) / 2 / 1000, 6);
    await h.close();
  });

  it('a short rotated file that is no copy is read at once', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    writeFileSync(file, lines(1, 40));
    const h = await createHarness(logsConfig({ sources: [{ name: 'audit', path: file, format: 'audit', start_at: 'beginning' }], positions_path: path.join(dir, 'positions.json'), hash_key: 'copy-key' }), dir);
    await h.drain();
    writeFileSync(`${file}.3`, lines(41, 42));
    await h.drain();
    expect(await h.value('amas_exporter_log_lines_total', { result: 'matched' })).toBe(42);
    await h.close();
  });
});

import { appendFileSync, copyFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHarness, logsConfig, tempDir } from './helpers/logs-harness';

const line = (n: number): string => `${JSON.stringify({ event_type: 'system_event', details: { method: 'GET', path: '/x', status_code: 200 }, duration_ms: n })}\n`;

describe('copytruncate: a line cut in two by the truncation counts as one garbage line', () => {
  for (const follow of ['family', 'file'] as const) {
    it(`follow: ${follow}`, async () => {
      const dir = tempDir();
      const file = path.join(dir, 'audit.log');
      const cut = line(4);
      writeFileSync(file, line(1) + line(2) + line(3) + cut.slice(0, 40));
      const h = await createHarness(logsConfig({ sources: [{ name: 'audit', path: file, format: 'audit', start_at: 'beginning', follow }], positions_path: path.join(dir, 'positions.json'), hash_key: 'copytruncate-key', rotated_grace: '1ms' }), dir);
      await h.drain();
      expect(await h.value('amas_exporter_log_lines_total', { result: 'matched' })).toBe(3);
      // logrotate copies the file, then truncates it; the writer finishes its line in the empty file.
      copyFileSync(file, `${file}.1`);
      truncateSync(file, 0);
      appendFileSync(file, cut.slice(40) + line(5) + line(6));
      await h.drain();
      // Past rotated_grace the copy is closed: its cut half must not be counted then either.
      await new Promise((resolve) => setTimeout(resolve, 20));
      await h.drain();
      expect(await h.value('amas_exporter_log_lines_total', { result: 'matched' })).toBe(5);
      expect(await h.value('amas_exporter_log_lines_total', { result: 'invalid_json' })).toBe(1);
      expect(await h.value('amas_exporter_log_lines_total')).toBe(6);
      await h.close();
    });
  }
});

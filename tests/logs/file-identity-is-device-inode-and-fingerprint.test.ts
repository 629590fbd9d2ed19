import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, openSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createHarness, logsConfig, tempDir, type LogsHarness } from './helpers/logs-harness';

const line = (n: number): string => `${JSON.stringify({ event_type: 'system_event', details: { method: 'GET', path: '/x', status_code: 200 }, duration_ms: n })}\n`;
const lines = (from: number, count: number): string => Array.from({ length: count }, (_, i) => line(from + i)).join('');

function tail(dir: string): Promise<LogsHarness> {
  return createHarness(logsConfig({ sources: [{ name: 'audit', path: path.join(dir, 'audit.log'), format: 'audit', start_at: 'beginning' }], positions_path: path.join(dir, 'positions.json'), hash_key: 'identity-test-key' }), dir);
}

const counted = (h: LogsHarness): Promise<number> => h.value('amas_exporter_log_lines_total');

describe('a log file is known by device, inode and a fingerprint of its first bytes, not by its name', () => {
  it('a renamed member keeps its position: lines added to it after the rename are read once', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    writeFileSync(file, lines(1, 3));
    const h = await tail(dir);
    await h.drain();
    renameSync(file, `${file}.1`);
    appendFileSync(`${file}.1`, lines(4, 2));
    writeFileSync(file, lines(6, 1));
    await h.drain();
    renameSync(`${file}.1`, `${file}.2`);
    renameSync(file, `${file}.1`);
    await h.drain();
    expect(await counted(h)).toBe(6);
    await h.close();
  });

  it('a member hidden for one poll (a rename racing the directory listing) keeps its position', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    writeFileSync(file, lines(1, 1));
    writeFileSync(`${file}.1`, lines(2, 4));
    const h = await createHarness(logsConfig({ sources: [{ name: 'audit', path: file, format: 'audit', start_at: 'beginning' }], positions_path: path.join(dir, 'positions.json'), hash_key: 'identity-test-key', rotated_grace: '1ms' }), dir);
    await h.drain();
    // Read to its end and idle: closed, its position kept.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await h.drain();
    expect(await h.value('amas_exporter_log_open_files', { source: 'audit' })).toBe(0);
    renameSync(`${file}.1`, path.join(dir, 'elsewhere'));
    await h.runtime.pollNow();
    renameSync(path.join(dir, 'elsewhere'), `${file}.1`);
    await h.drain();
    expect(await counted(h)).toBe(5);
    await h.close();
  });

  it('a file deleted while open is read to its end through the descriptor still open', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    const writer = openSync(file, 'a');
    writeSync(writer, lines(1, 2));
    const h = await tail(dir);
    await h.drain();
    unlinkSync(file);
    // The writer goes on writing to the deleted file, as a worker that has not rotated yet does.
    writeSync(writer, lines(3, 3));
    closeSync(writer);
    await h.drain();
    expect(await counted(h)).toBe(5);
    expect(await h.value('amas_http_request_duration_seconds_sum')).toBeCloseTo((1 + 2 + 3 + 4 + 5) / 1000, 9);
    await h.close();
  });

  describe('a saved position is used only by the file it was saved for', () => {
    // The position file as a previous exporter left it, with an entry under this file's device and
    // inode: either for this very file (its fingerprint) or for a deleted file whose inode the
    // file system gave to this one (another fingerprint).
    function savePosition(dir: string, fingerprintOf: string, seen: { size: number; mtime_ms: number; read: number } | undefined = undefined): void {
      const file = path.join(dir, 'audit.log');
      const stats = statSync(file);
      const offset = Buffer.byteLength(lines(1, 4));
      const entry = { path: file, offset, fingerprint: createHash('sha256').update(fingerprintOf).digest('hex'), fingerprint_bytes: 512, ...(seen ?? { size: offset, mtime_ms: 1 }) };
      writeFileSync(path.join(dir, 'positions.json'), JSON.stringify({ version: 2, sources: { audit: { [`${stats.dev}:${stats.ino}`]: entry } } }));
    }

    it('the same file resumes from its offset', async () => {
      const dir = tempDir();
      const content = lines(1, 10);
      writeFileSync(path.join(dir, 'audit.log'), content);
      savePosition(dir, content.slice(0, 512));
      const h = await tail(dir);
      await h.drain();
      expect(await counted(h)).toBe(6);
      await h.close();
    });

    it('a file unchanged since it was saved, but saved with bytes past what was read, is read on', async () => {
      // The stat after the last read saw the file grown: same size and mtime now, yet unread bytes.
      const dir = tempDir();
      const content = lines(1, 10);
      writeFileSync(path.join(dir, 'audit.log'), content);
      const stats = statSync(path.join(dir, 'audit.log'));
      savePosition(dir, content.slice(0, 512), { size: stats.size, mtime_ms: stats.mtimeMs, read: Buffer.byteLength(lines(1, 4)) });
      const h = await tail(dir);
      await h.drain();
      expect(await counted(h)).toBe(6);
      await h.close();
    });

    it('a new file that reuses the inode of a deleted one is read from its start', async () => {
      const dir = tempDir();
      writeFileSync(path.join(dir, 'audit.log'), lines(1, 10));
      savePosition(dir, lines(100, 10).slice(0, 512));
      const h = await tail(dir);
      await h.drain();
      expect(await counted(h)).toBe(10);
      await h.close();
    });
  });
});

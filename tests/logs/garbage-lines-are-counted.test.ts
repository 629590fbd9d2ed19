import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHarness, logsConfig, tempDir, type LogsHarness } from './helpers/logs-harness';

const good = (n: number): string =>
  JSON.stringify({ event_type: 'system_event', status: 'success', details: { method: 'GET', path: `/api/v1/tasks/${n}`, status_code: 200 }, ip_address: '10.0.0.1', duration_ms: 5 });

async function harnessFor(file: string, dir: string): Promise<LogsHarness> {
  return createHarness(logsConfig({ sources: [{ name: 'audit', path: file, format: 'audit', start_at: 'beginning' }], positions_path: path.join(dir, 'positions.json'), hash_key: 'k'.repeat(32) }), dir);
}

const lines = (h: LogsHarness, result: string): Promise<number> => h.value('amas_exporter_log_lines_total', { source: 'audit', result });

describe('garbage lines are counted, never fatal, and the next good line is read', () => {
  it('counts binary, truncated JSON, a 10 MB line and empty lines, then reads on', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    const binary = Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x22, 0x01, 0x80, 0x0d]);
    const huge = `{"event_type": "system_event", "details": {"path": "${'x'.repeat(10 * 1024 * 1024)}"}}`;
    writeFileSync(file, Buffer.concat([Buffer.from(`${good(1)}\n`), binary, Buffer.from(`\n{"event_type": "system_ev\n${huge}\n\n   \n${good(2)}\n`)]));
    const h = await harnessFor(file, dir);
    await h.drain();
    expect(await lines(h, 'matched')).toBe(2);
    expect(await lines(h, 'invalid_json')).toBe(2);
    expect(await lines(h, 'too_long')).toBe(1);
    expect(await lines(h, 'empty')).toBe(2);
    expect(await h.value('amas_http_requests_total', { endpoint: '/api/v1/tasks/{id}' })).toBe(2);
    await h.close();
  });

  it('skips a long line that arrives in pieces across reads, and keeps a partial line until its newline', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    writeFileSync(file, `${good(1)}\n{"event_type": "system_event", "details": {"path": "`);
    const h = await harnessFor(file, dir);
    await h.drain();
    for (let piece = 0; piece < 20; piece += 1) {
      appendFileSync(file, 'y'.repeat(300 * 1024));
      await h.drain();
    }
    appendFileSync(file, `"}}\n${good(2).slice(0, 40)}`);
    await h.drain();
    expect(await lines(h, 'too_long')).toBe(1);
    expect(await lines(h, 'matched')).toBe(1);
    appendFileSync(file, `${good(2).slice(40)}\n`);
    await h.drain();
    expect(await lines(h, 'matched')).toBe(2);
    expect(await lines(h, 'invalid_json')).toBe(0);
    await h.close();
  });

  it('waits for a file that does not exist yet, in a directory that does not exist yet', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'later', 'audit.log');
    const h = await harnessFor(file, dir);
    await h.drain();
    expect(h.runtime.health().security?.audit_logging).toBe('waiting');
    mkdirSync(path.dirname(file));
    writeFileSync(file, `${good(1)}\n`);
    await h.drain();
    expect(await lines(h, 'matched')).toBe(1);
    expect(h.runtime.health().security?.audit_logging).toBe('active');
    await h.close();
  });
});

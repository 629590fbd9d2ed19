import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHarness, logsConfig, tempDir, type LogsHarness } from './helpers/logs-harness';

const WRITER = path.join(__dirname, 'helpers', 'log-writer.js');

function tail(file: string, dir: string, startAt: 'beginning' | 'end' = 'beginning'): Promise<LogsHarness> {
  return createHarness(logsConfig({ sources: [{ name: 'audit', path: file, format: 'audit', start_at: startAt }], positions_path: path.join(dir, 'positions.json'), hash_key: 'restart-test-key' }), dir);
}

const requests = (h: LogsHarness): Promise<number> => h.value('amas_http_requests_total');
const durationSum = (h: LogsHarness): Promise<number> => h.value('amas_http_request_duration_seconds_sum');

const line = (n: number): string => `${JSON.stringify({ event_type: 'system_event', details: { method: 'GET', path: '/x', status_code: 200 }, duration_ms: n })}\n`;

describe('a restart resumes exactly where the previous exporter stopped', () => {
  it('stopped in the middle of a file being written, with a rename rotation while it was down', async () => {
    const lines = 6000;
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    const child = spawn(process.execPath, [WRITER, file, String(lines), 'rename', '4000', '10'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

    const first = await tail(file, dir);
    const deadline = Date.now() + 60_000;
    while ((await requests(first)) < 1000 && Date.now() < deadline) {
      await first.runtime.pollNow();
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await first.close();
    const firstCount = await requests(first);
    const firstSum = await durationSum(first);
    expect(firstCount).toBeGreaterThanOrEqual(1000);
    const saved = JSON.parse(readFileSync(path.join(dir, 'positions.json'), 'utf8')) as { sources: Record<string, Record<string, { offset: number }>> };
    expect(Object.values(saved.sources.audit ?? {}).length).toBeGreaterThan(0);

    expect(await exited).toBe(0);
    const second = await tail(file, dir);
    await second.drain();
    expect(firstCount + (await requests(second))).toBe(lines);
    expect(firstSum + (await durationSum(second))).toBeCloseTo((lines * (lines + 1)) / 2 / 1000, 6);
    await second.close();
  });

  it('starts at the end of existing files on the very first start, then never skips again', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    writeFileSync(file, Array.from({ length: 100 }, (_, i) => line(i + 1)).join(''));
    const first = await tail(file, dir, 'end');
    await first.drain();
    expect(await requests(first)).toBe(0);
    appendFileSync(file, line(1000) + line(2000).slice(0, 20));
    await first.drain();
    expect(await requests(first)).toBe(1);
    await first.close();

    // The half-written line was not counted; the next exporter reads it whole, from the saved position.
    appendFileSync(file, line(2000).slice(20) + line(3000));
    const second = await tail(file, dir, 'end');
    await second.drain();
    expect(await requests(second)).toBe(2);
    expect(await durationSum(second)).toBeCloseTo(5, 9);
    await second.close();
  });
});

import { spawn } from 'node:child_process';
import path from 'node:path';
import { createHarness, logsConfig, tempDir, type LogsHarness } from './helpers/logs-harness';

const WRITER = path.join(__dirname, 'helpers', 'log-writer.js');
const LINES = 6000;
const EXPECTED_SUM = (LINES * (LINES + 1)) / 2 / 1000;

/**
 * Runs the writer child while polling the tailer as fast as it can; bounded in time. With `ack`,
 * the writer waits after each rotation until the tailer has polled once: the lines written just
 * before a rotation still race the reader, but a starved test process cannot miss a whole file.
 */
async function writeWhileTailing(h: LogsHarness, file: string, mode: string, every: number, pauseEvery: number, ack: boolean): Promise<void> {
  const child = spawn(process.execPath, [WRITER, file, String(LINES), mode, String(every), String(pauseEvery), ack ? 'ack' : 'no-ack'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let exited = false;
  let rotations = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    rotations += chunk.toString('utf8').split('rotated').length - 1;
  });
  const done = new Promise<void>((resolve, reject) => {
    child.on('exit', (code) => {
      exited = true;
      if (code === 0) resolve();
      else reject(new Error(`writer exited with ${code}`));
    });
  });
  const deadline = Date.now() + 60_000;
  while (!exited && Date.now() < deadline) {
    const waiting = rotations;
    await h.runtime.pollNow();
    for (; waiting > 0 && rotations > 0; rotations -= 1) child.stdin.write('k');
    await new Promise((resolve) => setImmediate(resolve));
  }
  await done;
  await h.drain();
}

async function tail(pathPattern: string, dir: string): Promise<LogsHarness> {
  return createHarness(logsConfig({ sources: [{ name: 'audit', path: pathPattern, format: 'audit', start_at: 'beginning' }], positions_path: path.join(dir, 'positions.json'), hash_key: 'rotation-test-key' }), dir);
}

async function expectEveryLineOnce(h: LogsHarness): Promise<void> {
  expect(await h.value('amas_exporter_log_lines_total', { result: 'matched' })).toBe(LINES);
  expect(await h.value('amas_exporter_log_lines_total', { result: 'invalid_json' })).toBe(0);
  expect(await h.value('amas_http_requests_total')).toBe(LINES);
  expect(await h.value('amas_http_request_duration_seconds_count')).toBe(LINES);
  // Each line carries its own number as duration_ms: the sum shows no line was lost or doubled.
  expect(await h.value('amas_http_request_duration_seconds_sum')).toBeCloseTo(EXPECTED_SUM, 6);
}

describe('rotation while a child process writes loses nothing and counts nothing twice', () => {
  it('follows rename rotation (RotatingFileHandler), reading each renamed file to its end', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    const h = await tail(file, dir);
    await writeWhileTailing(h, file, 'rename', 700, 20, true);
    await expectEveryLineOnce(h);
    await h.close();
  });

  it('follows copy-truncate rotation, reading lines left in the copy', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    const h = await tail(file, dir);
    await writeWhileTailing(h, file, 'copytruncate', 1500, 20, true);
    await expectEveryLineOnce(h);
    await h.close();
  });

  it('with a glob over the rotated names, loses nothing even when rotations outrun the reader', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    const h = await tail(`${file}*`, dir);
    await writeWhileTailing(h, file, 'rename', 150, 0, false);
    await expectEveryLineOnce(h);
    await h.close();
  });
});

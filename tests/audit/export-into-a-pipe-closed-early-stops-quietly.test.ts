import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeEntries, writeConfig, writeFamily } from './helpers/audit-fixture';

const MAIN = path.join(__dirname, '..', '..', 'dist', 'main.js');

/**
 * `export-audit-logs | head -n 1`: the reader closes the pipe after one line. The command stops
 * with 0 and one plain line on stderr, not an EPIPE stack and exit 70.
 */
test('export-audit-logs into a pipe its reader closes early stops quietly with 0', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'amas-epipe-'));
  try {
    writeFamily(path.join(dir, 'audit.log'), makeEntries(20_000, Date.UTC(2025, 9, 1), 100).map((entry) => entry.line), 4 * 1024 * 1024);
    const config = path.join(dir, 'exporter.yaml');
    writeConfig(config, path.join(dir, 'audit.log'));
    const child = spawn(process.execPath, [MAIN, 'export-audit-logs', '--config', config, '--start-date', '2025-09-30', '--end-date', '2025-10-30'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // Read the first chunk, then close the pipe as `head` does.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
    expect({ code, stderr: stderr.split('\n').filter((line) => line.startsWith('amas-exporter:')) }).toEqual({ code: 0, stderr: ['amas-exporter: the output was closed by its reader; stopped early'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

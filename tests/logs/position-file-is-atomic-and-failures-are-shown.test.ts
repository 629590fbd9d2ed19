import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHarness, logsConfig, tempDir } from './helpers/logs-harness';

const line = (n: number): string => `${JSON.stringify({ event_type: 'system_event', details: { method: 'GET', path: '/x', status_code: 200 }, duration_ms: n })}\n`;

type Saved = { version: number; sources: Record<string, Record<string, { offset: number }>> };
const savedOffset = (file: string): number => Object.values((JSON.parse(readFileSync(file, 'utf8')) as Saved).sources.audit ?? {})[0]?.offset ?? -1;

/**
 * The position file lives on its own small tmpfs (mounting needs root), which is then filled: a
 * write in place would leave a cut file; a temporary file renamed over the old one leaves it whole.
 */
describe('the position file is replaced atomically; when it cannot be written, counting goes on and /health says so', () => {
  const dir = tempDir();
  const volume = path.join(dir, 'volume');
  let mounted = false;

  beforeAll(() => {
    mkdirSync(volume);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', volume]);
    mounted = true;
  });

  afterAll(() => {
    if (mounted) execFileSync('umount', [volume]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('full volume: old file kept whole, failures counted, /health warns; written again once there is room', async () => {
    const file = path.join(dir, 'audit.log');
    const positions = path.join(volume, 'positions.json');
    writeFileSync(file, line(1));
    const h = await createHarness(logsConfig({ sources: [{ name: 'audit', path: file, format: 'audit', start_at: 'beginning' }], positions_path: positions, hash_key: 'positions-key' }), dir);
    await h.drain();
    const firstOffset = savedOffset(positions);
    expect(firstOffset).toBe(Buffer.byteLength(line(1)));

    // Replaced, not rewritten: every save gives the file a new inode.
    const inode = statSync(positions).ino;
    appendFileSync(file, line(2));
    await h.drain();
    expect(statSync(positions).ino).not.toBe(inode);
    const secondOffset = savedOffset(positions);
    expect(secondOffset).toBe(firstOffset + Buffer.byteLength(line(2)));

    // Fill the volume to its last byte.
    const filler = path.join(volume, 'filler');
    try {
      for (;;) appendFileSync(filler, Buffer.alloc(4096));
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    try {
      for (;;) appendFileSync(filler, Buffer.alloc(1));
    } catch {
      // Full.
    }
    for (let n = 3; n <= 12; n += 1) appendFileSync(file, line(n));
    await h.drain();
    expect(await h.value('amas_exporter_log_lines_total')).toBe(12);
    expect(await h.value('amas_exporter_log_position_write_failures_total', { reason: 'ENOSPC' })).toBeGreaterThan(0);
    expect(savedOffset(positions)).toBe(secondOffset);
    expect(readdirSync(volume).sort()).toEqual(['filler', 'positions.json']);
    const health = h.runtime.health();
    expect(health.checks.find((check) => check.name === 'log_positions')).toMatchObject({ status: 'warn', message: expect.stringContaining('ENOSPC') });
    expect(health.degraded).toContain('log position file unwritable (ENOSPC)');

    // Room again: the next turn writes the file, and /health is back to pass.
    rmSync(filler);
    appendFileSync(file, line(13));
    await h.drain();
    expect(await h.value('amas_exporter_log_lines_total')).toBe(13);
    expect(savedOffset(positions)).toBe(statSync(file).size);
    expect(h.runtime.health().checks.find((check) => check.name === 'log_positions')?.status).toBe('pass');
    expect(h.runtime.health().degraded).toEqual([]);
    await h.close();
  });
});

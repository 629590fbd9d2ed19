import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { classifyMember, listRotationFamily } from '../../src/logs/rotation-family';
import { createHarness, logsConfig, tempDir } from './helpers/logs-harness';

const line = (n: number): string => `${JSON.stringify({ event_type: 'system_event', details: { method: 'GET', path: '/x', status_code: 200 }, duration_ms: n })}\n`;
const lines = (from: number, count: number): string => Array.from({ length: count }, (_, i) => line(from + i)).join('');

describe('a source follows the rotation family of its path by default', () => {
  it('names as members: name.N, name-YYYYMMDD, Python dated names; compressed ones are marked', () => {
    expect(classifyMember('audit.log', 'audit.log')).toEqual({ kind: 'live', index: 0, compressed: false });
    expect(classifyMember('audit.log', 'audit.log.1')).toEqual({ kind: 'numbered', index: 1, compressed: false });
    expect(classifyMember('audit.log', 'audit.log.12')).toEqual({ kind: 'numbered', index: 12, compressed: false });
    expect(classifyMember('audit.log', 'audit.log.2.gz')).toEqual({ kind: 'numbered', index: 2, compressed: true });
    expect(classifyMember('audit.log', 'audit.log-20261203')).toEqual({ kind: 'dated', index: 20261203, compressed: false });
    expect(classifyMember('audit.log', 'audit.log-20261203.gz')).toEqual({ kind: 'dated', index: 20261203, compressed: true });
    expect(classifyMember('audit.log', 'audit.log.2026-12-03_10')).toEqual({ kind: 'dated', index: 2026120310, compressed: false });
    // Not members: other suffixes, other files that share the prefix.
    for (const name of ['audit.log.bak', 'audit.logx', 'audit.log.0', 'audit.log.tmp', 'audit.log-2026', 'other.log.1']) expect(classifyMember('audit.log', name)).toBeUndefined();
  });

  it('lists the family oldest first, live last', async () => {
    const dir = tempDir();
    for (const name of ['audit.log', 'audit.log.1', 'audit.log.3', 'audit.log-20261201', 'audit.log.bak']) writeFileSync(path.join(dir, name), '');
    expect((await listRotationFamily(path.join(dir, 'audit.log'))).map((member) => path.basename(member.path))).toEqual(['audit.log-20261201', 'audit.log.3', 'audit.log.1', 'audit.log']);
  });

  it('reads every plain member, never a compressed one, and only the path itself with follow: file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'audit.log');
    writeFileSync(file, lines(1, 2));
    writeFileSync(`${file}.1`, lines(10, 3));
    writeFileSync(`${file}.2`, lines(20, 1));
    writeFileSync(`${file}-20261201`, lines(30, 4));
    // Valid lines once decompressed: counted only if the gzip were (wrongly) read at all, and as
    // garbage if it were read as text.
    writeFileSync(`${file}.3.gz`, gzipSync(lines(40, 5)));
    writeFileSync(`${file}.bak`, lines(50, 7));
    writeFileSync(path.join(dir, 'other.log'), lines(60, 8));

    const config = (follow?: 'file') => logsConfig({ sources: [{ name: 'audit', path: file, format: 'audit', start_at: 'beginning', ...(follow ? { follow } : {}) }], positions_path: path.join(dir, `positions-${follow ?? 'default'}.json`), hash_key: 'family-test-key' });
    const family = await createHarness(config(), dir);
    await family.drain();
    expect(await family.value('amas_exporter_log_lines_total', { result: 'matched' })).toBe(2 + 3 + 1 + 4);
    expect(await family.value('amas_exporter_log_lines_total')).toBe(2 + 3 + 1 + 4);
    await family.close();

    const single = await createHarness(config('file'), dir);
    await single.drain();
    expect(await single.value('amas_exporter_log_lines_total')).toBe(2);
    await single.close();
  });
});

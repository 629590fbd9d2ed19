import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createHarness, logsConfig, tempDir } from './helpers/logs-harness';

const line = (n: number): string => `${JSON.stringify({ event_type: 'system_event', details: { method: 'GET', path: `/r/${n}`, status_code: 200 }, duration_ms: n })}\n`;

describe('a reload keeps positions and counts', () => {
  it('keeps an unchanged source running, and resumes a changed one from its position', async () => {
    const dir = tempDir();
    const audit = path.join(dir, 'audit.log');
    const other = path.join(dir, 'other.log');
    writeFileSync(audit, line(1) + line(2));
    writeFileSync(other, line(10));
    const base = { positions_path: path.join(dir, 'positions.json'), hash_key: 'reload-key' };
    const auditSource = { name: 'audit', path: audit, format: 'audit', start_at: 'beginning' };
    const h = await createHarness(logsConfig({ ...base, sources: [auditSource] }), dir);
    await h.drain();
    expect(await h.value('amas_http_requests_total')).toBe(2);

    // Adding a source leaves the first one alone: nothing is read twice.
    await h.runtime.configure(logsConfig({ ...base, sources: [auditSource, { name: 'other', path: other, format: 'audit', start_at: 'beginning' }] }));
    appendFileSync(audit, line(3));
    await h.drain();
    expect(await h.value('amas_exporter_log_lines_total', { source: 'audit' })).toBe(3);
    expect(await h.value('amas_exporter_log_lines_total', { source: 'other' })).toBe(1);

    // A changed mapping rebuilds the source, which resumes where it was.
    await h.runtime.configure(logsConfig({
      ...base,
      sources: [{ ...auditSource, format: 'none' }, { name: 'other', path: other, format: 'audit', start_at: 'beginning' }],
      mappings: [{ name: 'slow', sources: ['audit'], metric: 'amas_security_events_total', when: [{ field: 'duration_ms', gte: 4 }], labels: { event_type: { value: 'slow' }, severity: { value: 'low' } } }],
    }));
    appendFileSync(audit, line(4) + line(1));
    await h.drain();
    expect(await h.value('amas_exporter_log_lines_total', { source: 'audit' })).toBe(5);
    expect(await h.value('amas_exporter_log_lines_total', { source: 'audit', result: 'unmatched' })).toBe(1);
    expect(await h.value('amas_security_events_total', { event_type: 'slow' })).toBe(1);
    expect(await h.value('amas_http_requests_total')).toBe(4);

    // Removing a source removes its series.
    await h.runtime.configure(logsConfig({ ...base, sources: [{ ...auditSource, format: 'none' }] }));
    expect(await h.value('amas_exporter_log_lines_total', { source: 'other' })).toBe(0);
    expect(await h.value('amas_exporter_log_lines_total', { source: 'audit' })).toBe(5);
    await h.close();
  });
});

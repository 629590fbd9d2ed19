import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { exportAuditLogsCommand } from '../../src/cli/export-audit-logs';
import { KeyedHasher } from '../../src/logs/ip-hash';
import { GARBAGE, makeEntries, withGarbage, writeConfig, writeFamily, type FixtureEntry } from './helpers/audit-fixture';
import { runCommand } from './helpers/run-command';

const START = Date.UTC(2025, 9, 1);
const hasher = new KeyedHasher(Buffer.from('fixture-hash-key', 'utf8'));
let dir: string;
let config: string;
let entries: FixtureEntry[];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'amas-export-'));
  // 600 entries over ~100 minutes of 2025-10-01, plus the same again on 2025-10-03.
  entries = [...makeEntries(600, START), ...makeEntries(300, START + 2 * 86_400_000, 10_000, 11)];
  writeFamily(path.join(dir, 'audit.log'), withGarbage(entries), 40_000, [3, 5]);
  config = path.join(dir, 'exporter.yaml');
  writeConfig(config, path.join(dir, 'audit.log'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const parseJsonl = (text: string): Array<Record<string, unknown>> => text.trim().split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
const sortedTimes = (list: readonly FixtureEntry[]): number[] => list.map((entry) => entry.time).sort((a, b) => a - b);

describe('export-audit-logs reads the whole rotation family of a source', () => {
  it('exports every entry of every member, gzipped ones too, in time order, with ip_hash instead of the address', async () => {
    const run = await runCommand(exportAuditLogsCommand, config, {});
    expect(run.code).toBe(0);
    const exported = parseJsonl(run.stdout);
    expect(exported).toHaveLength(entries.length);
    expect(exported.map((entry) => Date.parse(entry.timestamp as string))).toEqual(sortedTimes(entries));
    const byId = new Map(entries.map((entry) => [JSON.parse(entry.line).event_id as string, entry]));
    for (const entry of exported) {
      const truth = byId.get(entry.event_id as string) as FixtureEntry;
      expect(entry.ip_address).toBeUndefined();
      expect(entry.ip_hash).toBe(hasher.hashIp(truth.ip));
      expect(entry.user_id).toBe(truth.user);
    }
    expect(run.stdout).not.toMatch(/10\.0\.\d\.\d+/);
    // Non-ASCII text survives, whether the log escaped it or wrote raw UTF-8.
    expect(exported.some((entry) => entry.user_id === '用户七')).toBe(true);
    expect(exported.filter((entry) => entry.event_type === 'security_violation').every((entry) => (entry.details as { description: string }).description === 'Zugriff verweigert — 拒绝访问')).toBe(true);
  });

  it('counts garbage, the 10 MB line and lines without a timestamp on stderr, and is not stopped by them', async () => {
    const run = await runCommand(exportAuditLogsCommand, config, { json: true, output: path.join(dir, 'all.jsonl') });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const summary = JSON.parse(run.stderr.trim().split('\n').pop() as string);
    expect(summary.exported).toBe(entries.length);
    expect(summary.skipped).toMatchObject({ invalid_json: GARBAGE.invalid.length, no_timestamp: GARBAGE.noTimestamp.length, too_long: 1 });
    expect(summary.compressed_files).toBe(2);
    expect(summary.files).toBeGreaterThan(5);
    expect(parseJsonl(readFileSync(path.join(dir, 'all.jsonl'), 'utf8'))).toHaveLength(entries.length);
  });

  it('keeps only the asked days, event types and users', async () => {
    const run = await runCommand(exportAuditLogsCommand, config, { 'start-date': '2025-10-03', 'end-date': '2025-10-03', 'event-type': 'security_violation', user: 'jürgen,bob' });
    const want = entries.filter((entry) => entry.time >= START + 2 * 86_400_000 && entry.eventType === 'security_violation' && ['jürgen', 'bob'].includes(entry.user));
    expect(want.length).toBeGreaterThan(5);
    expect(parseJsonl(run.stdout).map((entry) => entry.event_id)).toEqual(want.sort((a, b) => a.time - b.time).map((entry) => JSON.parse(entry.line).event_id));
  });

  it('writes RFC 4180 CSV, with raw addresses only when --raw-ip is given', async () => {
    const hashed = await runCommand(exportAuditLogsCommand, config, { format: 'csv', 'end-date': '2025-10-01' });
    const rows = hashed.stdout.split('\r\n').filter((row) => row !== '');
    expect(rows[0]).toMatch(/^timestamp,event_id,event_type,status,action,user_id,user_email,ip_hash,/);
    expect(rows).toHaveLength(1 + 600);
    expect(rows[1]).toContain(`,${hasher.hashIp(entries.slice(0, 600).sort((a, b) => a.time - b.time)[0]?.ip as string)},`);
    const raw = await runCommand(exportAuditLogsCommand, config, { format: 'csv', 'end-date': '2025-10-01', 'raw-ip': true });
    expect(raw.stdout.split('\r\n')[0]).toContain(',ip_address,');
    expect(raw.stdout).toMatch(/,10\.0\.\d\.\d+,/);
  });

  it('draws a progress bar on a terminal only', async () => {
    const tty = await runCommand(exportAuditLogsCommand, config, { output: path.join(dir, 'tty.jsonl') }, { isTty: true });
    expect(tty.stderr).toMatch(/\r\[[#.]{24}\]/);
    const piped = await runCommand(exportAuditLogsCommand, config, { output: path.join(dir, 'piped.jsonl') });
    expect(piped.stderr).not.toContain('\r');
  });

  it('reports a member it cannot read to the end (a cut .gz) with exit 1, exporting the rest', async () => {
    const cut = mkdtempSync(path.join(tmpdir(), 'amas-export-cut-'));
    try {
      const some = makeEntries(200, START);
      writeFileSync(path.join(cut, 'audit.log'), `${some.slice(100).map((entry) => entry.line).join('\n')}\n`);
      const gz = gzipSync(`${some.slice(0, 100).map((entry) => entry.line).join('\n')}\n`);
      writeFileSync(path.join(cut, 'audit.log.1.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
      writeConfig(path.join(cut, 'c.yaml'), path.join(cut, 'audit.log'));
      const run = await runCommand(exportAuditLogsCommand, path.join(cut, 'c.yaml'), {});
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/not read to the end: .*audit\.log\.1\.gz/);
      expect(parseJsonl(run.stdout).length).toBeGreaterThanOrEqual(100);
    } finally {
      rmSync(cut, { recursive: true, force: true });
    }
  });

  it('refuses a malformed date (64) and an unusable config (2)', async () => {
    expect((await runCommand(exportAuditLogsCommand, config, { 'start-date': '2025-13-01' })).code).toBe(64);
    expect((await runCommand(exportAuditLogsCommand, config, { format: 'xml' })).code).toBe(64);
    expect((await runCommand(exportAuditLogsCommand, path.join(dir, 'missing.yaml'), {})).code).toBe(2);
  });
});

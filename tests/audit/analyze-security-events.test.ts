import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyzeSecurityEventsCommand } from '../../src/cli/analyze-security-events';
import { KeyedHasher } from '../../src/logs/ip-hash';
import { makeEntries, withGarbage, writeConfig, writeFamily, type FixtureEntry } from './helpers/audit-fixture';
import { runCommand } from './helpers/run-command';

const HOUR = 3_600_000;
const START = Date.UTC(2025, 9, 1);
const hasher = new KeyedHasher(Buffer.from('fixture-hash-key', 'utf8'));
let dir: string;
let config: string;
let entries: FixtureEntry[];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'amas-security-'));
  // Day one: one entry a minute for 24 h; day two: one every 30 s, so the change is visible.
  entries = [...makeEntries(1440, START, 60_000, 3), ...makeEntries(2880, START + 24 * HOUR, 30_000, 5)];
  writeFamily(path.join(dir, 'audit.log'), withGarbage(entries), 200_000, [2, 4, 6]);
  config = path.join(dir, 'exporter.yaml');
  writeConfig(config, path.join(dir, 'audit.log'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rank = ['low', 'medium', 'high', 'critical'];
const count = (list: readonly FixtureEntry[], key: (entry: FixtureEntry) => string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const entry of list) out[key(entry)] = (out[key(entry)] ?? 0) + 1;
  return out;
};

describe('analyze-security-events', () => {
  const day2 = { since: '2025-10-02', until: '2025-10-02' };
  const inDay = (entry: FixtureEntry, day: number): boolean => entry.eventType === 'security_violation' && entry.time >= START + day * 24 * HOUR && entry.time < START + (day + 1) * 24 * HOUR;

  it('totals the period by severity and type, against the period of the same length before it', async () => {
    const run = await runCommand(analyzeSecurityEventsCommand, config, { ...day2, json: true });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    const current = entries.filter((entry) => inDay(entry, 1));
    const previous = entries.filter((entry) => inDay(entry, 0));
    expect(report.total).toBe(current.length);
    expect(report.by_severity).toEqual(count(current, (entry) => entry.severity as string));
    expect(report.by_type).toEqual(count(current, (entry) => entry.violation as string));
    expect(report.change.total).toEqual({ current: current.length, previous: previous.length, delta: current.length - previous.length, percent: Math.round(((current.length - previous.length) / previous.length) * 1000) / 10 });
    const times = current.map((entry) => entry.time).sort((a, b) => a - b);
    expect(report.first_seen).toBe(new Date(times[0] as number).toISOString());
    expect(report.last_seen).toBe(new Date(times.at(-1) as number).toISOString());
    // A day is shown in hours; the buckets add up to the total.
    expect(report.histogram.step_seconds).toBe(3600);
    expect(report.histogram.buckets).toHaveLength(24);
    expect(report.histogram.buckets.reduce((sum: number, bucket: { count: number }) => sum + bucket.count, 0)).toBe(current.length);
    expect(report.read.skipped).toMatchObject({ invalid_json: 4, no_timestamp: 2, too_long: 1 });
  });

  it('lists the top address hashes, endpoints and users, never a raw address', async () => {
    const run = await runCommand(analyzeSecurityEventsCommand, config, { ...day2, json: true, top: '3' });
    const report = JSON.parse(run.stdout);
    const current = entries.filter((entry) => inDay(entry, 1));
    const top = (counts: Record<string, number>) => Object.entries(counts).map(([value, n]) => ({ value, count: n })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)).slice(0, 3);
    expect(report.top.ip_hashes).toEqual(top(count(current, (entry) => hasher.hashIp(entry.ip))));
    expect(report.top.users).toEqual(top(count(current, (entry) => entry.user)));
    expect(report.top.endpoints).toEqual(top(count(current, () => '/api/v1/agents/{id}')));
    expect(run.stdout).not.toMatch(/10\.0\.\d/);
  });

  it('keeps severities at or above --severity', async () => {
    const run = await runCommand(analyzeSecurityEventsCommand, config, { ...day2, severity: 'high', json: true });
    const report = JSON.parse(run.stdout);
    const current = entries.filter((entry) => inDay(entry, 1) && rank.indexOf(entry.severity as string) >= 2);
    expect(report.total).toBe(current.length);
    expect(Object.keys(report.by_severity).sort()).toEqual(['critical', 'high']);
  });

  it('--last-24h ends now; a table on a terminal', async () => {
    const now = Date.now();
    const recent = mkdtempSync(path.join(tmpdir(), 'amas-security-now-'));
    try {
      const live = makeEntries(600, now - 20 * HOUR, 60_000, 9).filter((entry) => entry.time < now);
      writeFamily(path.join(recent, 'audit.log'), live.map((entry) => entry.line), 50_000, [1]);
      writeConfig(path.join(recent, 'c.yaml'), path.join(recent, 'audit.log'));
      const run = await runCommand(analyzeSecurityEventsCommand, path.join(recent, 'c.yaml'), { 'last-24h': true, severity: 'critical' }, { isTty: true });
      expect(run.code).toBe(0);
      const critical = live.filter((entry) => entry.severity === 'critical').length;
      expect(critical).toBeGreaterThan(0);
      expect(run.stdout).toMatch(new RegExp(`^total ${critical} \\(previous period: 0, change \\+${critical}\\)`, 'm'));
      expect(run.stdout).toMatch(/^severity\s+events\s+previous\s+change\n\s*critical\s+\d+\s+0\s+\+\d+/m);
    } finally {
      rmSync(recent, { recursive: true, force: true });
    }
  });

  it('refuses contradictory or malformed ranges and levels with 64', async () => {
    expect((await runCommand(analyzeSecurityEventsCommand, config, { since: '2025-10-02', 'last-7d': true })).code).toBe(64);
    expect((await runCommand(analyzeSecurityEventsCommand, config, { severity: 'urgent' })).code).toBe(64);
    expect((await runCommand(analyzeSecurityEventsCommand, config, { last: 'soon' })).code).toBe(64);
  });
});

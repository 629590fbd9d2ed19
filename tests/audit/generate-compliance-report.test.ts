import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateComplianceReportCommand } from '../../src/cli/generate-compliance-report';
import { startBackfilledPrometheus, type BackfilledPrometheus } from '../slo/helpers/backfilled-prometheus';
import { makeEntries, withGarbage, writeConfig, writeFamily, type FixtureEntry } from './helpers/audit-fixture';
import { runCommand } from './helpers/run-command';

const DAY = 86_400_000;
const START = Date.UTC(2025, 9, 1);
let dir: string;
let config: string;
let entries: FixtureEntry[];

/** The figures the report must show, from the generated entries of 2025-10-01 .. 2025-10-03. */
function truth() {
  const logins = entries.filter((entry) => entry.path === '/api/v1/auth/login');
  const security = entries.filter((entry) => entry.eventType === 'security_violation');
  const bySeverity: Record<string, number> = {};
  for (const entry of security) bySeverity[entry.severity as string] = (bySeverity[entry.severity as string] ?? 0) + 1;
  return {
    attempts: logins.length,
    failures: logins.filter((entry) => entry.status === 401).length,
    security: security.length,
    bySeverity,
    systemEvents: entries.filter((entry) => entry.eventType === 'system_event').length,
    rateLimited: entries.filter((entry) => entry.status === 429).length,
  };
}

const verdictLine = (time: number, provider: string, validated: boolean): string =>
  JSON.stringify({ timestamp: new Date(time).toISOString(), level: 'INFO', message: 'analysis done', bulletproof: { provider, validated, fake_ai_detected: !validated, response_time: 1.2 } });

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'amas-compliance-'));
  entries = [...makeEntries(2000, START, 60_000, 21), ...makeEntries(1000, START + DAY + 3_600_000, 90_000, 22)];
  const verdicts = [verdictLine(START + 1000, 'cerebras', true), verdictLine(START + 2000, 'cerebras', false), verdictLine(START + 3000, 'groq2', true)];
  writeFamily(path.join(dir, 'audit.log'), [...withGarbage(entries), ...verdicts], 120_000, [2, 3]);
  config = path.join(dir, 'exporter.yaml');
  writeConfig(config, path.join(dir, 'audit.log'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const period = { period: '3d', until: '2025-10-03' };
const n = (value: number): string => value.toLocaleString('en-US');

describe('generate-compliance-report from the audit logs', () => {
  it('md: authentication, security events by severity, audit entries by action and rate limits, with charts', async () => {
    const output = path.join(dir, 'report.md');
    const run = await runCommand(generateComplianceReportCommand, config, { ...period, format: 'md', output });
    expect(run.code).toBe(0);
    const text = readFileSync(output, 'utf8');
    const t = truth();
    expect(text).toContain(`| Authentication attempts | ${n(t.attempts)} |`);
    expect(text).toContain(`| Authentication failures | ${n(t.failures)} |`);
    expect(text).toContain(`| invalid_credentials | ${n(t.failures)} |`);
    expect(text).toContain(`| Security events | ${n(t.security)} |`);
    for (const [severity, count] of Object.entries(t.bySeverity)) expect(text).toContain(`| ${severity} | ${n(count)} |`);
    expect(text).toContain(`| system_event | ${n(t.systemEvents)} |`);
    expect(text).toContain(`| Rate-limit events | ${n(t.rateLimited)} |`);
    expect(text).toMatch(/\*\*Security events\*\* \(per day\)\n\n```text\n2025-10-01 +█+ \d+\n2025-10-02 +█+ \d+\n2025-10-03 /);
    // Without Prometheus, verdicts come from the logs' bulletproof blocks.
    expect(text).toContain('| cerebras | 2 | 1 | 1 |');
    expect(text).toContain('| groq2 | 1 | 1 | 0 |');
    expect(run.stderr).toMatch(/skipped lines: 7 /);
  });

  it('html: one self-contained page with SVG charts', async () => {
    const output = path.join(dir, 'report.html');
    expect((await runCommand(generateComplianceReportCommand, config, { ...period, format: 'html', output })).code).toBe(0);
    const html = readFileSync(output, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain(`<td>Security events</td><td class="n">${n(truth().security)}</td>`);
    expect(html.match(/<svg /g)?.length).toBe(3);
    expect(html).not.toMatch(/<script|src="http/);
  });

  it('pdf: poppler renders it and its text holds the numbers the report was built from', async () => {
    const output = path.join(dir, 'report.pdf');
    const run = await runCommand(generateComplianceReportCommand, config, { ...period, format: 'pdf', output, json: true });
    expect(run.code).toBe(0);
    expect(readFileSync(output).subarray(0, 5).toString()).toBe('%PDF-');
    const figures = JSON.parse(run.stdout);
    const t = truth();
    expect(figures.families.amas_auth_attempts_total.total).toBe(t.attempts);
    const text = spawnSync('pdftotext', ['-layout', output, '-'], { encoding: 'utf8' });
    expect(text.status).toBe(0);
    const flat = text.stdout.replace(/[ \t]+/g, ' ');
    expect(flat).toContain(`Authentication attempts ${n(t.attempts)}`);
    expect(flat).toContain(`Authentication failures ${n(t.failures)}`);
    expect(flat).toContain(`Security events ${n(t.security)}`);
    expect(flat).toContain(`critical ${n(t.bySeverity.critical as number)}`);
    expect(flat).toContain(`Rate-limit events ${n(t.rateLimited)}`);
    const pages = path.join(dir, 'pages');
    const render = spawnSync('pdftoppm', ['-png', '-r', '40', output, pages], { encoding: 'utf8' });
    expect(render.status).toBe(0);
    const images = readdirSync(dir).filter((name) => name.startsWith('pages') && name.endsWith('.png'));
    expect(images.length).toBeGreaterThanOrEqual(1);
    expect(statSync(path.join(dir, images[0] as string)).size).toBeGreaterThan(1000);
  });

  it('refuses a bad format or period (64) and an unreachable Prometheus (2) without printing its password', async () => {
    expect((await runCommand(generateComplianceReportCommand, config, { format: 'docx' })).code).toBe(64);
    expect((await runCommand(generateComplianceReportCommand, config, { period: 'forever' })).code).toBe(64);
    const run = await runCommand(generateComplianceReportCommand, config, { ...period, format: 'md', output: path.join(dir, 'x.md'), 'prometheus-url': 'http://auditor:s3cret-pw@127.0.0.1:1' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot read Prometheus at http:\/\/127\.0\.0\.1:1/);
    expect(run.stderr).not.toContain('s3cret-pw');
  });
});

describe('generate-compliance-report with --prometheus-url', () => {
  const STEP = 60;
  const N = 1440 + 120;
  let prometheus: BackfilledPrometheus;
  beforeAll(async () => {
    const labels = { job: 'amas-ai-providers', instance: 'amas:8001' };
    prometheus = await startBackfilledPrometheus(
      [
        { name: 'amas_provider_health', labels: { ...labels, provider: 'alpha', status: 'healthy' }, value: () => 1 },
        // beta is down for the last 10 % of the day.
        { name: 'amas_provider_health', labels: { ...labels, provider: 'beta', status: 'healthy' }, value: (i) => (i >= N - 144 ? 0 : 1) },
        { name: 'amas_provider_fake_ai_detected_total', labels: { ...labels, provider: 'gamma', reason: 'canned_phrase' }, value: (i) => i / 60 },
        { name: 'amas_bulletproof_validations_total', labels: { ...labels, result: 'validated' }, value: (i) => i },
        { name: 'amas_bulletproof_validations_total', labels: { ...labels, result: 'fake_ai_detected' }, value: (i) => i / 60 },
      ],
      N,
      STEP,
    );
  }, 120_000);
  afterAll(() => prometheus?.close());

  it('reports provider availability and fake-AI verdicts over the period as Prometheus holds them', async () => {
    const output = path.join(dir, 'prom.pdf');
    const until = new Date(prometheus.lastSample * 1000).toISOString();
    const run = await runCommand(generateComplianceReportCommand, config, { period: '1d', until, format: 'pdf', output, 'prometheus-url': prometheus.url });
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    const flat = spawnSync('pdftotext', ['-layout', output, '-'], { encoding: 'utf8' }).stdout.replace(/[ \t]+/g, ' ');
    expect(flat).toContain('alpha 100.00 %');
    // 144 of the 1440 one-minute points are down; the subquery holds both ends of the day (1441 points).
    expect(flat).toMatch(/beta 90\.0[01] %/);
    expect(flat).toContain('gamma canned_phrase 24');
    expect(flat).toContain('validated 1,440');
    expect(flat).toContain('fake_ai_detected 24');
  });
});
